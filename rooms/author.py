"""Who said something: the name card carried by chat messages and webinar questions.

Kept apart from rooms.events so that event modules for one feature (rooms.webinar_events) can use it while
rooms.events gathers every body into one union.
"""

from __future__ import annotations

import msgspec


class Author(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    organisation: str
