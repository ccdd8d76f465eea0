"""The Presence port: who is in which room right now.

Guarantees (tests/contract/test_presence_contract.py):
- entries are per connection; a person is listed once (their most recently written live entry), however many tabs;
- `enter` and `leave` say whether the *person* appeared or disappeared, so exactly one join and one leave
  event is published per person, even across nodes;
- an entry not refreshed for `ttl` seconds expires; `expire` removes expired entries and returns the people
  who thereby left (each exactly once, whichever node calls it, and never one a `leave` already reported);
- `enter`, `update`, `leave` and `refresh` cost O(the person's own connections), not O(the room): a room keeps a
  user → connections index, the listed people in user-id order and running counts. `page` costs O(log n + limit);
  only `members` and `expire` read more (the whole room; the expired connections).
"""

from __future__ import annotations

import enum
from typing import Protocol

import msgspec

from rooms.core.cards import PersonCard

PAGE_MAX = 100  # the most people one page lists


class Status(enum.StrEnum):
    AVAILABLE = "available"
    IN_MEETING = "in-meeting"
    DO_NOT_DISTURB = "do-not-disturb"
    INVISIBLE = "invisible"  # present, but not listed to others


class PresenceEntry(PersonCard, frozen=True):
    status: Status = Status.AVAILABLE
    sectors: list[str] = msgspec.field(default_factory=list)  # what a lounge filters people standing around by


class PresenceCounts(msgspec.Struct, frozen=True, omit_defaults=True):
    """How many people are listed (everyone present but the invisible), in all, by side and by organisation type.
    A person whose every connection expired stays counted until an `expire` retires them (one heartbeat)."""

    total: int = 0
    sides: dict[str, int] = msgspec.field(default_factory=dict)
    org_types: dict[str, int] = msgspec.field(default_factory=dict)


class PresencePage(msgspec.Struct, frozen=True):
    """Listed people with a user id above the cursor, by user id (an order no status change or rename disturbs,
    so a cursor stays valid while people come and go). `next` is the cursor of the following page; None when this
    page reaches the end."""

    members: list[PresenceEntry]
    next: int | None
    counts: PresenceCounts


def counts_of(flat: dict[str, int]) -> PresenceCounts:
    """The counts kept as `total`, `side:<side>` and `org:<type>` (here and in Redis), as the port's value."""
    sides = {k[5:]: n for k, n in flat.items() if k.startswith("side:") and n > 0}
    orgs = {k[4:]: n for k, n in flat.items() if k.startswith("org:") and n > 0}
    return PresenceCounts(total=flat.get("total", 0), sides=dict(sorted(sides.items())),
                          org_types=dict(sorted(orgs.items())))


def listed(entry: PresenceEntry) -> bool:
    return entry.status is not Status.INVISIBLE


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

    async def page(self, room: str, after: int | None, limit: int) -> PresencePage:
        """Up to `limit` (1…PAGE_MAX) listed people with a user id above `after` (None: from the start), live
        entries only, with the room's counts."""
        ...

    async def members(self, room: str) -> list[PresenceEntry]:
        """Everyone present, invisible people included, once each, ordered by user id. O(room): for small rooms
        (calls, lounges); a lobby pages."""
        ...

    async def expire(self, room: str) -> list[PresenceEntry]:
        """Drops expired connections; returns the people who have no connection left."""
        ...

    async def close(self) -> None: ...
