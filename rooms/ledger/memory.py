"""The LedgerStore in memory, mixed into rooms.catalog.MemoryStore over the people, missions and meetings it holds."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection
from typing import Any

from rooms.ledger.records import (
    Activity,
    ActivityDraft,
    Correction,
    CorrectionDraft,
    MissionRole,
    Plan,
    PlanDraft,
    Team,
    TeamMember,
    TeamMission,
)
from rooms.matchmaking.records import Meeting, MeetingStatus
from rooms.missions.people import Membership
from rooms.missions.profile import Profile


class MemoryLedger:
    # Provided by MemoryMissions and MemoryMeetings in the same store (rooms.catalog.MemoryStore).
    _users: dict[int, Any]  # rooms.missions.memory._UserRecord
    _profiles: dict[int, Profile]
    _memberships: dict[tuple[int, int], Membership]
    _meetings: dict[int, Meeting]

    def __init__(self) -> None:
        super().__init__()
        self._teams: dict[int, Team] = {}
        self._team_members: dict[int, set[int]] = {}
        self._team_missions: dict[tuple[int, int], MissionRole] = {}
        self._activities: dict[int, Activity] = {}
        self._plans: dict[tuple[int, str, int, int], Plan] = {}
        self._corrections: dict[int, tuple[int, Correction]] = {}
        self._next_team_id = itertools.count(1)
        self._next_activity_id = itertools.count(1)
        self._next_correction_id = itertools.count(1)

    async def create_team(self, name: str, creator: int, now: dt.datetime) -> Team:
        team = Team(id=next(self._next_team_id), name=name, created_at=now)
        self._teams[team.id] = team
        self._team_members[team.id] = {creator}
        return team

    async def team(self, team_id: int) -> Team | None:
        return self._teams.get(team_id)

    async def rename_team(self, team_id: int, name: str) -> Team | None:
        if team_id not in self._teams:
            return None
        team = Team(id=team_id, name=name, created_at=self._teams[team_id].created_at)
        self._teams[team_id] = team
        return team

    async def teams_of(self, user_id: int) -> list[Team]:
        mine = [self._teams[t] for t, members in self._team_members.items() if user_id in members]
        return sorted(mine, key=lambda t: (t.name.casefold(), t.id))

    async def team_members(self, team_id: int) -> list[TeamMember]:
        found = [TeamMember(user_id=u, name=self._users[u].name, email=self._users[u].email)
                 for u in self._team_members.get(team_id, set())]
        return sorted(found, key=lambda m: (m.name.casefold(), m.user_id))

    async def is_team_member(self, team_id: int, user_id: int) -> bool:
        return user_id in self._team_members.get(team_id, set())

    async def add_team_member(self, team_id: int, user_id: int) -> bool:
        members = self._team_members.setdefault(team_id, set())
        if user_id in members:
            return False
        members.add(user_id)
        return True

    async def remove_team_member(self, team_id: int, user_id: int, keep: int) -> tuple[bool, int]:
        members = self._team_members.get(team_id, set())
        if user_id not in members or len(members) - 1 < keep:
            return False, len(members)
        members.discard(user_id)
        return True, len(members)

    async def team_missions(self, team_id: int) -> list[TeamMission]:
        return [TeamMission(mission_id=m, role=role) for (t, m), role in sorted(self._team_missions.items())
                if t == team_id]

    async def lead_partner_of(self, mission_id: int) -> int | None:
        return next((t for (t, m), role in self._team_missions.items()
                     if m == mission_id and role is MissionRole.LEAD_PARTNER), None)

    async def link_mission(self, team_id: int, mission_id: int, role: MissionRole) -> bool:
        lead = await self.lead_partner_of(mission_id)
        if role is MissionRole.LEAD_PARTNER and lead is not None and lead != team_id:
            return False
        self._team_missions[(team_id, mission_id)] = role
        return True

    async def unlink_mission(self, team_id: int, mission_id: int) -> bool:
        return self._team_missions.pop((team_id, mission_id), None) is not None

    async def add_activity(self, team_id: int, draft: ActivityDraft, by: int, now: dt.datetime) -> Activity:
        activity = Activity(id=next(self._next_activity_id), team_id=team_id, kind=draft.kind, on=draft.on,
                            title=draft.title, count=draft.count, company=draft.company, notes=draft.notes,
                            created_by=by, created_at=now)
        self._activities[activity.id] = activity
        return activity

    async def activities(self, team_id: int, first: dt.date, last: dt.date) -> list[Activity]:
        found = [a for a in self._activities.values() if a.team_id == team_id and first <= a.on <= last]
        return sorted(found, key=lambda a: (a.on, a.id), reverse=True)

    async def delete_activity(self, team_id: int, activity_id: int) -> bool:
        found = self._activities.get(activity_id)
        if found is None or found.team_id != team_id:
            return False
        del self._activities[activity_id]
        return True

    async def set_plan(self, team_id: int, draft: PlanDraft, by: int, now: dt.datetime) -> Plan:
        plan = Plan(figure=draft.figure, first_year=draft.first_year, last_year=draft.last_year, low=draft.low,
                    high=draft.high, updated_by=by, updated_at=now)
        self._plans[(team_id, draft.figure.value, draft.first_year, draft.last_year)] = plan
        return plan

    async def plans(self, team_id: int) -> list[Plan]:
        return [p for (t, *_), p in sorted(self._plans.items()) if t == team_id]

    async def add_correction(self, team_id: int, draft: CorrectionDraft, by: int, now: dt.datetime
                             ) -> Correction:
        author = self._users.get(by)
        correction = Correction(id=next(self._next_correction_id), figure=draft.figure, year=draft.year,
                                delta=draft.delta, reason=draft.reason, author_id=by,
                                author_name=author.name if author is not None else "", at=now)
        self._corrections[correction.id] = (team_id, correction)
        return correction

    async def corrections(self, team_id: int) -> list[Correction]:
        found = [c for t, c in self._corrections.values() if t == team_id]
        return sorted(found, key=lambda c: (c.at, c.id), reverse=True)

    async def held_meetings_by_year(self, mission_ids: Collection[int]) -> dict[int, dict[int, int]]:
        wanted = set(mission_ids)
        found: dict[int, dict[int, int]] = {}
        for m in self._meetings.values():
            if m.mission_id in wanted and m.status is MeetingStatus.HELD:
                years = found.setdefault(m.mission_id, {})
                years[m.starts_at.year] = years.get(m.starts_at.year, 0) + 1
        return found

    async def mission_organisations(self, mission_ids: Collection[int]) -> dict[int, set[int]]:
        wanted = set(mission_ids)
        found: dict[int, set[int]] = {}
        for (mission_id, user_id), ms in self._memberships.items():
            profile = self._profiles.get(user_id)
            if mission_id in wanted and ms.side is not None and profile is not None \
                    and profile.organisation_id is not None:
                found.setdefault(mission_id, set()).add(profile.organisation_id)
        return found
