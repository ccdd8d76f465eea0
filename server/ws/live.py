"""The running real-time node: its room types, and the heartbeat that keeps presence fresh (the composition root,
server/composition.py, builds it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass

from rooms.core.broker import Broker
from rooms.core.refs import RoomKind, RoomRef
from server.ws.control import Control, Person
from server.ws.meeting_clock import MeetingClock
from server.ws.node import HEARTBEAT, PRESENCE_TTL, Node
from server.ws.rooms.meeting import Meeting
from server.ws.rooms.registry import Registry
from server.ws.rooms.webinar import Webinar

log = logging.getLogger("roundtable.live")


@dataclass
class Live:
    broker: Broker
    node: Node
    registry: Registry
    control: Control
    _heartbeat: asyncio.Task[None] | None = None

    @property
    def meeting_clock(self) -> MeetingClock:
        meeting = self.registry.types[Meeting.kind]
        assert isinstance(meeting, Meeting)
        return meeting.clock

    def webinar_viewers(self) -> int:
        webinar = self.registry.types[RoomKind.WEBINAR]
        return webinar.stage_node.viewers() if isinstance(webinar, Webinar) else 0

    def start(self) -> None:
        self._heartbeat = asyncio.get_running_loop().create_task(self._beat(), name="presence heartbeat")
        self.control.start()
        self.registry.start()

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            try:
                await self.heartbeat()
            except Exception:
                log.exception("presence heartbeat failed")

    async def heartbeat(self) -> None:
        """Refreshes this node's connections, retires the people of nodes that stopped refreshing, publishes
        again what failed to publish, and fills every room this node holds up to its log."""
        presence = self.node.presence
        hub = self.node.hub
        rooms = hub.local_rooms()
        for room in rooms:
            ref = RoomRef.parse(room.name)
            kind = self.registry.of(ref.kind)
            if not kind.presence:
                continue
            await presence.refresh(room.name, [c.id for c in room.conns], PRESENCE_TTL)
            for gone in await presence.expire(room.name):
                await kind.gone(ref, gone)
        await self.node.delivery.retry()
        try:
            await hub.check(rooms)
        except Exception:
            log.exception("checking %d rooms against their log failed", len(rooms))

    async def drain(self, spread: float) -> int:
        """Closes every socket of this node with 1012 (docs/protocol.md, "Closing"), spread evenly over `spread`
        seconds in a random order, so that their reconnections do not land on the other nodes all at once; each
        waits for the request it is handling. Returns how many were closed."""
        people = self.control.everyone()
        random.shuffle(people)
        step = spread / len(people) if people else 0.0
        start = asyncio.get_running_loop().time()

        async def close(i: int, person: Person) -> None:
            await asyncio.sleep(max(0.0, start + i * step - asyncio.get_running_loop().time()))
            try:
                await person.restart()
            except Exception:
                log.exception("closing a connection while draining failed")

        await asyncio.gather(*(close(i, p) for i, p in enumerate(people)))
        return len(people)

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        await self.control.close()
        await self.registry.close()
        await self.node.relay.close()
        await self.node.hub.close()
        await self.broker.close()
        await self.node.presence.close()
        await self.node.limiter.close()
