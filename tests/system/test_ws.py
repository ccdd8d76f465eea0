"""The gateway against a real server process, with real WebSocket clients."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from server.tokens import Purpose, Tokens
from tests.support.procs import Server, env_for, roundtable, serving
from tests.support.wsclient import SUBPROTOCOL, Client, bearer_token, expired_token, mint_tokens

LOBBY = "lobby:1"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    e = env_for(tmp_path_factory.mktemp("ws") / "var")
    roundtable(e, "demo", "--no-links")
    return e


@pytest.fixture(scope="module")
def server(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(env, tmp_path_factory.mktemp("ws-logs")) as s:
        yield s


@pytest.fixture(scope="module")
def tokens(server: Server, env: dict[str, str]) -> dict[str, str]:
    people = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example",
              "moderator": "moderator@roundtable.example", "organiser": "organiser@roundtable.example"}
    tokens = mint_tokens(env, people)
    # One through the real sign-in path too: link, session, POST /api/auth/token.
    tokens["anna"] = bearer_token(server.url, env, people["anna"])
    return tokens


async def test_hello_join_chat_and_presence(server: Server, tokens: dict[str, str]) -> None:
    anna = await Client.open(server.url, tokens["anna"])
    assert anna.welcome["version"] == 1 and anna.welcome["user"]["email"] == "anna@voltera.example"
    joined = await anna.join(LOBBY)
    assert any(m["name"] == "Anna de Vries" for m in joined["presence"])
    reset = await anna.expect("reset")
    assert reset["room"] == LOBBY

    mike = await Client.open(server.url, tokens["mike"])
    await mike.join(LOBBY)
    await mike.expect("reset")
    arrival = await anna.expect("presence-join", skip=())
    assert arrival["member"]["name"] == "Mike Alvarez" and arrival["member"]["side"] == "partner"

    ack = await anna.say(LOBBY, "Hello <b>West Coast</b>!", key="k-1")
    assert ack["type"] == "ack" and ack["seq"] >= 1
    for client in (anna, mike):
        event = await client.expect("event")
        assert (event["seq"], event["event"]["kind"], event["event"]["text"]) == (
            ack["seq"], "chat", "Hello <b>West Coast</b>!")
        assert event["event"]["author"]["organisation"] == "Voltera"
    again = await anna.say(LOBBY, "Hello <b>West Coast</b>!", key="k-1")
    assert again["seq"] == ack["seq"] and again["duplicate"] is True

    await mike.close()
    leaving = await anna.expect("presence-leave", skip=())
    assert leaving["user_id"] == arrival["member"]["user_id"]
    await anna.close()


async def test_resume_gets_exactly_what_was_missed(server: Server, tokens: dict[str, str]) -> None:
    anna = await Client.open(server.url, tokens["anna"])
    joined = await anna.join(LOBBY)
    await anna.expect("reset")
    last = joined["seq"]
    await anna.close()

    mike = await Client.open(server.url, tokens["mike"])
    await mike.join(LOBBY)
    await mike.expect("reset")
    sent = [(await mike.say(LOBBY, f"while you were away {i}"))["seq"] for i in range(5)]
    await mike.close()

    back = await Client.open(server.url, tokens["anna"])
    rejoined = await back.join(LOBBY, since=last)
    assert rejoined["seq"] == last
    got = [(await back.expect("event"))["seq"] for _ in sent]
    assert got == sent
    with pytest.raises(TimeoutError):
        await back.expect("event", timeout=0.5)
    await back.close()


async def test_bad_frames_get_errors_and_the_connection_lives(server: Server, tokens: dict[str, str]) -> None:
    c = await Client.open(server.url, tokens["anna"])
    for raw, code in [
        ("{not json", "malformed-json"),
        (json.dumps({"type": "teleport"}), "unknown-type"),
        (json.dumps({"type": "say", "room": LOBBY}), "required"),
        (json.dumps({"type": "say", "room": LOBBY, "text": 5}), "wrong-type"),
        (json.dumps({"type": "say", "room": "attic:1", "text": "hi"}), "bad-room"),
        (json.dumps({"type": "say", "room": LOBBY, "text": "x" * 2001}), "invalid-length"),
        (json.dumps({"type": "join", "room": "lobby:2"}), "token-scope"),
        (json.dumps({"type": "join", "room": "lobby:99x"}), "bad-room"),
        (json.dumps({"type": "join", "room": "inbox:1"}), "not-allowed"),
        (json.dumps({"type": "announce", "mission": 1, "text": "All aboard"}), "not-allowed"),
        (json.dumps({"type": "hello", "version": 1}), "already-welcomed"),
    ]:
        await c.ws.send(raw)
        error = await c.expect("error")
        assert error["code"] == code, (raw, error)
    rid = await c.request({"type": "ping"})
    assert (await c.expect("pong"))["id"] == rid
    await c.close()


async def test_oversized_frame_closes_with_1009(server: Server, tokens: dict[str, str]) -> None:
    c = await Client.open(server.url, tokens["anna"])
    await c.ws.send(json.dumps({"type": "say", "room": LOBBY, "text": "x" * 100_000}))
    with pytest.raises(ConnectionClosed) as closed:
        await c.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_refused_handshakes(server: Server, tokens: dict[str, str], env: dict[str, str]) -> None:
    url = server.url.replace("http://", "ws://") + "/ws"
    forged = Tokens("not our secret").sign(Purpose.BEARER, {"u": 1})
    expired = expired_token(env["ROUNDTABLE_SECRET_KEY"], {"u": 1, "m": 1})
    for protocols, origin, status in [
        ([SUBPROTOCOL, f"bearer.{expired}"], None, 401),
        ([SUBPROTOCOL, f"bearer.{forged}"], None, 401),
        ([SUBPROTOCOL, "bearer.garbage"], None, 401),
        ([SUBPROTOCOL], None, 401),  # no credentials at all (docs/protocol.md); a cookie without Origin is 403
        ([SUBPROTOCOL, f"bearer.{tokens['anna']}"], "https://evil.example", 403),
        ([f"bearer.{tokens['anna']}"], None, 400),
    ]:
        with pytest.raises(InvalidStatus) as refused:
            await connect(url, subprotocols=protocols, origin=origin)  # type: ignore[arg-type]
        assert refused.value.response.status_code == status
        assert json.loads(refused.value.response.body or b"{}")["error"]["code"]


async def test_a_flooder_is_refused_then_disconnected(server: Server, tokens: dict[str, str]) -> None:
    calm = await Client.open(server.url, tokens["mike"])
    await calm.join(LOBBY)
    await calm.expect("reset")
    flooder = await Client.open(server.url, tokens["moderator"])
    for _ in range(100):
        try:
            await flooder.send({"type": "ping"})
        except ConnectionClosed:
            break
    codes = []
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            codes.append((await flooder.recv())["type"])
    assert "error" in codes and closed.value.rcvd is not None and closed.value.rcvd.code == 4429
    # Refused pings are not answered with pongs: only the allowed ones got through.
    assert codes.count("pong") <= 40  # two fixed one-second windows at most
    rid = await calm.request({"type": "ping"})
    assert (await calm.expect("pong"))["id"] == rid
    await calm.close()


def test_a_client_that_stops_reading_is_dropped(env: dict[str, str], tmp_path: Path) -> None:
    # Its own server: a generous rate limit so one talker can fill a socket quickly, and a small send buffer.
    fast = {**env, "ROUNDTABLE_WS_RATE": "100000", "ROUNDTABLE_WS_MAX_BUFFER": "65536"}
    with serving(fast, tmp_path) as srv:
        tokens = mint_tokens(fast, {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example",
                                    "moderator": "moderator@roundtable.example"})
        asyncio.run(_stop_reading(srv, tokens))


async def _stop_reading(server: Server, tokens: dict[str, str]) -> None:
    # A tiny receive buffer, so the kernel cannot hide the client's idleness for long; no client keepalive, so
    # it is the server that notices.
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", int(server.url.rsplit(":", 1)[1])))
    lazy = await Client.open(server.url, tokens["mike"], sock=sock, ping_interval=None, max_queue=1)
    await lazy.join(LOBBY)
    lazy.ws.transport.pause_reading()
    watcher = await Client.open(server.url, tokens["moderator"])
    await watcher.join(LOBBY)
    await watcher.expect("reset")
    count = 600
    seen: list[int] = []

    async def watch() -> None:
        while len(seen) < count:
            frame = await watcher.expect("event")
            if frame["event"]["kind"] == "chat":
                seen.append(frame["seq"])

    watching = asyncio.create_task(watch())
    talker = await Client.open(server.url, tokens["anna"])
    big = "y" * 1990
    for i in range(count):
        await talker.say(LOBBY, f"{i:05d} {big}")
    await asyncio.wait_for(watching, 30)
    assert seen == sorted(seen) and len(set(seen)) == count
    lazy.ws.transport.resume_reading()
    with pytest.raises(ConnectionClosed):
        for _ in range(count):
            await lazy.recv(timeout=5)
    for c in (watcher, talker):
        await c.close()


async def test_a_silent_client_is_closed_after_the_hello_timeout(server: Server, tokens: dict[str, str]) -> None:
    silent = await Client.open(server.url, tokens["mike"], hello=False)
    with pytest.raises(ConnectionClosed) as closed:
        await silent.recv(timeout=15)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


def test_shutdown_tells_clients_to_reconnect(env: dict[str, str], tmp_path: Path) -> None:
    with serving(env, tmp_path) as srv:
        tokens = mint_tokens(env, {"anna": "anna@voltera.example"})

        async def connected() -> Client:
            client = await Client.open(srv.url, tokens["anna"])
            await client.join(LOBBY)
            return client

        async def scenario() -> int:
            client = await connected()
            srv.process.terminate()
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await client.recv(timeout=15)
            assert closed.value.rcvd is not None
            return closed.value.rcvd.code

        assert asyncio.run(scenario()) == 1012
        srv.process.wait(timeout=20)  # uvicorn re-raises SIGTERM once it has shut down cleanly
        assert "Application shutdown complete" in srv.log.read_text()


async def test_cookie_sessions_need_our_own_origin(server: Server, env: dict[str, str]) -> None:
    link = roundtable(env, "login-link", "mike@bayfleet.example").stdout.strip()
    import httpx2 as httpx

    with httpx.Client(base_url=server.url) as http:
        http.post("/api/auth/link/use", json={"token": link.split("#t=", 1)[1]})
        cookie = f"rt_session={http.cookies['rt_session']}"
    url = server.url.replace("http://", "ws://") + "/ws"
    for origin in (None, "https://evil.example"):
        with pytest.raises(InvalidStatus) as refused:
            await connect(url, subprotocols=[SUBPROTOCOL], origin=origin,  # type: ignore[list-item,arg-type]
                          additional_headers={"cookie": cookie})
        assert refused.value.response.status_code == 403
    async with connect(url, subprotocols=[SUBPROTOCOL], origin=server.url,  # type: ignore[list-item,arg-type]
                       additional_headers={"cookie": cookie}) as ws:
        await ws.send(json.dumps({"type": "hello", "version": 1}))
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome" and welcome["user"]["email"] == "mike@bayfleet.example"


async def test_a_gap_too_old_gets_a_reset_with_recent_history(server: Server, tokens: dict[str, str]) -> None:
    mike = await Client.open(server.url, tokens["mike"])
    joined = await mike.join(LOBBY)
    await mike.expect("reset")
    # Claim to have seen a seq from the future (a restored database): the server cannot resume that.
    again = await Client.open(server.url, tokens["anna"])
    rejoined = await again.join(LOBBY, since=joined["seq"] + 10_000)
    reset = await again.expect("reset")
    assert reset["seq"] == rejoined["seq"] == joined["seq"]
    assert len(reset["history"]) <= 50 and all(e["event"]["kind"] != "removed" for e in reset["history"])
    await mike.close()
    await again.close()


async def test_announcements_moderation_and_direct_messages(server: Server, tokens: dict[str, str]) -> None:
    organiser = await Client.open(server.url, tokens["organiser"])
    moderator = await Client.open(server.url, tokens["moderator"])
    anna = await Client.open(server.url, tokens["anna"])
    mike = await Client.open(server.url, tokens["mike"])
    for c in (moderator, anna, mike):
        await c.join(LOBBY)
        await c.expect("reset")
    rid = await organiser.request({"type": "announce", "mission": 1, "text": "Webinar in 5 minutes", "key": "a1"})
    ack = await organiser.expect("ack")
    assert ack["id"] == rid
    for c in (anna, mike, moderator):
        banner = await c.expect("event")
        assert banner["event"]["kind"] == "announcement" and banner["seq"] == ack["seq"]
    late = await Client.open(server.url, tokens["mike"])
    assert (await late.join(LOBBY))["announcement"]["event"]["text"] == "Webinar in 5 minutes"

    said = await anna.say(LOBBY, "something regrettable")
    for c in (anna, mike, moderator):
        assert (await c.expect("event"))["seq"] == said["seq"]
    await moderator.request({"type": "remove", "room": LOBBY, "seq": said["seq"]})
    assert (await moderator.expect("ack", "error"))["type"] == "ack"
    for c in (anna, mike, moderator):
        removal = await c.expect("event")
        assert removal["event"] == {"kind": "removed", "target_seq": said["seq"],
                                    "by": moderator.welcome["user"]["id"]}
    await anna.request({"type": "remove", "room": LOBBY, "seq": said["seq"]})
    assert (await anna.expect("error"))["code"] == "not-allowed"

    mike_id = mike.welcome["user"]["id"]
    await mike.join(mike.welcome["inbox"])
    await anna.join(anna.welcome["inbox"])
    await anna.request({"type": "dm", "mission": 1, "to": mike_id, "text": "Coffee at the borrel?", "key": "d1"})
    dm_ack = await anna.expect("ack")
    assert dm_ack["room"] == anna.welcome["inbox"]
    received = await mike.expect("event")
    assert received["room"] == mike.welcome["inbox"] and received["event"]["text"] == "Coffee at the borrel?"
    own_copy = await anna.expect("event")
    assert own_copy["room"] == anna.welcome["inbox"] and own_copy["event"]["to"] == mike_id
    await anna.request({"type": "join", "room": mike.welcome["inbox"]})
    assert (await anna.expect("error"))["code"] == "not-allowed"
    for c in (organiser, moderator, anna, mike, late):
        await c.close()
