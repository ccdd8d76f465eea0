"""Hostile input against a real server process (issue 12): deep nesting, binary and non-UTF-8 frames, control
characters in text. Each answer is a documented error, the connection (or server) carries on, nothing is stored,
and the server's log holds no traceback and no flood (docs/security.md, "Input")."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.support.procs import Server, demo_env, serving
from tests.support.wsclient import Client, mint_tokens

pytestmark = pytest.mark.security

LOBBY = "lobby:1"
PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example",
          "organiser": "organiser@roundtable.example"}
MAX_DEPTH = 32  # server/api/input.py
Running = tuple[Server, dict[str, str]]  # a server process and bearer tokens of PEOPLE
DEEP = "[" * 1000 + "]" * 1000  # about 2 KB


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


class Log:
    """What the server wrote to its log from a point on."""

    def __init__(self, server: Server) -> None:
        self.path = server.log
        self.start = server.log.stat().st_size

    def since(self) -> str:
        with self.path.open("rb") as f:
            f.seek(self.start)
            return f.read().decode(errors="replace")

    def assert_quiet(self) -> None:
        text = self.since()
        assert "Traceback" not in text and "ERROR" not in text, text


@contextlib.contextmanager
def _running(env: dict[str, str], logs: Path) -> Iterator[Running]:
    with serving(env, logs) as server:
        yield server, mint_tokens(env, PEOPLE)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A server with the demo mission on SQLite, and bearer tokens of its people."""
    base = tmp_path_factory.mktemp("input")
    with _running(demo_env(base / "var"), base) as both:
        yield both


