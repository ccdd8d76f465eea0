"""The LedgerStore port in SQL (rooms/ledger/ports.py, migration 0014)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from sqlalchemy import CursorResult, delete, extract, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.ledger.records import (
    Activity,
    ActivityDraft,
    ActivityKind,
    Correction,
    CorrectionDraft,
    Figure,
    MissionRole,
    Plan,
    PlanDraft,
    Team,
    TeamMember,
    TeamMission,
)
from rooms.matchmaking.records import MeetingStatus
from server.db.models import (
    MeetingRow,
    MembershipRow,
    ProfileRow,
    TeamActivityRow,
    TeamCorrectionRow,
    TeamMemberRow,
    TeamMissionRow,
    TeamPlanRow,
    TeamRow,
    UserRow,
)


class _Sessions(Protocol):
    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


def _team(row: TeamRow) -> Team:
    return Team(id=row.id, name=row.name, created_at=row.created_at)


def _activity(row: TeamActivityRow) -> Activity:
    return Activity(id=row.id, team_id=row.team_id, kind=ActivityKind(row.kind), on=row.on_date, title=row.title,
                    count=row.count, company=row.company, notes=row.notes, created_by=row.created_by,
                    created_at=row.created_at)


def _plan(row: TeamPlanRow) -> Plan:
    return Plan(figure=Figure(row.figure), first_year=row.first_year, last_year=row.last_year, low=row.low,
                high=row.high, updated_by=row.updated_by, updated_at=row.updated_at)


def _correction(row: TeamCorrectionRow) -> Correction:
    return Correction(id=row.id, figure=Figure(row.figure), year=row.year, delta=row.delta, reason=row.reason,
                      author_id=row.author_id, author_name=row.author_name, at=row.at)


class SqlLedger:
    async def create_team(self: _Sessions, name: str, creator: int, now: dt.datetime) -> Team:
        async with self._write() as s:
            row = TeamRow(name=name, created_at=now)
            s.add(row)
            await s.flush()
            s.add(TeamMemberRow(team_id=row.id, user_id=creator))
            return _team(row)

    async def team(self: _Sessions, team_id: int) -> Team | None:
        async with self._read() as s:
            row = await s.get(TeamRow, team_id)
            return None if row is None else _team(row)

    async def rename_team(self: _Sessions, team_id: int, name: str) -> Team | None:
        async with self._write() as s:
            row = await s.get(TeamRow, team_id)
            if row is None:
                return None
            row.name = name
            return _team(row)

    async def teams_of(self: _Sessions, user_id: int) -> list[Team]:
        async with self._read() as s:
            found = await s.execute(select(TeamRow).join(TeamMemberRow, TeamMemberRow.team_id == TeamRow.id)
                                    .where(TeamMemberRow.user_id == user_id))
            return sorted((_team(r) for r in found.scalars()), key=lambda t: (t.name.casefold(), t.id))

    async def team_members(self: _Sessions, team_id: int) -> list[TeamMember]:
        async with self._read() as s:
            found = await s.execute(select(UserRow.id, UserRow.name, UserRow.email)
                                    .join(TeamMemberRow, TeamMemberRow.user_id == UserRow.id)
                                    .where(TeamMemberRow.team_id == team_id))
            members = [TeamMember(user_id=i, name=n, email=e) for i, n, e in found.all()]
            return sorted(members, key=lambda m: (m.name.casefold(), m.user_id))

    async def is_team_member(self: _Sessions, team_id: int, user_id: int) -> bool:
        async with self._read() as s:
            return await s.get(TeamMemberRow, (team_id, user_id)) is not None

    async def add_team_member(self: _Sessions, team_id: int, user_id: int) -> bool:
        try:
            async with self._write() as s:
                if await s.get(TeamMemberRow, (team_id, user_id)) is not None:
                    return False
                s.add(TeamMemberRow(team_id=team_id, user_id=user_id))
            return True
        except IntegrityError:  # a colleague added the same person at the same instant
            return False

    async def remove_team_member(self: _Sessions, team_id: int, user_id: int, keep: int) -> tuple[bool, int]:
        async with self._write() as s:
            # The team's row locked (PostgreSQL): of two members removing each other at once, the second sees the
            # first's outcome; SQLite's write lock serialises them anyway.
            await s.execute(select(TeamRow.id).where(TeamRow.id == team_id).with_for_update())
            members = set((await s.execute(select(TeamMemberRow.user_id)
                                           .where(TeamMemberRow.team_id == team_id))).scalars())
            if user_id not in members or len(members) - 1 < keep:
                return False, len(members)
            await s.execute(delete(TeamMemberRow).where(TeamMemberRow.team_id == team_id,
                                                        TeamMemberRow.user_id == user_id))
            return True, len(members) - 1

    async def team_missions(self: _Sessions, team_id: int) -> list[TeamMission]:
        async with self._read() as s:
            found = await s.execute(select(TeamMissionRow).where(TeamMissionRow.team_id == team_id)
                                    .order_by(TeamMissionRow.mission_id))
            return [TeamMission(mission_id=r.mission_id, role=MissionRole(r.role)) for r in found.scalars()]

    async def lead_partner_of(self: _Sessions, mission_id: int) -> int | None:
        async with self._read() as s:
            return (await s.execute(select(TeamMissionRow.team_id).where(
                TeamMissionRow.mission_id == mission_id,
                TeamMissionRow.role == MissionRole.LEAD_PARTNER.value))).scalar_one_or_none()

    async def link_mission(self: _Sessions, team_id: int, mission_id: int, role: MissionRole) -> bool:
        try:
            async with self._write() as s:
                row = await s.get(TeamMissionRow, (team_id, mission_id))
                if row is None:
                    s.add(TeamMissionRow(team_id=team_id, mission_id=mission_id, role=role.value))
                else:
                    row.role = role.value
            return True
        except IntegrityError:  # uq_team_missions_lead_partner: another team leads this mission
            return False

    async def unlink_mission(self: _Sessions, team_id: int, mission_id: int) -> bool:
        async with self._write() as s:
            done = await s.execute(delete(TeamMissionRow).where(TeamMissionRow.team_id == team_id,
                                                                TeamMissionRow.mission_id == mission_id))
            assert isinstance(done, CursorResult)
            return done.rowcount == 1

    async def add_activity(self: _Sessions, team_id: int, draft: ActivityDraft, by: int, now: dt.datetime
                           ) -> Activity:
        async with self._write() as s:
            row = TeamActivityRow(team_id=team_id, kind=draft.kind.value, on_date=draft.on, title=draft.title,
                                  count=draft.count, company=draft.company, notes=draft.notes, created_by=by,
                                  created_at=now)
            s.add(row)
            await s.flush()
            return _activity(row)

    async def activities(self: _Sessions, team_id: int, first: dt.date, last: dt.date) -> list[Activity]:
        async with self._read() as s:
            found = await s.execute(select(TeamActivityRow).where(
                TeamActivityRow.team_id == team_id, TeamActivityRow.on_date >= first, TeamActivityRow.on_date <= last)
                .order_by(TeamActivityRow.on_date.desc(), TeamActivityRow.id.desc()))
            return [_activity(r) for r in found.scalars()]

    async def delete_activity(self: _Sessions, team_id: int, activity_id: int) -> bool:
        async with self._write() as s:
            done = await s.execute(delete(TeamActivityRow).where(TeamActivityRow.id == activity_id,
                                                                 TeamActivityRow.team_id == team_id))
            assert isinstance(done, CursorResult)
            return done.rowcount == 1

    async def set_plan(self: _Sessions, team_id: int, draft: PlanDraft, by: int, now: dt.datetime) -> Plan:
        key = (team_id, draft.figure.value, draft.first_year, draft.last_year)
        for attempt in range(2):  # a colleague saving the same plan at the same instant: the second write wins
            try:
                async with self._write() as s:
                    row = await s.get(TeamPlanRow, key)
                    if row is None:
                        row = TeamPlanRow(team_id=team_id, figure=draft.figure.value, first_year=draft.first_year,
                                          last_year=draft.last_year)
                        s.add(row)
                    row.low, row.high, row.updated_by, row.updated_at = draft.low, draft.high, by, now
                    await s.flush()
                    return _plan(row)
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def plans(self: _Sessions, team_id: int) -> list[Plan]:
        async with self._read() as s:
            found = await s.execute(select(TeamPlanRow).where(TeamPlanRow.team_id == team_id)
                                    .order_by(TeamPlanRow.figure, TeamPlanRow.first_year, TeamPlanRow.last_year))
            return [_plan(r) for r in found.scalars()]

    async def add_correction(self: _Sessions, team_id: int, draft: CorrectionDraft, by: int, now: dt.datetime
                             ) -> Correction:
        async with self._write() as s:
            author = (await s.execute(select(UserRow.name).where(UserRow.id == by))).scalar_one_or_none()
            row = TeamCorrectionRow(team_id=team_id, figure=draft.figure.value, year=draft.year, delta=draft.delta,
                                    reason=draft.reason, author_id=by, author_name=author or "", at=now)
            s.add(row)
            await s.flush()
            return _correction(row)

    async def corrections(self: _Sessions, team_id: int) -> list[Correction]:
        async with self._read() as s:
            found = await s.execute(select(TeamCorrectionRow).where(TeamCorrectionRow.team_id == team_id)
                                    .order_by(TeamCorrectionRow.at.desc(), TeamCorrectionRow.id.desc()))
            return [_correction(r) for r in found.scalars()]

    async def held_meetings_by_year(self: _Sessions, mission_ids: Collection[int]) -> dict[int, dict[int, int]]:
        if not mission_ids:
            return {}
        year = extract("year", MeetingRow.starts_at)
        async with self._read() as s:
            found = await s.execute(select(MeetingRow.mission_id, year, func.count())
                                    .where(MeetingRow.mission_id.in_(list(mission_ids)),
                                           MeetingRow.status == MeetingStatus.HELD.value)
                                    .group_by(MeetingRow.mission_id, year))
            counted: dict[int, dict[int, int]] = {}
            for mission_id, y, n in found.all():
                counted.setdefault(mission_id, {})[int(y)] = n
            return counted

    async def mission_organisations(self: _Sessions, mission_ids: Collection[int]) -> dict[int, set[int]]:
        if not mission_ids:
            return {}
        async with self._read() as s:
            found = await s.execute(select(MembershipRow.mission_id, ProfileRow.organisation_id).distinct()
                                    .join(ProfileRow, ProfileRow.user_id == MembershipRow.user_id)
                                    .where(MembershipRow.mission_id.in_(list(mission_ids)),
                                           MembershipRow.side.is_not(None), ProfileRow.organisation_id.is_not(None)))
            orgs: dict[int, set[int]] = {}
            for mission_id, org in found.all():
                if org is not None:
                    orgs.setdefault(mission_id, set()).add(org)
            return orgs

