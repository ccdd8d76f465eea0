"""Encoding once per node: an event becomes JSON once and a WebSocket frame once, and the same bytes are
written to every connection (server-to-client frames are unmasked and we decline compression, so they are
identical for all)."""

from __future__ import annotations

from typing import cast

import msgspec
from websockets.frames import Frame, Opcode

from rooms.catalog import AnyEventBody
from rooms.core.events import RoomEvent
from server.ws.protocol import EventFrame
from server.ws.protocol import Frame as ProtocolFrame

_encoder = msgspec.json.Encoder()


def event_frame(event: RoomEvent) -> EventFrame:
    # Every body is one of the catalog's union (tests/unit/test_catalog.py): the cast only tells the type checker.
    return EventFrame(room=event.room, seq=event.seq, at=event.at, event=cast(AnyEventBody, event.body))


def encode(frame: ProtocolFrame) -> bytes:
    return _encoder.encode(frame)


def ws_text_frame(payload: bytes) -> bytes:
    """A complete unmasked WebSocket text frame carrying `payload` (already UTF-8 JSON)."""
    return Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])


class Outgoing:
    """One message for many connections: JSON for the ASGI fallback path, the frame for raw writers."""

    __slots__ = ("_frame", "json")

    def __init__(self, json: bytes) -> None:
        self.json = json
        self._frame: bytes | None = None

    @property
    def frame(self) -> bytes:
        if self._frame is None:
            self._frame = ws_text_frame(self.json)
        return self._frame

    @property
    def messages(self) -> tuple[bytes, ...]:
        return (self.json,)


class Batch:
    """Several messages for the same connections, written together: their frames concatenated once, so each
    recipient costs one write (one syscall) however many events queued up meanwhile."""

    __slots__ = ("_frame", "_parts")

    def __init__(self, parts: list[Outgoing]) -> None:
        self._parts = parts
        self._frame: bytes | None = None

    @property
    def frame(self) -> bytes:
        if self._frame is None:
            self._frame = b"".join(part.frame for part in self._parts)
        return self._frame

    @property
    def messages(self) -> tuple[bytes, ...]:
        return tuple(part.json for part in self._parts)
