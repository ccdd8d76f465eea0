"""Room events: what happens in a room, durable (sequenced, in the log) or ephemeral (presence).

Durable events are written to the event log first; each gets the room's next sequence number there. Clients
resume from the last sequence they saw. Ephemeral events carry no sequence: a rejoining client gets a fresh
presence snapshot instead.

Every durable event body subclasses EventBody with its own tag (`kind`); each context declares its events, and
rooms.catalog gathers them into the one union that decodes a stored or published body.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated

import msgspec

IdempotencyKey = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class EventBody(msgspec.Struct, frozen=True, tag_field="kind"):
    """The body of a durable room event; its `kind` tag names it in the log and on the wire."""


class Redacted(EventBody, frozen=True, tag="redacted"):
    """What the log keeps of a message a moderator removed: its place in the room's sequence, nothing of its author
    or text. EventLog.mark_removed rewrites the stored event to this, so no later reader (a resume, a history, a
    snapshot, another node's refill) can serve the removed content again."""


class RoomEvent(msgspec.Struct, frozen=True):
    room: str
    seq: int
    at: dt.datetime
    body: EventBody
    removed: bool = False  # a chat message later removed by a moderator: its body is then Redacted


class Appended(msgspec.Struct, frozen=True):
    """Events written by one request: publish the fresh ones, acknowledge with the first."""

    events: list[RoomEvent]
    fresh: bool


def kind_of(body: EventBody) -> str:
    return _tag(type(body))


@functools.cache
def _tag(kind: type) -> str:
    # Looked up once per event type: appending is on the chat write path.
    info = msgspec.inspect.type_info(kind)
    assert isinstance(info, msgspec.inspect.StructType) and isinstance(info.tag, str)
    return info.tag
