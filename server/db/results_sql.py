"""The ResultsStore port in SQL (rooms/results/ports.py): counts grouped by the database, and the members' and
meetings' few columns the results use, one query each."""

from __future__ import annotations

from sqlalchemy import func, select

from rooms.results.ports import LeadCount, ResultMeeting, ResultMember
from server.db.meetings_sql import _Sessions
from server.db.models import (
    LeadRow,
    MeetingNotesRow,
    MeetingRequestRow,
    MeetingRow,
    MembershipRow,
    OrganisationRow,
    ProfileRow,
    UserRow,
)


class SqlResults:
    async def result_members(self: _Sessions, mission_id: int) -> list[ResultMember]:
        # The members server.db.directory_sql.mission_directory gives (a profile, a user and a membership: the
        # suspended are out of `memberships`), with the organisation record their profile links to, if any.
        async with self._read() as s:
            found = await s.execute(
                select(ProfileRow.user_id, UserRow.name, MembershipRow.role, MembershipRow.side, ProfileRow.org_type,
                       ProfileRow.sectors, ProfileRow.organisation, OrganisationRow.id, OrganisationRow.name,
                       OrganisationRow.org_type)
                .join(MembershipRow, MembershipRow.user_id == ProfileRow.user_id)
                .join(UserRow, UserRow.id == ProfileRow.user_id)
                .outerjoin(OrganisationRow, OrganisationRow.id == ProfileRow.organisation_id)
                .where(MembershipRow.mission_id == mission_id)
                .order_by(ProfileRow.user_id))
            return [ResultMember(user_id=user_id, name=name, role=role, side=side, org_type=org_type,
                                 sectors=list(sectors), organisation_id=org_id,
                                 organisation=own if org_id is None else org_name, organisation_type=org_kind)
                    for user_id, name, role, side, org_type, sectors, own, org_id, org_name, org_kind in found.all()]

    async def meeting_rows(self: _Sessions, mission_id: int) -> list[ResultMeeting]:
        async with self._read() as s:
            found = await s.execute(
                select(MeetingRow.id, MeetingRow.a, MeetingRow.b, MeetingRow.starts_at, MeetingRow.status,
                       MeetingRow.both_seconds, MeetingRow.media_seconds, MeetingRow.request_id)
                .where(MeetingRow.mission_id == mission_id)
                .order_by(MeetingRow.starts_at, MeetingRow.id))
            return [ResultMeeting(id=i, a=a, b=b, starts_at=start, status=status, both_seconds=both,
                                  media_seconds=media, request_id=request)
                    for i, a, b, start, status, both, media, request in found.all()]

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
