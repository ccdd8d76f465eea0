"""The meeting room (docs/matchmaking.md, "Meeting room"): who may enter, presence, and WebRTC signals relayed
to the other member only. A real server process and real WebSocket clients; the media test runs two aiortc
peers and the server inside a network namespace (tests/netns.py, scenario in tests/meeting_scenarios.py).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import meeting_scenarios
from tests.meeting_scenarios import book_meeting, database_url
from tests.netns import in_netns
from tests.procs import Server, env_for, roundtable, serving
from tests.wsclient import Client, mint_tokens

PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example",
          "moderator": "moderator@roundtable.example", "organiser": "organiser@roundtable.example"}
SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    var = tmp_path_factory.mktemp("meeting") / "var"
    roundtable(env_for(var), "demo", "--no-links")
    return var


@pytest.fixture(scope="module")
def env(seeded: Path) -> dict[str, str]:
    return env_for(seeded)


@pytest.fixture(scope="module")
def server(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(env, tmp_path_factory.mktemp("meeting-logs")) as s:
        yield s


@pytest.fixture(scope="module")
def tokens(env: dict[str, str]) -> dict[str, str]:
    return mint_tokens(env, PEOPLE)


@pytest.fixture(scope="module")
def book(env: dict[str, str]) -> Callable[[], dict[str, int]]:
    """Books a meeting between Anna and Mike; each gets a half hour of its own (they never hold two overlapping
    meetings), the first under way now."""
    offsets = itertools.count(-5, 30)
    return lambda: book_meeting(env, PEOPLE["anna"], PEOPLE["mike"], starts_in=dt.timedelta(minutes=next(offsets)))


@pytest.fixture
def meeting(book: Callable[[], dict[str, int]], server: Server) -> dict[str, int]:
    return book()


async def _open(server: Server, token: str) -> Client:
    return await Client.open(server.url, token)


async def _call(client: Client, message: dict[str, Any]) -> dict[str, Any]:
    """The reply to `message`; sent again when the per-person rate limit (20 frames a second) refused it."""
    while True:
        rid = await client.request(message)
        while True:
            frame = await client.expect("ack", "error", "joined")
            if frame.get("id") == rid:
                break
        if frame.get("code") != "rate-limited":
            return frame
        await asyncio.sleep(1.0)


async def _event_about(client: Client, room: str, kind: str, user_id: int) -> bool:
    """Waits for the room's durable `kind` event about `user_id` (passing over others, e.g. one's own)."""
    while True:
        frame = await client.expect("event")
        if frame["room"] == room and frame["event"] == {"kind": kind, "user_id": user_id}:
            return True


async def _signals_after_barrier(client: Client) -> list[dict[str, Any]]:
    """Every signal this connection got so far: a ping's pong comes after anything queued before it."""
    await client.request({"type": "ping"})
    await client.expect("pong")
    got = [f for f in client._pending if f["type"] == "signal"]
    client._pending = [f for f in client._pending if f["type"] != "signal"]
    return got


# -- who may enter ----------------------------------------------------------------------------------------------


async def test_members_join_and_see_each_other(server: Server, tokens: dict[str, str],
                                               meeting: dict[str, int]) -> None:
    room = f"meeting:{meeting['meeting']}"
    anna, mike = await _open(server, tokens["anna"]), await _open(server, tokens["mike"])
    try:
        joined = await anna.join(room)
        assert [m["user_id"] for m in joined["presence"]] == [meeting["a"]]
        await mike.join(room)
        arrived = await anna.expect("presence-join", skip=())
        if arrived["member"]["user_id"] == meeting["a"]:
            arrived = await anna.expect("presence-join", skip=())  # her own arrival, announced after her `joined`
        assert arrived["room"] == room and arrived["member"]["user_id"] == meeting["b"]
        # Arrivals are recorded durably in the room, for the meeting's connected durations.
        assert await _event_about(anna, room, "m-joined", meeting["b"])
        await mike.close()
        gone = await anna.expect("presence-leave", skip=())
        assert gone["user_id"] == meeting["b"]
        assert await _event_about(anna, room, "m-left", meeting["b"])
    finally:
        await anna.close()


