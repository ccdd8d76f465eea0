"""In-process pieces for real-time tests: a socket that records what a Connection writes, and a broker that
loses, repeats or reorders on demand (a fault pattern, not a mock: it moves real payloads)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any

from rooms.core.broker import Broker
from rooms.core.events import RoomEvent
from rooms.lobby.events import ChatPosted
from rooms.missions.people import User
from server.ws.connection import Connection

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
USER = User(id=7, email="ada@example.org", name="Ada", can_create_missions=False, has_password=False, created_at=NOW)


class Socket:
    """What a Connection needs of a WebSocket when no raw writer is offered: a scope and send_text."""

    def __init__(self) -> None:
        self.scope: dict[str, Any] = {}
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def send_text(self, text: str) -> None:
        self.frames.put_nowait(json.loads(text))

    async def take(self, n: int, timeout: float = 2.0) -> list[dict[str, Any]]:
        return [await asyncio.wait_for(self.frames.get(), timeout) for _ in range(n)]

    async def quiet(self, wait: float = 0.1) -> list[dict[str, Any]]:
        """Everything that arrives within `wait`, once nothing more comes."""
        await asyncio.sleep(wait)
        out = []
        while not self.frames.empty():
            out.append(self.frames.get_nowait())
        return out


def connection() -> tuple[Connection, Socket]:
    socket = Socket()
    return Connection(socket, USER), socket  # type: ignore[arg-type]


def chat(text: str) -> ChatPosted:
    from rooms.core.cards import Author

    return ChatPosted(Author(USER.id, USER.name, ""), text)


class FaultyBroker:
    """Wraps a broker; `fail_publishes` makes the next publishes raise as if the broker were unreachable."""

    def __init__(self, inner: Broker) -> None:
        self.inner = inner
        self.fail_publishes = 0
        self.failed: list[tuple[str, bytes]] = []

    async def publish(self, topic: str, payload: bytes) -> None:
        if self.fail_publishes > 0:
            self.fail_publishes -= 1
            self.failed.append((topic, payload))
            raise ConnectionError("broker unreachable (injected)")
        await self.inner.publish(topic, payload)

    def subscribe(self, topic: str) -> AbstractAsyncContextManager[AsyncIterator[Any]]:
        return self.inner.subscribe(topic)

    async def ping(self) -> None:
        await self.inner.ping()

    async def close(self) -> None:
        await self.inner.close()


def seqs(frames: list[dict[str, Any]]) -> list[int]:
    return [f["seq"] for f in frames if f["type"] == "event"]


def texts(events: list[RoomEvent]) -> list[str]:
    return [e.body.text for e in events if isinstance(e.body, ChatPosted)]
