"""Matchmaking notifications (durable events in a person's `inbox:<user>` room) and the meeting room's
attendance and call events (`m-joined`, `m-left`, `m-media` in `meeting:<id>`), docs/matchmaking.md.

Every notification names its mission, so one inbox can serve several missions (`GET /api/notifications?mission=`).
"""

from __future__ import annotations

import datetime as dt

from rooms.core.cards import PersonCard
from rooms.core.events import EventBody


class RequestReceived(EventBody, frozen=True, tag="n-request"):
    mission_id: int
    request_id: int
    by: PersonCard
    slots: list[dt.datetime]
    message: str


class RequestAccepted(EventBody, frozen=True, tag="n-accepted"):
    mission_id: int
    request_id: int
    meeting_id: int
    by: PersonCard
    starts_at: dt.datetime
    ends_at: dt.datetime


class RequestDeclined(EventBody, frozen=True, tag="n-declined"):
    mission_id: int
    request_id: int
    by: PersonCard
    reason: str | None


class RequestCountered(EventBody, frozen=True, tag="n-countered"):
    mission_id: int
    request_id: int  # the new request, from `by` to the notified person
    counter_of: int
    by: PersonCard
    slots: list[dt.datetime]
    message: str


class Cancelled(EventBody, frozen=True, tag="n-cancelled"):
    """A pending request withdrawn by its sender, or a booked meeting cancelled (by a member or an organiser)."""

    mission_id: int
    by: PersonCard
    request_id: int | None = None
    meeting_id: int | None = None
    starts_at: dt.datetime | None = None
    rescheduled: bool = False  # a new request from `by` follows


class MeetingBooked(EventBody, frozen=True, tag="n-booked"):
    """An organiser booked a meeting for the notified person with `other`."""

    mission_id: int
    meeting_id: int
    by: PersonCard
    other: PersonCard
    starts_at: dt.datetime
    ends_at: dt.datetime


class MeetingStarting(EventBody, frozen=True, tag="n-starting"):
    mission_id: int
    meeting_id: int
    other: PersonCard
    starts_at: dt.datetime
    ends_at: dt.datetime


Notification = (RequestReceived | RequestAccepted | RequestDeclined | RequestCountered | Cancelled
                | MeetingBooked | MeetingStarting)

NOTIFICATION_KINDS = ("n-request", "n-accepted", "n-declined", "n-countered", "n-cancelled", "n-booked",
                      "n-starting", "n-lead")


class MeetingJoined(EventBody, frozen=True, tag="m-joined"):
    """One connection of `user_id` entered the meeting room (a person may have several tabs)."""

    user_id: int


class MeetingLeft(EventBody, frozen=True, tag="m-left"):
    user_id: int


class MeetingMedia(EventBody, frozen=True, tag="m-media"):
    """`user_id`'s page reported its call: peer connection `sid`, connected or not, and the media frames it has
    received on that connection so far (rooms/matchmaking/call.py turns these into seconds of media)."""

    user_id: int
    sid: str
    connected: bool
    frames: int


MeetingRoomEvent = MeetingJoined | MeetingLeft | MeetingMedia
