"""In-memory Presence (one process)."""

from __future__ import annotations

import time
from collections.abc import Callable

from rooms.core.presence import PresenceEntry


class MemoryPresence:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        # room -> conn_id -> (entry, expires at)
        self._rooms: dict[str, dict[str, tuple[PresenceEntry, float]]] = {}
        self._clock = clock

    def _present(self, room: str, user_id: int, now: float, skip: str | None = None) -> bool:
        return any(e.user_id == user_id and exp > now and c != skip
                   for c, (e, exp) in self._rooms.get(room, {}).items())

    def _write(self, room: str, conn_id: str, entry: PresenceEntry, until: float) -> None:
        conns = self._rooms.setdefault(room, {})
        # Re-inserted at the end: dict order is write order, and `members` shows a person's last-written entry.
        conns.pop(conn_id, None)
        conns[conn_id] = (entry, until)

    async def enter(self, room: str, conn_id: str, entry: PresenceEntry, ttl: float) -> bool:
        now = self._clock()
        fresh = not self._present(room, entry.user_id, now)
        self._write(room, conn_id, entry, now + ttl)
        return fresh

    async def leave(self, room: str, conn_id: str) -> PresenceEntry | None:
        conns = self._rooms.get(room, {})
        found = conns.pop(conn_id, None)
        if not conns:
            self._rooms.pop(room, None)
        if found is None:
            return None
        entry = found[0]
        return None if self._present(room, entry.user_id, self._clock()) else entry

    async def update(self, room: str, conn_id: str, entry: PresenceEntry, ttl: float) -> None:
        self._write(room, conn_id, entry, self._clock() + ttl)

    async def refresh(self, room: str, conn_ids: list[str], ttl: float) -> None:
        conns = self._rooms.get(room, {})
        until = self._clock() + ttl
        for conn_id in conn_ids:
            if conn_id in conns:
                conns[conn_id] = (conns[conn_id][0], until)

    async def members(self, room: str) -> list[PresenceEntry]:
        now = self._clock()
        latest: dict[int, PresenceEntry] = {}
        for entry, expires in self._rooms.get(room, {}).values():
            if expires > now:
                latest[entry.user_id] = entry
        return [latest[u] for u in sorted(latest)]

    async def expire(self, room: str) -> list[PresenceEntry]:
        now = self._clock()
        conns = self._rooms.get(room, {})
        gone = [c for c, (_, exp) in conns.items() if exp <= now]
        left: dict[int, PresenceEntry] = {}
        for conn_id in gone:
            entry, _ = conns.pop(conn_id)
            if not self._present(room, entry.user_id, now):
                left[entry.user_id] = entry
        if not conns:
            self._rooms.pop(room, None)
        return [left[u] for u in sorted(left)]

    async def close(self) -> None:
        self._rooms.clear()
