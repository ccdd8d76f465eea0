"""The in-app notice of a place given: a durable event in the person's `inbox:<user>` room, beside the other
notifications (`GET /api/notifications`)."""

from __future__ import annotations

import datetime as dt

from rooms.core.events import EventBody


class PlaceGiven(EventBody, frozen=True, tag="n-place"):
    """Someone withdrew (or an organiser made room): the person waiting first now holds a place."""

    mission_id: int
    item_id: int
    title: str
    starts_at: dt.datetime
