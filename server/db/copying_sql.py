"""The CopyStore port (rooms.missions.copying) in SQL: a copied mission in one transaction."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import msgspec
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.missions.copying import MissionCopy
from rooms.missions.mission import ItemDraft, Mission, MissionDraft
from rooms.missions.people import Role
from server.db import rows
from server.db.models import ItemRoleRow, ItemRow, MatchmakingRulesRow, MembershipRow, MissionRow, TrackRow


class _Sessions(Protocol):
    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    @staticmethod
    def _fill_mission(row: MissionRow, d: MissionDraft) -> None: ...

    @staticmethod
    def _fill_item(row: ItemRow, d: ItemDraft) -> None: ...


class SqlCopies:
    """Mixed into SqlStore, which provides the sessions and how a row is filled from a draft."""

    async def create_mission_copy(self: _Sessions, copy: MissionCopy, now: dt.datetime) -> Mission:
        async with self._write() as s:
            mission = MissionRow(created_by=copy.created_by, created_at=now)
            self._fill_mission(mission, copy.draft)
            s.add(mission)
            await s.flush()
            s.add(MembershipRow(mission_id=mission.id, user_id=copy.created_by, role=Role.ORGANISER.value, side=None))
            for m in copy.members:
                s.add(MembershipRow(mission_id=mission.id, user_id=m.user_id, role=m.role.value,
                                    side=None if m.side is None else m.side.value))
            s.add(MatchmakingRulesRow(mission_id=mission.id, rules=msgspec.json.encode(copy.rules).decode()))
            for name in copy.tracks:
                s.add(TrackRow(mission_id=mission.id, name=name, name_key=name.casefold()))
            for item in copy.items:
                row = ItemRow(mission_id=mission.id)
                self._fill_item(row, item.draft)
                s.add(row)
                await s.flush()
                if item.roles:
                    await s.execute(insert(ItemRoleRow), [
                        {"item_id": row.id, "user_id": uid, "role": role.value} for uid, role in item.roles.items()])
            await s.flush()
            return rows.mission(mission)
