"""Group commit: commands on one aggregate that arrive while a write of it is under way go out as one write.

A webinar's aggregate is written serialised (rooms/core/aggregate.py), one durable transaction per command: 300
people arriving at once each waited for the attendance writes of everyone before them (on SQLite, in its busy
handler's sleeps). The first command of a quiet aggregate is written at once, alone; whatever arrives meanwhile is
written next, together. Each caller still returns only after the write carrying its own command is durable, and
gets only its own result.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
R = TypeVar("R")

MAX_BATCH = 200  # one write's commands: bounds the transaction (and the events it appends) under any storm


class Coalescer(Generic[K, T, R]):
    """`write(key, commands)` writes commands of one key in one go and returns one result per command, in order.
    At most one write per key runs at a time; writes of different keys run side by side."""

    def __init__(self, write: Callable[[K, Sequence[T]], Awaitable[Sequence[R]]]) -> None:
        self._write = write
        self._waiting: dict[K, list[tuple[T, asyncio.Future[R]]]] = {}
        self._writers: dict[K, asyncio.Task[None]] = {}

    async def submit(self, key: K, command: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append((command, future))
        if key not in self._writers:
            self._writers[key] = asyncio.create_task(self._drain(key), name=f"coalesced writes {key!r}")
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            # The caller gave up (its connection closed), but its command is on its way: whatever the caller
            # undoes next (a leave) must come after that write, not race it.
            with contextlib.suppress(Exception):
                await future
            raise

    async def _drain(self, key: K) -> None:
        try:
            while waiting := self._waiting.get(key):
                batch, self._waiting[key] = waiting[:MAX_BATCH], waiting[MAX_BATCH:]
                try:
                    results = await self._write(key, [command for command, _ in batch])
                    if len(results) != len(batch):
                        raise RuntimeError(f"{len(batch)} commands written, {len(results)} results")
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            del self._writers[key]
            if not self._waiting.get(key):
                self._waiting.pop(key, None)
            else:  # cancelled with commands still waiting (the node stops): they fail rather than hang
                for _, future in self._waiting.pop(key):
                    if not future.done():
                        future.cancel()


class SharedRead(Generic[K, R]):
    """Concurrent reads of one key share one query. A read asked while another is under way is answered by the
    next one, which starts after it was asked: a caller never gets a value older than its own question (it sees
    what it wrote before asking), yet a storm of 300 joins reads a webinar's item a few times, not 300."""

    def __init__(self, read: Callable[[K], Awaitable[R]]) -> None:
        self._read = read
        self._batches: Coalescer[K, None, R] = Coalescer(self._many)

    async def _many(self, key: K, asks: Sequence[None]) -> list[R]:
        value = await self._read(key)
        return [value] * len(asks)

    async def __call__(self, key: K) -> R:
        return await self._batches.submit(key, None)
