"""The meeting room (docs/matchmaking.md, "Meeting room"): who may enter, presence, and WebRTC signals relayed
to the other member only. A real server process and real WebSocket clients; the media test runs two aiortc
peers and the server inside a network namespace (tests/support/netns.py, scenario in
tests/support/meeting_scenarios.py).
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

import httpx2 as httpx
import pytest

from tests.support import meeting_scenarios
from tests.support.meeting_scenarios import book_meeting, database_url
from tests.support.netns import in_netns
from tests.support.procs import Server, env_for, roundtable, serving
from tests.support.wsclient import Client, fresh_rate_window, mint_tokens

PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example",
          "moderator": "moderator@roundtable.example", "organiser": "organiser@roundtable.example"}
SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


def _offerer_first(meeting: dict[str, int]) -> tuple[int, int]:
    """The meeting's members as (offerer, answerer): the lower user id makes the offers."""
    return (meeting["a"], meeting["b"]) if meeting["a"] < meeting["b"] else (meeting["b"], meeting["a"])


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
        refused = await _call(intruder, {"type": "signal", "room": room,
                                         "signal": {"kind": "offer", "sid": "s1", "sdp": SDP}})
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
        refused = await _call(anna, {"type": "signal", "room": "meeting:999999",
                                     "signal": {"kind": "bye", "sid": "s1"}})
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
    offerer, answerer = _offerer_first(meeting)
    name = {meeting["a"]: "anna", meeting["b"]: "mike"}
    first1, first2 = await _open(server, tokens[name[offerer]]), await _open(server, tokens[name[offerer]])
    second, bystander = await _open(server, tokens[name[answerer]]), await _open(server, tokens["moderator"])
    try:
        for c in (first1, first2, second):
            await c.join(room)
        await bystander.join("lobby:1")
        await second.join("lobby:1")
        # The offerer's second tab joined last: it is the one in the call.
        offer = {"kind": "offer", "sid": "o1", "sdp": SDP}
        acked = await _call(first2, {"type": "signal", "room": room, "signal": offer})
        assert acked["type"] == "ack", acked
        got = await second.expect("signal")
        epoch = got.pop("epoch")
        assert isinstance(epoch, int) and epoch > 0
        assert got == {"type": "signal", "room": room, "from": offerer, "role": "answerer", "signal": offer}
        # Neither the sending tab nor the sender's other tab, nor anyone in the lobby, saw it.
        assert await _signals_after_barrier(first1) == []
        assert await _signals_after_barrier(first2) == []
        assert await _signals_after_barrier(bystander) == []
        assert await _signals_after_barrier(second) == []  # exactly once

        # The answerer's signals go to every tab the offerer has in the room (each page keeps only what is
        # for its own connection), and not back to the answerer.
        candidate = {"kind": "candidate", "sid": "a1", "to": "o1",
                     "candidate": "candidate:1 1 UDP 2122252543 10.99.0.1 40000 typ host", "mid": "0", "mline": 0}
        await second.send({"type": "signal", "room": room, "signal": candidate})  # no id: no ack
        for tab in (first1, first2):
            got = await tab.expect("signal")
            assert (got["from"], got["role"], got["signal"]) == (answerer, "offerer", candidate)
        assert await _signals_after_barrier(second) == []
        assert not [f for f in second._pending if f["type"] == "ack"]

        # A tab that left the room gets nothing more.
        assert (await _call(first1, {"type": "leave", "room": room}))["type"] == "ack"
        done = {"kind": "candidate", "sid": "a1", "candidate": ""}
        await second.send({"type": "signal", "room": room, "signal": done})
        assert (await first2.expect("signal"))["signal"] == done
        assert await _signals_after_barrier(first1) == []
    finally:
        for c in (first1, first2, second, bystander):
            await c.close()


async def test_only_the_offerer_offers_and_joined_says_who_that_is(server: Server, tokens: dict[str, str],
                                                                  meeting: dict[str, int]) -> None:
    room = f"meeting:{meeting['meeting']}"
    offerer, answerer = _offerer_first(meeting)
    name = {meeting["a"]: "anna", meeting["b"]: "mike"}
    first, second = await _open(server, tokens[name[answerer]]), await _open(server, tokens[name[offerer]])
    try:
        alone = await first.join(room)
        assert alone["offer_to"] == []  # nobody here yet
        joined = await second.join(room)
        assert joined["offer_to"] == [answerer]
        refused = await _call(first, {"type": "signal", "room": room, "signal": {"kind": "offer", "sid": "a1",
                                                                               "sdp": SDP}})
        assert (refused["type"], refused["code"], refused["field"]) == ("error", "wrong-role", "signal.kind")
        refused = await _call(second, {"type": "signal", "room": room, "signal": {"kind": "answer", "sid": "o1",
                                                                                "to": "a1", "sdp": SDP}})
        assert refused["code"] == "wrong-role", refused
        # Either side may say ready: the answerer asks for an offer, the offerer asks the answerer to ask.
        for sender, receiver, part in ((first, second, "offerer"), (second, first, "answerer")):
            assert (await _call(sender, {"type": "signal", "room": room,
                                         "signal": {"kind": "ready", "sid": "r1"}}))["type"] == "ack"
            got = await receiver.expect("signal")
            assert (got["signal"]["kind"], got["role"]) == ("ready", part)
    finally:
        await first.close()
        await second.close()


