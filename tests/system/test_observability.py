"""Running it like a service (issue 16): /metrics, /healthz and /readyz, and the JSON logs, on real server
processes driven by real WebSocket and HTTP clients."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx2 as httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from tests.support.forwarder import Forwarder
from tests.support.procs import demo_env, env_for, roundtable, serving
from tests.support.wsclient import Client

ANNA = "anna@voltera.example"
PASSWORD = "correct horse battery staple 42"
METRICS_TOKEN = "metrics-secret-" + "m" * 24
LOBBY = "lobby:1"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _metrics(http: httpx.Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = http.get("/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return _samples(answer.text)


def test_metrics_logs_and_secrets_on_a_real_server(tmp_path: Path) -> None:
    env = demo_env(tmp_path / "var", ROUNDTABLE_LOG_FORMAT="json", ROUNDTABLE_METRICS_TOKEN=METRICS_TOKEN)
    link = roundtable(env, "login-link", ANNA).stdout.strip()
    link_token = link.split("#t=", 1)[1]
    with serving(env, tmp_path) as server, httpx.Client(base_url=server.url) as http:
        # Signed in with the link, a password set, then signed in again with the password.
        assert http.post("/api/auth/link/use", json={"token": link_token}).status_code == 200
        cookie = next(iter(http.cookies.values()))
        assert http.put("/api/me/password", json={"password": PASSWORD}).status_code in (200, 204)
        http.cookies.clear()
        signed = http.post("/api/auth/password", json={"email": ANNA, "password": PASSWORD})
        assert signed.status_code == 200, signed.text
        bearer = http.post("/api/auth/token", json={"mission_id": 1}).json()["token"]
        # A link pasted where it does not belong still never reaches the logs.
        http.get(f"/link?t={link_token}&next=1")

        # Refused without the token, or with another.
        plain = httpx.get(f"{server.url}/metrics")
        assert (plain.status_code, plain.json()["error"]["code"]) == (403, "metrics-not-allowed")
        assert httpx.get(f"{server.url}/metrics", headers={"authorization": "Bearer wrong"}).status_code == 403

        before = _metrics(http)
        assert before[("roundtable_ws_connections", ())] == 0

        async def live() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
            client = await Client.open(server.url, bearer)
            try:
                await client.join(LOBBY)
                await client.say(LOBBY, "hello, metrics", key="m-1")
                await client.expect("event")
                return await asyncio.to_thread(_metrics, http)
            finally:
                await client.close()

        during = asyncio.run(live())
        assert during[("roundtable_ws_connections", ())] == 1
        assert during[("roundtable_ws_connections_opened_total", ())] == 1
        assert during[("roundtable_joins_total", (("kind", "lobby"),))] >= 1
        assert during[("roundtable_rooms", ())] >= 1
        assert during[("roundtable_ws_frames_in_total", ())] >= 3  # hello, join, say
        assert during[("roundtable_ws_frames_out_total", ())] >= 3  # welcome, joined, ack, the chat event
        assert during[("roundtable_fanout_latency_seconds_count", ())] >= 1  # the chat event, published here
        assert ("roundtable_fanout_latency_seconds_bucket", (("le", "0.005"),)) in during
        assert during[("roundtable_db_ping_seconds", ())] > 0
        assert during[("roundtable_mail_outbox_depth", ())] >= 0
        assert during[("roundtable_ws_slow_consumer_drops_total", ())] == 0
        assert during[("roundtable_ws_rate_limited_total", (("action", "refused"),))] == 0
        assert during[("roundtable_webinar_viewers", ())] == 0
        assert ("roundtable_redis_ping_seconds", ()) not in during  # no Redis configured
        assert ("roundtable_janus_up", ()) not in during  # no Janus: the stage is the relay or none

        ready = http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["database"] == "ok" and ready.json()["status"] == "ready"
        assert "x-request-id" in ready.headers
        log_text = server.log.read_text()

    events = [json.loads(line) for line in log_text.splitlines() if line.startswith("{")]
    assert events, log_text
    for event in events:
        assert {"time", "level", "logger", "message"} <= set(event) and "color_message" not in event, event
    access = [e for e in events if e["logger"] == "uvicorn.access"]
    assert access and all("request" in e for e in access), access[:3]
    assert any("/link?t=[redacted]" in e["message"] for e in access), [e["message"] for e in access]
    for secret in (link_token, PASSWORD, cookie, bearer, METRICS_TOKEN):
        assert secret not in log_text, f"a secret reached the log: {secret[:6]}…"


@pytest.mark.postgres
def test_readyz_is_503_naming_the_database_when_it_goes_away(tmp_path: Path, postgres_url: str) -> None:
    url = make_url(postgres_url)
    forwarder = Forwarder(url.host or "127.0.0.1", url.port or 5432)
    env = env_for(tmp_path / "var", url.set(host="127.0.0.1", port=forwarder.port).render_as_string(False))
    try:
        with serving(env, tmp_path) as server, httpx.Client(base_url=server.url, timeout=20) as http:
            assert http.get("/readyz").json()["database"] == "ok"
            forwarder.close()  # now nothing listens where the server's database was
            answer = http.get("/readyz")
            assert answer.status_code == 503, answer.text
            body = answer.json()
            assert body["error"]["code"] == "database-unavailable" and body["status"] == "not-ready"
            assert body["database"].startswith("unreachable")
            assert http.get("/healthz").status_code == 200  # alive, only not ready
            scraped = _samples(http.get("/metrics").text)  # loopback, no token configured
            assert scraped[("roundtable_db_ping_seconds", ())] == -1
    finally:
        forwarder.close()
