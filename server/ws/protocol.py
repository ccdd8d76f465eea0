"""The wire protocol: client requests as a tagged union, server frames as structs. docs/protocol.md is the
contract; keep them together."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from rooms.catalog import AnyEventBody as EventBody
from rooms.core.cards import OrgType, Side
from rooms.core.events import IdempotencyKey
from rooms.core.presence import PAGE_MAX, PresenceCounts, PresenceEntry, Status
from rooms.lobby.events import ChatText

VERSION = 1
SUBPROTOCOL = "roundtable.v1"
BEARER_PREFIX = "bearer."

RequestId = Annotated[str, msgspec.Meta(max_length=64)]
RoomName = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Seq = Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]


class Request(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type", kw_only=True):
    id: RequestId | None = None


class Hello(Request, frozen=True, tag="hello"):
    version: int = VERSION


class Join(Request, frozen=True, tag="join"):
    room: RoomName
    since: Seq | None = None  # the last seq this client saw in the room; omitted on a first join
    status: Status = Status.AVAILABLE


class Leave(Request, frozen=True, tag="leave"):
    room: RoomName


class Say(Request, frozen=True, tag="say"):
    room: RoomName
    text: ChatText
    key: IdempotencyKey | None = None


class Direct(Request, frozen=True, tag="dm"):
    mission: Id
    to: Id
    text: ChatText
    key: IdempotencyKey | None = None


class Announce(Request, frozen=True, tag="announce"):
    mission: Id
    text: ChatText
    key: IdempotencyKey | None = None


class Remove(Request, frozen=True, tag="remove"):
    room: RoomName
    seq: Id


class SetStatus(Request, frozen=True, tag="status"):
    room: RoomName
    status: Status


class Ping(Request, frozen=True, tag="ping"):
    pass


class PresencePageRequest(Request, frozen=True, tag="presence-page"):
    """More of a joined lobby's people: those with a user id above `after` (the cursor `joined` or the previous
    page gave), by user id."""

    room: RoomName
    after: Seq
    limit: Annotated[int, msgspec.Meta(ge=1, le=PAGE_MAX)] = PAGE_MAX


ClientMessage = Hello | Join | Leave | Say | Direct | Announce | Remove | SetStatus | Ping | PresencePageRequest


# -- server frames -------------------------------------------------------------------------------------------


class Frame(msgspec.Struct, frozen=True, tag_field="type", omit_defaults=True, kw_only=True):
    pass


class WelcomeUser(msgspec.Struct, frozen=True):
    id: int
    name: str
    email: str


class Welcome(Frame, frozen=True, tag="welcome"):
    version: int
    conn: str
    node: str
    user: WelcomeUser
    inbox: str
    max_frame: int
    rate_per_second: int


class Ack(Frame, frozen=True, tag="ack"):
    id: str | None = None
    room: str | None = None
    seq: int | None = None
    duplicate: bool = False
    # A webinar `ask`: the new question's id. Only the asker gets it, so an anonymous asker's page knows its own
    # question (and offers no upvote on it) without the room learning whose it is.
    question: int | None = None


class Error(Frame, frozen=True, tag="error"):
    code: str
    message: str
    id: str | None = None
    field: str | None = None


class EventFrame(Frame, frozen=True, tag="event"):
    room: str
    seq: int
    at: dt.datetime
    event: EventBody


class Joined(Frame, frozen=True, tag="joined"):
    room: str
    seq: int
    presence: list[PresenceEntry]
    id: str | None = None
    announcement: EventFrame | None = None
    offer_to: list[int] | None = None  # in a call room: the members present that this connection makes offers to
    # In a lobby: how many people are listed, and, when `presence` is only the first page of them, the cursor
    # to ask `presence-page` for the rest with (a large room's answer does not carry everyone).
    counts: PresenceCounts | None = None
    presence_next: int | None = None


class PresencePage(Frame, frozen=True, tag="presence-page"):
    """The answer to a `presence-page` request: the next people by user id, `next` the cursor after them (None:
    the end), and the room's counts now."""

    room: str
    members: list[PresenceEntry]
    counts: PresenceCounts
    id: str | None = None
    next: int | None = None


class Reset(Frame, frozen=True, tag="reset"):
    """The gap since the client's `since` was too large (or impossible): here is recent history instead."""

    room: str
    seq: int
    history: list[EventFrame]


class PresenceJoin(Frame, frozen=True, tag="presence-join"):
    room: str
    member: PresenceEntry


class PresenceUpdate(Frame, frozen=True, tag="presence-update"):
    room: str
    member: PresenceEntry


class PresenceLeave(Frame, frozen=True, tag="presence-leave"):
    room: str
    user_id: int
    # In a lobby: what the person was counted under, so a client that never loaded them keeps its counts right.
    side: Side | None = None
    org_type: OrgType | None = None


PresenceChange = PresenceJoin | PresenceUpdate | PresenceLeave


class PresenceBatch(Frame, frozen=True, tag="presence-batch"):
    """A lobby's presence changes that came within one window (server/ws/rooms/presence_batch.py), in order, and
    the room's counts after them."""

    room: str
    changes: list[PresenceChange]
    counts: PresenceCounts


class PresenceSnapshot(Frame, frozen=True, tag="presence"):
    room: str
    members: list[PresenceEntry]


class Pong(Frame, frozen=True, tag="pong"):
    id: str | None = None


class Revoked(Frame, frozen=True, tag="revoked"):
    """The server took this connection out of `room`: the person's role or membership changed and they may no
    longer see it (`code`/`message` say why, as the join would be refused now). Do not rejoin without a new
    reason to (docs/protocol.md)."""

    room: str
    code: str
    message: str
