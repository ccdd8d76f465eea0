"""The in-memory Broker: one process, no network. The default when no Redis is configured."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from rooms.broker import GAP, Gap


class _Subscriber:
    """One subscription: a bounded queue that drops its oldest payload when full and then says so with GAP."""

    def __init__(self, limit: int) -> None:
        self._items: deque[bytes] = deque()
        self._limit = limit
        self._lost = False
        self._wake = asyncio.Event()

    def push(self, payload: bytes) -> None:
        if len(self._items) >= self._limit:
            # At most once: a subscriber this far behind loses events and refills them from the log.
            self._items.popleft()
            self._lost = True
        self._items.append(payload)
        self._wake.set()

    async def drain(self) -> AsyncIterator[bytes | Gap]:
        while True:
            if self._lost:
                # Ahead of what is still queued: the refill covers those too (the consumer drops duplicates).
                self._lost = False
                yield GAP
            elif self._items:
                yield self._items.popleft()
            else:
                self._wake.clear()
                await self._wake.wait()


class MemoryBroker:
    def __init__(self, queue_size: int = 10_000) -> None:
        self._topics: dict[str, set[_Subscriber]] = {}
        self._queue_size = queue_size

    async def publish(self, topic: str, payload: bytes) -> None:
        for subscriber in self._topics.get(topic, ()):
            subscriber.push(payload)

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[bytes | Gap]]:
        subscriber = _Subscriber(self._queue_size)
        self._topics.setdefault(topic, set()).add(subscriber)
        try:
            yield subscriber.drain()
        finally:
            subscribers = self._topics.get(topic)
            if subscribers is not None:
                subscribers.discard(subscriber)
                if not subscribers:
                    del self._topics[topic]

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._topics.clear()
