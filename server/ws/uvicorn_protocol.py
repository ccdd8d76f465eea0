"""uvicorn's protocols as we run them: HTTP with a deadline for each request head, and the sans-I/O WebSocket
protocol with a deadline for its handshake plus a way to write pre-built frames straight to the socket.

uvicorn re-encodes every ASGI `websocket.send`, so a room of 3,000 would be framed 3,000 times. Through the
`roundtable.raw` scope extension the gateway writes one pre-built frame to each transport instead, and reads
each transport's write buffer to find clients that stopped reading.

uvicorn's own keep-alive timeout runs only between requests: a connection that sends nothing, or half a request
head, or half a WebSocket upgrade, would stay open for ever. `protocols(guard)` makes both classes answer to one
HandshakeGuard per server process: a head must be complete, and a WebSocket handshake done, within
`handshake_timeout` seconds (else 408 and close, or an abort), and one address may have at most
`pending_per_address` connections in that state at once (else 429 at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

import msgspec
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.utils import get_remote_addr
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import CloseCode
from websockets.http11 import Request

from server.ws.frames import encode, ws_text_frame
from server.ws.limits import Held, address_key
from server.ws.protocol import Error

log = logging.getLogger("roundtable.ws")

RAW_EXTENSION = "roundtable.raw"

# websockets' own "connection open" and "connection closed" lines: two records a socket (a JSON line each, ~10 %
# of an opening's CPU) saying what uvicorn's access line and the `connections` metrics already say. Its warnings
# and errors still show.
SANS_IO_LOG = logging.getLogger("roundtable.ws.sans_io")
SANS_IO_LOG.setLevel(logging.WARNING)


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


class HandshakeGuard:
    """Per server process: the connections, per peer address, that have not sent a complete first request head."""

    def __init__(self, timeout: float, per_address: int, trusted: Iterable[str] = ()) -> None:
        self.timeout = timeout
        self.per_address = per_address
        # Trusted proxies (uvicorn's FORWARDED_ALLOW_IPS: addresses or networks) carry many people's connections:
        # their address is not one person's. "*" (every peer is a proxy, as in docker-compose.yml) exempts every
        # peer: the proxy in front bounds its clients' slow requests itself (nginx: client_header_timeout).
        entries = [t.strip() for t in trusted if t.strip()]
        self.everyone_trusted = "*" in entries
        self.trusted = tuple(ipaddress.ip_network(t, strict=False) for t in entries if t != "*")
        self.pending: Held[str] = Held()

    def _trusted(self, address: str) -> bool:
        if self.everyone_trusted:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def admit(self, address: str) -> bool:
        return self.pending.take(address_key(address), None if self._trusted(address) else self.per_address)

    def release(self, address: str) -> None:
        self.pending.give_back(address_key(address))


def _refusal(status: bytes, *, code: str, message: str, extra: bytes = b"") -> bytes:
    """A whole HTTP response, written before (or instead of) uvicorn reading a request."""
    body = msgspec.json.encode({"error": {"code": code, "message": message}})
    return (b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\ncontent-length: "
            + str(len(body)).encode() + b"\r\nconnection: close\r\n" + extra + b"\r\n" + body)


TOO_MANY_PENDING = _refusal(b"429 Too Many Requests", code="too-many-connections",
                            message="Too many connections from this address are still opening.",
                            extra=b"retry-after: 10\r\n")
TOO_SLOW = _refusal(b"408 Request Timeout", code="request-timeout", message="The request took too long to arrive.")


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol with a deadline for every request head; `protocols()` binds it to a guard."""

    guard: HandshakeGuard

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        remote = get_remote_addr(transport)
        self._address = remote[0] if remote is not None else ""
        self._pending = self.guard.admit(self._address)
        self._heads = 0  # request heads completed on this connection
        self._started = False  # a byte of the awaited head has arrived
        self._deadline: asyncio.TimerHandle | None = None
        if not self._pending:
            transport.write(TOO_MANY_PENDING)
            transport.close()
            return
        self._expect_head()

    def _expect_head(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.guard.timeout, self._too_slow, self._heads)

    def data_received(self, data: bytes) -> None:
        if self.cycle is None or self.cycle.response_complete:
            self._started = True
            self._expect_head()  # bytes of a next request (after keep-alive): its head gets the same deadline
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._heads += 1
        self._head_done()
        super().on_headers_complete()

    def _head_done(self) -> None:
        self._started = False
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        if self._pending:
            self._pending = False
            self.guard.release(self._address)

    def _too_slow(self, heads: int) -> None:
        self._deadline = None
        if heads != self._heads or self.transport.get_protocol() is not self or self.transport.is_closing():
            return
        if self._started:
            self.transport.write(TOO_SLOW)
        # A connection that sent nothing is closed without a word: it may be a browser's unused preconnect.
        self._head_done()
        self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_done()
        super().connection_lost(exc)


class Inbox:
    """What uvicorn's protocol uses of its `asyncio.Queue` of received messages, without the queue's three deques
    and counters (~2 KiB a socket, most of them idle): one reader (the application), and few messages waiting at
    once, since the protocol stops reading the socket while one waits."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)

    async def get(self) -> Any:
        while not self._items:
            waiter = asyncio.get_running_loop().create_future()
            self._waiter = waiter
            try:
                await waiter
            finally:
                self._waiter = None
        return self._items.pop(0)


class Gate:
    """What uvicorn's protocol uses of its `asyncio.Event` `writable` (open unless the transport asked us to pause
    writing), with no deque of waiters until someone waits."""

    __slots__ = ("_open", "_waiters")

    def __init__(self) -> None:
        self._open = True
        self._waiters: list[asyncio.Future[None]] = []

    def is_set(self) -> bool:
        return self._open

    def set(self) -> None:
        self._open = True
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._open = False

    async def wait(self) -> bool:
        while not self._open:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter
        return True


class FrameWriterProtocol(WebSocketsSansIOProtocol):
    guard: HandshakeGuard | None = None  # set by `protocols()`; None: no handshake deadline
    shared_warnings: LogThrottle | None = None  # set by `protocols()`: one throttle for the whole server process

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Alone (no `protocols()`), one throttle per connection.
        self.warnings = self.shared_warnings or LogThrottle(log)
        # Lighter stand-ins for the queue and the event uvicorn makes for every socket (docs/performance.md).
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Gate()  # type: ignore[assignment]
        self.conn.logger = SANS_IO_LOG

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        if self.guard is not None:
            # The application authenticates during the handshake: it too must finish in time.
            self._deadline = self.loop.call_later(self.guard.timeout, self._handshake_too_slow)

    def start_keepalive(self) -> None:
        # Called once the 101 response is written: the handshake's request and response (their headers, the bearer
        # token among the offered subprotocols) are not kept for the life of the socket.
        super().start_keepalive()
        del self.request, self.response

    def _handshake_too_slow(self) -> None:
        if not self.handshake_complete and not self.transport.is_closing():
            self.transport.abort()

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


def protocols(guard: HandshakeGuard, warnings: LogThrottle) -> tuple[type[GuardedHttpProtocol],
                                                                     type[FrameWriterProtocol]]:
    """The HTTP and WebSocket protocol classes for one server process, bound to its guard and its warnings'
    throttle (uvicorn instantiates them itself, so both travel as class attributes of classes made for this
    process)."""
    http = type("GuardedHttp", (GuardedHttpProtocol,), {"guard": guard})
    ws = type("GuardedFrameWriter", (FrameWriterProtocol,), {"guard": guard, "shared_warnings": warnings})
    return http, ws
