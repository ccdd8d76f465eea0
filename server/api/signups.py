"""Places on programme items and check-in on site (docs/programme.md): handlers decode, call
rooms.signups.service, encode."""

from __future__ import annotations

from typing import Any

from rooms.signups.service import CheckedIn, CheckinCode, CodeGiven, ItemAttendance, Places
from server.api.core import Context, Endpoint


def _ids(ctx: Context) -> tuple[int, int]:
    return ctx.path_id("mission_id"), ctx.path_id("item_id")


async def board(ctx: Context, _: Any) -> list[Places]:
    mid = ctx.path_id("mission_id")
    return await ctx.services.signups.board(await ctx.user_in(mid), mid)


async def sign_up(ctx: Context, _: Any) -> Places:
    mid, iid = _ids(ctx)
    return await ctx.services.signups.sign_up(await ctx.user_in(mid), mid, iid)


async def withdraw(ctx: Context, _: Any) -> Places:
    mid, iid = _ids(ctx)
    return (await ctx.services.signups.withdraw(await ctx.user_in(mid), mid, iid)).places


async def attendance(ctx: Context, _: Any) -> ItemAttendance:
    mid, iid = _ids(ctx)
    return await ctx.services.signups.attendance(await ctx.user_in(mid), mid, iid)


async def remove(ctx: Context, _: Any) -> Places:
    mid, iid = _ids(ctx)
    member = ctx.path_id("user_id")
    return (await ctx.services.signups.remove(await ctx.user_in(mid), mid, iid, member)).places


async def checkin_code(ctx: Context, _: Any) -> CheckinCode:
    mid, iid = _ids(ctx)
    return await ctx.services.signups.checkin_code(await ctx.user_in(mid), mid, iid)


async def check_in(ctx: Context, body: CodeGiven) -> CheckedIn:
    mid, iid = _ids(ctx)
    return await ctx.services.signups.check_in(await ctx.user_in(mid), mid, iid, body)


async def check_in_person(ctx: Context, _: Any) -> CheckedIn:
    mid, iid = _ids(ctx)
    member = ctx.path_id("user_id")
    return await ctx.services.signups.check_in_person(await ctx.user_in(mid), mid, iid, member)


def endpoints() -> list[Endpoint]:
    m = "/api/missions/{mission_id:int}"
    item = m + "/programme/{item_id:int}"
    return [
        Endpoint("GET", m + "/places", board, "My standing on every item with places that I may see: capacity, "
                 "taken, waiting, mine (confirmed | waiting) and position", "programme", returns=list[Places]),
        Endpoint("POST", item + "/signup", sign_up, "Take a place, or join the waiting list when all are taken "
                 "(again: no change)", "programme", returns=Places, errors=("no-signup", "item-over",
                                                                             "item-not-found")),
        Endpoint("DELETE", item + "/signup", withdraw, "Give up my place (the first waiting moves up and is told) "
                 "or leave the waiting list", "programme", returns=Places, errors=("no-signup", "item-not-found")),
        Endpoint("GET", item + "/signups", attendance, "Who holds a place, who waits and who checked in "
                 "(organisers)", "programme", returns=ItemAttendance, errors=("item-not-found",)),
        Endpoint("DELETE", item + "/signups/{user_id:int}", remove, "Take someone's place or waiting-list entry "
                 "away (organisers)", "programme", returns=Places, errors=("no-signup", "item-not-found")),
        Endpoint("GET", item + "/checkin-code", checkin_code, "The item's check-in code and the page its QR code "
                 "opens (organisers)", "programme", returns=CheckinCode, errors=("checkin-not-here",)),
        Endpoint("POST", item + "/checkin", check_in, "Check in on site with the code shown there", "programme",
                 body=CodeGiven, returns=CheckedIn,
                 errors=("checkin-code-wrong", "checkin-closed", "checkin-not-here", "no-place")),
        Endpoint("POST", item + "/checkins/{user_id:int}", check_in_person, "Check someone in by hand "
                 "(organisers)", "programme", returns=CheckedIn,
                 errors=("checkin-closed", "checkin-not-here", "not-a-member")),
    ]
