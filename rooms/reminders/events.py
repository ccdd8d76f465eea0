"""The reminders' in-app notices: durable events in the person's `inbox:<user>` room beside the matchmaking
notifications (`GET /api/notifications` lists both; the bell counts both). A meeting request, a booked meeting
and a meeting starting are already there as matchmaking's `n-request`, `n-accepted` and `n-starting`."""

from __future__ import annotations

import datetime as dt

from rooms.core.events import EventBody


class WebinarStarting(EventBody, frozen=True, tag="n-webinar"):
    mission_id: int
    item_id: int
    title: str
    starts_at: dt.datetime


class DayDigest(EventBody, frozen=True, tag="n-digest"):
    """The day's programme is ready: `entries` lines (sessions and meetings) on `day`, the person's local date."""

    mission_id: int
    day: dt.date
    entries: int


ReminderNotice = WebinarStarting | DayDigest
