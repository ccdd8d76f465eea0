"""uvicorn's sans-I/O WebSocket protocol, plus a way to write pre-built frames straight to the socket.

uvicorn re-encodes every ASGI `websocket.send`, so a room of 3,000 would be framed 3,000 times. Through the
`roundtable.raw` scope extension the gateway writes one pre-built frame to each transport instead, and reads
each transport's write buffer to find clients that stopped reading.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request

RAW_EXTENSION = "roundtable.raw"


# The kernel's own send buffer, bounded: with autotuning it can grow to megabytes and hide a client that
# stopped reading (and hold that memory) long before our write-buffer check sees anything.
SOCKET_SEND_BUFFER = 128 * 1024


class FrameWriterProtocol(WebSocketsSansIOProtocol):
    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_SEND_BUFFER)
        scope: Any = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"][RAW_EXTENSION] = self

    def write_frame(self, frame: bytes) -> bool:
        """Writes a complete frame if the connection is open; False if it is not."""
        if not self.handshake_complete or self.close_sent or self.disconnected or self.transport.is_closing():
            return False
        self.transport.write(frame)
        return True

    def buffered(self) -> int:
        return self.transport.get_write_buffer_size()

    def abort(self) -> None:
        """Drops a connection whose client stopped reading: nothing more can be flushed to it anyway."""
        self.transport.abort()
