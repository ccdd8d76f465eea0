"""Webinars: who hosts, moderates and speaks in each."""

from __future__ import annotations

from typing import Any

from rooms.item_roles import ItemRoles, ItemRoleService, RoleGrants
from server.api.core import Context, Endpoint


def _ids(ctx: Context) -> tuple[int, int]:
    return ctx.path_id("mission_id"), ctx.path_id("item_id")


async def item_roles(ctx: Context, _: Any) -> ItemRoles:
    mission_id, item_id = _ids(ctx)
    user = await ctx.user_in(mission_id)
    return await ItemRoleService(ctx.services.store).roles(user, mission_id, item_id)


async def set_item_roles(ctx: Context, body: RoleGrants) -> ItemRoles:
    mission_id, item_id = _ids(ctx)
    user = await ctx.user_in(mission_id)
    return await ItemRoleService(ctx.services.store).set_roles(user, mission_id, item_id, body)


def endpoints() -> list[Endpoint]:
    roles = "/api/missions/{mission_id:int}/programme/{item_id:int}/roles"
    return [
        Endpoint("GET", roles, item_roles, "A webinar's host, moderators and speakers", "webinars",
                 returns=ItemRoles),
        Endpoint("PUT", roles, set_item_roles, "Replace a webinar's host, moderators and speakers (organisers)",
                 "webinars", body=RoleGrants, returns=ItemRoles,
                 errors=("not-a-webinar", "duplicate-person", "not-a-member", "item-not-found")),
    ]
