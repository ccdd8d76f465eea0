"""No double booking (docs/matchmaking.md): the rule that decides whether two people can meet at a time, next to
the meetings they already have. The stores only gather those meetings atomically and apply it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from rooms.core.errors import Conflict
from rooms.matchmaking.records import Meeting


def busy_conflict(names: Mapping[int, str], a: int, b: int, start: dt.datetime, end: dt.datetime,
                  max_meetings: int, mission_id: int, meetings: Sequence[Meeting]) -> Conflict | None:
    """Why a meeting of a and b from start to end cannot be booked next to `meetings` (the non-cancelled ones of
    either person), or None. Every MeetingStore applies it inside its booking transaction (the memory store here,
    the SQL store under its row locks), so all refuse alike and with the same words."""
    for person in (a, b):
        mine = [m for m in meetings if person in m.members()]
        if any(m.starts_at < end and start < m.ends_at for m in mine):
            return Conflict(code="slot-taken",
                            message=f"{names.get(person, 'Someone')} already has a meeting at that time.")
        if sum(1 for m in mine if m.mission_id == mission_id) >= max_meetings:
            name = names.get(person, "Someone")
            return Conflict(code="too-many-meetings",
                            message=f"{name} already has {max_meetings} meetings in this mission.")
    return None
