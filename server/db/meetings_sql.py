"""The MeetingStore port in SQL, mixed into SqlStore.

No double booking (rooms/matchmaking/ports.py): `book` and `accept` run in one write transaction that first locks
both people's `users` rows (PostgreSQL: SELECT … FOR UPDATE in id order, so two bookings sharing a person queue
behind each other and never deadlock; SQLite: the write engine's BEGIN IMMEDIATE already serialises writers),
then checks overlaps and `max_meetings` against what is committed, then inserts. A refusal raises before
anything is written and rolls the transaction back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import msgspec
from sqlalchemy import delete, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

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
    SideQuality,
)
from server.db.models import (
    AvailabilityRow,
    CalendarFeedRow,
    LeadRow,
    MatchmakingRulesRow,
    MeetingNotesRow,
    MeetingRequestRow,
    MeetingRow,
    UserRow,
)
from server.db.outbox_sql import add_mail

# The longest a meeting can last: a slot is at most MatchmakingRules.meeting_minutes (≤ 60) long.
_LONGEST = dt.timedelta(minutes=60)


class _Sessions(Protocol):
    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


def _utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC)


def _request(row: MeetingRequestRow) -> MeetingRequest:
    return MeetingRequest(
        id=row.id, mission_id=row.mission_id, from_user=row.from_user, to_user=row.to_user, message=row.message,
        slots=[_utc(s) for s in row.slots], status=RequestStatus(row.status), reason=row.reason,
        meeting_id=row.meeting_id, created_at=row.created_at, answered_at=row.answered_at, counter_of=row.counter_of)


def _meeting(row: MeetingRow) -> Meeting:
    return Meeting(
        id=row.id, mission_id=row.mission_id, a=row.a, b=row.b, item_id=row.item_id, starts_at=row.starts_at,
        ends_at=row.ends_at, status=MeetingStatus(row.status), booked_by=row.booked_by, request_id=row.request_id,
        created_at=row.created_at, a_seconds=row.a_seconds, b_seconds=row.b_seconds, both_seconds=row.both_seconds,
        quality=CallQuality(
            media_seconds=row.media_seconds,
            a=SideQuality(row.a_media_seconds, row.a_connect_seconds, row.a_reconnects),
            b=SideQuality(row.b_media_seconds, row.b_connect_seconds, row.b_reconnects)))


def _lead(row: LeadRow) -> Lead:
    return Lead(id=row.id, mission_id=row.mission_id, owner=row.owner, person=row.person,
                source=LeadSource(row.source), meeting_id=row.meeting_id, created_at=row.created_at)


async def _pending(s: AsyncSession, request_id: int) -> MeetingRequestRow:
    # FOR UPDATE: of racing answers to one request, the second waits and then sees it answered.
    row = (await s.execute(select(MeetingRequestRow).where(MeetingRequestRow.id == request_id)
                           .with_for_update())).scalar_one_or_none()
    if row is None:
        raise NotFound(code="request-not-found", message="Meeting request not found.")
    if row.status != RequestStatus.PENDING.value:
        raise Conflict(code="request-not-pending", message=f"This request was already {row.status}.")
    return row


async def _book_in(s: AsyncSession, mission_id: int, a: int, b: int, item_id: int, start: dt.datetime,
                   end: dt.datetime, booked_by: int, max_meetings: int, now: dt.datetime,
                   request_id: int | None) -> Meeting:
    people = sorted({a, b})
    locked = await s.execute(
        select(UserRow.id, UserRow.name).where(UserRow.id.in_(people)).order_by(UserRow.id).with_for_update())
    names: dict[int, str] = {user_id: name for user_id, name in locked.all()}
    if len(names) != len(people):
        raise NotFound(code="user-not-found", message="User not found.")
    live = (await s.execute(select(MeetingRow).where(
        MeetingRow.status != MeetingStatus.CANCELLED.value,
        or_(MeetingRow.a.in_(people), MeetingRow.b.in_(people))))).scalars().all()
    if (refused := busy_conflict(names, a, b, start, end, max_meetings, mission_id,
                                 [_meeting(m) for m in live])) is not None:
        raise refused
    row = MeetingRow(mission_id=mission_id, a=a, b=b, item_id=item_id, starts_at=start, ends_at=end,
                     status=MeetingStatus.BOOKED.value, booked_by=booked_by, request_id=request_id, created_at=now,
                     a_seconds=0, b_seconds=0, both_seconds=0)
    s.add(row)
    await s.flush()
    return _meeting(row)


class SqlMeetings:
    """Mixed into SqlStore, which provides the sessions."""

    async def get_rules(self: _Sessions, mission_id: int) -> MatchmakingRules:
        async with self._read() as s:
            row = await s.get(MatchmakingRulesRow, mission_id)
            return MatchmakingRules() if row is None else msgspec.json.decode(row.rules, type=MatchmakingRules)

    async def save_rules(self: _Sessions, mission_id: int, rules: MatchmakingRules) -> None:
        async with self._write() as s:
            row = await s.get(MatchmakingRulesRow, mission_id)
            encoded = msgspec.json.encode(rules).decode()
            if row is None:
                s.add(MatchmakingRulesRow(mission_id=mission_id, rules=encoded))
            else:
                row.rules = encoded

    async def availability(self: _Sessions, mission_id: int, user_id: int) -> list[dt.datetime]:
        async with self._read() as s:
            return list((await s.execute(
                select(AvailabilityRow.starts_at).where(AvailabilityRow.mission_id == mission_id,
                                                        AvailabilityRow.user_id == user_id)
                .order_by(AvailabilityRow.starts_at))).scalars())

    async def set_availability(self: _Sessions, mission_id: int, user_id: int, starts: Sequence[dt.datetime]
                               ) -> None:
        async with self._write() as s:
            await s.execute(delete(AvailabilityRow).where(AvailabilityRow.mission_id == mission_id,
                                                          AvailabilityRow.user_id == user_id))
            if starts:
                await s.execute(insert(AvailabilityRow), [{"mission_id": mission_id, "user_id": user_id,
                                                           "starts_at": start} for start in sorted(set(starts))])

    async def available_people(self: _Sessions, mission_id: int, start: dt.datetime) -> list[int]:
        async with self._read() as s:
            return list((await s.execute(
                select(AvailabilityRow.user_id).where(AvailabilityRow.mission_id == mission_id,
                                                      AvailabilityRow.starts_at == start)
                .order_by(AvailabilityRow.user_id))).scalars())

    async def create_request(self: _Sessions, mission_id: int, from_user: int, to_user: int, message: str,
                             slots: Sequence[dt.datetime], now: dt.datetime, counter_of: int | None = None
                             ) -> MeetingRequest:
        async with self._write() as s:
            if counter_of is not None:
                old = await _pending(s, counter_of)
                old.status, old.answered_at = RequestStatus.COUNTERED.value, now
            row = MeetingRequestRow(
                mission_id=mission_id, from_user=from_user, to_user=to_user, message=message,
                slots=[start.astimezone(dt.UTC).isoformat() for start in sorted(slots)],
                status=RequestStatus.PENDING.value, reason=None, meeting_id=None, created_at=now, answered_at=None,
                counter_of=counter_of)
            s.add(row)
            await s.flush()
            return _request(row)

    async def get_request(self: _Sessions, request_id: int) -> MeetingRequest | None:
        async with self._read() as s:
            row = await s.get(MeetingRequestRow, request_id)
            return None if row is None else _request(row)

    async def requests_of(self: _Sessions, mission_id: int, user_id: int) -> list[MeetingRequest]:
        async with self._read() as s:
            found = await s.execute(select(MeetingRequestRow).where(
                MeetingRequestRow.mission_id == mission_id,
                or_(MeetingRequestRow.from_user == user_id, MeetingRequestRow.to_user == user_id))
                .order_by(MeetingRequestRow.created_at.desc(), MeetingRequestRow.id.desc()))
            return [_request(r) for r in found.scalars()]

    async def answer_request(self: _Sessions, request_id: int, status: RequestStatus, reason: str | None,
                             now: dt.datetime) -> MeetingRequest:
        async with self._write() as s:
            row = await _pending(s, request_id)
            row.status, row.reason, row.answered_at = status.value, reason, now
            await s.flush()
            return _request(row)

    async def accept(self: _Sessions, request_id: int, start: dt.datetime, end: dt.datetime, item_id: int,
                     max_meetings: int, now: dt.datetime) -> tuple[MeetingRequest, Meeting]:
        async with self._write() as s:
            row = await _pending(s, request_id)
            booked = await _book_in(s, row.mission_id, row.from_user, row.to_user, item_id, start, end, row.to_user,
                                    max_meetings, now, request_id)
            row.status, row.answered_at, row.meeting_id = RequestStatus.ACCEPTED.value, now, booked.id
            await s.flush()
            return _request(row), booked

    async def book(self: _Sessions, mission_id: int, a: int, b: int, item_id: int, start: dt.datetime,
                   end: dt.datetime, booked_by: int, max_meetings: int, now: dt.datetime,
                   request_id: int | None = None, mail: Sequence[MailDraft] = ()) -> Meeting:
        async with self._write() as s:
            booked = await _book_in(s, mission_id, a, b, item_id, start, end, booked_by, max_meetings, now,
                                    request_id)
            for draft in mail:  # in the booking's transaction: no mail without its meeting
                add_mail(s, draft, now, booked.id)
            return booked

    async def get_meeting(self: _Sessions, meeting_id: int) -> Meeting | None:
        async with self._read() as s:
            row = await s.get(MeetingRow, meeting_id)
            return None if row is None else _meeting(row)

    async def meetings_of(self: _Sessions, mission_id: int, user_id: int) -> list[Meeting]:
        async with self._read() as s:
            found = await s.execute(select(MeetingRow).where(
                MeetingRow.mission_id == mission_id, or_(MeetingRow.a == user_id, MeetingRow.b == user_id))
                .order_by(MeetingRow.starts_at, MeetingRow.id))
            return [_meeting(r) for r in found.scalars()]

    async def meetings_in(self: _Sessions, mission_id: int) -> list[Meeting]:
        async with self._read() as s:
            found = await s.execute(select(MeetingRow).where(MeetingRow.mission_id == mission_id)
                                    .order_by(MeetingRow.starts_at, MeetingRow.id))
            return [_meeting(r) for r in found.scalars()]

    async def meetings_starting(self: _Sessions, after: dt.datetime, until: dt.datetime) -> list[Meeting]:
        async with self._read() as s:
            found = await s.execute(select(MeetingRow).where(
                MeetingRow.starts_at > after, MeetingRow.starts_at <= until,
                MeetingRow.status == MeetingStatus.BOOKED.value).order_by(MeetingRow.starts_at, MeetingRow.id))
            return [_meeting(r) for r in found.scalars()]

    async def requests_since(self: _Sessions, after: dt.datetime) -> list[MeetingRequest]:
        async with self._read() as s:
            found = await s.execute(select(MeetingRequestRow).where(
                MeetingRequestRow.created_at > after, MeetingRequestRow.status == RequestStatus.PENDING.value)
                .order_by(MeetingRequestRow.created_at, MeetingRequestRow.id))
            return [_request(r) for r in found.scalars()]

    async def accepted_since(self: _Sessions, after: dt.datetime, now: dt.datetime) -> list[Meeting]:
        async with self._read() as s:
            # starts_at > now ranges over ix_meetings_starts_at: the meetings still ahead, not every one.
            found = await s.execute(select(MeetingRow).where(
                MeetingRow.starts_at > now, MeetingRow.created_at > after, MeetingRow.request_id.is_not(None),
                MeetingRow.status == MeetingStatus.BOOKED.value).order_by(MeetingRow.created_at, MeetingRow.id))
            return [_meeting(r) for r in found.scalars()]

    async def meetings_closing(self: _Sessions, after: dt.datetime, until: dt.datetime) -> list[Meeting]:
        async with self._read() as s:
            # The bound on starts_at is implied by the one on ends_at (no meeting is longer than a slot can be)
            # and lets the query range over the starts_at index instead of reading every meeting.
            found = await s.execute(select(MeetingRow).where(
                MeetingRow.starts_at > after - _LONGEST, MeetingRow.starts_at <= until,
                MeetingRow.ends_at > after, MeetingRow.ends_at <= until,
                MeetingRow.status.in_([MeetingStatus.BOOKED.value, MeetingStatus.HELD.value]))
                .order_by(MeetingRow.ends_at, MeetingRow.id))
            return [_meeting(r) for r in found.scalars()]

    async def cancel_meeting(self: _Sessions, meeting_id: int) -> Meeting:
        async with self._write() as s:
            row = (await s.execute(select(MeetingRow).where(MeetingRow.id == meeting_id)
                                   .with_for_update())).scalar_one_or_none()
            if row is None:
                raise NotFound(code="meeting-not-found", message="Meeting not found.")
            if row.status != MeetingStatus.BOOKED.value:
                raise Conflict(code="meeting-not-booked", message=f"This meeting is {row.status}, not booked.")
            row.status = MeetingStatus.CANCELLED.value
            await s.flush()
            return _meeting(row)

    async def record_call(self: _Sessions, meeting_id: int, attendance: Attendance, quality: CallQuality,
                          status: MeetingStatus) -> Meeting:
        async with self._write() as s:
            # FOR UPDATE: a cancellation or another node's settling waits, then this sees what it wrote.
            row = (await s.execute(select(MeetingRow).where(MeetingRow.id == meeting_id)
                                   .with_for_update())).scalar_one_or_none()
            if row is None:
                raise NotFound(code="meeting-not-found", message="Meeting not found.")
            row.a_seconds, row.b_seconds, row.both_seconds = (attendance.a_seconds, attendance.b_seconds,
                                                              attendance.both_seconds)
            row.media_seconds = quality.media_seconds
            row.a_media_seconds, row.a_connect_seconds, row.a_reconnects = (
                quality.a.media_seconds, quality.a.connect_seconds, quality.a.reconnects)
            row.b_media_seconds, row.b_connect_seconds, row.b_reconnects = (
                quality.b.media_seconds, quality.b.connect_seconds, quality.b.reconnects)
            if row.status not in (MeetingStatus.CANCELLED.value, MeetingStatus.HELD.value):
                row.status = status.value
            await s.flush()
            return _meeting(row)

    async def end_meeting(self: _Sessions, meeting_id: int, at: dt.datetime) -> Meeting:
        async with self._write() as s:
            row = (await s.execute(select(MeetingRow).where(MeetingRow.id == meeting_id)
                                   .with_for_update())).scalar_one_or_none()
            if row is None:
                raise NotFound(code="meeting-not-found", message="Meeting not found.")
            if row.status != MeetingStatus.CANCELLED.value and at < row.ends_at:
                row.ends_at = max(at, row.starts_at)
                await s.flush()
            return _meeting(row)

    async def save_notes(self: _Sessions, meeting_id: int, user_id: int, notes: str, rating: int | None,
                         now: dt.datetime) -> MeetingNotes:
        async with self._write() as s:
            if await s.get(MeetingRow, meeting_id) is None:
                raise NotFound(code="meeting-not-found", message="Meeting not found.")
            row = await s.get(MeetingNotesRow, (meeting_id, user_id))
            if row is None:
                row = MeetingNotesRow(meeting_id=meeting_id, user_id=user_id)
                s.add(row)
            row.notes, row.rating, row.updated_at = notes, rating, now
            return MeetingNotes(meeting_id, user_id, notes, rating, now)

    async def get_notes(self: _Sessions, meeting_id: int, user_id: int) -> MeetingNotes | None:
        async with self._read() as s:
            row = await s.get(MeetingNotesRow, (meeting_id, user_id))
            return None if row is None else MeetingNotes(row.meeting_id, row.user_id, row.notes, row.rating,
                                                         row.updated_at)

    async def add_lead(self: _Sessions, mission_id: int, owner: int, person: int, source: LeadSource,
                       meeting_id: int | None, now: dt.datetime) -> Lead:
        key = (LeadRow.owner == owner, LeadRow.person == person, LeadRow.source == source.value,
               LeadRow.meeting_key == (meeting_id or 0))
        for attempt in (1, 2):
            try:
                async with self._write() as s:
                    found = (await s.execute(select(LeadRow).where(*key))).scalar_one_or_none()
                    if found is not None:
                        return _lead(found)
                    row = LeadRow(mission_id=mission_id, owner=owner, person=person, source=source.value,
                                  meeting_id=meeting_id, meeting_key=meeting_id or 0, created_at=now)
                    s.add(row)
                    await s.flush()
                    return _lead(row)
            except IntegrityError:
                # A concurrent call inserted the same lead first; the second pass returns it.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def leads_of(self: _Sessions, mission_id: int, owner: int) -> list[Lead]:
        async with self._read() as s:
            found = await s.execute(select(LeadRow).where(LeadRow.mission_id == mission_id, LeadRow.owner == owner)
                                    .order_by(LeadRow.created_at.desc(), LeadRow.id.desc()))
            return [_lead(r) for r in found.scalars()]

    async def set_feed_token(self: _Sessions, user_id: int, token_hash: str, now: dt.datetime) -> None:
        async with self._write() as s:
            await s.execute(delete(CalendarFeedRow).where(CalendarFeedRow.user_id == user_id))
            await s.execute(insert(CalendarFeedRow), [{"user_id": user_id, "token_hash": token_hash,
                                                       "created_at": now}])

    async def feed_user(self: _Sessions, token_hash: str) -> int | None:
        async with self._read() as s:
            return (await s.execute(select(CalendarFeedRow.user_id)
                                    .where(CalendarFeedRow.token_hash == token_hash))).scalar()


