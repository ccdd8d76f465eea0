"""A lean WebSocket client for load generation: one asyncio Protocol per connection, no task per connection and
no per-message await, so that thousands of listeners cost the load process less than they cost the server.

Only what the benchmarks need: the opening handshake (no extension is offered, so frames are never
compressed), unfragmented text frames, masked client frames, ping → pong, and the Engine.IO text ping ("2" →
"3") for the python-socketio comparison. A chat message carries its send time inside its text as
`@L<run>.<index>.<monotonic ns>~`; `Conn` spots that marker with one `bytes.find` and records the latency
without decoding the JSON.
"""

from __future__ import annotations

import asyncio
import base64
import os
import time
from collections import deque
from typing import Literal, cast

Dialect = Literal["roundtable", "socketio"]

MARK = b'"@L'  # a chat text starts with @L: `"text":"@L…` (or `"text": "@L…` from python-socketio's json)
BUCKET_NS = 100_000  # latency histogram resolution: 0.1 ms


def chat_text(run: int, index: int, filler: str) -> str:
    """The text of benchmark chat message `index` of `run`, stamped with the time it is sent."""
    return f"@L{run}.{index}.{time.monotonic_ns()}~ {filler}"


class Stats:
    """What the connections of one load process saw during the current run."""

    __slots__ = ("deliveries", "dupes", "frame_bytes", "hist", "last_ns", "others", "run", "stale")

    def __init__(self) -> None:
        self.reset(-1)

    def reset(self, run: int) -> None:
        self.run = run
        self.hist: dict[int, int] = {}  # latency bucket (BUCKET_NS) → deliveries
        self.deliveries = 0  # chat messages of this run, each connection counting each message once
        self.dupes = 0  # a message a connection had already seen, or one out of order
        self.stale = 0  # chat messages of an earlier run
        self.others = 0  # other frames after setup (presence changes, for instance)
        self.last_ns = 0  # when the last chat delivery of this run arrived
        self.frame_bytes = 0  # payload size of one chat frame, for the record


def _mask(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    if n == 0:
        return payload
    pad = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(pad, "big")).to_bytes(n, "big")


def frame(opcode: int, payload: bytes) -> bytes:
    """A masked client-to-server frame."""
    n = len(payload)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        head = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    key = os.urandom(4)
    return head + key + _mask(payload, key)


def upgrade_request(host: str, port: int, path: str, protocols: list[str]) -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
        "Sec-WebSocket-Version: 13",
    ]
    if protocols:
        lines.append("Sec-WebSocket-Protocol: " + ", ".join(protocols))
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class HandshakeFailed(ConnectionError):
    pass


class Conn(asyncio.Protocol):
    """One client connection. Frames other than benchmark chat are kept in `frames` while `keep` is set (during
    setup, and always for the sender) and only counted otherwise."""

    def __init__(self, stats: Stats, dialect: Dialect, request: bytes) -> None:
        self.stats = stats
        self.dialect = dialect
        self._request = request
        self.transport: asyncio.Transport | None = None
        self._buf = b""
        self._upgraded = False
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.frames: deque[bytes] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self.keep = True
        self.run = -1
        self.last_index = -1

    # -- asyncio.Protocol ----------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A TCP transport (uvloop's does not subclass asyncio.Transport, hence no isinstance check).
        self.transport = cast(asyncio.Transport, transport)
        self.transport.write(self._request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if not self.opened.done():
            self.opened.set_exception(HandshakeFailed(f"connection lost during the handshake: {exc!r}"))
        if not self.lost.done():
            self.lost.set_result(None)
        self._wake()

    def data_received(self, data: bytes) -> None:
        if self._buf:
            data = self._buf + data
            self._buf = b""
        if not self._upgraded:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self._buf = data
                return
            status = data[:end].split(b"\r\n", 1)[0]
            if b" 101 " not in status + b" ":
                if not self.opened.done():
                    self.opened.set_exception(HandshakeFailed(data[:end].decode(errors="replace")[:300]))
                assert self.transport is not None
                self.transport.close()
                return
            self._upgraded = True
            self.opened.set_result(None)
            data = data[end + 4:]
        now = time.monotonic_ns()
        pos = 0
        n = len(data)
        while n - pos >= 2:
            b0 = data[pos]
            length = data[pos + 1] & 0x7F
            start = pos + 2
            if length == 126:
                if n - pos < 4:
                    break
                length = (data[pos + 2] << 8) | data[pos + 3]
                start = pos + 4
            elif length == 127:
                if n - pos < 10:
                    break
                length = int.from_bytes(data[pos + 2:pos + 10], "big")
                start = pos + 10
            end = start + length
            if end > n:
                break
            opcode = b0 & 0x0F
            if opcode == 1:
                mark = data.find(MARK, start, end)
                if mark >= 0:
                    self._chat(data, mark + 3, end, now, length)
                else:
                    self._other(data[start:end])
            elif opcode == 9:
                self.write(frame(0xA, data[start:end]))
            elif opcode == 8:
                self.write(frame(0x8, data[start:start + 2]))
                if self.transport is not None:
                    self.transport.close()
            pos = end
        if pos < n:
            self._buf = data[pos:]

    # -- frames --------------------------------------------------------------------------------------------

    def _chat(self, data: bytes, at: int, end: int, now: int, length: int) -> None:
        stats = self.stats
        stop = data.find(b"~", at, end)
        run_s, index_s, sent_s = data[at:stop].split(b".")
        if int(run_s) != stats.run:
            stats.stale += 1
            return
        if self.run != stats.run:
            self.run = stats.run
            self.last_index = -1
        index = int(index_s)
        if index <= self.last_index:
            stats.dupes += 1
            return
        self.last_index = index
        bucket = (now - int(sent_s)) // BUCKET_NS
        hist = stats.hist
        hist[bucket] = hist.get(bucket, 0) + 1
        stats.deliveries += 1
        stats.last_ns = now
        stats.frame_bytes = length

    def _other(self, payload: bytes) -> None:
        if self.dialect == "socketio" and payload == b"2":
            self.write(frame(0x1, b"3"))  # Engine.IO ping → pong
            return
        if self.keep:
            self.frames.append(payload)
            self._wake()
        else:
            self.stats.others += 1

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # -- API -----------------------------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def send_text(self, text: str | bytes) -> None:
        self.write(frame(0x1, text.encode() if isinstance(text, str) else text))

    async def next_frame(self) -> bytes:
        """The next kept frame (raises ConnectionError when the connection is gone)."""
        while not self.frames:
            if self.lost.done():
                raise ConnectionError("connection closed")
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
            self._waiter = None
        return self.frames.popleft()

    async def expect(self, *prefixes: bytes) -> bytes:
        """The next kept frame starting with one of `prefixes`; the frames before it are dropped."""
        while True:
            payload = await self.next_frame()
            if payload.startswith(prefixes):
                return payload

    def close(self) -> None:
        if self.transport is not None:
            self.transport.abort()


async def open_conn(host: str, port: int, path: str, protocols: list[str], stats: Stats,
                    dialect: Dialect) -> Conn:
    loop = asyncio.get_running_loop()
    request = upgrade_request(host, port, path, protocols)
    _, conn = await loop.create_connection(lambda: Conn(stats, dialect, request), host, port)
    try:
        await conn.opened
    except BaseException:
        conn.close()
        raise
    return conn