async def test_a_member_of_the_mission_who_is_not_meeting_is_refused(server: Server, tokens: dict[str, str],
                                                                     meeting: dict[str, int]) -> None:
    room = f"meeting:{meeting['meeting']}"
    anna, intruder = await _open(server, tokens["anna"]), await _open(server, tokens["moderator"])
    try:
        await anna.join(room)
        refused = await _call(intruder, {"type": "join", "room": room})
        assert refused["type"] == "error" and refused["code"] == "not-allowed", refused
        refused = await _call(intruder, {"type": "signal", "room": room, "signal": {"kind": "offer", "sdp": SDP}})
        assert refused["type"] == "error" and refused["code"] == "not-allowed", refused
        # The organiser runs the mission but is not in the conversation either.
        organiser = await _open(server, tokens["organiser"])
        refused = await _call(organiser, {"type": "join", "room": room})
        assert refused["code"] == "not-allowed", refused
        await organiser.close()
        assert await _signals_after_barrier(anna) == []
    finally:
        await anna.close()
        await intruder.close()


async def test_unknown_meeting_is_not_found(server: Server, tokens: dict[str, str]) -> None:
    anna = await _open(server, tokens["anna"])
    try:
        refused = await _call(anna, {"type": "join", "room": "meeting:999999"})
        assert refused["type"] == "error" and refused["code"] == "meeting-not-found", refused
        refused = await _call(anna, {"type": "signal", "room": "meeting:999999", "signal": {"kind": "bye"}})
        assert refused["code"] == "meeting-not-found", refused
    finally:
        await anna.close()


async def test_cancelled_meeting_is_closed(env: dict[str, str], server: Server, tokens: dict[str, str],
                                           book: Callable[[], dict[str, int]]) -> None:
    booked = book()
    _cancel(env, booked["meeting"])
    anna = await _open(server, tokens["anna"])
    try:
        refused = await _call(anna, {"type": "join", "room": f"meeting:{booked['meeting']}"})
        assert refused["type"] == "error" and refused["code"] == "meeting-closed", refused
    finally:
        await anna.close()


def _cancel(env: dict[str, str], meeting_id: int) -> None:
    from server.db.store_sql import SqlStore

    async def cancel() -> None:
        store = await SqlStore.open(database_url(env))
        try:
            await store.cancel_meeting(meeting_id)
        finally:
            await store.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, cancel()).result()


# -- relaying ---------------------------------------------------------------------------------------------------


async def test_signal_reaches_the_other_member_only_never_the_sender(server: Server, tokens: dict[str, str],
                                                                     meeting: dict[str, int]) -> None:
    room = f"meeting:{meeting['meeting']}"
    anna1, anna2 = await _open(server, tokens["anna"]), await _open(server, tokens["anna"])
    mike, bystander = await _open(server, tokens["mike"]), await _open(server, tokens["moderator"])
    try:
        for c in (anna1, anna2, mike):
            await c.join(room)
        await bystander.join("lobby:1")
        await mike.join("lobby:1")
        acked = await _call(anna1, {"type": "signal", "room": room, "signal": {"kind": "offer", "sdp": SDP}})
        assert acked["type"] == "ack", acked
        got = await mike.expect("signal")
        assert got == {"type": "signal", "room": room, "from": meeting["a"], "signal": {"kind": "offer", "sdp": SDP}}
        # Neither the sending tab nor the sender's other tab, nor anyone in the lobby, saw it.
        assert await _signals_after_barrier(anna1) == []
        assert await _signals_after_barrier(anna2) == []
        assert await _signals_after_barrier(bystander) == []
        assert await _signals_after_barrier(mike) == []  # exactly once

        # The answer goes to every tab Anna has in the room, and not back to Mike.
        candidate = {"kind": "candidate", "candidate": "candidate:1 1 UDP 2122252543 10.99.0.1 40000 typ host",
                     "mid": "0", "mline": 0}
        await mike.send({"type": "signal", "room": room, "signal": candidate})  # no id: no ack
        for tab in (anna1, anna2):
            got = await tab.expect("signal")
            assert got["from"] == meeting["b"] and got["signal"] == candidate
        assert await _signals_after_barrier(mike) == []
        assert not [f for f in mike._pending if f["type"] == "ack"]

        # A tab that left the room gets nothing more.
        assert (await _call(anna2, {"type": "leave", "room": room}))["type"] == "ack"
        await mike.send({"type": "signal", "room": room, "signal": {"kind": "candidate", "candidate": ""}})
        assert (await anna1.expect("signal"))["signal"] == {"kind": "candidate", "candidate": ""}
        assert await _signals_after_barrier(anna2) == []
    finally:
        for c in (anna1, anna2, mike, bystander):
            await c.close()


