"""JanusStage against a real Janus that we start ourselves, with real aiortc peers, all inside a private network
namespace (tests/support/netns.py): fan-out to several viewers, renegotiation when a second speaker appears, revocation
by kick, and cleanup on close."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.support.netns import HOST_ADDRESS, HOST_INTERFACE, in_netns

pytestmark = pytest.mark.janus

WEBINAR = 41
VIEWERS = 5
MEASURE_SECONDS = 3.0


def _require_janus() -> None:
    if shutil.which("janus") is None:
        pytest.fail("janus is not installed: install the Debian package janus (apt-get install janus)",
                    pytrace=False)


async def _connected(pc: Any, seconds: float = 15.0) -> None:
    from tests.support.testpeer import wait_until

    await wait_until(lambda: pc.connectionState == "connected", seconds, "a peer connection to connect")


async def janus_scenario() -> dict[str, Any]:
    """Runs inside the namespace; returns what the assertions in the test need."""
    from server.janus_process import JanusOptions, JanusProcess
    from signaling.janus_client import JanusMessage
    from signaling.stage_janus import JanusStage
    from tests.support.testpeer import LightViewer, SyntheticPublisher, wait_until

    out: dict[str, Any] = {}
    workdir = Path(tempfile.mkdtemp(prefix="rt-janus-"))
    janus = JanusProcess(workdir, JanusOptions(interface=HOST_ADDRESS, enforce=HOST_INTERFACE))
    url = await janus.start()
    stage = JanusStage(url, secret="test-room-secret")
    publishers: list[SyntheticPublisher] = []
    viewers: list[LightViewer] = []

    async def participants() -> list[int]:
        session, control = await stage._ensure_session()
        msg: JanusMessage = await stage.client.message(
            session, control, {"request": "listparticipants", "room": stage.room_id(WEBINAR)})
        assert msg.plugindata is not None
        return sorted(p["id"] for p in msg.plugindata.data.get("participants", []))

    async def publish(user: int) -> tuple[SyntheticPublisher, int]:
        pub = SyntheticPublisher()
        publishers.append(pub)
        published = await stage.publish(WEBINAR, user, "camera", f"Speaker {user}", await pub.offer())
        await pub.accept(published.answer_sdp)
        await _connected(pub.pc)
        return pub, published.feed

    try:
        first, feed1 = await publish(10)
        for i in range(VIEWERS):
            viewer = LightViewer(f"v{i}")
            viewers.append(viewer)
            offer = await stage.watch(WEBINAR, viewer.name, [feed1])
            await stage.watch_answer(WEBINAR, viewer.name, await viewer.answer(offer))
        await wait_until(lambda: all(v.first_video.is_set() for v in viewers), 20, "every viewer's first frame")

        sent_before = first.video.sent
        received_before = [v.video_frames() for v in viewers]
        await asyncio.sleep(MEASURE_SECONDS)
        sent = first.video.sent - sent_before
        out["sent"] = sent
        out["received"] = [v.video_frames() - b for v, b in zip(viewers, received_before, strict=True)]

        # A second speaker: the first viewer's subscription is renegotiated to carry both.
        second, feed2 = await publish(11)
        out["feeds"] = [feed1, feed2]
        out["participants_before_kick"] = await participants()
        target = viewers[0]
        renegotiated = await stage.rewatch(WEBINAR, target.name, [feed1, feed2])
        assert renegotiated is not None, "rewatch returned no offer for a new feed"
        out["rewatch_same"] = await stage.rewatch(WEBINAR, target.name, [feed1, feed2])
        await stage.watch_answer(WEBINAR, target.name, await target.answer(renegotiated))
        await wait_until(lambda: sum(1 for c in target.video_counts() if c.frames > 0) >= 2, 15,
                         "frames of the second speaker at the renegotiated viewer")
        out["tracks_after_rewatch"] = sum(1 for c in target.video_counts() if c.frames > 0)

        # Revocation: the kicked feed stops at the viewer and its publisher is gone from the room.
        second_track = max(target.video_counts(), key=lambda c: c.first_at or 0.0)
        await stage.kick(WEBINAR, feed2)
        out["participants_after_kick"] = await participants()
        await wait_until(lambda: second.pc.connectionState in ("closed", "failed", "disconnected")
                         or second.pc.iceConnectionState in ("closed", "failed", "disconnected"), 20,
                         "the kicked publisher's connection to end")
        out["kicked_state"] = second.pc.connectionState
        await asyncio.sleep(0.5)  # packets already in flight
        frozen = second_track.frames
        first_track_before = target.video_frames() - frozen
        await asyncio.sleep(1.5)
        out["kicked_frames_growth"] = second_track.frames - frozen
        out["other_feed_growth"] = target.video_frames() - second_track.frames - first_track_before

        # Close: the room is destroyed and media stops for everyone.
        await stage.close(WEBINAR)
        session, control = await stage._ensure_session()
        exists = await stage.client.message(session, control, {"request": "exists", "room": stage.room_id(WEBINAR)})
        out["exists_after_close"] = exists.plugindata.data.get("exists") if exists.plugindata else None
        await wait_until(lambda: first.pc.connectionState in ("closed", "failed", "disconnected"), 20,
                         "the first publisher's connection to end after close")
        out["janus_restarts"] = janus.restarts
        return out
    finally:
        peers: list[LightViewer | SyntheticPublisher] = [*viewers, *publishers]
        for peer in peers:
            await peer.close()
        await stage.aclose()
        await janus.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def test_janus_stage_fanout_renegotiation_kick_and_close() -> None:
    _require_janus()
    result = in_netns(janus_scenario, timeout=240)
    assert result["sent"] > 0
    for received in result["received"]:
        assert received >= 0.9 * result["sent"], result
    assert result["tracks_after_rewatch"] == 2, result
    assert result["rewatch_same"] is None
    feed1, feed2 = result["feeds"]
    assert result["participants_before_kick"] == sorted([feed1, feed2])
    assert result["participants_after_kick"] == [feed1]
    assert result["kicked_frames_growth"] == 0, result
    assert result["other_feed_growth"] > 0, result
    assert result["exists_after_close"] is False
    assert result["janus_restarts"] == 0
