"""In-memory EventLog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec

from rooms.core.eventlog import HISTORY_KINDS
from rooms.core.events import EventBody, Redacted, RoomEvent, kind_of


class MemoryEventLog:
    def __init__(self) -> None:
        self._rooms: dict[str, list[RoomEvent]] = {}
        self._keys: dict[tuple[str, int, str], int] = {}  # (room, sender, key) -> seq

    async def append(
        self, entries: Sequence[tuple[str, EventBody]], sender: int, key: str | None, now: dt.datetime
    ) -> list[tuple[RoomEvent, bool]]:
        if key is not None:
            seen = [self._keys.get((room, sender, key)) for room, _ in entries]
            if all(s is not None for s in seen):
                return [(self._rooms[room][s - 1], False) for (room, _), s in zip(entries, seen, strict=True)
                        if s is not None]
        out: list[tuple[RoomEvent, bool]] = []
        for room, body in entries:
            log = self._rooms.setdefault(room, [])
            event = RoomEvent(room=room, seq=len(log) + 1, at=now, body=body)
            log.append(event)
            if key is not None:
                self._keys[(room, sender, key)] = event.seq
            out.append((event, True))
        return out

    async def since(self, room: str, after_seq: int, limit: int) -> list[RoomEvent]:
        return self._rooms.get(room, [])[max(after_seq, 0):][:limit]

    async def recent(self, room: str, limit: int) -> list[RoomEvent]:
        kept = [e for e in self._rooms.get(room, []) if not e.removed and kind_of(e.body) in HISTORY_KINDS]
        return kept[-limit:] if limit > 0 else []

    async def latest(self, room: str, kind: str) -> RoomEvent | None:
        for event in reversed(self._rooms.get(room, [])):
            if kind_of(event.body) == kind and not event.removed:
                return event
        return None

    async def last_seq(self, room: str) -> int:
        return len(self._rooms.get(room, []))

    async def last_seqs(self, rooms: Sequence[str]) -> dict[str, int]:
        return {room: len(self._rooms.get(room, [])) for room in rooms}

    async def get_event(self, room: str, seq: int) -> RoomEvent | None:
        log = self._rooms.get(room, [])
        return log[seq - 1] if 1 <= seq <= len(log) else None

    async def mark_removed(self, room: str, seq: int) -> bool:
        event = await self.get_event(room, seq)
        if event is None or event.removed or kind_of(event.body) not in ("chat", "announcement"):
            return False
        # Redacted in place: no copy of the text is left for a later read to find.
        self._rooms[room][seq - 1] = msgspec.structs.replace(event, body=Redacted(), removed=True)
        return True
