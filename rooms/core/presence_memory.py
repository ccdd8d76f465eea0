"""In-memory Presence (one process).

A room keeps, besides its connections, a user → connections index (so a person's arrival or departure looks at
their own tabs only), the listed people's user ids in order (a sorted list: found by bisection, inserted with one
memmove) and running counts, so a join costs the same in a room of 10 or 10,000."""

from __future__ import annotations

import bisect
import itertools
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from rooms.core.presence import PresenceCounts, PresenceEntry, PresencePage, counts_of, listed


@dataclass
class _Conn:
    entry: PresenceEntry
    expires: float
    written: int  # write order in the room: a person is shown by their most recently written live entry


@dataclass
class _Room:
    conns: dict[str, _Conn] = field(default_factory=dict)
    tabs: dict[int, dict[str, None]] = field(default_factory=dict)  # user -> their connections here
    # user -> the entry they are counted (and, unless invisible, listed) by, for everyone announced as present;
    # a person a `leave` reported gone is no longer here, so `expire` never reports them again.
    shown: dict[int, PresenceEntry] = field(default_factory=dict)
    listed: list[int] = field(default_factory=list)  # sorted user ids of the shown entries that are listed
    counts: Counter[str] = field(default_factory=Counter)


def _buckets(entry: PresenceEntry) -> list[str]:
    out = ["total", f"org:{entry.org_type.value}"]
    if entry.side is not None:
        out.append(f"side:{entry.side.value}")
    return out


class MemoryPresence:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._rooms: dict[str, _Room] = {}
        self._clock = clock
        self._order = itertools.count(1)

    def _latest(self, room: _Room, user_id: int, now: float) -> PresenceEntry | None:
        """The person's most recently written live entry (None: no live connection)."""
        best: _Conn | None = None
        for conn_id in room.tabs.get(user_id, ()):
            c = room.conns[conn_id]
            if c.expires > now and (best is None or c.written > best.written):
                best = c
        return None if best is None else best.entry

    def _relist(self, room: _Room, user_id: int, entry: PresenceEntry | None) -> None:
        old = room.shown.pop(user_id, None)
        if old is not None and listed(old):
            room.counts.subtract(_buckets(old))
            del room.listed[bisect.bisect_left(room.listed, user_id)]
        if entry is not None:
            room.shown[user_id] = entry
            if listed(entry):
                room.counts.update(_buckets(entry))
                bisect.insort(room.listed, user_id)

    def _write(self, room: str, conn_id: str, entry: PresenceEntry, until: float) -> _Room:
        r = self._rooms.setdefault(room, _Room())
        r.conns[conn_id] = _Conn(entry, until, next(self._order))
        r.tabs.setdefault(entry.user_id, {})[conn_id] = None
        self._relist(r, entry.user_id, entry)  # the entry just written is the person's latest
        return r

    def _drop(self, r: _Room, conn_id: str) -> _Conn | None:
        c = r.conns.pop(conn_id, None)
        if c is not None:
            tabs = r.tabs[c.entry.user_id]
            del tabs[conn_id]
            if not tabs:
                del r.tabs[c.entry.user_id]
        return c

    def _forget_if_empty(self, room: str, r: _Room) -> None:
        if not r.conns:
            self._rooms.pop(room, None)

    async def enter(self, room: str, conn_id: str, entry: PresenceEntry, ttl: float) -> bool:
        now = self._clock()
        r = self._rooms.get(room)
        fresh = r is None or self._latest(r, entry.user_id, now) is None
        self._write(room, conn_id, entry, now + ttl)
        return fresh

    async def leave(self, room: str, conn_id: str) -> PresenceEntry | None:
        r = self._rooms.get(room)
        if r is None:
            return None
        gone = self._drop(r, conn_id)
        if gone is None:
            return None
        user_id = gone.entry.user_id
        latest = self._latest(r, user_id, self._clock())
        result: PresenceEntry | None = None
        if latest is not None:
            self._relist(r, user_id, latest)
        elif user_id in r.shown:
            self._relist(r, user_id, None)
            result = gone.entry
        self._forget_if_empty(room, r)
        return result

    async def update(self, room: str, conn_id: str, entry: PresenceEntry, ttl: float) -> None:
        self._write(room, conn_id, entry, self._clock() + ttl)

    async def refresh(self, room: str, conn_ids: list[str], ttl: float) -> None:
        r = self._rooms.get(room)
        if r is None:
            return
        until = self._clock() + ttl
        for conn_id in conn_ids:
            c = r.conns.get(conn_id)
            if c is not None:
                c.expires = until

    async def page(self, room: str, after: int | None, limit: int) -> PresencePage:
        r = self._rooms.get(room)
        if r is None:
            return PresencePage([], None, PresenceCounts())
        now = self._clock()
        members: list[PresenceEntry] = []
        nxt: int | None = None
        i = bisect.bisect_right(r.listed, 0 if after is None else after)
        while i < len(r.listed):
            if len(members) == limit:
                nxt = members[-1].user_id
                break
            entry = self._latest(r, r.listed[i], now)
            if entry is not None and listed(entry):
                members.append(entry)
            i += 1
        return PresencePage(members, nxt, counts_of(dict(r.counts)))

    async def members(self, room: str) -> list[PresenceEntry]:
        r = self._rooms.get(room)
        if r is None:
            return []
        now = self._clock()
        found = (self._latest(r, u, now) for u in sorted(r.tabs))
        return [e for e in found if e is not None]

    async def expire(self, room: str) -> list[PresenceEntry]:
        r = self._rooms.get(room)
        if r is None:
            return []
        now = self._clock()
        last: dict[int, _Conn] = {}  # per person, their most recently written expired entry
        for conn_id in [c for c, v in r.conns.items() if v.expires <= now]:
            gone = self._drop(r, conn_id)
            assert gone is not None
            seen = last.get(gone.entry.user_id)
            if seen is None or seen.written < gone.written:
                last[gone.entry.user_id] = gone
        left: list[PresenceEntry] = []
        for user_id, gone in last.items():
            if user_id not in r.shown:
                continue  # a `leave` reported them already
            latest = self._latest(r, user_id, now)
            self._relist(r, user_id, latest)
            if latest is None:
                left.append(gone.entry)
        self._forget_if_empty(room, r)
        return sorted(left, key=lambda e: e.user_id)

    async def close(self) -> None:
        self._rooms.clear()
