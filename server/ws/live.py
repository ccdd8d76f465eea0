"""The node's live machinery: broker, presence, rate limiter and hub, chosen by configuration."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass, field
from typing import assert_never

from rooms.core.broker import Broker
from rooms.core.broker_memory import MemoryBroker
from rooms.core.events import Appended
from rooms.core.presence import Presence, PresenceEntry, Status
from rooms.core.presence_memory import MemoryPresence
from rooms.core.ratelimit import MemoryRateLimiter, RateLimiter
from rooms.core.refs import RoomKind, RoomRef
from rooms.lobby.service import LiveService
from rooms.lounge.service import LoungeService
from rooms.matchmaking.service import MatchmakingService
from rooms.webinar.service import WebinarService
from server.api.core import Services
from server.ws.frames import encode
from server.ws.hub import Hub
from server.ws.lounge import gone_from_lounge, gone_from_table, present_users
from server.ws.lounge_node import LoungeNode
from server.ws.meeting import SignalRelay, gone_from_meeting
from server.ws.meeting_clock import MeetingClock
from server.ws.protocol import PresenceLeave
from server.ws.webinar_node import WebinarNode

log = logging.getLogger("roundtable.live")

# A dead node's people vanish from presence within PRESENCE_TTL + HEARTBEAT (13 s), inside the promised 15 s.
PRESENCE_TTL = 10.0
HEARTBEAT = 3.0


@dataclass
class Live:
    services: Services
    broker: Broker
    presence: Presence
    limiter: RateLimiter
    hub: Hub
    rooms: LiveService
    webinars: WebinarService
    webinar_node: WebinarNode
    meetings: MatchmakingService
    signals: SignalRelay  # WebRTC signals to one member of a meeting or of a lounge table
    lounges: LoungeService
    lounge_node: LoungeNode
    node: str = field(default_factory=lambda: secrets.token_hex(4))
    rate_per_second: int = 20
    history: int = 50
    _heartbeat: asyncio.Task[None] | None = None
    meeting_clock: MeetingClock | None = None  # "your meeting starts", settling rooms that closed

    def start(self) -> None:
        self._heartbeat = asyncio.get_running_loop().create_task(self._beat(), name="presence heartbeat")
        self.webinar_node.start()
        self.meeting_clock = MeetingClock(self.services.store, self.meetings, self.services.clock, self.publish)
        self.meeting_clock.start()

    async def publish(self, appended: Appended) -> None:
        """Fans out what a command wrote (nothing, when it was a retry)."""
        if not appended.fresh:
            return
        for event in appended.events:
            try:
                await self.hub.publish(event)
            except Exception:
                # The event is durable; subscribers fill the gap from the log when the broker is back.
                log.exception("publishing %s#%d failed", event.room, event.seq)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            try:
                await self.heartbeat()
            except Exception:
                log.exception("presence heartbeat failed")

    async def heartbeat(self) -> None:
        """Refreshes this node's connections and retires the people of nodes that stopped refreshing."""
        for room in self.hub.local_rooms():
            ref = RoomRef.parse(room.name)
            if ref.kind in (RoomKind.INBOX, RoomKind.WEBINAR_STAFF):
                continue  # no presence there
            await self.presence.refresh(room.name, [c.id for c in room.conns], PRESENCE_TTL)
            for gone in await self.presence.expire(room.name):
                await self._gone(ref, gone)

    async def _gone(self, ref: RoomRef, gone: PresenceEntry) -> None:
        """Someone whose node died left `ref`: what leaving means there."""
        match ref.kind:
            case RoomKind.LOBBY:
                if gone.status is not Status.INVISIBLE:
                    await self.hub.publish_ephemeral(ref.name, encode(PresenceLeave(room=ref.name,
                                                                                    user_id=gone.user_id)))
            case RoomKind.WEBINAR:
                await self.publish(await self.webinars.leave(gone.user_id, ref.id))
            case RoomKind.MEETING:
                await gone_from_meeting(self, ref, gone.user_id)
            case RoomKind.LOUNGE:
                await gone_from_lounge(self, ref, gone)
            case RoomKind.TABLE:
                await gone_from_table(self, ref, gone.user_id)
            case RoomKind.INBOX | RoomKind.WEBINAR_STAFF:
                pass
            case _:
                assert_never(ref.kind)

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        await self.webinar_node.close()
        await self.lounge_node.close()
        if self.meeting_clock is not None:
            await self.meeting_clock.close()
        await self.signals.close()
        await self.hub.close()
        await self.broker.close()
        await self.presence.close()
        await self.limiter.close()


async def build_live(services: Services) -> Live:
    url = services.settings.redis_url
    broker: Broker
    presence: Presence
    limiter: RateLimiter
    if url:
        from server.redis.broker_redis import RedisBroker
        from server.redis.presence_redis import RedisPresence
        from server.redis.ratelimit_redis import RedisRateLimiter

        broker = await RedisBroker.connect(url)
        presence = await RedisPresence.connect(url)
        limiter = await RedisRateLimiter.connect(url)
    else:
        broker, presence, limiter = MemoryBroker(), MemoryPresence(), MemoryRateLimiter()
    from server.stage_factory import build_stage

    hub = Hub(broker, services.store)
    webinars = WebinarService(services.store, services.clock)
    stage = await build_stage(services.settings)
    live: Live

    async def publish(appended: Appended) -> None:
        await live.publish(appended)

    async def present(item: int) -> list[int]:
        return await present_users(live, item)

    node = WebinarNode(hub, webinars, stage, services.clock, publish)
    lounges = LoungeService(services.store, services.clock)
    live = Live(services=services, broker=broker, presence=presence, limiter=limiter, hub=hub,
                rooms=LiveService(services.store, services.clock, webinars, lounges), webinars=webinars,
                webinar_node=node, meetings=MatchmakingService(services.store, services.clock),
                signals=SignalRelay(broker), lounges=lounges,
                lounge_node=LoungeNode(hub, lounges, services.clock, present, publish),
                rate_per_second=services.settings.ws_rate_per_second)
    return live
