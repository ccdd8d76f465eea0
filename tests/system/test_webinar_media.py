"""Webinar stage media through our server's signalling (docs/webinar.md, "Stage media"), with real aiortc peers.

Every test runs a real server process — with its own Janus, or the in-process relay — and the peers inside a
private network namespace (tests/support/netns.py); the scenarios themselves live in
tests/support/media_scenarios.py. The demo is seeded once; each test serves its own copy of it, so stage state never
leaks between tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support import media_scenarios
from tests.support.netns import HOST_ADDRESS, HOST_INTERFACE, in_netns
from tests.support.procs import env_for, roundtable
from tests.support.wsclient import mint_tokens

PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example",
          "moderator": "moderator@roundtable.example", "host": "host@roundtable.example",
          "organiser": "organiser@roundtable.example"}
DELIVERY = 0.9
TIMEOUT = 240.0


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    var = tmp_path_factory.mktemp("webinar-media") / "var"
    env = env_for(var)
    roundtable(env, "demo", "--no-links")
    return var, mint_tokens(env, PEOPLE)


def _require_janus() -> None:
    if shutil.which("janus") is None:
        pytest.fail("janus is not installed: install the Debian package janus (apt-get install janus)",
                    pytrace=False)


def _run(scenario: Any, seeded: tuple[Path, dict[str, str]], tmp_path: Path, **settings: str) -> Any:
    template, tokens = seeded
    var = tmp_path / "var"
    shutil.copytree(template, var)
    env = env_for(var, **settings)
    return in_netns(scenario, env, tokens, str(tmp_path), timeout=TIMEOUT)


def _janus(scenario: Any, seeded: tuple[Path, dict[str, str]], tmp_path: Path) -> Any:
    _require_janus()
    return _run(scenario, seeded, tmp_path, ROUNDTABLE_JANUS="auto", ROUNDTABLE_JANUS_INTERFACE=HOST_ADDRESS,
                ROUNDTABLE_JANUS_ICE_ENFORCE=HOST_INTERFACE)


def _delivered(result: dict[str, Any]) -> None:
    assert result["sent"] > 0, result
    for received in result["received"]:
        assert received >= DELIVERY * result["sent"], result


@pytest.mark.janus
def test_host_publishes_and_attendees_watch_through_janus(seeded: tuple[Path, dict[str, str]],
                                                          tmp_path: Path) -> None:
    r = _janus(media_scenarios.publish_and_watch, seeded, tmp_path)
    assert r["media"] == "janus", r
    assert r["publish"]["type"] == "stage-answer", r
    for offer in r["offers"]:
        assert offer["type"] == "stage-offer" and offer["feeds"] == [r["publish"]["feed"]], r
    _delivered(r)


@pytest.mark.janus
def test_guest_brought_on_stage_then_ended(seeded: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    r = _janus(media_scenarios.bring_on_stage, seeded, tmp_path)
    assert r["first_feeds"] == [r["host_feed"]], r
    assert r["steps"] == ["ack", "ack", "ack"], r
    assert r["anna_publish"]["type"] == "stage-answer", r
    anna_feed = r["anna_publish"]["feed"]
    # Mike's existing subscription was renegotiated to both feeds, and Anna's pictures reached him.
    assert r["renegotiated_feeds"] == sorted([r["host_feed"], anna_feed]), r
    assert r["anna_mids"] and r["anna_frames_while_on_stage"] > 0, r
    # Ended: her feed left the stage and stopped at the viewer; the host's kept flowing.
    assert r["ended"] == "ack" and r["feeds_after_end"] == [r["host_feed"]], r
    assert r["anna_stopped"] and r["anna_frames_after_stopped"] == 0, r
    assert r["host_after_end"]["received"] >= DELIVERY * r["host_after_end"]["sent"] > 0, r
    assert r["republish"] == {"type": "error", "code": "not-on-stage"}, r


@pytest.mark.janus
def test_attendee_publish_refused_without_media(seeded: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    r = _janus(media_scenarios.attendee_refused, seeded, tmp_path)
    assert r["refused"]["type"] == "error" and r["refused"]["code"] == "not-on-stage", r
    assert r["refused"]["message"], r
    assert r["anna_connection"] == "new", r  # no answer came back, so no connection was ever attempted
    assert r["watch_feeds"] == [r["host_feed"]], r
    assert r["janus_feeds"] == [r["host_feed"]], r


def test_relay_fallback_through_the_gateway_caps_viewers(seeded: tuple[Path, dict[str, str]],
                                                         tmp_path: Path) -> None:
    r = _run(media_scenarios.relay_cap, seeded, tmp_path, ROUNDTABLE_JANUS="off", ROUNDTABLE_STAGE_RELAY_CAP="2")
    assert r["media"] == "relay", r
    assert r["publish"] == "stage-answer" and r["offers"] == ["stage-offer", "stage-offer"], r
    assert r["sent"] > 0 and all(n > 0 for n in r["received"]), r
    assert r["third"]["type"] == "error" and r["third"]["code"] == "stage-full", r
    assert "at most 2 people may watch the stage" in r["third"]["message"], r
