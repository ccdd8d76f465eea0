"""The Presence port: who is in which room right now.

Guarantees (tests/contract/test_presence_contract.py):
- entries are per connection; `members` lists each person once (their most recent entry), however many tabs;
- `enter` and `leave` say whether the *person* appeared or disappeared, so exactly one join and one leave
  event is published per person, even across nodes;
- an entry not refreshed for `ttl` seconds expires; `expire` removes expired entries and returns the people
  who thereby left (each exactly once, whichever node calls it).
"""

from __future__ import annotations

import enum
from typing import Protocol

import msgspec

from rooms.core.cards import PersonCard


class Status(enum.StrEnum):
    AVAILABLE = "available"
    IN_MEETING = "in-meeting"
    DO_NOT_DISTURB = "do-not-disturb"
    INVISIBLE = "invisible"  # present, but not listed to others


class PresenceEntry(PersonCard, frozen=True):
    status: Status = Status.AVAILABLE
    sectors: list[str] = msgspec.field(default_factory=list)  # what a lounge filters people standing around by


class Presence(Protocol):
    async def enter(self, room: str, conn_id: str, entry: PresenceEntry, ttl: float) -> bool:
        """Records a connection in a room; True when the person was not present before."""
        ...

    async def leave(self, room: str, conn_id: str) -> PresenceEntry | None:
        """Removes a connection; returns the person's entry when this was their last connection there."""
        ...

    async def update(self, room: str, conn_id: str, entry: PresenceEntry, ttl: float) -> None:
        """Replaces a connection's entry (a new status) and refreshes it."""
        ...

    async def refresh(self, room: str, conn_ids: list[str], ttl: float) -> None:
        """Heartbeat: the given connections are still here."""
        ...

    async def members(self, room: str) -> list[PresenceEntry]:
        """Everyone present, once each, ordered by user id."""
        ...

    async def expire(self, room: str) -> list[PresenceEntry]:
        """Drops expired connections; returns the people who have no connection left."""
        ...

    async def close(self) -> None: ...
