"""The python-socketio side of the comparison (scenario `socketio`): the same lobby workload on a minimal
Socket.IO server with its Redis manager, served by uvicorn in its own process:

    BENCH_REDIS_URL=redis://127.0.0.1:PORT/0 python -m uvicorn bench.socketio_app:app

`join` puts the client in a room and answers `joined`; `say` emits to the room an event shaped like
Roundtable's (`{"type": "event", "room", "seq", "at", "event": {"kind": "chat", "author", "text"}}`), through
Redis like every emit of a Redis manager, and acknowledges with the seq. Nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import os
from typing import Any

socketio: Any = importlib.import_module("socketio")  # only with the `bench` extra; untyped

AUTHOR = {"user_id": 1, "name": "Bench Sender", "organisation": "Roundtable Benchmarks"}

sio: Any = socketio.AsyncServer(
    async_mode="asgi",
    client_manager=socketio.AsyncRedisManager(os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")),
    cors_allowed_origins="*",
)
app: Any = socketio.ASGIApp(sio)
_seq = itertools.count(1)


async def join(sid: str, room: str) -> None:
    await sio.enter_room(sid, room)
    await sio.emit("joined", {"room": room}, to=sid)


async def say(sid: str, data: dict[str, Any]) -> dict[str, int]:
    seq = next(_seq)
    event = {"type": "event", "room": data["room"], "seq": seq, "at": dt.datetime.now(dt.UTC).isoformat(),
             "event": {"kind": "chat", "author": AUTHOR, "text": data["text"]}}
    await sio.emit("event", event, room=data["room"])
    return {"seq": seq}


sio.on("join", join)
sio.on("say", say)
