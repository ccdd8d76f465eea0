"""The meeting clock: a per-node loop that tells both members "your meeting starts" at slot time and settles a
meeting when its room closes — held, no-show or failed to connect (docs/matchmaking.md, "Meeting room").

Every node runs one. Nothing here coordinates nodes: the prompt is written once whatever the number of nodes
(MatchmakingService.starting appends under the idempotency key `starting-<id>`, and only the write that was fresh
is published), and settling recomputes the same figures from the same log (a held meeting stays held whatever
another node wrote). Each tick reads two small index ranges, never the whole meetings table.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from dataclasses import dataclass

from rooms.core.clock import Clock
from rooms.matchmaking.ports import MeetingStore
from rooms.matchmaking.service import MatchmakingService

log = logging.getLogger("roundtable.meeting_clock")

EVERY = 15.0  # seconds between ticks
EARLY = dt.timedelta(seconds=EVERY)  # the prompt may come this much before the slot, never a tick late
OVERLAP = dt.timedelta(minutes=1)  # each tick looks back past the previous one: a slow tick or a skewed clock
CATCH_UP = dt.timedelta(hours=1)  # a node that starts settles the rooms that closed in the hour before


@dataclass
class MeetingClock:
    store: MeetingStore
    meetings: MatchmakingService
    clock: Clock
    every: float = EVERY
    _last: dt.datetime | None = None
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="meeting clock")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                # The next tick overlaps this one's window, so what failed is tried again.
                log.exception("meeting clock tick failed")
            await asyncio.sleep(self.every)

    async def tick(self) -> None:
        """Prompts the meetings starting since the last tick (or now) up to EARLY ahead, and settles the rooms
        that closed since the last tick (or CATCH_UP ago)."""
        now = self.clock.now()
        first = self._last is None
        last = now if self._last is None else self._last
        for due in await self.store.meetings_starting(last - OVERLAP, now + EARLY):
            try:
                await self.meetings.starting(due.id)
            except Exception:
                log.exception("prompting meeting %d failed", due.id)
        since = (now - CATCH_UP) if first else (last - OVERLAP)
        for closed in await self.meetings.rooms_closed(since, now):
            try:
                await self.meetings.settle_closed_room(closed.id)
            except Exception:
                log.exception("settling meeting %d failed", closed.id)
        self._last = now
