"""The ItemRoleStore port in SQL."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.core.errors import NotFound
from rooms.missions.people import ItemRole
from server.db.models import ItemRoleRow, ItemRow, MembershipRow


class _Sessions(Protocol):
    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


class SqlItemRoles:
    """Mixed into SqlStore, which provides the sessions."""

    async def item_roles(self: _Sessions, item_id: int) -> dict[int, ItemRole]:
        async with self._read() as s:
            # A grant lapses with the membership it was given on.
            found = await s.execute(
                select(ItemRoleRow.user_id, ItemRoleRow.role)
                .join(ItemRow, ItemRow.id == ItemRoleRow.item_id)
                .join(MembershipRow, (MembershipRow.mission_id == ItemRow.mission_id)
                      & (MembershipRow.user_id == ItemRoleRow.user_id))
                .where(ItemRoleRow.item_id == item_id).order_by(ItemRoleRow.user_id))
            return {user_id: ItemRole(role) for user_id, role in found.all()}

    async def set_item_roles(self: _Sessions, item_id: int, roles: Mapping[int, ItemRole]) -> None:
        async with self._write() as s:
            # FOR UPDATE: the item cannot be deleted between this check and the inserts below.
            mission_id = (await s.execute(
                select(ItemRow.mission_id).where(ItemRow.id == item_id).with_for_update())).scalar()
            if mission_id is None:
                raise NotFound(code="item-not-found", message="Programme item not found.")
            if roles:
                members = (await s.execute(select(func.count()).select_from(MembershipRow).where(
                    MembershipRow.mission_id == mission_id, MembershipRow.user_id.in_(list(roles))))).scalar_one()
                if members != len(roles):
                    raise NotFound(code="person-not-found", message="Person not found.")
            await s.execute(delete(ItemRoleRow).where(ItemRoleRow.item_id == item_id))
            if roles:
                await s.execute(insert(ItemRoleRow), [
                    {"item_id": item_id, "user_id": user_id, "role": role.value} for user_id, role in roles.items()])
