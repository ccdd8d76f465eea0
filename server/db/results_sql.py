"""The ResultsStore port in SQL (rooms/results/ports.py): counts grouped by the database, one query each."""

from __future__ import annotations

from sqlalchemy import func, select

from rooms.results.ports import LeadCount
from server.db.meetings_sql import _Sessions
from server.db.models import LeadRow, MeetingNotesRow, MeetingRequestRow, MeetingRow


class SqlResults:
    async def request_counts(self: _Sessions, mission_id: int) -> dict[str, int]:
        async with self._read() as s:
            rows = await s.execute(select(MeetingRequestRow.status, func.count())
                                   .where(MeetingRequestRow.mission_id == mission_id)
                                   .group_by(MeetingRequestRow.status))
            return {status: n for status, n in rows.all()}

    async def meeting_ratings(self: _Sessions, mission_id: int) -> dict[int, list[int]]:
        async with self._read() as s:
            rows = await s.execute(select(MeetingNotesRow.meeting_id, MeetingNotesRow.rating)
                                   .join(MeetingRow, MeetingRow.id == MeetingNotesRow.meeting_id)
                                   .where(MeetingRow.mission_id == mission_id, MeetingNotesRow.rating.is_not(None))
                                   .order_by(MeetingNotesRow.meeting_id, MeetingNotesRow.user_id))
            found: dict[int, list[int]] = {}
            for meeting_id, rating in rows.all():
                if rating is not None:
                    found.setdefault(meeting_id, []).append(rating)
            return found

    async def lead_counts(self: _Sessions, mission_id: int) -> list[LeadCount]:
        async with self._read() as s:
            rows = await s.execute(select(LeadRow.owner, LeadRow.status, LeadRow.source, func.count())
                                   .where(LeadRow.mission_id == mission_id)
                                   .group_by(LeadRow.owner, LeadRow.status, LeadRow.source)
                                   .order_by(LeadRow.owner, LeadRow.status, LeadRow.source))
            return [LeadCount(owner=o, status=st, source=src, count=n) for o, st, src, n in rows.all()]
