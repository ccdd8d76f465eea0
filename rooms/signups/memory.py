"""The SignupStore port in memory, mixed into MemoryStore."""

from __future__ import annotations

import datetime as dt
import itertools

from rooms.missions.mission import ProgrammeItem
from rooms.missions.people import Membership
from rooms.signups.records import CheckIn, Signup


class MemorySignups:
    # Provided by MemoryStore.
    _items: dict[int, ProgrammeItem]
    _memberships: dict[tuple[int, int], Membership]

    def __init__(self) -> None:
        super().__init__()
        self._signups: dict[int, dict[int, dt.datetime]] = {}  # item -> user -> when, in the order written
        self._signup_seq: dict[tuple[int, int], int] = {}
        self._next_signup_seq = itertools.count(1)
        self._checkins: dict[int, dict[int, CheckIn]] = {}
        self._checkin_codes: dict[int, str] = {}

    def _signup_order(self, item_id: int) -> list[tuple[dt.datetime, int]]:
        item = self._items.get(item_id)
        if item is None:
            return []
        # In the order written (the SQL store's `seq`); a place lapses with the membership, as its join does.
        return [(at, u) for u, at in self._signups.get(item_id, {}).items()
                if (item.mission_id, u) in self._memberships]

    async def signups(self, item_id: int) -> list[Signup]:
        return [Signup(item_id, u, at, self._signup_seq[item_id, u]) for at, u in self._signup_order(item_id)]

    async def mission_signups(self, mission_id: int) -> dict[int, list[int]]:
        out = {item_id: [u for _, u in self._signup_order(item_id)] for item_id in self._signups
               if item_id in self._items and self._items[item_id].mission_id == mission_id}
        return {k: v for k, v in out.items() if v}

    async def add_signup(self, item_id: int, user_id: int, at: dt.datetime) -> bool:
        found = self._signups.setdefault(item_id, {})
        if user_id in found:
            return False
        found[user_id] = at
        self._signup_seq[item_id, user_id] = next(self._next_signup_seq)
        return True

    async def remove_signup(self, item_id: int, user_id: int) -> bool:
        return self._signups.get(item_id, {}).pop(user_id, None) is not None

    async def checkins(self, item_id: int) -> list[CheckIn]:
        return sorted(self._checkins.get(item_id, {}).values(), key=lambda c: (c.at, c.user_id))

    async def add_checkin(self, item_id: int, user_id: int, at: dt.datetime, by: int | None) -> bool:
        found = self._checkins.setdefault(item_id, {})
        if user_id in found:
            return False
        found[user_id] = CheckIn(item_id, user_id, at, by)
        return True

    async def checkin_counts(self, mission_id: int) -> dict[int, int]:
        return {item_id: len(found) for item_id, found in self._checkins.items()
                if found and item_id in self._items and self._items[item_id].mission_id == mission_id}

    async def checkin_code(self, item_id: int) -> str | None:
        return self._checkin_codes.get(item_id)

    async def keep_checkin_code(self, item_id: int, code: str) -> str:
        return self._checkin_codes.setdefault(item_id, code)

    def _drop_signups(self, item_id: int) -> None:
        self._signups.pop(item_id, None)
        self._checkins.pop(item_id, None)
        self._checkin_codes.pop(item_id, None)
