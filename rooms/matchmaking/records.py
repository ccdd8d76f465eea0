"""Matchmaking records (docs/matchmaking.md): rules, slots, meeting requests, meetings, notes and leads.

Pure data; the use cases are in rooms/matchmaking/service.py, storage behind rooms/matchmaking/ports.py.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import msgspec


class WhoMayRequest(enum.StrEnum):
    OTHER_SIDE = "other-side"  # delegation ↔ partner only
    ANYONE = "anyone"


class VipRequests(enum.StrEnum):
    """Who may ask a VIP (a minister, a dignitary) for a meeting; organisers may always book one for them."""

    ORGANISERS = "organisers"  # nobody asks: the organisers arrange each meeting
    DELEGATION = "delegation"  # the delegation's members may ask
    ANYONE = "anyone"  # as anyone else, under `who_may_request`


class MatchmakingRules(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    meeting_minutes: Annotated[int, msgspec.Meta(ge=10, le=60)] = 20
    break_minutes: Annotated[int, msgspec.Meta(ge=0, le=30)] = 5
    who_may_request: WhoMayRequest = WhoMayRequest.OTHER_SIDE
    max_meetings: Annotated[int, msgspec.Meta(ge=1, le=100)] = 30
    organiser_booking: bool = False
    delegation_timezone: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] = "Europe/Amsterdam"
    no_show_minutes: Annotated[int, msgspec.Meta(ge=1, le=30)] = 5
    # A meeting is held once media flowed both ways at once for this long (rooms/matchmaking/call.py).
    held_seconds: Annotated[int, msgspec.Meta(ge=5, le=1800)] = 120
    vip_requests: VipRequests = VipRequests.ORGANISERS


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
    HELD = "held"  # media flowed both ways for the mission's held_seconds: the call happened (final)
    NO_SHOW = "no-show"  # the room closed and one of them never came
    FAILED = "failed-to-connect"  # the room closed; both came, but media did not flow both ways long enough
    CANCELLED = "cancelled"


class Attendance(msgspec.Struct, frozen=True):
    """Seconds each member, and both at once, were in the meeting room."""

    a_seconds: int = 0
    b_seconds: int = 0
    both_seconds: int = 0


class SideQuality(msgspec.Struct, frozen=True):
    """How the call went for one member, from their page's reports."""

    media_seconds: int = 0  # seconds the other's media reached this member
    connect_seconds: int | None = None  # from both being in the room to the first media here; None: never
    reconnects: int = 0  # times media to this member stopped and came back


class CallQuality(msgspec.Struct, frozen=True):
    media_seconds: int = 0  # seconds media flowed both ways at once: what makes a meeting held
    a: SideQuality = msgspec.field(default_factory=SideQuality)
    b: SideQuality = msgspec.field(default_factory=SideQuality)


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
    quality: CallQuality = msgspec.field(default_factory=CallQuality)

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
    MEETING = "meeting"  # a held meeting (the call had media both ways)
    LOUNGE = "lounge"  # both clicked "connect" at a lounge table
    STAGE = "stage"  # a webinar host or moderator brought the person on stage
    QA = "qa"  # a webinar host or moderator answered the person's question
    MANUAL = "manual"  # added by hand (rooms/leads)


class Lead(msgspec.Struct, frozen=True):
    id: int
    mission_id: int
    owner: int
    person: int | None  # None: a lead added by hand who is not on the platform
    source: LeadSource
    meeting_id: int | None
    created_at: dt.datetime
