"""What sign-ups and check-ins need of the store."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from rooms.signups.records import CheckIn, Signup


class SignupStore(Protocol):
    async def signups(self, item_id: int) -> list[Signup]:
        """Current members' sign-ups for the item, in the order they were written: one that commits later never
        overtakes one that committed before it."""
        ...

    async def mission_signups(self, mission_id: int) -> dict[int, list[int]]:
        """Per item of the mission with sign-ups: its current members' user ids, in sign-up order."""
        ...

    async def add_signup(self, item_id: int, user_id: int, at: dt.datetime) -> bool:
        """False when the person had signed up already (their place in the order stays)."""
        ...

    async def remove_signup(self, item_id: int, user_id: int) -> bool: ...

    async def checkins(self, item_id: int) -> list[CheckIn]:
        """Who checked in, by time (people who left the mission included: they were there)."""
        ...

    async def add_checkin(self, item_id: int, user_id: int, at: dt.datetime, by: int | None) -> bool:
        """False when the person had checked in already (the first time stays)."""
        ...

    async def checkin_counts(self, mission_id: int) -> dict[int, int]:
        """Per item of the mission: how many people checked in."""
        ...

    async def checkin_code(self, item_id: int) -> str | None: ...

    async def keep_checkin_code(self, item_id: int, code: str) -> str:
        """Stores `code` unless the item has one; returns the item's code (the first stored wins a race)."""
        ...