async def test_a_member_must_join_before_signalling(server: Server, tokens: dict[str, str],
                                                    meeting: dict[str, int]) -> None:
    mike = await _open(server, tokens["mike"])
    try:
        refused = await _call(mike, {"type": "signal", "room": f"meeting:{meeting['meeting']}",
                                     "signal": {"kind": "bye"}})
        assert refused["type"] == "error" and refused["code"] == "not-joined", refused
        refused = await _call(mike, {"type": "signal", "room": "lobby:1", "signal": {"kind": "bye"}})
        assert refused["code"] == "bad-room", refused
    finally:
        await mike.close()


BAD_SIGNALS = [
    ({"kind": "offer", "sdp": "hello"}, "bad-sdp", "signal.sdp"),
    ({"kind": "answer", "sdp": "v=0\r\n" + "a" * (32 * 1024)}, "invalid-length", "signal"),
    ({"kind": "offer"}, "required", "signal"),
    ({"kind": "candidate", "candidate": "typ host 10.0.0.1"}, "bad-candidate", "signal.candidate"),
    ({"kind": "candidate", "candidate": "candidate:" + "1" * 1024, "mid": "0"}, "invalid-length", "signal"),
    ({"kind": "candidate", "candidate": "candidate:1 1 UDP 1 10.0.0.1 1 typ host", "mid": "0", "mline": 65},
     "out-of-range", "signal"),
    ({"kind": "candidate", "candidate": "candidate:1 1 UDP 1 10.0.0.1 1 typ host", "mid": "x" * 17},
     "invalid-length", "signal"),
    ({"kind": "candidate", "candidate": "candidate:1 1 UDP 1 10.0.0.1 1 typ host"}, "bad-candidate",
     "signal.mid"),
    ({"kind": "shout"}, "invalid", "signal"),
    ({"kind": "bye", "extra": 1}, "unknown-field", "signal"),
]


async def test_malformed_signals_get_clear_errors_and_go_nowhere(server: Server, tokens: dict[str, str],
                                                                 meeting: dict[str, int]) -> None:
    room = f"meeting:{meeting['meeting']}"
    anna, mike = await _open(server, tokens["anna"]), await _open(server, tokens["mike"])
    try:
        await anna.join(room)
        await mike.join(room)
        for signal, code, field in BAD_SIGNALS:
            refused = await _call(anna, {"type": "signal", "room": room, "signal": signal})
            assert refused["type"] == "error", (signal, refused)
            assert (refused["code"], refused.get("field")) == (code, field), (signal, refused)
            assert refused["message"], refused
        assert await _signals_after_barrier(mike) == []
    finally:
        await anna.close()
        await mike.close()


# -- media ------------------------------------------------------------------------------------------------------


def test_two_aiortc_peers_meet_through_our_signalling(seeded: Path, tokens: dict[str, str],
                                                      tmp_path: Path) -> None:
    var = tmp_path / "var"
    shutil.copytree(seeded, var)
    env = env_for(var)
    booked = book_meeting(env, PEOPLE["anna"], PEOPLE["mike"], starts_in=dt.timedelta(days=1))
    # (another day: no overlap with what the other tests booked in the template)
    r = in_netns(meeting_scenarios.peers_meet, env, tokens, booked["meeting"], str(tmp_path), timeout=240)
    assert r["presence_seen_by_mike"] == sorted([booked["a"], booked["b"]]), r
    assert r["presence_seen_by_anna"] == [booked["a"]], r
    assert r["states"] == {"anna": "connected", "mike": "connected"}, r
    # Frames decoded both ways, at the size they were sent.
    assert r["frames"]["anna"] > 0 and r["frames"]["mike"] > 0, r
    assert r["sizes"] == {"anna": [[640, 360]], "mike": [[640, 360]]}, r
    # Mike trickled like a browser, Anna answered with one complete SDP like aiortc; nothing was echoed.
    assert r["mike_sent"][0] == "offer" and "candidate" in r["mike_sent"], r
    assert r["anna_received"] == r["mike_sent"], r
    assert r["anna_sent"] == ["answer"] and r["mike_received"] == ["answer"], r
    assert r["intruder_join"] == {"type": "error", "code": "not-allowed", "id_ok": True}, r
    assert r["intruder_signal"] == {"type": "error", "code": "not-allowed", "id_ok": True}, r