async def test_a_persons_newest_tab_takes_the_call_and_the_older_is_told(server: Server, tokens: dict[str, str],
                                                                         meeting: dict[str, int]) -> None:
    room = f"meeting:{meeting['meeting']}"
    anna_old, anna_new, mike = (await _open(server, tokens["anna"]), await _open(server, tokens["anna"]),
                                await _open(server, tokens["mike"]))
    try:
        await mike.join(room)
        await anna_old.join(room)
        ready = {"type": "signal", "room": room, "signal": {"kind": "ready", "sid": "old"}}
        assert (await _call(anna_old, ready))["type"] == "ack"
        old_epoch = (await mike.expect("signal"))["epoch"]
        await anna_new.join(room)
        # Both of Anna's connections hear that the newest took the call; each page compares it with its own.
        for tab in (anna_old, anna_new):
            moved = await tab.expect("call-moved")
            assert moved == {"type": "call-moved", "room": room, "conn": anna_new.welcome["conn"]}
        ready = {"type": "signal", "room": room, "signal": {"kind": "ready", "sid": "new"}}
        assert (await _call(anna_new, ready))["type"] == "ack"
        newer = await mike.expect("signal")
        assert newer["epoch"] > old_epoch and newer["signal"]["sid"] == "new"
    finally:
        for c in (anna_old, anna_new, mike):
            await c.close()


async def test_a_member_must_join_before_signalling(server: Server, tokens: dict[str, str],
                                                    meeting: dict[str, int]) -> None:
    mike = await _open(server, tokens["mike"])
    try:
        refused = await _call(mike, {"type": "signal", "room": f"meeting:{meeting['meeting']}",
                                     "signal": {"kind": "bye", "sid": "s1"}})
        assert refused["type"] == "error" and refused["code"] == "not-joined", refused
        refused = await _call(mike, {"type": "signal", "room": "lobby:1", "signal": {"kind": "bye", "sid": "s1"}})
        assert refused["code"] == "bad-room", refused
    finally:
        await mike.close()


BAD_SIGNALS = [
    ({"kind": "offer", "sid": "s", "sdp": "hello"}, "bad-sdp", "signal.sdp"),
    ({"kind": "answer", "sid": "s", "to": "t", "sdp": "v=0\r\n" + "a" * (32 * 1024)}, "invalid-length", "signal"),
    ({"kind": "offer", "sid": "s"}, "required", "signal"),
    ({"kind": "offer", "sdp": SDP}, "required", "signal"),
    ({"kind": "answer", "sid": "s", "sdp": SDP}, "required", "signal"),
    ({"kind": "ready", "sid": "no spaces"}, "wrong-type", "signal"),  # not matching the pattern
    ({"kind": "ready", "sid": "s" * 33}, "invalid-length", "signal"),
    ({"kind": "candidate", "sid": "s", "candidate": "typ host 10.0.0.1"}, "bad-candidate", "signal.candidate"),
    ({"kind": "candidate", "sid": "s", "candidate": "candidate:" + "1" * 1024, "mid": "0"}, "invalid-length",
     "signal"),
    ({"kind": "candidate", "sid": "s", "candidate": "candidate:1 1 UDP 1 10.0.0.1 1 typ host", "mid": "0",
      "mline": 65}, "out-of-range", "signal"),
    ({"kind": "candidate", "sid": "s", "candidate": "candidate:1 1 UDP 1 10.0.0.1 1 typ host", "mid": "x" * 17},
     "invalid-length", "signal"),
    ({"kind": "candidate", "sid": "s", "candidate": "candidate:1 1 UDP 1 10.0.0.1 1 typ host"}, "bad-candidate",
     "signal.mid"),
    ({"kind": "shout", "sid": "s"}, "invalid", "signal"),
    ({"kind": "bye", "sid": "s", "extra": 1}, "unknown-field", "signal"),
]


async def test_malformed_signals_get_clear_errors_and_go_nowhere(server: Server, tokens: dict[str, str],
                                                                 meeting: dict[str, int]) -> None:
    room = f"meeting:{meeting['meeting']}"
    anna, mike = await _open(server, tokens["anna"]), await _open(server, tokens["mike"])
    try:
        # 2 joins and 16 refusals: within one person's 20 frames a second only if no earlier test's frames count.
        await fresh_rate_window()
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


# -- held means the call happened ------------------------------------------------------------------------------


def _api(server: Server, token: str, method: str, path: str, body: Any = None) -> Any:
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as http:
        answer = http.request(method, path, json=body)
        assert answer.status_code == 200, answer.text
        return answer.json()


