"""Abuse limits against real server processes: sockets per person, handshake deadlines and pending connections
per address, sign-in rate limits that never tell known from unknown addresses, the handshake without
credentials, and the rate limiter's fallback while its Redis is down (a private Redis, killed; never 6379)."""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import redis
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.support.procs import Server, env_for, roundtable, serving
from tests.support.services import RedisServer
from tests.support.wsclient import SUBPROTOCOL, Client, fresh_rate_window, mint_tokens

pytestmark = [pytest.mark.security]

PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example"}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    e = env_for(tmp_path_factory.mktemp("limits") / "var")
    roundtable(e, "demo", "--no-links")
    return e


@pytest.fixture(scope="module")
def server(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(env, tmp_path_factory.mktemp("limits-logs")) as s:
        yield s


@pytest.fixture(scope="module")
def tokens(server: Server, env: dict[str, str]) -> dict[str, str]:
    return mint_tokens(env, PEOPLE)


def _port(server: Server) -> int:
    return int(server.url.rsplit(":", 1)[1])


# --- sockets per person ---------------------------------------------------------------------------------------

async def _refused_with(server: Server, token: str) -> int:
    """Opens one more socket; the close code the server ends it with before any welcome."""
    client = await Client.open(server.url, token, hello=False)
    await client.send({"type": "hello", "version": 1})
    with pytest.raises(ConnectionClosed) as closed:
        await client.recv()
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def test_sixteen_sockets_per_person_and_a_reload_is_never_refused(server: Server,
                                                                        tokens: dict[str, str]) -> None:
    opened: list[Client] = []  # closed whatever happens, so that no socket outlives the test

    async def tab(token: str) -> Client:
        opened.append(await Client.open(server.url, token))
        return opened[-1]

    try:
        tabs = [await tab(tokens["anna"]) for _ in range(16)]
        assert await _refused_with(server, tokens["anna"]) == 4430
        # Someone else is not affected by Anna's tabs.
        await tab(tokens["mike"])
        # Reloading a tab, again and again: the old socket closes, the new one is welcomed.
        for _ in range(5):
            await tabs.pop().close()
            tabs.append(await tab(tokens["anna"]))
            assert tabs[-1].welcome["type"] == "welcome"
        for client in opened:
            await client.close()
        # Every closed socket was forgotten: a full set of tabs again.
        for _ in range(16):
            await tab(tokens["anna"])
    finally:
        for client in opened:
            await client.close()
    await asyncio.sleep(0.2)  # the transports finish closing before this test's event loop ends


# --- handshakes -----------------------------------------------------------------------------------------------

async def test_a_handshake_without_credentials_is_not_signed_in(server: Server, tokens: dict[str, str]) -> None:
    url = server.url.replace("http://", "ws://") + "/ws"
    own = server.url
    for protocols, origin, headers, status, code in [
        ([SUBPROTOCOL], None, {}, 401, "not-signed-in"),  # nothing at all: the docs' 401
        ([SUBPROTOCOL], own, {}, 401, "not-signed-in"),
        ([SUBPROTOCOL], None, {"Cookie": "rt_session=x"}, 403, "bad-origin"),  # a cookie needs our Origin
        ([SUBPROTOCOL], "https://evil.example", {"Cookie": "rt_session=x"}, 403, "bad-origin"),
        ([SUBPROTOCOL, f"bearer.{tokens['anna']}"], "https://evil.example", {}, 403, "bad-origin"),
    ]:
        with pytest.raises(InvalidStatus) as refused:
            await connect(url, subprotocols=protocols, origin=origin,  # type: ignore[arg-type]
                          additional_headers=headers)
        response = refused.value.response
        assert (response.status_code, json.loads(response.body or b"{}")["error"]["code"]) == (status, code), \
            (protocols, origin, headers)


@pytest.fixture(scope="module")
def strict(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with a 2 s handshake deadline and at most 4 opening connections per address, where 127.0.0.1 is
    not a trusted proxy (by default it is, and trusted proxies are exempt from that cap)."""
    tight = {**env, "ROUNDTABLE_HANDSHAKE_TIMEOUT": "2", "ROUNDTABLE_PENDING_PER_ADDRESS": "4",
             "FORWARDED_ALLOW_IPS": "192.0.2.1"}
    with serving(tight, tmp_path_factory.mktemp("strict-logs")) as s:
        yield s


def _read_all(sock: socket.socket, timeout: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took."""
    sock.settimeout(timeout)
    start = time.monotonic()
    got = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return got, time.monotonic() - start
        got += chunk


def test_silent_and_half_open_connections_are_closed_after_the_deadline(strict: Server) -> None:
    port = _port(strict)
    with socket.create_connection(("127.0.0.1", port)) as silent, \
            socket.create_connection(("127.0.0.1", port)) as half:
        half.sendall(f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n".encode())
        said, waited = _read_all(silent, 8)
        assert said == b"" and 1.5 < waited < 5  # closed without a word
        said, _ = _read_all(half, 8)
        assert said.startswith(b"HTTP/1.1 408 ") and b'"request-timeout"' in said
    # The next request on a kept-alive connection gets the same deadline.
    with socket.create_connection(("127.0.0.1", port)) as kept:
        kept.sendall(f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        kept.settimeout(5)
        first = b""
        while not first.endswith(b'{"status":"ok"}'):
            first += kept.recv(4096)
        assert first.startswith(b"HTTP/1.1 200 ")
        kept.sendall(b"GET /healthz HTTP/1.1\r\nHo")
        said, waited = _read_all(kept, 8)
        assert said.startswith(b"HTTP/1.1 408 ") and waited < 5


def test_opening_connections_per_address_are_capped(strict: Server) -> None:
    port = _port(strict)
    opening = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
    try:
        with socket.create_connection(("127.0.0.1", port)) as extra:
            said, waited = _read_all(extra, 5)
        assert said.startswith(b"HTTP/1.1 429 ") and b"retry-after: 10" in said.lower()
        assert b'"too-many-connections"' in said and waited < 1
    finally:
        for sock in opening:
            sock.close()
    time.sleep(0.3)  # the server sees them close
    with httpx.Client(base_url=strict.url) as http:
        assert http.get("/healthz").status_code == 200


# --- signing in -----------------------------------------------------------------------------------------------

def _attempts(server: Server, path: str, bodies: list[dict[str, Any]], address: str
              ) -> list[tuple[int, str | None, dict[str, Any], float]]:
    """Each attempt's status, Retry-After, body and duration; from `address` (the server trusts 127.0.0.1 as a
    proxy, so X-Forwarded-For names the client, as behind a load balancer)."""
    results = []
    with httpx.Client(base_url=server.url, timeout=10, headers={"X-Forwarded-For": address}) as http:
        for body in bodies:
            start = time.perf_counter()
            r = http.post(path, json=body)
            results.append((r.status_code, r.headers.get("retry-after"), r.json(), time.perf_counter() - start))
    return results


def _clear_of_window_edge(needed_s: float = 60.0, window_s: int = 600) -> None:
    """Waits for the next window when fewer than `needed_s` seconds are left in this one: the limits count in fixed
    windows aligned on the clock (docs/security.md), so a test whose attempts straddle an edge would see the counts
    start again half-way."""
    left = window_s - time.time() % window_s
    if left < needed_s:
        time.sleep(left + 0.5)


def _same_answers(known: list[tuple[int, str | None, dict[str, Any], float]],
                  unknown: list[tuple[int, str | None, dict[str, Any], float]]) -> None:
    assert [(s, b) for s, _, b, _ in known] == [(s, b) for s, _, b, _ in unknown]
    for status in {s for s, *_ in known}:
        k = statistics.median(t for s, _, _, t in known if s == status)
        u = statistics.median(t for s, _, _, t in unknown if s == status)
        # Similar timing: the same work is done for both (a dummy hash for an unknown address).
        assert abs(k - u) < max(0.03, 0.5 * max(k, u)), (status, k, u)


def test_wrong_passwords_are_limited_per_account_alike_for_known_and_unknown(server: Server) -> None:
    _clear_of_window_edge()
    tries = 40
    known: list[tuple[int, str | None, dict[str, Any], float]] = []
    unknown: list[tuple[int, str | None, dict[str, Any], float]] = []
    for _ in range(tries):  # interleaved, so both meet the same address count
        known += _attempts(server, "/api/auth/password", [{"email": "anna@voltera.example", "password": "guess"}],
                           "203.0.113.10")
        unknown += _attempts(server, "/api/auth/password", [{"email": "nobody@voltera.example", "password": "guess"}],
                             "203.0.113.10")
    statuses = [s for s, *_ in known]
    assert statuses == [401] * 10 + [429] * (tries - 10)
    for status, retry_after, body, _ in known:
        if status == 429:
            assert retry_after is not None and 1 <= int(retry_after) <= 600
            assert body["error"]["code"] == "too-many-attempts"
        else:
            assert retry_after is None and body["error"]["code"] == "bad-credentials"
    _same_answers(known, unknown)
    # The account is limited wherever the attempts come from.
    elsewhere = _attempts(server, "/api/auth/password", [{"email": "anna@voltera.example", "password": "guess"}],
                          "203.0.113.99")
    assert elsewhere[0][0] == 429


def test_sign_in_link_requests_are_limited_alike_for_known_and_unknown(server: Server) -> None:
    _clear_of_window_edge()
    tries = 40
    known: list[tuple[int, str | None, dict[str, Any], float]] = []
    unknown: list[tuple[int, str | None, dict[str, Any], float]] = []
    for _ in range(tries):
        known += _attempts(server, "/api/auth/request-link", [{"email": "mike@bayfleet.example"}], "203.0.113.11")
        unknown += _attempts(server, "/api/auth/request-link", [{"email": "nobody@bayfleet.example"}],
                             "203.0.113.11")
    assert [s for s, *_ in known] == [202] * 5 + [429] * (tries - 5)
    assert all(r is not None and 1 <= int(r) <= 600 for s, r, _, _ in known if s == 429)
    _same_answers(known, unknown)


def test_sign_in_is_limited_per_client_address(server: Server) -> None:
    _clear_of_window_edge()
    # 100 password attempts and 30 link requests from one address, each for another (unknown) account.
    passwords = _attempts(server, "/api/auth/password",
                          [{"email": f"guess{i}@example.org", "password": "guess"} for i in range(102)],
                          "203.0.113.12")
    assert [s for s, *_ in passwords] == [401] * 100 + [429] * 2
    assert passwords[-1][1] is not None
    links = _attempts(server, "/api/auth/request-link", [{"email": f"guess{i}@example.org"} for i in range(32)],
                      "203.0.113.12")
    assert [s for s, *_ in links] == [202] * 30 + [429] * 2
    # Another address is not affected.
    other = _attempts(server, "/api/auth/request-link", [{"email": "guess0@example.org"}], "203.0.113.13")
    assert other[0][0] == 202


# --- the rate limiter without its Redis ------------------------------------------------------------------------

@pytest.mark.redis
@pytest.mark.chaos
def test_the_rate_limiter_counts_on_the_node_while_redis_is_down(env: dict[str, str], tmp_path: Path) -> None:
    private = RedisServer(tmp_path)
    assert private.port != 6379, "never the shared Redis"
    private.start()
    try:
        clustered = {**env, "ROUNDTABLE_REDIS_URL": private.url}
        with serving(clustered, tmp_path) as srv:
            tokens = mint_tokens(clustered, PEOPLE)
            asyncio.run(_without_redis(srv, private, tokens["anna"]))
    finally:
        private.kill()


def _limiter_keys(url: str) -> list[bytes]:
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return list(client.scan_iter(match="rt:rl:ws:*"))
    finally:
        client.close()


async def _pings(client: Client, n: int) -> float:
    start = time.monotonic()
    for _ in range(n):
        rid = await client.request({"type": "ping"})
        assert (await client.expect("pong", "error"))["id"] == rid
    return time.monotonic() - start


async def _without_redis(server: Server, private: RedisServer, token: str) -> None:
    anna = await Client.open(server.url, token)
    await _pings(anna, 3)
    assert _limiter_keys(private.url), "with Redis up, frames are counted there"
    private.kill()
    # Frames do not wait on the dead Redis (at most one probe a second does).
    await fresh_rate_window()
    assert await _pings(anna, 15) < 1.0
    # And the limit still holds, counted on this node: refused, then cut off for flooding.
    await fresh_rate_window()
    frames: list[str] = []
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(100):
            await anna.send({"type": "ping"})
        while True:
            frames.append((await anna.recv())["type"])
    assert "error" in frames and frames.count("pong") <= 40
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4429
    # Redis is back (empty): after the circuit's retry interval the counting returns there.
    private.start()
    await asyncio.sleep(1.5)
    again = await Client.open(server.url, token)
    deadline = time.monotonic() + 10
    while not _limiter_keys(private.url):
        assert time.monotonic() < deadline, "the limiter never went back to Redis"
        await _pings(again, 1)
        await asyncio.sleep(0.2)
    await again.close()
