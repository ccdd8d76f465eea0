"""Who hosts, moderates and speaks in a webinar: roles granted per programme item by the mission's organisers."""

from __future__ import annotations

from typing import Annotated, Protocol

import msgspec

from rooms.core.errors import Invalid, NotFound
from rooms.missions.audience import AudienceStore
from rooms.missions.mission import ProgrammeItem
from rooms.missions.people import Id, ItemRole, User
from rooms.missions.ports import DirectoryStore, ItemRoleStore, MembershipStore, MissionStore
from rooms.policy import Action, Actor, require, require_item_visible


class RoleGrantStore(MissionStore, MembershipStore, DirectoryStore, ItemRoleStore, AudienceStore, Protocol):
    """What granting roles per programme item uses of the store."""


MAX_GRANTS = 50
_ORDER = {ItemRole.HOST: 0, ItemRole.MODERATOR: 1, ItemRole.SPEAKER: 2}


class RoleGrant(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    user_id: Id
    role: ItemRole


class RoleGrants(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    roles: Annotated[list[RoleGrant], msgspec.Meta(max_length=MAX_GRANTS)]


class GrantedRole(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    organisation: str
    role: ItemRole


class ItemRoles(msgspec.Struct, frozen=True):
    roles: list[GrantedRole]  # hosts, then moderators, then speakers; by name within each


class ItemRoleService:
    def __init__(self, store: RoleGrantStore) -> None:
        self._store = store

    async def _item(self, user: User, mission_id: int, item_id: int, action: Action) -> ProgrammeItem:
        membership = await self._store.get_membership(mission_id, user.id)
        require(Actor(user, membership), action)
        item = await self._store.get_item(item_id)
        if item is None or item.mission_id != mission_id:
            raise NotFound(code="item-not-found", message="Programme item not found.")
        require_item_visible(membership, item, await self._store.mission_audience(mission_id))
        return item

    async def roles(self, user: User, mission_id: int, item_id: int) -> ItemRoles:
        item = await self._item(user, mission_id, item_id, Action.VIEW_MISSION)
        return await self._granted(item)

    async def set_roles(self, user: User, mission_id: int, item_id: int, grants: RoleGrants) -> ItemRoles:
        item = await self._item(user, mission_id, item_id, Action.MANAGE_PROGRAMME)
        if not item.kind.has_stage:
            raise Invalid(code="not-a-webinar",
                          message="Roles are granted for webinars, group sessions and roundtables only.")
        roles = {grant.user_id: grant.role for grant in grants.roles}
        if len(roles) != len(grants.roles):
            raise Invalid(code="duplicate-person", message="Give each person one role.", field="roles")
        try:
            await self._store.set_item_roles(item.id, roles)
        except NotFound as exc:
            if exc.code != "person-not-found":
                raise
            raise Invalid(code="not-a-member", message="Only people taking part in the mission can be given a role.",
                          field="roles") from exc
        return await self._granted(item)

    async def _granted(self, item: ProgrammeItem) -> ItemRoles:
        found: list[GrantedRole] = []
        for user_id, role in (await self._store.item_roles(item.id)).items():
            entry = await self._store.directory_entry(item.mission_id, user_id)
            if entry is not None:
                found.append(GrantedRole(user_id, entry.profile.name, entry.profile.organisation, role))
        found.sort(key=lambda g: (_ORDER[g.role], g.name.casefold(), g.user_id))
        return ItemRoles(found)