def _error(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


async def _closed_with(client: Client) -> int | None:
    """Reads until the server closes the socket; the close code it sent."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await client.recv()
    return closed.value.rcvd.code if closed.value.rcvd is not None else None


# Deep nesting -----------------------------------------------------------------------------------------------------

async def test_deep_nesting_over_the_websocket_is_malformed_and_the_socket_lives(running: Running) -> None:
    server, tokens = running
    log = Log(server)
    c = await Client.open(server.url, tokens["anna"])
    for raw in (DEEP, json.dumps({"type": "say", "room": LOBBY, "text": "hi", "id": "d1"})[:-1]
                + ', "x": ' + DEEP + "}", nested(MAX_DEPTH + 1)):
        await c.ws.send(raw)
        error = await c.expect("error")
        assert error["code"] == "malformed-json", error
    rid = await c.request({"type": "ping"})
    assert (await c.expect("pong"))["id"] == rid
    await c.close()
    log.assert_quiet()


async def test_deep_nesting_before_hello(running: Running) -> None:
    server, tokens = running
    log = Log(server)
    c = await Client.open(server.url, tokens["anna"], hello=False)
    await c.ws.send(DEEP)
    assert (await c.expect("error"))["code"] == "malformed-json"
    assert (await c.expect("error"))["code"] == "hello-expected"
    assert await _closed_with(c) == 4400
    log.assert_quiet()


def test_deep_nesting_over_http_is_400_on_public_and_signed_in_endpoints(running: Running) -> None:
    server, tokens = running
    log = Log(server)
    json_type = {"content-type": "application/json"}
    with httpx.Client(base_url=server.url) as http:
        for body in (DEEP, '{"token": ' + DEEP + "}", nested(MAX_DEPTH + 1)):
            assert _error(http.post("/api/auth/link/use", content=body, headers=json_type)) == (
                400, "malformed-json")
        signed_in = {**json_type, "authorization": f"Bearer {tokens['anna']}"}
        for body in (DEEP, '{"bio": ' + DEEP + "}"):
            assert _error(http.put("/api/me/profile", content=body, headers=signed_in)) == (400, "malformed-json")
        # The limit itself: MAX_DEPTH levels are read (and refused for their type), one more is not.
        assert _error(http.put("/api/me/profile", content=nested(MAX_DEPTH), headers=signed_in)) == (
            422, "wrong-type")
        assert http.get("/healthz").status_code == 200
    log.assert_quiet()


# Binary and non-UTF-8 frames --------------------------------------------------------------------------------------

@pytest.mark.parametrize("after_hello", [False, True], ids=["before-hello", "after-hello"])
async def test_a_binary_frame_gets_an_error_and_a_clean_close(running: Running, after_hello: bool) -> None:
    server, tokens = running
    log = Log(server)
    c = await Client.open(server.url, tokens["anna"], hello=after_hello)
    await c.ws.send(b'{"type": "hello", "version": 1}')
    assert (await c.expect("error"))["code"] == "binary-unsupported"
    assert await _closed_with(c) == 4400
    log.assert_quiet()


async def test_invalid_utf8_gets_an_error_a_1007_close_and_no_log_flood(running: Running) -> None:
    server, tokens = running
    log = Log(server)
    for i in range(20):
        c = await Client.open(server.url, tokens["anna"], hello=i % 2 == 0)
        await c.ws.send(b'{"type": "ping", "id": "\xff\xfe"}', text=True)
        assert (await c.expect("error"))["code"] == "malformed-json"
        assert await _closed_with(c) == 1007
    log.assert_quiet()
    warnings = [line for line in log.since().splitlines() if "not UTF-8" in line]
    assert 1 <= len(warnings) <= 5, warnings  # the throttle's burst, whatever the number of frames
    # Everyone else carries on.
    c = await Client.open(server.url, tokens["anna"])
    rid = await c.request({"type": "ping"})
    assert (await c.expect("pong"))["id"] == rid
    await c.close()


# Control characters -----------------------------------------------------------------------------------------------

async def _control_characters_refused(server: Server, tokens: dict[str, str]) -> None:
    """NUL (and other control characters) in a profile, chat, a direct message and a question: refused at the
    boundary with `control-character` naming the field, and nothing stored; tabs and line breaks pass."""
    log = Log(server)
    auth = {"authorization": f"Bearer {tokens['anna']}"}
    with httpx.Client(base_url=server.url, headers=auth) as http:
        before = http.get("/api/me/profile").json()
        for bio in ("a\u0000b", "bell\u0007", "esc\u001b[31m", "c1\u0085"):
            r = http.put("/api/me/profile", json={**_editable(before), "bio": bio})
            assert (r.status_code, r.json()["error"]["code"], r.json()["error"].get("field")) == (
                422, "control-character", "bio"), bio
        assert http.get("/api/me/profile").json()["bio"] == before["bio"]
        r = http.get("/api/missions/1/directory", params={"q": "a\u0000"})
        assert _error(r) == (422, "control-character")
        ok = http.put("/api/me/profile", json={**_editable(before), "bio": "Line one\n\tLine two\r\n"})
        assert ok.status_code == 200, ok.text
        programme = http.get("/api/missions/1/programme").json()
    webinar = next(i["id"] for i in programme if i["kind"] == "webinar")

    anna = await Client.open(server.url, tokens["anna"])
    mike = await Client.open(server.url, tokens["mike"])
    joined = await anna.join(LOBBY)
    inbox = await anna.join(anna.welcome["inbox"])
    mike_id = mike.welcome["user"]["id"]
    for request, field in [
        ({"type": "say", "room": LOBBY, "text": "a\u0000b"}, "text"),
        ({"type": "say", "room": LOBBY, "text": "ok", "key": "k\u0000"}, "key"),
        ({"type": "dm", "mission": 1, "to": mike_id, "text": "a\u0000b"}, "text"),
        ({"type": "ask", "room": f"webinar:{webinar}", "text": "Why\u0000?"}, "text"),
    ]:
        rid = await anna.request(request)
        error = await anna.expect("error", "ack")
        assert (error["type"], error["code"], error.get("field"), error.get("id")) == (
            "error", "control-character", field, rid), (request, error)
    said = await anna.say(LOBBY, "two\nlines")
    assert said["type"] == "ack"
    await anna.close()
    # Nothing with a control character was stored: reading the rooms back from the start shows only the good one.
    back = await Client.open(server.url, tokens["anna"])
    for room, since in ((LOBBY, joined["seq"]), (back.welcome["inbox"], inbox["seq"])):
        await back.join(room, since=since)
    texts = []
    with contextlib.suppress(TimeoutError):
        while True:
            texts.append((await back.expect("event", timeout=1.0))["event"].get("text"))
    assert texts == ["two\nlines"]
    await back.close()
    await mike.close()
    log.assert_quiet()


def _editable(profile: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in profile.items() if k in (
        "name", "organisation", "org_type", "job_title", "sectors", "country", "city", "offers", "seeks",
        "languages", "bio", "website")}


async def test_control_characters_refused_on_sqlite(running: Running) -> None:
    await _control_characters_refused(*running)


@pytest.mark.postgres
async def test_control_characters_refused_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    with _running(demo_env(tmp_path / "var", postgres_url), tmp_path) as both:
        await _control_characters_refused(*both)
