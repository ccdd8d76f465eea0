"""The AggregateStore port in SQL. The aggregate's room_states row is its lock: every command takes it first,
so commands on one aggregate run one at a time across every node, and the events they append get their
sequence numbers in that order (PostgreSQL: SELECT … FOR UPDATE; SQLite: writers already hold the database
lock from BEGIN IMMEDIATE)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from sqlalchemy import select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.core.aggregate import Decide
from rooms.core.events import RoomEvent
from server.db.engine import is_sqlite
from server.db.eventlog_sql import append_in, keyed_events
from server.db.models import RoomStateRow

# One statement, so PostgreSQL reads both from one snapshot: the state and the seq of the same commit.
_LOAD = text(
    "SELECT (SELECT state FROM room_states WHERE aggregate = :aggregate), "
    "(SELECT seq FROM room_seqs WHERE room = :room)"
)


class _Sessions(Protocol):
    url: str

    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


class SqlAggregates:
    """Mixed into SqlStore, which provides the sessions."""

    async def transact(
        self: _Sessions, aggregate: str, rooms: Sequence[str], sender: int, key: str | None, now: dt.datetime,
        decide: Decide,
    ) -> list[tuple[RoomEvent, bool]]:
        async with self._write() as s:
            state = await SqlAggregates._lock(s, aggregate, now, sqlite_db=is_sqlite(self.url))
            # Under the lock, so a retry racing its original waits for it and then finds its events.
            if key is not None and (retried := await keyed_events(s, rooms, sender, key)):
                return [(event, False) for event in retried]
            # A raising decide leaves the block by exception: the transaction, placeholder row included, rolls back.
            decision = decide(state)
            written = await append_in(s, decision.entries, sender, key, now)
            await s.execute(update(RoomStateRow).where(RoomStateRow.aggregate == aggregate)
                            .values(state=decision.state, updated_at=now))
            return written

    @staticmethod
    async def _lock(s: AsyncSession, aggregate: str, now: dt.datetime, *, sqlite_db: bool) -> bytes | None:
        """Takes the aggregate's lock and returns its state (None before its first command)."""
        values = {"aggregate": aggregate, "state": None, "updated_at": now}
        if sqlite_db:
            await s.execute(sqlite.insert(RoomStateRow).values(values).on_conflict_do_nothing())
            found = select(RoomStateRow.state).where(RoomStateRow.aggregate == aggregate)
        else:
            # A row being created by another transaction makes this insert wait for its commit (or rollback).
            await s.execute(postgresql.insert(RoomStateRow).values(values).on_conflict_do_nothing())
            found = select(RoomStateRow.state).where(RoomStateRow.aggregate == aggregate).with_for_update()
        return (await s.execute(found)).scalar_one()

    async def load(self: _Sessions, aggregate: str, room: str) -> tuple[bytes | None, int]:
        async with self._read() as s:
            state, seq = (await s.execute(_LOAD, {"aggregate": aggregate, "room": room})).one()
            return (None if state is None else bytes(state)), int(seq or 0)
