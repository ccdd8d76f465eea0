"""The EventLog port in SQL: a per-room counter row hands out sequence numbers inside the appending
transaction, so sequence order is commit order (PostgreSQL locks the counter row; SQLite writers are
serialised by BEGIN IMMEDIATE)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import msgspec
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.catalog import AnyEventBody
from rooms.core.eventlog import HISTORY_KINDS
from rooms.core.events import EventBody, Redacted, RoomEvent, kind_of
from server.db.models import RoomEventRow, RoomSeqRow

LAST_SEQS_BATCH = 500  # rooms per query of `last_seqs`

_NEXT_SEQ = text(
    "INSERT INTO room_seqs (room, seq) VALUES (:room, 1) "
    "ON CONFLICT (room) DO UPDATE SET seq = room_seqs.seq + 1 RETURNING seq"
)


_REDACTED = Redacted()


class _Sessions(Protocol):
    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


def _event(row: RoomEventRow) -> RoomEvent:
    body = msgspec.json.decode(row.body, type=AnyEventBody)
    return RoomEvent(room=row.room, seq=row.seq, at=row.at, body=body, removed=row.removed)


class SqlEventLog:
    """Mixed into SqlStore, which provides the sessions."""

    async def append(
        self: _Sessions, entries: Sequence[tuple[str, EventBody]], sender: int, key: str | None, now: dt.datetime
    ) -> list[tuple[RoomEvent, bool]]:
        for attempt in (1, 2):
            try:
                return await SqlEventLog._append_once(self, entries, sender, key, now)
            except IntegrityError:
                # A concurrent retry with the same key won the race; the second pass finds its events.
                if attempt == 2 or key is None:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    async def _append_once(
        db: _Sessions, entries: Sequence[tuple[str, EventBody]], sender: int, key: str | None, now: dt.datetime
    ) -> list[tuple[RoomEvent, bool]]:
        async with db._write() as s:
            if key is not None:
                found = await keyed_events(s, [room for room, _ in entries], sender, key)
                by_room = {event.room: event for event in found}
                if all(room in by_room for room, _ in entries):
                    return [(by_room[room], False) for room, _ in entries]
            return await append_in(s, entries, sender, key, now)

    async def since(self: _Sessions, room: str, after_seq: int, limit: int) -> list[RoomEvent]:
        async with self._read() as s:
            rows = await s.execute(select(RoomEventRow).where(RoomEventRow.room == room, RoomEventRow.seq > after_seq)
                                   .order_by(RoomEventRow.seq).limit(limit))
            return [_event(r) for r in rows.scalars()]

    async def recent(self: _Sessions, room: str, limit: int) -> list[RoomEvent]:
        async with self._read() as s:
            rows = await s.execute(
                select(RoomEventRow).where(RoomEventRow.room == room, RoomEventRow.kind.in_(HISTORY_KINDS),
                                           RoomEventRow.removed.is_(False))
                .order_by(RoomEventRow.seq.desc()).limit(limit))
            return [_event(r) for r in reversed(rows.scalars().all())]

    async def latest(self: _Sessions, room: str, kind: str) -> RoomEvent | None:
        async with self._read() as s:
            row = (await s.execute(
                select(RoomEventRow).where(RoomEventRow.room == room, RoomEventRow.kind == kind,
                                           RoomEventRow.removed.is_(False))
                .order_by(RoomEventRow.seq.desc()).limit(1))).scalar_one_or_none()
            return None if row is None else _event(row)

    async def last_seq(self: _Sessions, room: str) -> int:
        async with self._read() as s:
            found = (await s.execute(text("SELECT seq FROM room_seqs WHERE room = :room"), {"room": room})).scalar()
            return int(found or 0)

    async def last_seqs(self: _Sessions, rooms: Sequence[str]) -> dict[str, int]:
        out = dict.fromkeys(rooms, 0)
        names = list(out)
        async with self._read() as s:
            # In slices, so that a node holding many rooms stays under the databases' limits on bound parameters.
            for start in range(0, len(names), LAST_SEQS_BATCH):
                rows = await s.execute(select(RoomSeqRow.room, RoomSeqRow.seq)
                                       .where(RoomSeqRow.room.in_(names[start:start + LAST_SEQS_BATCH])))
                out.update({room: int(seq) for room, seq in rows})
        return out

    async def get_event(self: _Sessions, room: str, seq: int) -> RoomEvent | None:
        async with self._read() as s:
            row = await s.get(RoomEventRow, (room, seq))
            return None if row is None else _event(row)

    async def mark_removed(self: _Sessions, room: str, seq: int) -> bool:
        async with self._write() as s:
            result = await s.execute(
                update(RoomEventRow).where(RoomEventRow.room == room, RoomEventRow.seq == seq,
                                           RoomEventRow.kind.in_(("chat", "announcement")),
                                           RoomEventRow.removed.is_(False))
                .values(removed=True, kind=kind_of(_REDACTED), body=msgspec.json.encode(_REDACTED).decode()))
            # The row is overwritten, not flagged: the author and text are gone from the table (a resume, a history
            # or another node's refill reads only the tombstone).
            return bool(getattr(result, "rowcount", 0) == 1)


async def keyed_events(s: AsyncSession, rooms: Sequence[str], sender: int, key: str) -> list[RoomEvent]:
    """The events this sender wrote with this idempotency key in any of `rooms`, in the order of `rooms`."""
    found = (await s.execute(select(RoomEventRow).where(
        RoomEventRow.room.in_(rooms), RoomEventRow.sender_id == sender, RoomEventRow.idem_key == key,
    ))).scalars().all()
    order = {room: i for i, room in reversed(list(enumerate(rooms)))}
    return [_event(row) for row in sorted(found, key=lambda row: (order[row.room], row.seq))]


async def append_in(
    s: AsyncSession, entries: Sequence[tuple[str, EventBody]], sender: int, key: str | None, now: dt.datetime
) -> list[tuple[RoomEvent, bool]]:
    """Appends inside the caller's write transaction. Only a room's first event carries the key: (room, sender,
    key) is unique, and that one event is enough to recognise a retry."""
    out: list[tuple[RoomEvent, bool]] = []
    keyed: set[str] = set()
    for room, body in entries:
        seq = (await s.execute(_NEXT_SEQ, {"room": room})).scalar_one()
        row_key = key if room not in keyed else None
        keyed.add(room)
        s.add(RoomEventRow(room=room, seq=seq, kind=kind_of(body), sender_id=sender, idem_key=row_key, at=now,
                           body=msgspec.json.encode(body).decode(), removed=False))
        out.append((RoomEvent(room=room, seq=seq, at=now, body=body), True))
    await s.flush()
    return out
