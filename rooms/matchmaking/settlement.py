"""Settling a meeting (docs/matchmaking.md, "Held, no-show, failed to connect"): its room stays open until
ROOM_OPEN_AFTER past the meeting's end; what the meeting then is follows from the room's figures
(rooms/matchmaking/call.py). The meeting clock only asks which rooms closed and has each settled."""

from __future__ import annotations

import datetime as dt

from rooms.matchmaking.call import CallFigures
from rooms.matchmaking.records import Meeting, MeetingStatus

ROOM_OPEN_AFTER = dt.timedelta(minutes=10)  # the meeting room stays open this long after the meeting's end


def room_closes_at(meeting: Meeting) -> dt.datetime:
    return meeting.ends_at + ROOM_OPEN_AFTER


def ends_of_rooms_closed(after: dt.datetime, until: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The range of meeting ends (exclusive, inclusive) whose rooms closed in (after, until]."""
    return after - ROOM_OPEN_AFTER, until - ROOM_OPEN_AFTER


def outcome(current: MeetingStatus, figures: CallFigures, held_seconds: int, *, closed: bool) -> MeetingStatus:
    """The meeting's status from its figures. Held as soon as media flowed both ways for `held_seconds`, and held
    is final (its leads exist), as is cancelled. Once the room closed (`closed`): no-show when one of them never
    came, failed-to-connect when both came but the call did not hold."""
    if current in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        return current
    if figures.quality.media_seconds >= held_seconds:
        return MeetingStatus.HELD
    if not closed:
        return current
    return MeetingStatus.FAILED if all(figures.came) else MeetingStatus.NO_SHOW
