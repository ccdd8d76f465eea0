"""The ItemRoleStore port in memory: grants per programme item, mixed into MemoryStore."""

from __future__ import annotations

from collections.abc import Mapping

from rooms.core.errors import NotFound
from rooms.missions.mission import ProgrammeItem
from rooms.missions.people import ItemRole, Membership


class MemoryItemRoles:
    # Provided by MemoryStore.
    _items: dict[int, ProgrammeItem]
    _memberships: dict[tuple[int, int], Membership]

    def __init__(self) -> None:
        super().__init__()
        self._item_roles: dict[int, dict[int, ItemRole]] = {}

    async def item_roles(self, item_id: int) -> dict[int, ItemRole]:
        item = self._items.get(item_id)
        if item is None:
            return {}
        # A grant lapses with the membership it was given on, as the SQL store's join does.
        return {user_id: role for user_id, role in self._item_roles.get(item_id, {}).items()
                if (item.mission_id, user_id) in self._memberships}

    async def set_item_roles(self, item_id: int, roles: Mapping[int, ItemRole]) -> None:
        item = self._items.get(item_id)
        if item is None:
            raise NotFound(code="item-not-found", message="Programme item not found.")
        if any((item.mission_id, user_id) not in self._memberships for user_id in roles):
            raise NotFound(code="person-not-found", message="Person not found.")
        self._item_roles[item_id] = dict(roles)

    def _drop_item_roles(self, item_id: int) -> None:
        self._item_roles.pop(item_id, None)
