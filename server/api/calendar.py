"""My schedule, one meeting as an .ics file, and the personal calendar feed (docs/matchmaking.md, "Calendar").

The feed URL carries a secret token and works without a cookie: calendar apps fetch it on their own. Only the
token's SHA-256 is stored; asking for a new URL replaces it, so the old URL stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from rooms.core.errors import NotFound
from rooms.matchmaking.records import Meeting
from rooms.matchmaking.service import MatchmakingService
from rooms.missions.mission import ProgrammeItem
from rooms.missions.people import User
from server.api.core import Context, Endpoint, services_of
from server.api.meetings import MeetingView, Views
from server.calendar_ics import ItemEntry, MeetingEntry, feed_ics, meeting_ics

# Long enough that guessing is hopeless, short enough for a URL.
TOKEN_BYTES = 32
MAX_TOKEN = 100


class ScheduleView(msgspec.Struct, frozen=True):
    mission_timezone: str
    meetings: list[MeetingView]  # mine, not cancelled, by start
    items: list[ProgrammeItem]  # the programme I attend (every item but the matchmaking blocks), by start


class FeedUrl(msgspec.Struct, frozen=True):
    url: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _service(ctx: Context) -> MatchmakingService:
    return ctx.services.meetings


def meeting_url(ctx: Context, meeting: Meeting) -> str:
    return f"{ctx.services.settings.public_url}/m/{meeting.mission_id}/meeting/{meeting.id}"


def item_url(ctx: Context, item: ProgrammeItem) -> str:
    base = f"{ctx.services.settings.public_url}/m/{item.mission_id}"
    return f"{base}/webinar/{item.id}" if item.kind.has_stage else base


async def schedule(ctx: Context, _: Any) -> ScheduleView:
    mid = ctx.path_id("mission_id")
    svc = _service(ctx)
    found = await svc.schedule(await ctx.user_in(mid), mid)
    return ScheduleView(found.mission_timezone, await Views(svc).meetings(found.meetings), found.items)


async def _meeting_entry(ctx: Context, svc: MatchmakingService, meeting: Meeting) -> MeetingEntry:
    cards = await svc.cards(meeting.mission_id, list(meeting.members()))
    a = cards[meeting.a].name if meeting.a in cards else "?"
    b = cards[meeting.b].name if meeting.b in cards else "?"
    description = ""
    if meeting.request_id is not None:
        request = await ctx.services.store.get_request(meeting.request_id)
        description = request.message if request is not None else ""
    return MeetingEntry(meeting, a, b, meeting_url(ctx, meeting), description)


async def meeting_file(ctx: Context, _: Any) -> bytes:
    meeting_id = ctx.path_id("meeting_id")
    user = await ctx.user()
    svc = _service(ctx)
    found = await ctx.services.store.get_meeting(meeting_id)
    if found is not None:
        await ctx.user_in(found.mission_id)
    meeting = await svc.get_meeting(user, meeting_id)  # its two members only
    ctx.headers["content-disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    return meeting_ics(await _meeting_entry(ctx, svc, meeting), ctx.services.clock.now())


async def new_feed(ctx: Context, _: Any) -> FeedUrl:
    user = await ctx.user()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    await ctx.services.store.set_feed_token(user.id, token_hash(token), ctx.services.clock.now())
    ctx.headers["cache-control"] = "no-store"
    return FeedUrl(f"{ctx.services.settings.public_url}/calendar/{token}.ics")


async def _feed_user(ctx: Context) -> User:
    token: str = ctx.request.path_params["token"]
    user_id = None
    if 0 < len(token) <= MAX_TOKEN:
        user_id = await ctx.services.store.feed_user(token_hash(token))
    user = await ctx.services.store.get_user(user_id) if user_id is not None else None
    if user is None:
        # A wrong, old (rotated) or revoked token: as if the calendar never existed.
        raise NotFound(code="feed-not-found", message="Calendar not found.")
    return user


async def feed(ctx: Context, _: Any) -> bytes:
    user = await _feed_user(ctx)
    svc = _service(ctx)
    meetings: list[MeetingEntry] = []
    items: list[ItemEntry] = []
    for mission, _membership in await ctx.services.store.missions_of(user.id):
        found = await svc.schedule(user, mission.id)
        meetings.extend([await _meeting_entry(ctx, svc, m) for m in found.meetings])
        items.extend(ItemEntry(i, mission.title, item_url(ctx, i)) for i in found.items)
    ctx.headers["cache-control"] = "private, no-store"
    return feed_ics(meetings, items, ctx.services.clock.now())


@dataclass(frozen=True)
class CalendarEndpoint(Endpoint):
    """An endpoint answering text/calendar: its handler returns the file's bytes."""

    def route(self) -> Route:
        async def endpoint(request: Request) -> Response:
            services = services_of(request.app)
            ctx = Context(request, services)
            body: bytes = await self.handler(ctx, None)
            return ctx.apply(Response(body, media_type="text/calendar; charset=utf-8"))

        return Route(self.path, endpoint, methods=[self.method], name=f"{self.method} {self.path}")


def endpoints() -> list[Endpoint]:
    return [
        Endpoint("GET", "/api/missions/{mission_id:int}/schedule", schedule, "My meetings and the programme, "
                 "with the mission's time zone", "calendar", returns=ScheduleView),
        CalendarEndpoint("GET", "/api/meetings/{meeting_id:int}.ics", meeting_file, "One of my meetings as an "
                         "iCalendar file", "calendar", errors=("meeting-not-found",)),
        Endpoint("POST", "/api/calendar-feed", new_feed, "A new secret URL of my calendar feed (the previous one "
                 "stops working)", "calendar", returns=FeedUrl, status=201),
        CalendarEndpoint("GET", "/calendar/{token}.ics", feed, "My meetings and programme as an iCalendar feed; "
                         "the token in the URL is the credential", "calendar", errors=("feed-not-found",),
                         public=True),
    ]
