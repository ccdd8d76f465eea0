"""Delivery: the one place that sends what a use case appended to the rooms' subscribers on every node."""

from __future__ import annotations

import logging

from rooms.live import Appended
from server.ws.hub import Hub

log = logging.getLogger("roundtable.live")


class Delivery:
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    async def publish(self, appended: Appended) -> None:
        """Fans out what a command wrote (nothing, when it was a retry)."""
        if not appended.fresh:
            return
        for event in appended.events:
            try:
                await self._hub.publish(event)
            except Exception:
                # The event is durable; subscribers fill the gap from the log when the broker is back.
                log.exception("publishing %s#%d failed", event.room, event.seq)
