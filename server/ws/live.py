"""The node's live machinery: broker, presence, rate limiter, hub and room types, chosen by configuration."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass

from rooms.broker import Broker
from rooms.broker_memory import MemoryBroker
from rooms.events import RoomRef
from rooms.live import Appended, LiveService
from rooms.lounge_service import LoungeService
from rooms.matchmaking_service import MatchmakingService
from rooms.presence import Presence
from rooms.presence_memory import MemoryPresence
from rooms.ratelimit import MemoryRateLimiter, RateLimiter
from rooms.webinar_service import WebinarService
from server.api.core import Services
from server.ws.delivery import Delivery
from server.ws.hub import Hub
from server.ws.meeting_clock import MeetingClock
from server.ws.node import HEARTBEAT, PRESENCE_TTL, Node
from server.ws.relay import SignalRelay
from server.ws.rooms.meeting import Meeting
from server.ws.rooms.registry import Registry, RoomServices, room_types

log = logging.getLogger("roundtable.live")


@dataclass
class Live:
    services: Services
    broker: Broker
    node: Node
    registry: Registry
    meetings: MatchmakingService
    _heartbeat: asyncio.Task[None] | None = None

    @property
    def meeting_clock(self) -> MeetingClock:
        meeting = self.registry.types[Meeting.kind]
        assert isinstance(meeting, Meeting)
        return meeting.clock

    def start(self) -> None:
        self._heartbeat = asyncio.get_running_loop().create_task(self._beat(), name="presence heartbeat")
        self.registry.start()

    async def publish(self, appended: Appended) -> None:
        await self.node.delivery.publish(appended)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            try:
                await self.heartbeat()
            except Exception:
                log.exception("presence heartbeat failed")

    async def heartbeat(self) -> None:
        """Refreshes this node's connections and retires the people of nodes that stopped refreshing."""
        presence = self.node.presence
        for room in self.node.hub.local_rooms():
            ref = RoomRef.parse(room.name)
            kind = self.registry.of(ref.kind)
            if not kind.presence:
                continue
            await presence.refresh(room.name, [c.id for c in room.conns], PRESENCE_TTL)
            for gone in await presence.expire(room.name):
                await kind.gone(ref, gone)

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        await self.registry.close()
        await self.node.relay.close()
        await self.node.hub.close()
        await self.broker.close()
        await self.node.presence.close()
        await self.node.limiter.close()


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
    lounges = LoungeService(services.store, services.clock)
    meetings = MatchmakingService(services.store, services.clock)
    node = Node(id=secrets.token_hex(4), settings=services.settings, store=services.store, clock=services.clock,
                hub=hub, presence=presence, limiter=limiter, relay=SignalRelay(broker), delivery=Delivery(hub),
                rooms=LiveService(services.store, services.clock, webinars, lounges))
    stage = await build_stage(services.settings)
    registry = Registry(room_types(node, RoomServices(webinars, lounges, meetings, stage)))
    return Live(services=services, broker=broker, node=node, registry=registry, meetings=meetings)
