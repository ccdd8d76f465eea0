"""What the ledger stores and reads (memory: rooms/ledger/memory.py; SQL: server/db/ledger_sql.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Protocol

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


class LedgerStore(Protocol):
    async def create_team(self, name: str, creator: int, now: dt.datetime) -> Team:
        """A team with its creator as its first member."""
        ...

    async def team(self, team_id: int) -> Team | None: ...

    async def rename_team(self, team_id: int, name: str) -> Team | None: ...

    async def teams_of(self, user_id: int) -> list[Team]:
        """The person's teams, by name."""
        ...

    async def team_members(self, team_id: int) -> list[TeamMember]:
        """By name."""
        ...

    async def is_team_member(self, team_id: int, user_id: int) -> bool: ...

    async def add_team_member(self, team_id: int, user_id: int) -> bool:
        """False when the person is in the team already."""
        ...

    async def remove_team_member(self, team_id: int, user_id: int, keep: int) -> tuple[bool, int]:
        """Removes the member unless fewer than `keep` would remain, atomically: (removed, members left). Removing
        someone who is not a member removes nothing."""
        ...

    async def team_missions(self, team_id: int) -> list[TeamMission]: ...

    async def lead_partner_of(self, mission_id: int) -> int | None:
        """The team that is the mission's lead partner, if any."""
        ...

    async def link_mission(self, team_id: int, mission_id: int, role: MissionRole) -> bool:
        """Counts the mission in the team's ledger in that role (a second link changes the role). False when
        another team is the mission's lead partner and `role` is lead partner: nothing changes then."""
        ...

    async def unlink_mission(self, team_id: int, mission_id: int) -> bool: ...

    async def add_activity(self, team_id: int, draft: ActivityDraft, by: int, now: dt.datetime) -> Activity: ...

    async def activities(self, team_id: int, first: dt.date, last: dt.date) -> list[Activity]:
        """Activities dated first..last inclusive, newest first."""
        ...

    async def delete_activity(self, team_id: int, activity_id: int) -> bool: ...

    async def set_plan(self, team_id: int, draft: PlanDraft, by: int, now: dt.datetime) -> Plan:
        """Saves the plan for that figure and period, replacing the one there was."""
        ...

    async def plans(self, team_id: int) -> list[Plan]: ...

    async def add_correction(self, team_id: int, draft: CorrectionDraft, by: int, now: dt.datetime
                             ) -> Correction: ...

    async def corrections(self, team_id: int) -> list[Correction]:
        """The log of corrections, newest first, with each author's name."""
        ...

    async def held_meetings_by_year(self, mission_ids: Collection[int]) -> dict[int, dict[int, int]]:
        """Mission id -> year (of the meeting's start, UTC) -> meetings held."""
        ...

    async def mission_organisations(self, mission_ids: Collection[int]) -> dict[int, set[int]]:
        """Mission id -> the organisations of its members who have a side (organisers and staff apart)."""
        ...
