"""Matchmaking records (docs/matchmaking.md): rules, slots, meeting requests, meetings, notes and leads.

Pure data; the use cases are in rooms/matchmaking_service.py, storage behind rooms/ports_meetings.py.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import msgspec

from rooms.people import Side
from rooms.profile import OrgType


class WhoMayRequest(enum.StrEnum):
    OTHER_SIDE = "other-side"  # delegation ↔ partner only
    ANYONE = "anyone"


class MatchmakingRules(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    meeting_minutes: Annotated[int, msgspec.Meta(ge=10, le=60)] = 20
    break_minutes: Annotated[int, msgspec.Meta(ge=0, le=30)] = 5
    who_may_request: WhoMayRequest = WhoMayRequest.OTHER_SIDE
    max_meetings: Annotated[int, msgspec.Meta(ge=1, le=100)] = 30
    organiser_booking: bool = False
    delegation_timezone: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] = "Europe/Amsterdam"
    no_show_minutes: Annotated[int, msgspec.Meta(ge=1, le=30)] = 5


class Card(msgspec.Struct, frozen=True):
    """Who someone is, as a meeting or request shows them."""

    user_id: int
    name: str
    organisation: str
    org_type: OrgType
    side: Side | None
    country: str


class Slot(msgspec.Struct, frozen=True):
    item_id: int
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COUNTERED = "countered"
    CANCELLED = "cancelled"


class MeetingRequest(msgspec.Struct, frozen=True):
    id: int
    mission_id: int
    from_user: int
    to_user: int
    message: str
    slots: list[dt.datetime]  # proposed slot starts, UTC
    status: RequestStatus
    reason: str | None
    meeting_id: int | None
    created_at: dt.datetime
    answered_at: dt.datetime | None
    counter_of: int | None


class MeetingStatus(enum.StrEnum):
    BOOKED = "booked"
    HELD = "held"  # both were connected at some point
    NO_SHOW = "no-show"
    CANCELLED = "cancelled"


class Meeting(msgspec.Struct, frozen=True):
    id: int
    mission_id: int
    a: int  # the requester (or the first person an organiser booked)
    b: int
    item_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: MeetingStatus
    booked_by: int
    request_id: int | None
    created_at: dt.datetime
    a_seconds: int = 0
    b_seconds: int = 0
    both_seconds: int = 0

    def members(self) -> tuple[int, int]:
        return (self.a, self.b)

    def other(self, user_id: int) -> int:
        return self.b if user_id == self.a else self.a


class MeetingNotes(msgspec.Struct, frozen=True):
    meeting_id: int
    user_id: int
    notes: str
    rating: int | None
    updated_at: dt.datetime


class LeadSource(enum.StrEnum):
    MEETING = "meeting"
    LOUNGE = "lounge"


class Lead(msgspec.Struct, frozen=True):
    id: int
    mission_id: int
    owner: int
    person: int
    source: LeadSource
    meeting_id: int | None
    created_at: dt.datetime
