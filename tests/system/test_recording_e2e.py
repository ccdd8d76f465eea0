"""A recorded webinar end to end (docs/webinar.md, "Recording"): `roundtable serve` with its own Janus, the demo
mission, real WebSocket clients and aiortc publishers, all inside a private network namespace; the scenario is
tests/support/recording_scenarios.py (it says who does what), the assertions are here.

The host records the webinar and publishes blue; Anna, brought on stage, declines to be recorded and publishes red.
After the end the public recording becomes ready, lasts the recorded span, is served with range requests, shows blue
and never red; Mike, who was not there live, plays it and counts as a replay viewer; the organiser's external link
replaces the file. A rehearsal's recording is the staff's and organisers' only.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from server import demo_data
from server.demo import webinar_speakers
from tests.support import recording_scenarios
from tests.support.netns import HOST_ADDRESS, HOST_INTERFACE, in_netns
from tests.support.procs import env_for, roundtable
from tests.support.wsclient import mint_tokens
from tests.system.test_recording_media import STRONG, ffprobe, tiles_over_time

pytestmark = [pytest.mark.janus, pytest.mark.security]

TIMEOUT = 240.0
NAMESPACE_ADDRESSES = {HOST_ADDRESS, "127.0.0.1"}
PEOPLE = {"host": "host@roundtable.example", "anna": "anna@voltera.example", "mike": "mike@bayfleet.example",
          "organiser": "organiser@roundtable.example",
          "speaker": webinar_speakers(demo_data.M1_DELEGATION, demo_data.M1_PARTNERS)[0]}


def _require_tools() -> None:
    missing = [tool for tool in ("janus", "janus-pp-rec", "ffmpeg", "ffprobe") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"not installed: {', '.join(missing)}; `make system-deps` installs them "
                    "(Debian packages janus, janus-tools, ffmpeg)", pytrace=False)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    _require_tools()
    tmp = tmp_path_factory.mktemp("recording-e2e")
    env = env_for(tmp / "var", ROUNDTABLE_JANUS="auto", ROUNDTABLE_JANUS_INTERFACE=HOST_ADDRESS,
                  ROUNDTABLE_JANUS_ICE_ENFORCE=HOST_INTERFACE)
    roundtable(env, "demo", "--no-links")
    tokens = mint_tokens(env, PEOPLE)
    assert set(tokens) == set(PEOPLE), tokens
    seen: dict[str, Any] = in_netns(recording_scenarios.recorded_webinar, env, tokens, str(tmp), timeout=TIMEOUT)
    print("timings (s):", seen["timings"], "ready after", seen["ready_after"], "s; rehearsal ready after",
          seen["rehearsal_ready_after"], "s")
    print(f"recording {seen['ready']['duration_s']:.2f} s ({seen['ready']['size']} bytes) of a {seen['span']:.2f} s "
          f"span; rehearsal {seen['rehearsal']['duration_s']:.2f} s of {seen['rehearsal_span']:.2f} s")
    return seen, tmp / recording_scenarios.DOWNLOAD


def test_the_webinar_is_recorded_with_consent(recorded: tuple[dict[str, Any], Path]) -> None:
    r, _ = recorded
    assert r["media"] == "janus", r
    assert (r["record_on"], r["recording_event"]) == ("ack", True), r
    assert r["host_publish"] == "stage-answer", r
    assert r["anna_steps"] == ["ack", "ack", "ack"], r
    assert r["declined"] == [r["anna_id"]], r
    assert r["anna_publish"] == "stage-answer", r
    assert r["end"] == "ack", r
    # Media stayed on the namespace's own addresses (it has no other: the check is that ICE agreed).
    assert len(r["pairs"]) == 2, r["pairs"]
    for pairs in r["pairs"]:
        assert pairs, r["pairs"]
        for pair in pairs:
            assert set(pair) <= NAMESPACE_ADDRESSES, r["pairs"]


def test_the_public_recording_is_ready_and_lasts_the_recorded_span(recorded: tuple[dict[str, Any], Path]) -> None:
    r, _ = recorded
    ready = r["ready"]
    assert (ready["status"], ready["rehearsal"]) == ("ready", False), ready
    assert ready["url"] and ready["size"] > 0, ready
    assert ready["replays"] is None and ready["error"] is None, ready  # organisers' figures only
    assert abs(ready["duration_s"] - r["span"]) < 1.0, (ready["duration_s"], r["span"])


def test_the_file_is_served_with_ranges(recorded: tuple[dict[str, Any], Path]) -> None:
    r, _ = recorded
    f = r["file"]
    size = f["size"]
    assert size == r["ready"]["size"], (f, r["ready"])
    assert f["type"] == "video/webm", f
    assert f["accept_ranges"] == "bytes", f
    assert f["head"] == {"status": 206, "content_range": f"bytes 0-99/{size}", "length": 100, "same": True}, f
    start, end = f["middle_range"]
    assert f["middle"] == {"status": 206, "content_range": f"bytes {start}-{end}/{size}", "length": 1000,
                           "same": True}, f
    assert f["suffix"] == {"status": 206, "content_range": f"bytes {size - 100}-{size - 1}/{size}", "length": 100,
                           "same": True}, f


def test_the_file_shows_the_host_and_never_the_guest_who_declined(recorded: tuple[dict[str, Any], Path]) -> None:
    r, path = recorded
    probe = ffprobe(path)
    kinds = {s["codec_type"]: s for s in probe["streams"]}
    assert (kinds["video"]["codec_name"], kinds["audio"]["codec_name"]) == ("vp8", "opus"), probe
    assert abs(float(probe["format"]["duration"]) - r["span"]) < 1.0, (probe["format"], r["span"])
    frames = tiles_over_time(path, 1)  # one tile: only the host was recorded
    print(f"{len(frames)} frames decoded over {float(probe['format']['duration']):.2f} s")
    assert len(frames) >= 0.8 * 30 * r["span"], len(frames)
    assert not [t for t, tiles in frames if tiles[0][1] > STRONG], "Anna declined, yet red is in the recording"
    blue = [t for t, tiles in frames if tiles[0][0] > STRONG]
    assert len(blue) >= 0.8 * len(frames), (len(blue), len(frames))


def test_replays_count_who_watched_afterwards(recorded: tuple[dict[str, Any], Path]) -> None:
    r, _ = recorded
    assert r["anna_play"] == 206, r
    mine = next(x for x in r["organiser_listing"] if x["id"] == r["ready"]["id"])
    assert mine["replays"] == 2, mine  # Mike and Anna played it
    # Anna was there live: only Mike, who was not, is a replay viewer.
    assert r["result"]["replay_viewers"] == 1, r["result"]
    assert r["result"]["unique_viewers"] == 1, r["result"]


def test_an_external_link_replaces_the_file(recorded: tuple[dict[str, Any], Path]) -> None:
    r, _ = recorded
    assert r["link_by_participant"] == {"status": 403, "code": r["link_by_participant"]["code"]}, r
    assert r["bad_link"] == {"status": 422, "code": "invalid-url"}, r
    assert r["link"]["status"] == 200, r["link"]
    assert r["link"]["body"]["external_url"] == "https://video.example/x", r["link"]
    [listed] = r["listing_after_link"]
    assert (listed["status"], listed["url"], listed["external_url"]) == ("link", None, "https://video.example/x")
    assert r["old_file"] == {"status": 404, "code": "recording-not-found"}, r
    assert len(r["files_before_link"]) == 1 and r["files_after_link"] == [], r


def test_a_rehearsal_recording_is_the_staffs_only(recorded: tuple[dict[str, Any], Path]) -> None:
    r, _ = recorded
    assert r["rehearsal_steps"] == ["ack", "ack", "stage-answer", "ack"], r
    rehearsal = r["rehearsal"]
    assert (rehearsal["status"], rehearsal["rehearsal"]) == ("ready", True), rehearsal
    # The rehearsal's recording ends with the rehearsal, though the speaker stayed on camera: what followed went
    # into the session's recording (the green room is recorded while recording is on).
    assert abs(rehearsal["duration_s"] - r["rehearsal_span"]) < 1.0, (rehearsal, r["rehearsal_span"])
    speaker = f"u{r['speaker_id']}-camera-"
    assert any(name.startswith(speaker) for name in r["session_files_after_rehearsal"]), r
    assert [x["id"] for x in r["rehearsal_speaker_listing"]] == [rehearsal["id"]], r
    assert r["rehearsal_mike_listing"] == [], r
    assert r["rehearsal_file_mike"] == {"status": 404, "code": "recording-not-found"}, r
    assert r["rehearsal_file_speaker"] == {"status": 206, "length": 100}, r
    assert r["rehearsal_replays"] == 0, r  # a rehearsal is never anyone's replay
