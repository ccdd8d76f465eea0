"""The leads context's one event: a reminder in the owner's inbox (`inbox:<user>`), like the matchmaking
notifications."""

from __future__ import annotations

import datetime as dt

from rooms.core.events import EventBody


class LeadDue(EventBody, frozen=True, tag="n-lead-due"):
    """The next step of one of the person's leads is due (`next_step_on` is today or past)."""

    lead_id: int
    mission_id: int
    name: str
    next_step_on: dt.date
    note: str
