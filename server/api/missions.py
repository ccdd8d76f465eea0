"""Missions, their programme, the directory of people, and invitations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from rooms.core.cards import OrgType, Side
from rooms.missions.mission import ItemDraft, Mission, MissionDraft, ProgrammeItem
from rooms.missions.people import Invitation, InvitationDraft, Membership, Role, Suspension
from rooms.missions.profile import DirectoryEntry, DirectoryPage, DirectoryQuery
from rooms.missions.service import MemberChange, MissionView
from server.api.core import Context, Endpoint
from server.tokens import Purpose


class InvitationView(msgspec.Struct, frozen=True):
    id: int
    mission_id: int
    email: str
    name: str
    role: Role
    side: Side | None
    organisation: str
    invited_by: int
    created_at: dt.datetime
    expires_at: dt.datetime
    accepted_at: dt.datetime | None
    accepted_by: int | None
    org_type: OrgType | None
    sector: str
    language: str
    opened_at: dt.datetime | None
    revoked_at: dt.datetime | None
    status: str


class NewInvitation(msgspec.Struct, frozen=True):
    invitation: InvitationView
    link: str
    mail_sent: bool = True  # False: this server sends no mail (no SMTP server); pass the link on yourself


def invitation_view(ctx: Context, invitation: Invitation) -> InvitationView:
    fields = msgspec.structs.asdict(invitation)
    return InvitationView(**fields, status=invitation.status(ctx.services.clock.now()))


def _mission_id(ctx: Context) -> int:
    return ctx.path_id("mission_id")


async def list_missions(ctx: Context, _: Any) -> list[MissionView]:
    return await ctx.services.missions.my_missions(await ctx.user())


async def create_mission(ctx: Context, body: MissionDraft) -> MissionView:
    return await ctx.services.missions.create_mission(await ctx.user(), body)


async def get_mission(ctx: Context, _: Any) -> MissionView:
    mid = _mission_id(ctx)
    return await ctx.services.missions.view(await ctx.user_in(mid), mid)


async def update_mission(ctx: Context, body: MissionDraft) -> Mission:
    mid = _mission_id(ctx)
    return await ctx.services.missions.update_mission(await ctx.user_in(mid), mid, body)


async def programme(ctx: Context, _: Any) -> list[ProgrammeItem]:
    mid = _mission_id(ctx)
    return await ctx.services.missions.programme(await ctx.user_in(mid), mid)


async def add_item(ctx: Context, body: ItemDraft) -> ProgrammeItem:
    mid = _mission_id(ctx)
    return await ctx.services.missions.add_item(await ctx.user_in(mid), mid, body)


async def _item_user(ctx: Context) -> tuple[Any, int]:
    item_id = ctx.path_id("item_id")
    user = await ctx.user()
    item = await ctx.services.missions.get_item(user, item_id)
    await ctx.user_in(item.mission_id)
    return user, item_id


async def get_item(ctx: Context, _: Any) -> ProgrammeItem:
    user, item_id = await _item_user(ctx)
    return await ctx.services.missions.get_item(user, item_id)


async def update_item(ctx: Context, body: ItemDraft) -> ProgrammeItem:
    user, item_id = await _item_user(ctx)
    before = await ctx.services.missions.get_item(user, item_id)
    after = await ctx.services.missions.update_item(user, item_id, body)
    if (before.audience, before.track.casefold()) != (after.audience, after.track.casefold()):
        # Whoever the item's new audience leaves out leaves its room at once, on every node.
        people = await ctx.services.store.mission_directory(after.mission_id)
        await ctx.services.control.recheck([e.profile.user_id for e in people])
    return after


async def delete_item(ctx: Context, _: Any) -> None:
    user, item_id = await _item_user(ctx)
    await ctx.services.missions.delete_item(user, item_id)


async def directory(ctx: Context, query: DirectoryQuery) -> DirectoryPage:
    mid = _mission_id(ctx)
    return await ctx.services.missions.directory(await ctx.user_in(mid), mid, query)


async def person(ctx: Context, _: Any) -> DirectoryEntry:
    mid = _mission_id(ctx)
    member = ctx.path_id("user_id")
    return await ctx.services.missions.directory_entry(await ctx.user_in(mid), mid, member)


async def change_person(ctx: Context, body: MemberChange) -> Membership:
    mid = _mission_id(ctx)
    member = ctx.path_id("user_id")
    changed = await ctx.services.missions.change_member(await ctx.user_in(mid), mid, member, body)
    await ctx.services.control.recheck([member])  # a lower role leaves the rooms it no longer sees
    return changed


async def remove_person(ctx: Context, _: Any) -> None:
    mid = _mission_id(ctx)
    member = ctx.path_id("user_id")
    await ctx.services.missions.remove_member(await ctx.user_in(mid), mid, member)
    # Their sockets in the mission close, on every node; what they try next is refused.
    await ctx.services.control.expelled(member, mid)


async def suspend_person(ctx: Context, _: Any) -> None:
    mid = _mission_id(ctx)
    member = ctx.path_id("user_id")
    await ctx.services.missions.suspend_member(await ctx.user_in(mid), mid, member)
    await ctx.services.control.expelled(member, mid)


async def reinstate_person(ctx: Context, _: Any) -> Membership:
    mid = _mission_id(ctx)
    return await ctx.services.missions.reinstate_member(await ctx.user_in(mid), mid, ctx.path_id("user_id"))


async def suspended_people(ctx: Context, _: Any) -> list[Suspension]:
    mid = _mission_id(ctx)
    return await ctx.services.missions.suspensions(await ctx.user_in(mid), mid)


async def invite(ctx: Context, body: InvitationDraft) -> NewInvitation:
    mid = _mission_id(ctx)
    invitation = await ctx.services.missions.invite(await ctx.user_in(mid), mid, body)
    ctx.services.mail.wake()  # its mail was queued with it
    token = ctx.services.tokens.sign(Purpose.INVITATION, invitation.id)
    link = f"{ctx.services.settings.public_url}/invite#t={token}"
    return NewInvitation(invitation_view(ctx, invitation), link, ctx.services.mail.sends)


async def invitations(ctx: Context, _: Any) -> list[InvitationView]:
    mid = _mission_id(ctx)
    found = await ctx.services.missions.invitations(await ctx.user_in(mid), mid)
    return [invitation_view(ctx, i) for i in found]


def endpoints() -> list[Endpoint]:
    m = "/api/missions/{mission_id:int}"
    item = "/api/programme/{item_id:int}"
    return [
        Endpoint("GET", "/api/missions", list_missions, "My missions", "missions", returns=list[MissionView]),
        Endpoint("POST", "/api/missions", create_mission, "Create a mission (organiser accounts)", "missions",
                 body=MissionDraft, returns=MissionView, status=201),
        Endpoint("GET", m, get_mission, "A mission, with my role and permissions in it", "missions",
                 returns=MissionView),
        Endpoint("PUT", m, update_mission, "Change a mission (organisers)", "missions", body=MissionDraft,
                 returns=Mission),
        Endpoint("GET", f"{m}/programme", programme, "The programme, by start time", "programme",
                 returns=list[ProgrammeItem]),
        Endpoint("POST", f"{m}/programme", add_item, "Add a programme item (organisers)", "programme",
                 body=ItemDraft, returns=ProgrammeItem, status=201),
        Endpoint("GET", item, get_item, "A programme item", "programme", returns=ProgrammeItem),
        Endpoint("PUT", item, update_item, "Change a programme item (organisers)", "programme", body=ItemDraft,
                 returns=ProgrammeItem),
        Endpoint("DELETE", item, delete_item, "Remove a programme item (organisers)", "programme"),
        Endpoint("GET", f"{m}/directory", directory, "Search the people taking part", "directory",
                 query=DirectoryQuery, returns=DirectoryPage),
        Endpoint("GET", f"{m}/people/{{user_id:int}}", person, "One person's profile in this mission", "directory",
                 returns=DirectoryEntry),
        Endpoint("PUT", f"{m}/people/{{user_id:int}}", change_person, "Change a person's role or side "
                 "(organisers)", "directory", body=MemberChange, returns=Membership),
        Endpoint("DELETE", f"{m}/people/{{user_id:int}}", remove_person, "Remove a person from the mission "
                 "(organisers): their open connections in it close at once", "directory",
                 errors=("person-not-found", "last-organiser")),
        Endpoint("POST", f"{m}/people/{{user_id:int}}/suspend", suspend_person, "Suspend a person (organisers): "
                 "no member until reinstated; their open connections in the mission close at once", "directory",
                 errors=("person-not-found", "last-organiser")),
        Endpoint("POST", f"{m}/people/{{user_id:int}}/reinstate", reinstate_person, "Reinstate a suspended person "
                 "with the role and side they had (organisers)", "directory", returns=Membership,
                 errors=("person-not-found",)),
        Endpoint("GET", f"{m}/suspended", suspended_people, "The mission's suspended people (organisers)",
                 "directory", returns=list[Suspension]),
        Endpoint("POST", f"{m}/invitations", invite, "Invite someone by e-mail (organisers); the answer holds "
                 "the single-use link", "invitations", body=InvitationDraft, returns=NewInvitation, status=201),
        Endpoint("GET", f"{m}/invitations", invitations, "The mission's invitations, newest first (organisers)",
                 "invitations", returns=list[InvitationView]),
    ]
