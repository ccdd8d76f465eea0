"""Meeting room requests and frames (docs/matchmaking.md, "Meeting room"). Joined to the request union here, with
the lounge's (server/ws/protocol_lounge.py): the gateway decodes `AnyRequest` from this module."""

from __future__ import annotations

import msgspec

from server.ws.protocol import Frame, Id, Request, RoomName
from server.ws.protocol_lounge import LoungeRequest
from server.ws.protocol_webinar import AnyRequest as _CoreAndWebinar
from signaling.meeting import Signal


class SignalRequest(Request, frozen=True, tag="signal"):
    """→ `{"type": "signal", "room": "meeting:9", "signal": {"kind": "offer", "sdp": "…"}}`; at a lounge table
    (`table:<item>:<table>`, a mesh) `to` names the member it is for."""

    room: RoomName
    signal: Signal
    to: Id | None = None


MeetingRequest = SignalRequest

AnyRequest = _CoreAndWebinar | MeetingRequest | LoungeRequest


class SignalFrame(Frame, frozen=True, tag="signal"):
    """← the other member's signal, to the recipient's connections in the room only."""

    room: str
    from_: int = msgspec.field(name="from")
    signal: Signal
