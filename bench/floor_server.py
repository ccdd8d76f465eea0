"""The floor: a bare uvloop WebSocket fan-out with nothing else in it, for scenario `floor`.

    python -m bench.floor_server PORT

It speaks just enough of the Roundtable protocol for the benchmark clients (hello → welcome, join → joined,
say → ack) and fans each `say` out as an event frame of the same size as Roundtable's, built once and written
to every joined connection with one `transport.write` each. No database, no authentication, no ASGI: what it
costs per delivery is what the kernel and the event loop cost, the least any Python server can spend.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import sys
from typing import cast

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC11D65"
AUTHOR = {"user_id": 1, "name": "Bench Sender", "organisation": "Roundtable Benchmarks"}


def text_frame(payload: bytes) -> bytes:
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return bytes((0x81, 126)) + n.to_bytes(2, "big") + payload
    return bytes((0x81, 127)) + n.to_bytes(8, "big") + payload


class Room:
    def __init__(self) -> None:
        self.members: set[FloorProtocol] = set()
        self.seq = 0


class FloorProtocol(asyncio.Protocol):
    def __init__(self, room: Room) -> None:
        self.room = room
        self.transport: asyncio.Transport | None = None
        self.buf = b""
        self.open = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.room.members.discard(self)
        self.transport = None

    def _write(self, data: bytes) -> None:
        if self.transport is not None:
            self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        data = self.buf + data
        if not self.open:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self.buf = data
                return
            key = b""
            for line in data[:end].split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"sec-websocket-key":
                    key = value.strip()
            accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
            self._write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        b"Sec-WebSocket-Protocol: roundtable.v1\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
            self.open = True
            data = data[end + 4:]
        pos = 0
        while len(data) - pos >= 2:
            length = data[pos + 1] & 0x7F
            start = pos + 2
            if length == 126:
                if len(data) - pos < 4:
                    break
                length = int.from_bytes(data[pos + 2:pos + 4], "big")
                start = pos + 4
            elif length == 127:
                if len(data) - pos < 10:
                    break
                length = int.from_bytes(data[pos + 2:pos + 10], "big")
                start = pos + 10
            mask = data[start:start + 4]
            end = start + 4 + length
            if end > len(data):
                break
            raw = data[start + 4:end]
            payload = (int.from_bytes(raw, "big") ^ int.from_bytes((mask * (length // 4 + 1))[:length], "big")
                       ).to_bytes(length, "big")
            opcode = data[pos] & 0x0F
            if opcode == 1:
                self._message(payload)
            elif opcode == 8 and self.transport is not None:
                self.transport.close()
            pos = end
        self.buf = data[pos:]

    def _message(self, payload: bytes) -> None:
        request = json.loads(payload)
        kind = request.get("type")
        if kind == "hello":
            self._write(text_frame(b'{"type":"welcome","version":1}'))
        elif kind == "join":
            self.room.members.add(self)
            self._write(text_frame(b'{"type":"joined","room":"%s","seq":0,"presence":[],"id":"j"}'
                                   % request["room"].encode()))
        elif kind == "say":
            self.room.seq += 1
            event = {"type": "event", "room": request["room"], "seq": self.room.seq,
                     "at": "2026-11-23T10:00:00.000000Z", "event": {"kind": "chat", "author": AUTHOR,
                                                                     "text": request["text"]}}
            frame = text_frame(json.dumps(event, separators=(",", ":")).encode())
            for member in self.room.members:
                member._write(frame)
            self._write(text_frame(b'{"type":"ack","id":"%s","seq":%d}' % (request["id"].encode(), self.room.seq)))


async def serve(port: int) -> None:
    room = Room()
    server = await asyncio.get_running_loop().create_server(lambda: FloorProtocol(room), "127.0.0.1", port,
                                                            backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    import uvloop

    uvloop.run(serve(int(sys.argv[1])))
