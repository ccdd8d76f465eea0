"""The MeetingStore port in memory, mixed into MemoryStore.

No method awaits, so each runs to completion before another starts: that alone makes `book` and `accept`
atomic, and racing acceptances see each other's meetings.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import msgspec

from rooms.core.errors import Conflict, NotFound
from rooms.mail.outbox import MailDraft
from rooms.matchmaking.booking import busy_conflict
from rooms.matchmaking.records import (
    Attendance,
    CallQuality,
    Lead,
    LeadSource,
    MatchmakingRules,
    Meeting,
    MeetingNotes,
    MeetingRequest,
    MeetingStatus,
    RequestStatus,
)


def _copy_request(request: MeetingRequest) -> MeetingRequest:
    return msgspec.structs.replace(request, slots=list(request.slots))


class MemoryMeetings:

    def __init__(self) -> None:
        super().__init__()
        self._rules: dict[int, MatchmakingRules] = {}
        self._availability: dict[tuple[int, int], list[dt.datetime]] = {}
        self._requests: dict[int, MeetingRequest] = {}
        self._meetings: dict[int, Meeting] = {}
        self._notes: dict[tuple[int, int], MeetingNotes] = {}
        self._leads: dict[int, Lead] = {}
        self._feeds: dict[int, str] = {}  # user id -> token hash
        self._next_request_id = itertools.count(1)
        self._next_meeting_id = itertools.count(1)
        self._next_lead_id = itertools.count(1)

    def _display_name(self, user_id: int) -> str | None:
        """The name a refusal gives for this person; the store this is mixed into knows (rooms.catalog)."""
        return None

    def _add_mail(self, draft: MailDraft, now: dt.datetime, ref_id: int | None = None) -> int:
        """Queues a mail; the outbox of the store this is mixed into does (rooms.mail.memory.MemoryOutbox)."""
        raise NotImplementedError

    async def get_rules(self, mission_id: int) -> MatchmakingRules:
        return self._rules.get(mission_id, MatchmakingRules())

    async def save_rules(self, mission_id: int, rules: MatchmakingRules) -> None:
        self._rules[mission_id] = rules

    async def availability(self, mission_id: int, user_id: int) -> list[dt.datetime]:
        return list(self._availability.get((mission_id, user_id), []))

    async def set_availability(self, mission_id: int, user_id: int, starts: Sequence[dt.datetime]) -> None:
        self._availability[mission_id, user_id] = sorted(set(starts))

    async def available_people(self, mission_id: int, start: dt.datetime) -> list[int]:
        return sorted(user_id for (m, user_id), starts in self._availability.items()
                      if m == mission_id and start in starts)

    async def create_request(self, mission_id: int, from_user: int, to_user: int, message: str,
                             slots: Sequence[dt.datetime], now: dt.datetime, counter_of: int | None = None
                             ) -> MeetingRequest:
        if counter_of is not None:
            self._answer(counter_of, RequestStatus.COUNTERED, None, now)
        request = MeetingRequest(
            id=next(self._next_request_id), mission_id=mission_id, from_user=from_user, to_user=to_user,
            message=message, slots=sorted(slots), status=RequestStatus.PENDING, reason=None, meeting_id=None,
            created_at=now, answered_at=None, counter_of=counter_of)
        self._requests[request.id] = request
        return _copy_request(request)

    async def get_request(self, request_id: int) -> MeetingRequest | None:
        request = self._requests.get(request_id)
        return None if request is None else _copy_request(request)

    async def requests_of(self, mission_id: int, user_id: int) -> list[MeetingRequest]:
        found = [r for r in self._requests.values()
                 if r.mission_id == mission_id and user_id in (r.from_user, r.to_user)]
        return [_copy_request(r) for r in sorted(found, key=lambda r: (r.created_at, r.id), reverse=True)]

    async def answer_request(self, request_id: int, status: RequestStatus, reason: str | None,
                             now: dt.datetime) -> MeetingRequest:
        return _copy_request(self._answer(request_id, status, reason, now))

    def _answer(self, request_id: int, status: RequestStatus, reason: str | None, now: dt.datetime,
                meeting_id: int | None = None) -> MeetingRequest:
        request = self._pending(request_id)
        answered = msgspec.structs.replace(request, status=status, reason=reason, answered_at=now,
                                           meeting_id=meeting_id)
        self._requests[request_id] = answered
        return answered

    def _pending(self, request_id: int) -> MeetingRequest:
        request = self._requests.get(request_id)
        if request is None:
            raise NotFound(code="request-not-found", message="Meeting request not found.")
        if request.status is not RequestStatus.PENDING:
            raise Conflict(code="request-not-pending", message=f"This request was already {request.status.value}.")
        return request

    async def accept(self, request_id: int, start: dt.datetime, end: dt.datetime, item_id: int,
                     max_meetings: int, now: dt.datetime) -> tuple[MeetingRequest, Meeting]:
        request = self._pending(request_id)
        meeting = self._book(request.mission_id, request.from_user, request.to_user, item_id, start, end,
                             request.to_user, max_meetings, now, request_id)
        answered = self._answer(request_id, RequestStatus.ACCEPTED, None, now, meeting.id)
        return _copy_request(answered), meeting

    async def book(self, mission_id: int, a: int, b: int, item_id: int, start: dt.datetime, end: dt.datetime,
                   booked_by: int, max_meetings: int, now: dt.datetime, request_id: int | None = None,
                   mail: Sequence[MailDraft] = ()) -> Meeting:
        meeting = self._book(mission_id, a, b, item_id, start, end, booked_by, max_meetings, now, request_id)
        for draft in mail:
            self._add_mail(draft, now, meeting.id)
        return meeting

    def _book(self, mission_id: int, a: int, b: int, item_id: int, start: dt.datetime, end: dt.datetime,
              booked_by: int, max_meetings: int, now: dt.datetime, request_id: int | None) -> Meeting:
        live = [m for m in self._meetings.values()
                if m.status is not MeetingStatus.CANCELLED and {a, b} & set(m.members())]
        names = {p: name for p in (a, b) if (name := self._display_name(p)) is not None}
        if (refused := busy_conflict(names, a, b, start, end, max_meetings, mission_id, live)) is not None:
            raise refused
        meeting = Meeting(id=next(self._next_meeting_id), mission_id=mission_id, a=a, b=b, item_id=item_id,
                          starts_at=start, ends_at=end, status=MeetingStatus.BOOKED, booked_by=booked_by,
                          request_id=request_id, created_at=now)
        self._meetings[meeting.id] = meeting
        return meeting

    async def get_meeting(self, meeting_id: int) -> Meeting | None:
        return self._meetings.get(meeting_id)

    async def meetings_of(self, mission_id: int, user_id: int) -> list[Meeting]:
        return sorted((m for m in self._meetings.values() if m.mission_id == mission_id and user_id in m.members()),
                      key=lambda m: (m.starts_at, m.id))

    async def meetings_in(self, mission_id: int) -> list[Meeting]:
        return sorted((m for m in self._meetings.values() if m.mission_id == mission_id),
                      key=lambda m: (m.starts_at, m.id))

    async def meetings_starting(self, after: dt.datetime, until: dt.datetime) -> list[Meeting]:
        return sorted((m for m in self._meetings.values()
                       if m.status is MeetingStatus.BOOKED and after < m.starts_at <= until),
                      key=lambda m: (m.starts_at, m.id))

    async def requests_since(self, after: dt.datetime) -> list[MeetingRequest]:
        return [_copy_request(r) for r in sorted(self._requests.values(), key=lambda r: (r.created_at, r.id))
                if r.status is RequestStatus.PENDING and r.created_at > after]

    async def accepted_since(self, after: dt.datetime, now: dt.datetime) -> list[Meeting]:
        return sorted((m for m in self._meetings.values()
                       if m.status is MeetingStatus.BOOKED and m.request_id is not None and m.created_at > after
                       and m.starts_at > now), key=lambda m: (m.created_at, m.id))

    async def meetings_closing(self, after: dt.datetime, until: dt.datetime) -> list[Meeting]:
        return sorted((m for m in self._meetings.values()
                       if m.status in (MeetingStatus.BOOKED, MeetingStatus.HELD) and after < m.ends_at <= until),
                      key=lambda m: (m.ends_at, m.id))

    async def cancel_meeting(self, meeting_id: int) -> Meeting:
        meeting = self._require_meeting(meeting_id)
        if meeting.status is not MeetingStatus.BOOKED:
            raise Conflict(code="meeting-not-booked", message=f"This meeting is {meeting.status.value}, not booked.")
        self._meetings[meeting_id] = cancelled = msgspec.structs.replace(meeting, status=MeetingStatus.CANCELLED)
        return cancelled

    async def record_call(self, meeting_id: int, attendance: Attendance, quality: CallQuality,
                          status: MeetingStatus) -> Meeting:
        meeting = self._require_meeting(meeting_id)
        if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
            status = meeting.status
        self._meetings[meeting_id] = recorded = msgspec.structs.replace(
            meeting, a_seconds=attendance.a_seconds, b_seconds=attendance.b_seconds,
            both_seconds=attendance.both_seconds, quality=quality, status=status)
        return recorded

    async def end_meeting(self, meeting_id: int, at: dt.datetime) -> Meeting:
        meeting = self._require_meeting(meeting_id)
        if meeting.status is MeetingStatus.CANCELLED or meeting.ends_at <= at:
            return meeting
        self._meetings[meeting_id] = ended = msgspec.structs.replace(meeting, ends_at=max(at, meeting.starts_at))
        return ended

    def _require_meeting(self, meeting_id: int) -> Meeting:
        meeting = self._meetings.get(meeting_id)
        if meeting is None:
            raise NotFound(code="meeting-not-found", message="Meeting not found.")
        return meeting

    async def save_notes(self, meeting_id: int, user_id: int, notes: str, rating: int | None,
                         now: dt.datetime) -> MeetingNotes:
        self._require_meeting(meeting_id)
        self._notes[meeting_id, user_id] = saved = MeetingNotes(meeting_id, user_id, notes, rating, now)
        return saved

    async def get_notes(self, meeting_id: int, user_id: int) -> MeetingNotes | None:
        return self._notes.get((meeting_id, user_id))

    async def add_lead(self, mission_id: int, owner: int, person: int, source: LeadSource,
                       meeting_id: int | None, now: dt.datetime) -> Lead:
        for lead in self._leads.values():
            if (lead.owner, lead.person, lead.source, lead.meeting_id) == (owner, person, source, meeting_id):
                return lead
        lead = Lead(id=next(self._next_lead_id), mission_id=mission_id, owner=owner, person=person, source=source,
                    meeting_id=meeting_id, created_at=now)
        self._leads[lead.id] = lead
        return lead

    async def leads_of(self, mission_id: int, owner: int) -> list[Lead]:
        return sorted((lead for lead in self._leads.values() if lead.mission_id == mission_id and lead.owner == owner),
                      key=lambda lead: (lead.created_at, lead.id), reverse=True)

    async def set_feed_token(self, user_id: int, token_hash: str, now: dt.datetime) -> None:
        self._feeds[user_id] = token_hash

    async def feed_user(self, token_hash: str) -> int | None:
        return next((user_id for user_id, found in self._feeds.items() if found == token_hash), None)
