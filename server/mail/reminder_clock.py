"""The reminder clock: a per-node loop that records the reminders due now (ReminderService.tick) and wakes the
node's mail sender when it queued any. Nothing here coordinates nodes: each reminder is written once whatever the
number of nodes (its key is unique in the store), and a node that was down records on its first tick what is
still due — a meeting or webinar not yet started, a digest before noon in the person's zone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from rooms.reminders.service import ReminderService
from server.mail.sender import MailSender

log = logging.getLogger("roundtable.reminders")

EVERY = 20.0  # seconds between ticks: a "10 minutes" reminder comes between 10:00 and 9:40 before the start


@dataclass
class ReminderClock:
    reminders: ReminderService
    mail: MailSender
    every: float = EVERY
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="reminder clock")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                if await self.reminders.tick():
                    self.mail.wake()
            except Exception:
                # The next tick looks at the same window again: what failed here is tried again then.
                log.exception("reminder clock tick failed")
            await asyncio.sleep(self.every)
