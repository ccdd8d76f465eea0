"""A lobby's presence changes, sent together when they come fast.

Every visible arrival is news to everyone present: sent one by one, filling a room of n costs n²/2 deliveries (a
room of 10,000: 50 million frames). So a lobby's changes made on this node go out at most once per `WINDOW` per
room: the first change of a quiet room at once, as its own frame (a small room sees no delay); changes that come
within the window after it wait for its end and go out as one `presence-batch` (even a batch of one), in the
order they were made, with the room's counts as they are then (docs/protocol.md). A storm of k arrivals per window
then costs one delivery to each person present per window, not k.
"""

from __future__ import annotations

import asyncio
import logging

from rooms.core.presence import Presence
from server.ws.frames import encode
from server.ws.hub import Hub
from server.ws.protocol import PresenceBatch, PresenceChange

log = logging.getLogger("roundtable.ws")

WINDOW = 0.25  # seconds: how late a change made during a storm may go out


class PresenceBatcher:
    def __init__(self, hub: Hub, presence: Presence, window: float = WINDOW) -> None:
        self._hub = hub
        self._presence = presence
        self._window = window
        self._open: dict[str, list[PresenceChange]] = {}  # rooms in a window: the changes waiting for its end
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def send(self, room: str, change: PresenceChange) -> None:
        waiting = self._open.get(room)
        if waiting is not None:
            waiting.append(change)
            return
        self._open[room] = []
        self._timers[room] = asyncio.get_running_loop().call_later(self._window, self._end, room)
        await self._hub.publish_ephemeral(room, encode(change))

    def _end(self, room: str) -> None:
        self._timers.pop(room, None)
        waiting = self._open.pop(room, [])
        if not waiting:
            return  # a quiet window: the next change goes out at once
        self._open[room] = []  # the batch opens the next window
        self._timers[room] = asyncio.get_running_loop().call_later(self._window, self._end, room)
        task = asyncio.get_running_loop().create_task(self._flush(room, waiting), name=f"presence batch {room}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _flush(self, room: str, changes: list[PresenceChange]) -> None:
        try:
            # Even a batch of one: its counts are read after its changes were made, and perhaps after changes
            # still waiting for the next window; a client sets its counts from them rather than moving them by one.
            counts = (await self._presence.page(room, None, 1)).counts
            await self._hub.publish_ephemeral(room, encode(PresenceBatch(room=room, changes=changes, counts=counts)))
        except Exception:
            # Presence changes are not kept (a rejoining client gets a fresh list): a lost batch costs no data.
            log.exception("presence changes of %s could not be sent", room)

    async def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self._open.clear()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
