"""The port that writes a mission copied from a template (rooms.missions.template) in one go, and its in-memory
implementation; `server/db/copying_sql.py` implements it in SQL."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import msgspec

from rooms.core.cards import Side
from rooms.matchmaking.records import MatchmakingRules
from rooms.missions.mission import ItemDraft, Mission, MissionDraft, ProgrammeItem
from rooms.missions.people import ItemRole, Membership, Role


class CopiedMember(msgspec.Struct, frozen=True):
    user_id: int
    role: Role
    side: Side | None


class CopiedItem(msgspec.Struct, frozen=True):
    draft: ItemDraft  # validated against the new mission
    roles: dict[int, ItemRole]  # webinar grants, each to the creator or one of `members`


class MissionCopy(msgspec.Struct, frozen=True):
    draft: MissionDraft  # validated
    created_by: int
    members: list[CopiedMember]  # besides `created_by`, who organises it
    items: list[CopiedItem]
    rules: MatchmakingRules
    tracks: list[str] = msgspec.field(default_factory=list)  # names, without members


class CopyStore(Protocol):
    async def create_mission_copy(self, copy: MissionCopy, now: dt.datetime) -> Mission:
        """Atomically: the mission with `created_by` its organiser, the members, the tracks, the items with their
        grants, and the matchmaking rules — all of it or, on any failure, nothing."""
        ...


class _Parts(Protocol):
    async def create_mission(self, draft: MissionDraft, created_by: int, now: dt.datetime) -> Mission: ...

    async def set_membership(self, mission_id: int, user_id: int, role: Role, side: Side | None) -> Membership: ...

    async def add_item(self, mission_id: int, draft: ItemDraft) -> ProgrammeItem: ...

    async def set_item_roles(self, item_id: int, roles: dict[int, ItemRole]) -> None: ...

    async def save_rules(self, mission_id: int, rules: MatchmakingRules) -> None: ...

    def _add_track(self, mission_id: int, name: str) -> None: ...


class MemoryCopies:
    """Mixed into the memory store. None of these calls awaits anything, so the whole copy runs as one step; the
    members and grants were checked by the caller, so no step raises halfway."""

    async def create_mission_copy(self: _Parts, copy: MissionCopy, now: dt.datetime) -> Mission:
        made = await self.create_mission(copy.draft, copy.created_by, now)
        for name in copy.tracks:
            self._add_track(made.id, name)
        for member in copy.members:
            await self.set_membership(made.id, member.user_id, member.role, member.side)
        for item in copy.items:
            added = await self.add_item(made.id, item.draft)
            if item.roles:
                await self.set_item_roles(added.id, item.roles)
        await self.save_rules(made.id, copy.rules)
        return made
