"""The AggregateStore port in memory, on top of the memory event log."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from rooms.core.aggregate import Decide
from rooms.core.eventlog_memory import MemoryEventLog
from rooms.core.events import RoomEvent


class MemoryAggregates(MemoryEventLog):
    """Aggregate states beside the event log they append to.

    `decide` is synchronous, so no other task could interleave anyway; the lock per aggregate keeps the
    guarantee explicit should a future step inside `transact` await."""

    def __init__(self) -> None:
        super().__init__()
        self._states: dict[str, bytes] = {}
        self._aggregate_locks: dict[str, asyncio.Lock] = {}

    async def transact(
        self, aggregate: str, rooms: Sequence[str], sender: int, key: str | None, now: dt.datetime, decide: Decide
    ) -> list[tuple[RoomEvent, bool]]:
        lock = self._aggregate_locks.setdefault(aggregate, asyncio.Lock())
        async with lock:
            if key is not None and (retried := self._keyed(rooms, sender, key)):
                return [(event, False) for event in retried]
            decision = decide(self._states.get(aggregate))
            written = await self.append(decision.entries, sender, None, now)
            if key is not None:
                # Only a room's first event carries the key, as in SQL, where (room, sender, key) is unique.
                for event, _ in written:
                    self._keys.setdefault((event.room, sender, key), event.seq)
            self._states[aggregate] = decision.state
            return written

    def _keyed(self, rooms: Sequence[str], sender: int, key: str) -> list[RoomEvent]:
        seqs = ((room, self._keys.get((room, sender, key))) for room in dict.fromkeys(rooms))
        return [self._rooms[room][seq - 1] for room, seq in seqs if seq is not None]

    async def load(self, aggregate: str, room: str) -> tuple[bytes | None, int]:
        return self._states.get(aggregate), len(self._rooms.get(room, []))
