"""uvicorn's sans-I/O WebSocket protocol, plus a way to write pre-built frames straight to the socket.

uvicorn re-encodes every ASGI `websocket.send`, so a room of 3,000 would be framed 3,000 times. Through the
`roundtable.raw` scope extension the gateway writes one pre-built frame to each transport instead, and reads
each transport's write buffer to find clients that stopped reading.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import CloseCode
from websockets.http11 import Request

from server.ws.frames import encode, ws_text_frame
from server.ws.protocol import Error

log = logging.getLogger("roundtable.ws")

RAW_EXTENSION = "roundtable.raw"


# The kernel's own send buffer, bounded: with autotuning it can grow to megabytes and hide a client that
# stopped reading (and hold that memory) long before our write-buffer check sees anything.
SOCKET_SEND_BUFFER = 128 * 1024


class LogThrottle:
    """At most `burst` warnings per `per` seconds, then one line saying how many were held back: a client must not
    be able to fill the log (or the disk) by sending what we refuse."""

    def __init__(self, logger: logging.Logger, burst: int = 5, per: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._log, self._burst, self._per, self._clock = logger, burst, per, clock
        self._window = -per
        self._count = 0
        self._held = 0

    def warning(self, message: str, *args: object) -> None:
        now = self._clock()
        if now - self._window >= self._per:
            if self._held:
                self._log.warning("%d more such warnings were not logged", self._held)
            self._window, self._count, self._held = now, 0, 0
        if self._count < self._burst:
            self._count += 1
            self._log.warning(message, *args)
        else:
            self._held += 1


class FrameWriterProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, warnings: LogThrottle | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One throttle for the whole server (cli passes it to every connection); alone, one per connection.
        self.warnings = warnings or LogThrottle(log)

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_SEND_BUFFER)
        scope: Any = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"][RAW_EXTENSION] = self

    def send_receive_event_to_app(self) -> None:
        # uvicorn answers a text frame that is not UTF-8 with an ERROR and a traceback in the log, a line per frame
        # from anyone connected. RFC 6455 has the connection fail (1007); before that the client is told why.
        if self.curr_msg_data_type == "text" and not self.close_sent:
            try:
                b"".join(self.frames).decode()
            except UnicodeDecodeError:
                self.frames = []
                self.warnings.warning("closed a WebSocket of %s: a text frame was not UTF-8",
                                      (self.client or ("?",))[0])
                self.write_frame(ws_text_frame(encode(Error(code="malformed-json",
                                                            message="Text frames must be UTF-8."))))
                self.conn.send_close(CloseCode.INVALID_DATA, "invalid UTF-8")
                self.handle_parser_exception()
                return
        super().send_receive_event_to_app()

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
