"""People chatting without pause in a lobby while a chaos test breaks something under them, and what proves that
nothing was lost or doubled: each acknowledgement against the database's event log, each socket's stream against
the log (every event once, in order)."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed

from rooms.core.events import RoomEvent
from rooms.lobby.events import ChatPosted
from server.db.store_sql import SqlStore
from tests.support.wsclient import Client

WAIT = 60.0  # generous, for a loaded 2-core CI machine: every wait ends as soon as what it waits for happened
PAUSE = 0.1  # between one person's messages (the rate limit is 20 frames a second)
RETRY = 0.25  # before retrying a refused message with its key


async def until(done: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not done():
        if loop.time() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        await asyncio.sleep(0.05)


@dataclass
class Talker:
    """One person's socket in `room`: `read` sorts every frame it receives, `chat` says one message after another,
    each with its key, retried with that key after a refusal whose code is in `retryable` (as web/protocol.js
    retries) until it is acknowledged. Any other error fails the chat."""

    name: str
    client: Client
    room: str
    retryable: Collection[str] = ()
    events: list[dict[str, Any]] = field(default_factory=list)  # the room's events, in the order they came
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> its acknowledgement
    texts: dict[str, str] = field(default_factory=dict)  # key -> the text said with it
    refused: list[dict[str, Any]] = field(default_factory=list)  # the retryable errors received
    retried: set[str] = field(default_factory=set)  # keys acknowledged only after a refusal
    closed: ConnectionClosed | None = None
    _replies: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _keys: itertools.count[int] = field(default_factory=itertools.count)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    async def read(self) -> None:
        try:
            while True:
                frame = json.loads(await self.client.ws.recv())
                reply = self._replies.pop(frame.get("id") or "", None)
                if reply is not None and frame["type"] in ("ack", "error"):
                    reply.set_result(frame)
                elif frame["type"] == "event" and frame["room"] == self.room:
                    self.events.append(frame)
        except ConnectionClosed as closed:
            self.closed = closed
            for reply in self._replies.values():
                reply.set_exception(closed)

    async def say(self, key: str, text: str) -> dict[str, Any]:
        """Says `text` with `key` once; the reply (an ack or an error). Needs `read` running."""
        self.texts[key] = text
        rid = f"{key}/{next(self._ids)}"
        reply = self._replies[rid] = asyncio.get_running_loop().create_future()  # before the reply can come
        await self.client.send({"type": "say", "id": rid, "room": self.room, "text": text, "key": key})
        return await asyncio.wait_for(reply, WAIT)

    async def say_until_acked(self, key: str, text: str) -> dict[str, Any]:
        while True:
            reply = await self.say(key, text)
            if reply["type"] == "ack":
                self.acks[key] = reply
                return reply
            assert reply["code"] in self.retryable, (self.name, key, reply)
            self.refused.append(reply)
            self.retried.add(key)
            await asyncio.sleep(RETRY)

    async def chat(self, stop: asyncio.Event) -> None:
        """One message after another until `stop`; the one under way when it is set is finished first."""
        while not stop.is_set():
            key = f"{self.name}-{next(self._keys)}"
            await self.say_until_acked(key, f"{self.name} says {key}")
            await asyncio.sleep(PAUSE)

    def received(self, after: int) -> list[int]:
        """The seqs of the room's events this socket received after `after`, in the order they came."""
        return [e["seq"] for e in self.events if e["seq"] > after]


async def room_log(database_url: str, room: str, after: int) -> list[RoomEvent]:
    """The room's events after seq `after`, read from the database itself."""
    store = await SqlStore.open(database_url)
    try:
        return await store.since(room, after, 1_000_000)
    finally:
        await store.close()


def assert_stored_once_as_acknowledged(talkers: Collection[Talker], log: list[RoomEvent]) -> None:
    """Every acknowledged message is in the log once, at the acknowledged seq; no message is there that was not
    acknowledged (each person retried until acknowledged)."""
    stored: dict[str, list[int]] = {}
    for event in log:
        if isinstance(event.body, ChatPosted):
            stored.setdefault(event.body.text, []).append(event.seq)
    for talker in talkers:
        for key, ack in talker.acks.items():
            assert stored.get(talker.texts[key]) == [ack["seq"]], (talker.name, key, ack)
    assert sum(len(t.acks) for t in talkers) == len(stored)


async def assert_every_socket_got_the_log(talkers: Collection[Talker], log: list[RoomEvent], after: int) -> None:
    """Each socket is open and received the log's events after `after`, each once, in order, none other."""
    last = log[-1].seq
    await until(lambda: all(t.closed is not None or (t.events and t.events[-1]["seq"] >= last) for t in talkers),
                "every event to reach every socket")
    for talker in talkers:
        assert talker.closed is None, f"{talker.name}'s socket was closed: {talker.closed}"
        assert talker.received(after) == [e.seq for e in log], talker.name


async def cancel(*tasks: asyncio.Task[Any]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
