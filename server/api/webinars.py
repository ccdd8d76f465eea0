"""Webinars: who hosts, moderates and speaks in each, and who attended."""

from __future__ import annotations

from typing import Any

import msgspec

from rooms.core.errors import NotFound
from rooms.missions.item_roles import ItemRoles, ItemRoleService, RoleGrants
from rooms.policy import Action, Actor, require
from rooms.webinar.service import WebinarStatus
from rooms.webinar.state import AttendanceRecord
from server.api.core import Context, Endpoint


class Attendance(msgspec.Struct, frozen=True):
    """Who came to a webinar, for the console and the organiser's figures (minutes counted up to now). The
    figures count attendees only, and only time while the webinar was live; its host, moderators and speakers are
    listed apart in `staff`."""

    unique: int  # attendees who were here while it was live
    present: int  # attendees here now
    minutes_watched: int
    questions: int
    people: list[AttendanceRecord]  # attendees, also those who only waited before the start (attended: false)
    staff: list[AttendanceRecord]


def _ids(ctx: Context) -> tuple[int, int]:
    return ctx.path_id("mission_id"), ctx.path_id("item_id")


async def item_roles(ctx: Context, _: Any) -> ItemRoles:
    mission_id, item_id = _ids(ctx)
    user = await ctx.user_in(mission_id)
    return await ItemRoleService(ctx.services.store).roles(user, mission_id, item_id)


async def set_item_roles(ctx: Context, body: RoleGrants) -> ItemRoles:
    mission_id, item_id = _ids(ctx)
    user = await ctx.user_in(mission_id)
    store = ctx.services.store
    before = await store.item_roles(item_id)
    granted = await ItemRoleService(store).set_roles(user, mission_id, item_id, body)
    after = {g.user_id: g.role for g in granted.roles}
    # Whoever lost or changed a grant leaves the rooms it let them see (the staff room), on every node.
    await ctx.services.control.recheck([u for u in before.keys() | after.keys() if before.get(u) != after.get(u)])
    return granted


async def attendance(ctx: Context, _: Any) -> Attendance:
    mission_id, item_id = _ids(ctx)
    user = await ctx.user_in(mission_id)
    # Outsiders learn nothing of the mission, as everywhere else.
    require(Actor(user, await ctx.services.store.get_membership(mission_id, user.id)), Action.VIEW_MISSION)
    webinars = ctx.services.webinars
    if await webinars.mission_of(item_id) != mission_id:
        raise NotFound(code="webinar-not-found", message="Webinar not found.")
    records = await webinars.attendance(user, item_id)
    people = [r for r in records if not r.staff]
    return Attendance(unique=sum(p.attended for p in people), present=sum(p.present for p in people),
                      minutes_watched=sum(p.seconds for p in people) // 60,
                      questions=sum(p.questions for p in people), people=people,
                      staff=[r for r in records if r.staff])


async def statuses(ctx: Context, _: Any) -> list[WebinarStatus]:
    mission_id = ctx.path_id("mission_id")
    user = await ctx.user_in(mission_id)
    require(Actor(user, await ctx.services.store.get_membership(mission_id, user.id)), Action.VIEW_MISSION)
    return await ctx.services.webinars.statuses(user, mission_id)


def endpoints() -> list[Endpoint]:
    roles = "/api/missions/{mission_id:int}/programme/{item_id:int}/roles"
    return [
        Endpoint("GET", "/api/missions/{mission_id:int}/webinars", statuses,
                 "Each webinar of the programme as it stands: not started, live or ended (its time box), and "
                 "whether you may reopen it", "webinars", returns=list[WebinarStatus]),
        Endpoint("GET", "/api/missions/{mission_id:int}/programme/{item_id:int}/attendance", attendance,
                 "Who attended a webinar: joined, left, minutes watched, questions (its host, moderators and "
                 "organisers)", "webinars", returns=Attendance, errors=("webinar-not-found",)),
        Endpoint("GET", roles, item_roles, "A webinar's host, moderators and speakers", "webinars",
                 returns=ItemRoles),
        Endpoint("PUT", roles, set_item_roles, "Replace a webinar's host, moderators and speakers (organisers)",
                 "webinars", body=RoleGrants, returns=ItemRoles,
                 errors=("not-a-webinar", "duplicate-person", "not-a-member", "item-not-found")),
    ]
