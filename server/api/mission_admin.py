"""Running missions from screens: copying a mission as the template for the next, and the colleagues who may create
missions (rooms.missions.template, rooms.missions.creators; who may is rooms.policy's, docs/security.md)."""

from __future__ import annotations

from typing import Any

from rooms.missions.creators import CreatorGrant, MissionCreator, MissionCreators
from rooms.missions.service import MissionView
from rooms.missions.template import MissionTemplates, TemplateDraft
from server.api.core import Context, Endpoint


def _creators(ctx: Context) -> MissionCreators:
    return MissionCreators(ctx.services.store, ctx.services.clock)


async def copy_mission(ctx: Context, body: TemplateDraft) -> MissionView:
    mid = ctx.path_id("mission_id")
    templates = MissionTemplates(ctx.services.store, ctx.services.clock)
    return await templates.copy(await ctx.user_in(mid), mid, body)


async def list_creators(ctx: Context, _: Any) -> list[MissionCreator]:
    return await _creators(ctx).list(await ctx.user())


async def grant_creator(ctx: Context, body: CreatorGrant) -> MissionCreator:
    return await _creators(ctx).grant(await ctx.user(), body)


async def revoke_creator(ctx: Context, _: Any) -> None:
    await _creators(ctx).revoke(await ctx.user(), ctx.path_id("user_id"))


def endpoints() -> list[Endpoint]:
    creators = "/api/mission-creators"
    return [
        Endpoint("POST", "/api/missions/{mission_id:int}/copy", copy_mission, "A new mission with this one as its "
                 "template: settings, programme (moved to the new dates), matchmaking rules, optionally organisers "
                 "and webinar roles; no members (the source's organisers who may create missions)", "missions",
                 body=TemplateDraft, returns=MissionView, status=201, errors=("programme-conflict",)),
        Endpoint("GET", creators, list_creators, "Everyone who may create missions (for those who may)", "accounts",
                 returns=list[MissionCreator]),
        Endpoint("POST", creators, grant_creator, "Let a colleague create missions, making their account if the "
                 "address is new (for those who may create missions)", "accounts", body=CreatorGrant,
                 returns=MissionCreator, status=201),
        Endpoint("DELETE", f"{creators}/{{user_id:int}}", revoke_creator, "Withdraw the right to create missions "
                 "(never from the last who holds it)", "accounts",
                 errors=("creator-not-found", "last-mission-creator")),
    ]
