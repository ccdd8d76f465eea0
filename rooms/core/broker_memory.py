"""The in-memory Broker: one process, no network. The default when no Redis is configured."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class MemoryBroker:
    def __init__(self, queue_size: int = 10_000) -> None:
        self._topics: dict[str, set[asyncio.Queue[bytes]]] = defaultdict(set)
        self._queue_size = queue_size

    async def publish(self, topic: str, payload: bytes) -> None:
        for queue in self._topics.get(topic, ()):
            if queue.full():
                # At most once: a subscriber this far behind loses events and refills them from the log.
                queue.get_nowait()
            queue.put_nowait(payload)

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[bytes]]:
        queue: asyncio.Queue[bytes] = asyncio.Queue(self._queue_size)
        self._topics[topic].add(queue)
        try:
            yield _drain(queue)
        finally:
            subscribers = self._topics.get(topic)
            if subscribers is not None:
                subscribers.discard(queue)
                if not subscribers:
                    del self._topics[topic]

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._topics.clear()


async def _drain(queue: asyncio.Queue[bytes]) -> AsyncIterator[bytes]:
    while True:
        yield await queue.get()
