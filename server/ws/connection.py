"""One client connection: who it is, and a send that never waits (where it is: server/ws/rooms/base.py).

`send` is called from the room fan-out loop for every member, so it must not await: with the raw writer it
appends the pre-built frame to the socket's buffer; a client whose buffer passes `max_buffer` has stopped
reading and is dropped (it will reconnect and resume). Without the raw writer (another ASGI server) a
bounded queue and a writer task do the same job.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any

from starlette.websockets import WebSocket

from rooms.missions.people import User
from server.ws.frames import Batch, Outgoing, encode
from server.ws.protocol import Frame
from server.ws.traffic import Traffic
from server.ws.uvicorn_protocol import RAW_EXTENSION, FrameWriterProtocol

log = logging.getLogger("roundtable.ws")

MAX_BUFFER = 512 * 1024
QUEUE_SIZE = 256


class Connection:
    def __init__(self, websocket: WebSocket, user: User, max_buffer: int = MAX_BUFFER,
                 traffic: Traffic | None = None) -> None:
        self.id = secrets.token_hex(8)
        self.traffic = traffic or Traffic()
        self.user = user
        self.websocket = websocket
        self.closed = False
        self.dropped = False
        self._max_buffer = max_buffer
        raw: Any = websocket.scope.get("extensions", {}).get(RAW_EXTENSION)
        self._raw: FrameWriterProtocol | None = raw if isinstance(raw, FrameWriterProtocol) else None
        self._queue: asyncio.Queue[bytes] | None = None
        self._writer: asyncio.Task[None] | None = None
        if self._raw is None:
            self._queue = asyncio.Queue(QUEUE_SIZE)
            self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    def send(self, out: Outgoing | Batch) -> None:
        if self.closed:
            return
        if self._raw is not None:
            if not self._raw.write_frame(out.frame):
                self.closed = True
            elif self._raw.buffered() > self._max_buffer:
                self.drop()
            return
        assert self._queue is not None
        for message in out.messages:
            if self._queue.full():
                self.drop()
                return
            self._queue.put_nowait(message)

    def send_frame(self, frame: Frame) -> None:
        """A frame to this connection alone (a reply, an error): counted here; the hub counts its fan-outs."""
        self.traffic.frames_out += 1
        self.send(Outgoing(encode(frame)))

    def drop(self) -> None:
        """Too slow: cut the connection now; the client reconnects and resumes from its last seq."""
        if self.closed:
            return
        self.closed = True
        self.dropped = True
        self.traffic.slow_dropped += 1
        log.info("dropping connection %s of user %s: it stopped reading", self.id, self.user.id,
                 extra={"conn": self.id, "user": self.user.id})
        if self._raw is not None:
            self._raw.abort()
        elif self._writer is not None:
            self._writer.cancel()

    async def _write_loop(self) -> None:
        assert self._queue is not None
        while True:
            payload = await self._queue.get()
            await self.websocket.send_text(payload.decode())

    def close_writer(self) -> None:
        self.closed = True
        if self._writer is not None:
            self._writer.cancel()
