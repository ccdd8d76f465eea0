"""The AggregateStore port: state that many people change at once (a webinar's Q&A, hands, stage, polls), kept
consistent by running every command serialised per aggregate, in the same transaction that appends the events it
produces to the room logs.

Guarantees (tests/contract/test_aggregate_contract.py, every implementation):
- `transact` calls `decide` with the aggregate's current state while no other `transact` on the same aggregate
  runs (on any node): PostgreSQL locks the aggregate's row, SQLite serialises writers (BEGIN IMMEDIATE);
- if `decide` raises, nothing is written and the exception propagates;
- otherwise the events are appended (consecutive sequence numbers per room, as EventLog.append) and the new state
  is saved, atomically and durably, before `transact` returns;
- a retry with an idempotency key this sender already used in one of `rooms` returns the stored events
  (fresh=False) without calling `decide`;
- `load` returns the state together with the last sequence number of one room, as of the same commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Protocol

import msgspec

from rooms.core.events import EventBody, RoomEvent


class Decision(msgspec.Struct, frozen=True):
    entries: list[tuple[str, EventBody]]  # (room name, event) in the order they are appended
    state: bytes  # the new state, encoded by the caller


Decide = Callable[[bytes | None], Decision]


class AggregateStore(Protocol):
    async def transact(
        self, aggregate: str, rooms: Sequence[str], sender: int, key: str | None, now: dt.datetime, decide: Decide
    ) -> list[tuple[RoomEvent, bool]]: ...

    async def load(self, aggregate: str, room: str) -> tuple[bytes | None, int]:
        """The aggregate's state (None before its first command) and `room`'s last sequence number."""
        ...
