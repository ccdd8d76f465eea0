"""Requests and frames of the rooms where people call each other (meetings and lounge tables; docs/protocol.md,
"Calls")."""

from __future__ import annotations

from typing import Annotated

import msgspec

from server.ws.protocol import Frame, Id, Request, RoomName
from signaling.meeting import Role, Sid, Signal


class SignalRequest(Request, frozen=True, tag="signal"):
    """→ `{"type": "signal", "room": "meeting:9", "signal": {"kind": "offer", "sid": "…", "sdp": "…"}}`; at a
    lounge table (`table:<item>:<table>`, a mesh) `to` names the member it is for."""

    room: RoomName
    signal: Signal
    to: Id | None = None


class CallReport(Request, frozen=True, tag="call-report"):
    """→ how the page's call in a meeting room is going: its peer connection `sid`, whether it is connected, and
    how many media frames it has received on it so far (a counter that grows while media arrives)."""

    room: RoomName
    sid: Sid
    connected: bool
    frames: Annotated[int, msgspec.Meta(ge=0, le=2**53)]


MeetingRequest = SignalRequest | CallReport


class SignalFrame(Frame, frozen=True, tag="signal"):
    """← a member's signal, to the recipient's connections in the room only. `role` is the recipient's part in
    the pair (does it make the offers?); `epoch` is when the sender's connection joined the room (server time,
    ms): a later epoch is a newer page of that person, whose signals replace the older one's."""

    room: str
    from_: int = msgspec.field(name="from")
    epoch: int
    role: Role
    signal: Signal


class CallMoved(Frame, frozen=True, tag="call-moved"):
    """← to every connection of a person in a call room when another of theirs (`conn`) joined it: only the newest
    takes part in the call; the others stop and say so."""

    room: str
    conn: str
