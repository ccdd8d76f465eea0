"""The in-memory Broker: one process, no network. The default when no Redis is configured."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from rooms.core.broker import GAP, Gap


class Feed:
    """One subscriber's bounded queue, filled by the broker and drained by the consumer. When full it drops its
    oldest payload and yields GAP next (at most once: the consumer refills from the log). The Redis broker's local
    subscribers are Feeds too."""

    __slots__ = ("_items", "_limit", "_lost", "_wake", "closed")

    def __init__(self, limit: int) -> None:
        self._items: deque[bytes] = deque()
        self._limit = limit
        self._lost = False  # yield GAP before anything else
        self._wake = asyncio.Event()
        self.closed = False

    def push(self, payload: bytes) -> None:
        if len(self._items) >= self._limit:
            self._items.popleft()
            self._lost = True
        self._items.append(payload)
        self._wake.set()

    def mark_lost(self) -> None:
        self._lost = True
        self._wake.set()

    def end(self) -> None:
        self.closed = True
        self._wake.set()

    def __aiter__(self) -> Feed:
        return self

    async def __anext__(self) -> bytes | Gap:
        while True:
            if self.closed:
                raise StopAsyncIteration
            if self._lost:
                # Ahead of what is still queued: the refill covers those too (the consumer drops duplicates).
                self._lost = False
                return GAP
            if self._items:
                return self._items.popleft()
            self._wake.clear()
            await self._wake.wait()


class MemoryBroker:
    def __init__(self, queue_size: int = 10_000) -> None:
        self._topics: dict[str, set[Feed]] = {}
        self._queue_size = queue_size

    async def publish(self, topic: str, payload: bytes) -> None:
        for feed in self._topics.get(topic, ()):
            feed.push(payload)

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[bytes | Gap]]:
        feed = Feed(self._queue_size)
        self._topics.setdefault(topic, set()).add(feed)
        try:
            yield feed
        finally:
            subscribers = self._topics.get(topic)
            if subscribers is not None:
                subscribers.discard(feed)
                if not subscribers:
                    del self._topics[topic]

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._topics.clear()
