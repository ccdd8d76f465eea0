"""The meeting room's HTTP side: the ICE servers (STUN, TURN with short-lived credentials) for its members."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rooms.matchmaking.settlement import room_closes_at
from server.api.core import Context, Endpoint
from server.turn import IceServers, ice_servers

# Fetched long before the meeting, a credential still lives at most this long: short-lived, and a leaked one is
# worthless soon. The page asks again when it (re)connects.
TURN_LIFETIME = dt.timedelta(hours=2)


async def meeting_ice(ctx: Context, _: Any) -> IceServers:
    user = await ctx.user()
    meeting_id = ctx.path_id("meeting_id")
    # Its two members only, while the room is open; a token scoped to another mission may not.
    meeting = await ctx.services.meetings.may_join_meeting(user, meeting_id)
    user = await ctx.user_in(meeting.mission_id)
    # Never past the room's closing (the meeting's end + its 10-minute grace), never more than TURN_LIFETIME ahead.
    expiry = min(room_closes_at(meeting), ctx.services.clock.now() + TURN_LIFETIME)
    settings = ctx.services.settings
    ctx.headers["cache-control"] = "no-store"  # the credential is personal and short-lived
    return ice_servers(settings.stun_urls, settings.turn_urls, settings.turn_secret, user.id, expiry)


def endpoints() -> list[Endpoint]:
    return [
        Endpoint("GET", "/api/meetings/{meeting_id:int}/ice", meeting_ice,
                 "ICE servers for a meeting's peer connection: STUN, and TURN with credentials that expire when "
                 "its room closes (10 minutes after the meeting ends) and at most 2 hours after they were asked "
                 "for (its two members)", "meetings", returns=IceServers,
                 errors=("meeting-not-found", "meeting-closed")),
    ]
