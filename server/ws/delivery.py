"""Delivery: the one place that sends what use cases appended to the rooms' subscribers on every node.

Use cases write their events to the log before anything is acknowledged and return them; this publishes them. A
publish that fails (the broker is unreachable) loses nothing: the events are durable. They are delivered to this
node's connections at once, and the room is marked: each heartbeat publishes its newest unsent event again until
the broker takes it, and meanwhile every node's heartbeat compares the rooms it holds with the log
(Hub.check), so even a room that stays quiet gets what it missed.
"""

from __future__ import annotations

import logging

from rooms.core.events import Appended, RoomEvent
from server.ws.hub import Hub

log = logging.getLogger("roundtable.live")


class Delivery:
    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._unsent: dict[str, RoomEvent] = {}  # room → its newest event whose publish failed

    async def publish(self, appended: Appended) -> None:
        """Fans out what a command wrote (nothing, when it was a retry)."""
        if not appended.fresh:
            return
        for event in appended.events:
            try:
                await self._hub.publish(event)
            except Exception:
                log.warning("publishing %s#%d failed; delivered here, published again later", event.room,
                            event.seq, exc_info=True)
                self._mark(event)
                try:
                    await self._hub.deliver_local(event)
                except Exception:
                    # The request that wrote it succeeded: the heartbeat's check delivers it here instead.
                    log.exception("delivering %s#%d here failed", event.room, event.seq)

    def unsent(self) -> list[str]:
        """The rooms marked for another publish."""
        return list(self._unsent)

    async def retry(self) -> None:
        """Publishes the newest unsent event of each marked room again: a node that sees its seq fills what it
        lacks before it from the log."""
        for room, event in list(self._unsent.items()):
            try:
                await self._hub.publish(event)
            except Exception:
                log.debug("publishing %s#%d failed again", room, event.seq)
                continue
            if self._unsent.get(room) is event:
                del self._unsent[room]

    def _mark(self, event: RoomEvent) -> None:
        marked = self._unsent.get(event.room)
        if marked is None or marked.seq < event.seq:
            self._unsent[event.room] = event
