"""Tracks (sub-delegations with their members) and invite lists: who sees which programme item
(docs/programme.md). Whoever a change takes an item away from leaves its room at once, on every node."""

from __future__ import annotations

from typing import Any

from rooms.missions.audience import InviteList, NewTrack, TrackChange
from rooms.missions.tracks import Invitees, TrackService, TrackView
from server.api.core import Context, Endpoint


def _service(ctx: Context) -> TrackService:
    return TrackService(ctx.services.store)


async def tracks(ctx: Context, _: Any) -> list[TrackView]:
    mid = ctx.path_id("mission_id")
    return await _service(ctx).tracks(await ctx.user_in(mid), mid)


async def create_track(ctx: Context, body: NewTrack) -> TrackView:
    mid = ctx.path_id("mission_id")
    return await _service(ctx).create(await ctx.user_in(mid), mid, body)


async def change_track(ctx: Context, body: TrackChange) -> TrackView:
    mid, tid = ctx.path_id("mission_id"), ctx.path_id("track_id")
    user = await ctx.user_in(mid)
    before = await ctx.services.store.get_track(tid)
    changed = await _service(ctx).change(user, mid, tid, body)
    after = await ctx.services.store.get_track(tid)
    left = set(before.members if before else ()) ^ set(after.members if after else ())
    await ctx.services.control.recheck(left)
    return changed


async def delete_track(ctx: Context, _: Any) -> None:
    mid, tid = ctx.path_id("mission_id"), ctx.path_id("track_id")
    await _service(ctx).delete(await ctx.user_in(mid), mid, tid)


async def invitees(ctx: Context, _: Any) -> Invitees:
    mid, iid = ctx.path_id("mission_id"), ctx.path_id("item_id")
    return await _service(ctx).invitees(await ctx.user_in(mid), mid, iid)


async def set_invitees(ctx: Context, body: InviteList) -> Invitees:
    mid, iid = ctx.path_id("mission_id"), ctx.path_id("item_id")
    user = await ctx.user_in(mid)
    before = set(await ctx.services.store.item_invitees(iid))
    found = await _service(ctx).set_invitees(user, mid, iid, body)
    await ctx.services.control.recheck(before - set(body.user_ids))
    return found


def endpoints() -> list[Endpoint]:
    m = "/api/missions/{mission_id:int}"
    track = m + "/tracks/{track_id:int}"
    invited = m + "/programme/{item_id:int}/invitees"
    return [
        Endpoint("GET", m + "/tracks", tracks, "The mission's tracks: name, size and whether I am on it (their "
                 "members for organisers)", "programme", returns=list[TrackView]),
        Endpoint("POST", m + "/tracks", create_track, "Add a track (organisers)", "programme", body=NewTrack,
                 returns=TrackView, status=201, errors=("track-exists", "too-many-tracks")),
        Endpoint("PUT", track, change_track, "Rename a track (its items follow) and set its members (organisers)",
                 "programme", body=TrackChange, returns=TrackView,
                 errors=("track-not-found", "track-exists", "not-a-member")),
        Endpoint("DELETE", track, delete_track, "Delete a track no item for its members names (organisers)",
                 "programme", errors=("track-not-found", "track-in-use")),
        Endpoint("GET", invited, invitees, "An item's invite list (organisers)", "programme", returns=Invitees,
                 errors=("item-not-found",)),
        Endpoint("PUT", invited, set_invitees, "Replace an item's invite list (organisers); those taken off leave "
                 "its room", "programme", body=InviteList, returns=Invitees,
                 errors=("item-not-found", "not-a-member")),
    ]
