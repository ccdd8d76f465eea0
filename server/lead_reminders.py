"""The node's sweep of due lead next steps: every PERIOD seconds LeadService.remind_due puts an `n-lead-due` in the
owner's inbox for each lead whose next step is due. Every node runs one; the store lets one node win per lead and
date (LeadBook.mark_reminded), so nobody is reminded twice. A general reminder scheduler takes this over by
calling the same `remind_due` from its own schedule and dropping this loop (docs/leads.md, "Reminders")."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from rooms.leads.service import LeadService

log = logging.getLogger("roundtable.leads")

PERIOD = 300.0  # a next step is a date: a few minutes late is on time


class LeadReminders:
    def __init__(self, leads: LeadService, period: float = PERIOD) -> None:
        self._leads = leads
        self._period = period
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="lead reminders")

    async def _run(self) -> None:
        while True:
            try:
                await self._leads.remind_due()
            except Exception:
                log.exception("sending lead reminders failed")
            await asyncio.sleep(self._period)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