async def _report(client: Client, room: str, frames: int, connected: bool = True) -> None:
    acked = await _call(client, {"type": "call-report", "room": room, "sid": "pc1", "connected": connected,
                                 "frames": frames})
    assert acked["type"] == "ack", acked


async def test_a_meeting_is_held_only_once_media_flowed_both_ways(server: Server, tokens: dict[str, str],
                                                                  env: dict[str, str]) -> None:
    rules = _api(server, tokens["organiser"], "GET", "/api/missions/1/matchmaking/rules")
    assert rules["held_seconds"] == 120  # the default: two minutes
    _api(server, tokens["organiser"], "PUT", "/api/missions/1/matchmaking/rules", {**rules, "held_seconds": 5})
    # One meeting goes well; the other's room closes within 30 s, with media only reaching Anna.
    talk = book_meeting(env, PEOPLE["anna"], PEOPLE["mike"], starts_in=dt.timedelta(days=2))
    closing = book_meeting(env, PEOPLE["anna"], PEOPLE["mike"],
                           starts_in=-dt.timedelta(minutes=30) + dt.timedelta(seconds=30))
    anna, mike = await _open(server, tokens["anna"]), await _open(server, tokens["mike"])
    try:
        rooms = {f"meeting:{talk['meeting']}": True, f"meeting:{closing['meeting']}": False}
        for room in rooms:
            for client in (anna, mike):
                assert (await _call(client, {"type": "join", "room": room}))["type"] == "joined"
        for n in range(5):
            for room, both_ways in rooms.items():
                await _report(anna, room, 30 * (n + 1))
                await _report(mike, room, 30 * (n + 1) if both_ways else 0, connected=both_ways)
            await asyncio.sleep(1.6)
        refused = await _call(anna, {"type": "call-report", "room": "lobby:1", "sid": "pc1", "connected": True,
                                     "frames": 1})
        assert refused["code"] == "bad-room", refused
        held = _api(server, tokens["mike"], "GET", f"/api/meetings/{talk['meeting']}")
        assert held["status"] == "held", held
        assert held["quality"]["media_seconds"] >= 5 and held["quality"]["b"]["connect_seconds"] is not None
        leads = _api(server, tokens["anna"], "GET", "/api/missions/1/leads")
        assert [lead["meeting_id"] for lead in leads].count(talk["meeting"]) == 1
        # The other room closes; the meeting clock settles it: both came, the call never went both ways.
        for _ in range(70):  # the room closes within 30 s, and the clock ticks every 15
            settled = _api(server, tokens["anna"], "GET", f"/api/meetings/{closing['meeting']}")
            if settled["status"] != "booked":
                break
            await asyncio.sleep(1)
        assert settled["status"] == "failed-to-connect", settled
        assert settled["quality"]["a"]["media_seconds"] > 0 and settled["quality"]["media_seconds"] == 0
        assert closing["meeting"] not in [lead["meeting_id"] for lead in
                                          _api(server, tokens["anna"], "GET", "/api/missions/1/leads")]
    finally:
        _api(server, tokens["organiser"], "PUT", "/api/missions/1/matchmaking/rules", rules)
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
    ids = {"anna": booked["a"], "mike": booked["b"]}
    r = in_netns(meeting_scenarios.peers_meet, env, tokens, ids, booked["meeting"], str(tmp_path), timeout=240)
    assert r["presence_seen_by_mike"] == sorted([booked["a"], booked["b"]]), r
    assert r["presence_seen_by_anna"] == [booked["a"]], r
    offerer = r["offerer"]
    answerer = "mike" if offerer == "anna" else "anna"
    assert r["offer_to"] == {"anna": [], "mike": [ids["anna"]] if offerer == "mike" else []}, r
    assert r["states"] == {"anna": "connected", "mike": "connected"}, r
    # Frames decoded both ways, at the size they were sent.
    assert r["frames"]["anna"] > 0 and r["frames"]["mike"] > 0, r
    assert r["sizes"] == {"anna": [[640, 360]], "mike": [[640, 360]]}, r
    # The offerer trickled like a browser, the answerer answered with one complete SDP like aiortc (after asking
    # for the offer when it was the one to arrive); each was told its part; nothing was echoed.
    offered, answered = r[f"{offerer}_sent"], r[f"{answerer}_sent"]
    assert offered[0] == "offer" and "candidate" in offered, r
    assert answered == (["answer"] if offerer == "mike" else ["ready", "answer"]), r
    assert r["anna_received"] == r["mike_sent"] and r["mike_received"] == r["anna_sent"], r
    assert r["roles"] == {offerer: ["offerer"], answerer: ["answerer"]}, r
    assert r["intruder_join"] == {"type": "error", "code": "not-allowed", "id_ok": True}, r
    assert r["intruder_signal"] == {"type": "error", "code": "not-allowed", "id_ok": True}, r
