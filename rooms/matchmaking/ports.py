"""The MeetingStore port: matchmaking rules, availability, meeting requests, meetings, notes, leads and calendar
feed tokens. `rooms.matchmaking.memory` implements it in memory, `server/db/meetings_sql.py` in SQL.

Guarantees (tests/contract/test_meetings_contract.py, every implementation):
- **no double booking**: `book` never leaves a person with two non-cancelled meetings overlapping in time, nor
  with more than `max_meetings` of them, however many `book` calls race (on any node): PostgreSQL locks both
  people's `users` rows in id order inside the booking transaction; SQLite serialises writers. The loser gets
  Conflict('slot-taken') or Conflict('too-many-meetings'); nothing of it is written;
- accepting a request and booking its meeting happen in one transaction (`accept`), so a request is accepted at
  most once and always with its meeting;
- lists come back in the stable order their docstrings name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from rooms.mail.outbox import MailDraft
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


class MeetingStore(Protocol):
    async def get_rules(self, mission_id: int) -> MatchmakingRules:
        """The mission's rules (defaults until an organiser saved some)."""
        ...

    async def save_rules(self, mission_id: int, rules: MatchmakingRules) -> None: ...

    async def availability(self, mission_id: int, user_id: int) -> list[dt.datetime]:
        """The slot starts this person marked available, ascending."""
        ...

    async def set_availability(self, mission_id: int, user_id: int, starts: Sequence[dt.datetime]) -> None:
        """Replaces the person's availability in the mission."""
        ...

    async def available_people(self, mission_id: int, start: dt.datetime) -> list[int]:
        """Who marked this slot start available, by user id."""
        ...

    async def create_request(self, mission_id: int, from_user: int, to_user: int, message: str,
                             slots: Sequence[dt.datetime], now: dt.datetime, counter_of: int | None = None
                             ) -> MeetingRequest:
        """A pending request. With `counter_of`, atomically marks that request `countered`."""
        ...

    async def get_request(self, request_id: int) -> MeetingRequest | None: ...

    async def requests_of(self, mission_id: int, user_id: int) -> list[MeetingRequest]:
        """Requests from or to the person, newest first."""
        ...

    async def answer_request(self, request_id: int, status: RequestStatus, reason: str | None,
                             now: dt.datetime) -> MeetingRequest:
        """Moves a pending request to declined or cancelled. Raises Conflict('request-not-pending')."""
        ...

    async def accept(self, request_id: int, start: dt.datetime, end: dt.datetime, item_id: int,
                     max_meetings: int, now: dt.datetime) -> tuple[MeetingRequest, Meeting]:
        """Atomically books the meeting (as `book`, booked_by the addressee) and marks the request accepted.
        Raises Conflict('request-not-pending'), Conflict('slot-taken'), Conflict('too-many-meetings')."""
        ...

    async def book(self, mission_id: int, a: int, b: int, item_id: int, start: dt.datetime, end: dt.datetime,
                   booked_by: int, max_meetings: int, now: dt.datetime, request_id: int | None = None,
                   mail: Sequence[MailDraft] = ()) -> Meeting:
        """Books a meeting, or raises Conflict('slot-taken') naming whose time is taken in its message, or
        Conflict('too-many-meetings'). `mail` is queued in the outbox with it (ref_id: the meeting), or not at
        all."""
        ...

    async def get_meeting(self, meeting_id: int) -> Meeting | None: ...

    async def meetings_of(self, mission_id: int, user_id: int) -> list[Meeting]:
        """The person's meetings in the mission (cancelled too), by start time then id."""
        ...

    async def meetings_in(self, mission_id: int) -> list[Meeting]:
        """Every meeting of the mission, by start time then id (organiser figures)."""
        ...

    async def cancel_meeting(self, meeting_id: int) -> Meeting:
        """Raises Conflict('meeting-not-booked') unless it is booked."""
        ...

    async def meetings_starting(self, after: dt.datetime, until: dt.datetime) -> list[Meeting]:
        """Booked meetings, of every mission, with after < starts_at <= until, by start time then id. The
        meeting clock asks this every few seconds on every node: a range over an index on starts_at."""
        ...

    async def requests_since(self, after: dt.datetime) -> list[MeetingRequest]:
        """Pending requests, of every mission, created after `after`, by creation then id: the reminder clock's
        sweep for a "request received" mail that was never recorded (rooms/reminders/service.py)."""
        ...

    async def accepted_since(self, after: dt.datetime, now: dt.datetime) -> list[Meeting]:
        """Booked meetings, of every mission, booked from a request (request_id set: an organiser's booking has
        none) after `after` and starting after `now`, by booking then id: the reminder clock's sweep for a
        "meeting booked" mail that was never recorded."""
        ...

    async def meetings_closing(self, after: dt.datetime, until: dt.datetime) -> list[Meeting]:
        """Booked or held meetings, of every mission, with after < ends_at <= until, by end time then id: the
        ones whose attendance the meeting clock settles when their room closes."""
        ...

    async def record_call(self, meeting_id: int, attendance: Attendance, quality: CallQuality,
                          status: MeetingStatus) -> Meeting:
        """Stores what the meeting room's log says (attendance, call quality) and moves the meeting to `status`
        (the domain's decision, rooms/matchmaking/settlement.py) — except that a cancelled meeting stays cancelled
        and a held one stays held (its leads exist), whatever a node settling the same meeting at once wrote.
        Raises NotFound."""
        ...

    async def end_meeting(self, meeting_id: int, at: dt.datetime) -> Meeting:
        """Ends a meeting early: its end moves back to `at` (never before its start), so its time is free again.
        A meeting that ended already, or a cancelled one, is returned unchanged. Raises NotFound."""
        ...

    async def save_notes(self, meeting_id: int, user_id: int, notes: str, rating: int | None,
                         now: dt.datetime) -> MeetingNotes: ...

    async def get_notes(self, meeting_id: int, user_id: int) -> MeetingNotes | None: ...

    async def add_lead(self, mission_id: int, owner: int, person: int, source: LeadSource,
                       meeting_id: int | None, now: dt.datetime) -> Lead:
        """Idempotent per (owner, person, source, meeting): a second call returns the first lead."""
        ...

    async def leads_of(self, mission_id: int, owner: int) -> list[Lead]:
        """Newest first."""
        ...

    async def set_feed_token(self, user_id: int, token_hash: str, now: dt.datetime) -> None:
        """The person's calendar feed token (its hash); replaces the previous one."""
        ...

    async def feed_user(self, token_hash: str) -> int | None: ...
