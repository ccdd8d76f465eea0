"""Where I stand with someone in matchmaking (docs/matchmaking.md, "Requesting from anywhere"): whether I may ask
them for a meeting now, and if not, why — in one pure function that both refuses a request
(rooms.matchmaking.requests) and tells every page that shows a person what to offer (the directory, a profile, the
lounge, a webinar's Q&A). One rule, two uses: a page never offers what the server would refuse.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import assert_never

import msgspec

from rooms.core.cards import Side
from rooms.core.errors import Conflict, NotFound
from rooms.matchmaking.records import MatchmakingRules, Meeting, MeetingRequest, MeetingStatus, RequestStatus
from rooms.missions.people import Membership
from rooms.policy import may_request_meetings, meeting_pair_refusal, refuse_meeting_request

MAX_PENDING = 20  # pending requests per sender


class Standing(enum.StrEnum):
    OPEN = "open"  # a request may be sent
    SELF = "self"
    CANNOT_REQUEST = "cannot-request"  # my role does not take part in matchmaking
    NOT_BOOKABLE = "not-bookable"  # theirs does not
    SAME_SIDE = "same-side"  # the rules pair the delegation with the partners
    VIP_BY_ORGANISER = "vip-by-organiser"  # a VIP whom only the organisers book meetings with
    VIP_DELEGATION_ONLY = "vip-delegation-only"  # a VIP whom only the delegation may ask
    MEETING = "meeting"  # we have a meeting that has not ended yet
    REQUESTED = "requested"  # my request to them is open
    ASKED_YOU = "asked-you"  # theirs to me is open: answer it
    MY_LIMIT = "my-limit"  # I have the most meetings the rules allow
    THEIR_LIMIT = "their-limit"
    TOO_MANY_REQUESTS = "too-many-requests"  # I have MAX_PENDING requests waiting for an answer


class StandingWith(msgspec.Struct, frozen=True):
    """Where I stand with one person; the open request or upcoming meeting it is about, when there is one. Pages
    that know no more of the person than an id get their name and side too (the side gives their time zone)."""

    user_id: int
    standing: Standing
    request_id: int | None = None
    meeting_id: int | None = None
    starts_at: dt.datetime | None = None
    name: str = ""
    side: Side | None = None


def _live(meetings: Iterable[Meeting]) -> list[Meeting]:
    # The same meetings the store counts against `max_meetings`: every one not cancelled.
    return [m for m in meetings if m.status is not MeetingStatus.CANCELLED]


def meeting_counts(meetings: Iterable[Meeting]) -> dict[int, int]:
    """Non-cancelled meetings per person, from a mission's meetings."""
    counts: dict[int, int] = {}
    for m in _live(meetings):
        for person in m.members():
            counts[person] = counts.get(person, 0) + 1
    return counts


def standing(rules: MatchmakingRules, me: Membership, other: Membership, requests: Sequence[MeetingRequest],
             meetings: Sequence[Meeting], counts: Mapping[int, int], now: dt.datetime, *,
             ignore_request: int | None = None, ignore_meeting: int | None = None) -> StandingWith:
    """Where `me` stands with `other`: `requests` and `meetings` are mine (any status), `counts` the non-cancelled
    meetings per person in the mission. `ignore_request` is a request being countered, `ignore_meeting` one being
    rescheduled: neither stands in the way of the new request that replaces it."""
    them = other.user_id
    if them == me.user_id:
        return StandingWith(them, Standing.SELF)
    if not may_request_meetings(me):
        return StandingWith(them, Standing.CANNOT_REQUEST)
    refusal = meeting_pair_refusal(rules, me, other)
    if refusal is not None:
        return StandingWith(them, Standing(refusal))
    mine = [m for m in _live(meetings) if m.id != ignore_meeting]
    upcoming = [m for m in mine if them in m.members() and m.ends_at > now]
    if upcoming:
        first = min(upcoming, key=lambda m: (m.starts_at, m.id))
        return StandingWith(them, Standing.MEETING, meeting_id=first.id, starts_at=first.starts_at)
    pending = [r for r in requests if r.status is RequestStatus.PENDING and r.id != ignore_request]
    for r in pending:
        if r.from_user == me.user_id and r.to_user == them:
            return StandingWith(them, Standing.REQUESTED, request_id=r.id)
        if r.from_user == them and r.to_user == me.user_id:
            return StandingWith(them, Standing.ASKED_YOU, request_id=r.id)
    # Counted as the store counts when it books: a request that could only end in `too-many-meetings` is not sent.
    moving = 1 if ignore_meeting is not None else 0
    if counts.get(me.user_id, 0) - moving >= rules.max_meetings:
        return StandingWith(them, Standing.MY_LIMIT)
    if counts.get(them, 0) - moving >= rules.max_meetings:
        return StandingWith(them, Standing.THEIR_LIMIT)
    if sum(1 for r in pending if r.from_user == me.user_id) >= MAX_PENDING:
        return StandingWith(them, Standing.TOO_MANY_REQUESTS)
    return StandingWith(them, Standing.OPEN)


def require_open(found: StandingWith, rules: MatchmakingRules) -> None:
    """Refuses a request unless it stands open, with the error code each reason has always had."""
    match found.standing:
        case Standing.OPEN:
            return
        case (Standing.SELF | Standing.CANNOT_REQUEST | Standing.NOT_BOOKABLE | Standing.SAME_SIDE
              | Standing.VIP_BY_ORGANISER | Standing.VIP_DELEGATION_ONLY):
            refuse_meeting_request(found.standing)
        case Standing.MEETING:
            raise Conflict(code="already-meeting", message="You already have a meeting with this person.")
        case Standing.REQUESTED | Standing.ASKED_YOU:
            raise Conflict(code="request-exists", message="There is already an open request between you two.")
        case Standing.MY_LIMIT:
            raise Conflict(code="too-many-meetings",
                           message=f"You already have {rules.max_meetings} meetings in this mission.")
        case Standing.THEIR_LIMIT:
            raise Conflict(code="too-many-meetings",
                           message=f"This person already has {rules.max_meetings} meetings in this mission.")
        case Standing.TOO_MANY_REQUESTS:
            raise Conflict(code="too-many-requests",
                           message=f"You have {MAX_PENDING} open requests; wait for some answers.")
        case _:
            assert_never(found.standing)


def require_member(other: Membership | None) -> Membership:
    if other is None:
        raise NotFound(code="person-not-found", message="Person not found.")
    return other
