"""The pieces of observability that need no server: scrubbing, the JSON log line, who may read /metrics, and the
per-app metrics registry."""

from __future__ import annotations

import io
import json
import logging
import sys

from prometheus_client import generate_latest

from server.logs import REDACTED, ContextIds, JsonFormatter, bind, log_format, scrub
from server.metrics import allowed
from server.ws.traffic import Traffic


def test_scrub_removes_links_tokens_passwords_and_cookies() -> None:
    cases = {
        "GET /link?t=abc.DEF-123&next=1 HTTP/1.1": "abc.DEF-123",
        "open http://127.0.0.1:8000/link#t=eyJhbGciOi.x.y to sign in": "eyJhbGciOi.x.y",
        "invite http://h/invite#t=tok_9": "tok_9",
        'password="hunter2hunter2"': "hunter2hunter2",
        "Authorization: Bearer s3cr3t.token": "s3cr3t.token",
        "cookie: rt_session=abcdef0123": "abcdef0123",
        "smtp://user:pa55word@mail.example:587": "pa55word",
        "subprotocol bearer.zz-top-token": "zz-top-token",
    }
    for text, secret in cases.items():
        cleaned = scrub(text)
        assert secret not in cleaned and REDACTED in cleaned, (text, cleaned)
    assert scrub("joined lobby:1 as user 7") == "joined lobby:1 as user 7"


def test_a_json_log_line_has_the_fields_and_the_bound_ids() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextIds())
    logger = logging.getLogger("roundtable.test-json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        bind(conn="c0ffee", room="lobby:1")
        logger.warning("sign in at /link#t=%s", "SECRET-LINK-TOKEN")
        try:
            raise ValueError("password=SECRET-PASSWORD")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{"))
    assert {"time", "level", "logger", "message", "conn", "room"} <= set(first)
    assert (first["level"], first["logger"], first["conn"]) == ("warning", "roundtable.test-json", "c0ffee")
    assert "SECRET" not in out.getvalue() and "exception" in second


def test_json_unless_on_a_terminal_and_the_variable_wins() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert log_format({}, io.StringIO()) == "json"
    assert log_format({}, Tty()) == "text"
    assert log_format({"ROUNDTABLE_LOG_FORMAT": "json"}, Tty()) == "json"
    assert log_format({"ROUNDTABLE_LOG_FORMAT": "text"}, sys.stderr) == "text"


def test_who_may_read_metrics() -> None:
    assert allowed(None, "127.0.0.1", None) and allowed(None, "::1", None)
    assert not allowed(None, "10.0.0.7", None) and not allowed(None, None, None)
    assert not allowed(None, "testclient", None)
    assert allowed("tok", "10.0.0.7", "Bearer tok")
    assert not allowed("tok", "127.0.0.1", None)  # with a token set, loopback must present it as well
    assert not allowed("tok", "10.0.0.7", "Bearer other") and not allowed("tok", "10.0.0.7", "Basic tok")


def test_two_apps_in_one_process_keep_their_own_counts() -> None:
    from prometheus_client import CollectorRegistry

    from server.metrics import NodeCollector

    registries = []
    for opened in (1, 5):
        traffic = Traffic()
        traffic.opened = opened
        registry = CollectorRegistry()
        registry.register(NodeCollector(traffic, lambda: 0, lambda: 0))
        registries.append(registry)
    texts = [generate_latest(r).decode() for r in registries]
    assert "roundtable_ws_connections 1.0" in texts[0] and "roundtable_ws_connections 5.0" in texts[1]


async def test_metrics_probe_the_stage_only_when_it_is_janus_and_say_when_it_is_down() -> None:
    from server.metrics import Metrics, reachable, stage_ping
    from signaling.stage_janus import JanusStage
    from signaling.stage_none import NoStage
    from tests.support.procs import free_port

    assert stage_ping(NoStage()) is None
    janus = JanusStage(f"ws://127.0.0.1:{free_port()}", "secret")  # nothing listens there
    try:
        ping = stage_ping(janus)
        assert ping is not None and not await reachable(ping)

        async def ok() -> None:
            pass

        async def waiting() -> int:
            return 3

        metrics = Metrics(Traffic(), rooms=lambda: 2, viewers=lambda: 7, ping_db=ok, mail_waiting=waiting,
                          ping_redis=None, ping_janus=ping)
        text = (await metrics.scrape()).decode()
    finally:
        await janus.aclose()
    assert "roundtable_janus_up 0.0" in text and "roundtable_mail_outbox_depth 3.0" in text
    assert "roundtable_rooms 2.0" in text and "roundtable_webinar_viewers 7.0" in text
    assert "roundtable_redis_ping_seconds" not in text
