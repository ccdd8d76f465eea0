"""The gateway in one process (the app behind Starlette's TestClient, SQLite, the memory broker): a session's
client sees a room's events exactly once and in order when the broker reorders, repeats or loses them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.testclient import WebSocketTestSession

from rooms.core.cards import Author
from rooms.core.events import RoomEvent
from rooms.core.refs import lobby
from rooms.lobby.events import ChatPosted
from server.composition import Root
from server.ws.hub import wire
from tests.support.world import World

SUBPROTOCOL = "roundtable.v1"


@contextmanager
def session(world: World, who: str) -> Iterator[WebSocketTestSession]:
    with world.client.websocket_connect("/ws", subprotocols=[SUBPROTOCOL, f"bearer.{world.token(who)}"]) as ws:
        ws.send_json({"type": "hello", "version": 1})
        assert ws.receive_json()["type"] == "welcome"
        yield ws


def root(world: World) -> Root:
    return world.root


def written(world: World, room: str, n: int) -> list[RoomEvent]:
    """`n` chat events written to the room's log and not published (as if their publish was lost)."""
    author = Author(world.users["host"].id, "Host Person", "")

    async def append() -> list[RoomEvent]:
        out = await world.store.append([(room, ChatPosted(author, f"m{i}")) for i in range(n)],
                                       author.user_id, None, world.clock.now())
        return [event for event, _ in out]

    events: list[RoomEvent] = world.run(append)
    return events


def inject(world: World, *events: RoomEvent) -> None:
    async def publish() -> None:
        for event in events:
            await root(world).ports.broker.publish(event.room, wire(event))

    world.run(publish)


def next_of(ws: WebSocketTestSession, kind: str) -> dict[str, Any]:
    while True:
        frame: dict[str, Any] = ws.receive_json()
        if frame["type"] == kind:
            return frame


def joined(ws: WebSocketTestSession, room: str, since: int | None = None) -> dict[str, Any]:
    ws.send_json({"type": "join", "room": room, "id": "j", **({} if since is None else {"since": since})})
    return next_of(ws, "joined")


def test_reordered_and_repeated_events_reach_the_client_once_in_order(world: World) -> None:
    room = lobby(world.mission_id).name
    with session(world, "participant") as ws:
        start = joined(ws, room)["seq"]
        e1, e2, e3 = written(world, room, 3)
        inject(world, e3, e1, e2, e2, e1)
        assert [next_of(ws, "event")["seq"] for _ in range(3)] == [start + 1, start + 2, start + 3]
        (e4,) = written(world, room, 1)
        inject(world, e1, e3, e4)
        assert next_of(ws, "event")["seq"] == e4.seq  # the repeats in between never reached the client


def test_a_lost_event_is_filled_in_before_the_next(world: World) -> None:
    room = lobby(world.mission_id).name
    with session(world, "participant") as ws:
        joined(ws, room)
        e1, _lost, e3 = written(world, room, 3)
        inject(world, e1, e3)
        got = [next_of(ws, "event") for _ in range(3)]
        assert [f["seq"] for f in got] == [e1.seq, e1.seq + 1, e3.seq]
        assert [f["event"]["text"] for f in got] == ["m0", "m1", "m2"]


def test_a_resume_gets_exactly_the_missed_events_then_live_ones(world: World) -> None:
    room = lobby(world.mission_id).name
    with session(world, "participant") as ws:
        since = joined(ws, room)["seq"]
    missed = written(world, room, 4)
    inject(world, *missed)
    with session(world, "participant") as ws:
        assert joined(ws, room, since)["seq"] == since
        assert [next_of(ws, "event")["seq"] for _ in missed] == [e.seq for e in missed]
        (live,) = written(world, room, 1)
        inject(world, live)
        assert next_of(ws, "event")["seq"] == live.seq


def test_leaving_and_rejoining_keeps_one_membership_per_room(world: World) -> None:
    room = lobby(world.mission_id).name
    with session(world, "participant") as ws:
        joined(ws, room)
        joined(ws, room)  # a second join of the same room replaces the first
        state = list(root(world).live.node.hub.local_rooms())
        assert [r.name for r in state if r.name == room] == [room]
        assert len(next(r for r in state if r.name == room).conns) == 1
        ws.send_json({"type": "leave", "room": room, "id": "l"})
        assert next_of(ws, "ack")["id"] == "l"
        ws.send_json({"type": "leave", "room": room, "id": "l2"})
        error = next_of(ws, "error")
        assert (error["id"], error["code"]) == ("l2", "not-joined")
