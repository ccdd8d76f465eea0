"""Issue 4 end to end with real media: four headless Chromium pages with fake cameras, our server and its Janus,
all inside one private network namespace (tests/support/netns.py; /work/shared/MEDIA-NOTES.md says why browser media
belongs in one). The scenario runs in the namespace (tests/browser/webinar_media_scenario.py) and returns what
each page saw; the assertions are here.

"A host, a moderator and two attendees; an attendee asks, the other upvotes, the moderator approves and brings
the asker on stage, and the other attendee's page decodes the guest's video frames; the moderator ends it and the
guest's publishing stops."
"""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.browser import webinar_media_scenario
from tests.browser.conftest import CHROMIUM
from tests.support.netns import HOST_ADDRESS, HOST_INTERFACE, in_netns
from tests.support.procs import env_for, roundtable

pytestmark = [pytest.mark.browser, pytest.mark.janus]

TIMEOUT = 420.0
NAMESPACE_ADDRESSES = {HOST_ADDRESS, "127.0.0.1"}


def _require_tools() -> None:
    if shutil.which("janus") is None:
        pytest.fail("janus is not installed: apt-get install janus", pytrace=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    assert zlib.crc32(data[12:29]) == struct.unpack(">I", data[29:33])[0], "a damaged PNG header"
    return width, height


def test_guest_on_stage_is_decoded_by_another_attendee_then_stops(tmp_path: Path) -> None:
    _require_tools()
    env = env_for(tmp_path / "var", ROUNDTABLE_JANUS="auto", ROUNDTABLE_JANUS_INTERFACE=HOST_ADDRESS,
                  ROUNDTABLE_JANUS_ICE_ENFORCE=HOST_INTERFACE)
    roundtable(env, "demo", "--no-links")
    r: dict[str, Any] = in_netns(webinar_media_scenario.stage_turn, env, str(tmp_path), timeout=TIMEOUT)

    # Nothing left the namespace's addresses, and no page threw.
    assert r["foreign"] == [], r["foreign"]
    assert r["page_errors"] == [], r["page_errors"]
    assert r["roles"] == {"host": "Host", "moderator": "Moderator", "anna": "Attendee", "mike": "Attendee"}, r

    # The host's camera reached Mike before anyone was invited.
    host = r["host_on_mike"]
    assert host["first"]["width"] > 0 and host["later"]["frames"] > host["first"]["frames"], host

    # Mike's upvote counted everywhere; Anna saw the device check with a live preview of her fake camera.
    assert r["votes"] == {"mike": "1", "anna": "1", "moderator": "1"}, r["votes"]
    assert r["dialog_title"] == "You are invited on stage", r
    assert r["preview"]["width"] > 0 and r["preview"]["height"] > 0, r

    # Mike's page decodes Anna: her tile's <video> has a picture, presents more frames over time, and
    # inbound-rtp framesDecoded for her track grows.
    anna = r["anna_on_mike"]
    assert anna["first"]["width"] > 0 and anna["first"]["height"] > 0, anna
    assert anna["later"]["frames"] > anna["first"]["frames"] and anna["later"]["live"], anna
    assert anna["first"]["track"] != host["later"]["track"], r
    assert 0 < r["anna_stats"]["first"] < r["anna_stats"]["later"], r["anna_stats"]
    assert sorted(t["user"] for t in r["mike_tiles"]) == sorted([r["ids"]["host"], r["ids"]["anna"]]), r
    assert all(t["video"] for t in r["mike_tiles"]), r["mike_tiles"]
    assert r["anna_publishers"] == ["connected"], r

    # Every page's selected candidate pairs use the namespace's addresses only (a connection renegotiated a moment
    # ago may still be checking its pair: each page has at least one pair that carried media).
    for name, pairs in r["pairs"].items():
        assert any(pair["state"] == "succeeded" for pair in pairs), (name, pairs)
        for pair in pairs:
            assert {pair["local"], pair["remote"]} <= NAMESPACE_ADDRESSES, (name, pair)

    # The moderator ended her turn: her publisher closed and her camera and microphone stopped; Mike lost her tile
    # and her frames stopped, while the host's kept coming.
    assert r["anna_after"]["publishers"] == ["closed"], r["anna_after"]
    assert r["anna_after"]["tracks"] and set(r["anna_after"]["tracks"]) == {"ended"}, r["anna_after"]
    # Her frames stopped growing at Mike's (the stats of a removed receiver go away: fewer counts as stopped too),
    # and her track there is ended, muted or gone with its transceiver.
    assert r["anna_frames_at_end"] >= r["anna_stats"]["later"], r
    assert r["anna_stopped"]["after"] == r["anna_stopped"]["before"] <= r["anna_frames_at_end"], r["anna_stopped"]
    receiver = r["anna_receiver_after"]
    assert receiver["state"] in ("gone", "ended") or receiver["muted"] or receiver["direction"] == "inactive", receiver
    assert r["mike_tiles_after"] == [r["ids"]["host"]], r
    after = r["host_after"]
    assert after["later"]["frames"] > after["first"]["frames"], after

    # The screenshot of Mike's page with two tiles on the stage was written.
    width, height = _png_size(Path(r["screenshot"]))
    assert (width, height) == (1280, 800), (width, height)
    print("timings (s):", r["timings"])
