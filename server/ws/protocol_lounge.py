"""Lounge requests and frames (docs/lounge.md). Joined to the request union in server/ws/protocol_meeting.py.

Every request names the lounge room (`lounge:<item>`); table signalling reuses the meeting's `signal` request
with a `to` field, in the table's room (`table:<item>:<table>`).
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from server.ws.protocol import Frame, Id, Request, RoomName

TableName = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Topic = Annotated[str, msgspec.Meta(max_length=200)]
Sector = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Capacity = Annotated[int, msgspec.Meta(ge=2, le=8)]
Rounds = Annotated[int, msgspec.Meta(ge=1, le=10)]
Minutes = Annotated[int, msgspec.Meta(ge=2, le=30)]


class Sit(Request, frozen=True, tag="sit"):
    room: RoomName
    table: Id


class Stand(Request, frozen=True, tag="stand"):
    room: RoomName


class TableSave(Request, frozen=True, tag="table-save"):
    """Creates a table when `table` is omitted, otherwise edits it."""

    room: RoomName
    name: TableName
    capacity: Capacity
    table: Id | None = None
    topic: Topic = ""
    sector: Sector | None = None


class TableRemove(Request, frozen=True, tag="table-remove"):
    room: RoomName
    table: Id


class RoundsStart(Request, frozen=True, tag="rounds-start"):
    room: RoomName
    rounds: Rounds
    minutes: Minutes


class RoundsStop(Request, frozen=True, tag="rounds-stop"):
    room: RoomName


class RoundsNext(Request, frozen=True, tag="rounds-next"):
    """Organisers: end the current round now and move everyone ("move everyone now")."""

    room: RoomName


class Mixing(Request, frozen=True, tag="mixing"):
    room: RoomName
    opt_out: bool


class Word(Request, frozen=True, tag="word"):
    room: RoomName
    user: Id


class WordReply(Request, frozen=True, tag="word-reply"):
    room: RoomName
    invite: Id
    accept: bool


class Connect(Request, frozen=True, tag="connect"):
    room: RoomName
    user: Id


class ContinueLater(Request, frozen=True, tag="continue-later"):
    room: RoomName
    user: Id


LoungeRequest = (Sit | Stand | TableSave | TableRemove | RoundsStart | RoundsStop | RoundsNext | Mixing | Word
                 | WordReply | Connect | ContinueLater)


# -- server frames -------------------------------------------------------------------------------------------


class LoungeSnapshot(Frame, frozen=True, tag="lounge"):
    """Sent right after `joined` in a lounge room: the state at `seq`; later events of the room apply on top."""

    room: str
    seq: int
    state: msgspec.Raw
    permissions: list[str]
    table: int | None  # where this viewer sits
    opt_out: bool  # whether this viewer opted out of mixing rounds
    ice_servers: list[dict[str, object]] = msgspec.field(default_factory=list)


class ConnectAck(Frame, frozen=True, tag="ack"):
    """The acknowledgement of `connect`: `mutual` when the other person had connected too (both got a lead)."""

    id: str | None
    room: str
    mutual: bool


class WordAck(Frame, frozen=True, tag="ack"):
    """The acknowledgement of `word`: the invitation's id, and `already_sent` when one to that person was still
    waiting for an answer (nothing new was sent: the client says so instead of "sent")."""

    id: str | None
    room: str
    invite: int
    already_sent: bool


class WordAccepted(Frame, frozen=True, tag="word-accepted"):
    """To both people of an accepted "have a word", on every tab that holds their inbox or the lounge."""

    room: str  # the lounge
    meeting: int
    invite: int
