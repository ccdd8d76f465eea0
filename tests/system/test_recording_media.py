"""A webinar stage recorded by our own Janus and rendered into one file (signaling/recording.py), with real aiortc
publishers inside a private network namespace (tests/support/netns.py).

Three people are on the stage, each sending a picture of their own colour so that the rendered file shows whose
media it holds: Ada (grey, agreed before she published: recorded from her first packet to the end), Bo (red,
declined: never recorded) and Cy (blue, publishes unrecorded, agrees ~2 s in, withdraws ~2.5 s later while still
publishing). The file must last Ada's span, show Cy's tile blue only while Cy agreed, and never show red.
"""

from __future__ import annotations

import asyncio
import fractions
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import av
import pytest
from aiortc import VideoStreamTrack

from tests.support.netns import HOST_ADDRESS, HOST_INTERFACE, in_netns

pytestmark = pytest.mark.janus

WEBINAR = 51
ADA, BO, CY = 21, 22, 23
BEFORE_CY_AGREES = 2.0
CY_AGREES_FOR = 2.5
AFTER_CY_WITHDRAWS = 2.0
# Solid pictures in BT.601 YCbCr: what a tile shows is told apart by its chroma alone.
RED = (81, 90, 240)
BLUE = (41, 240, 110)
STRONG = 180  # a tile whose mean Cb or Cr is above this shows blue or red (grey is 128)


def _require_tools() -> None:
    missing = [f"{tool} (apt-get install {package})"
               for tool, package in (("janus", "janus"), ("janus-pp-rec", "janus-tools"), ("ffmpeg", "ffmpeg"),
                                     ("ffprobe", "ffmpeg"))
               if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"not installed: {', '.join(missing)}; `make system-deps` installs them", pytrace=False)


class SolidVideo(VideoStreamTrack):
    """640×360 of one colour at 30 fps."""

    def __init__(self, colour: tuple[int, int, int]) -> None:
        super().__init__()
        self._frame = solid_frame(colour)

    async def recv(self) -> av.VideoFrame:
        pts, time_base = await self.next_timestamp()
        self._frame.pts = pts
        self._frame.time_base = time_base
        return self._frame


def solid_frame(colour: tuple[int, int, int], width: int = 640, height: int = 360) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "yuv420p")
    for plane, value in zip(frame.planes, colour, strict=True):
        plane.update(bytes([value]) * (plane.line_size * plane.height))
    return frame


async def recording_scenario(workdir: str) -> dict[str, Any]:
    """Runs inside the namespace: the stage as described above; the .mjr files stay in `workdir`/recordings."""
    from server.janus_process import JanusOptions, JanusProcess
    from signaling.stage_janus import JanusStage
    from tests.support.testpeer import SyntheticPublisher, wait_until

    recordings = Path(workdir) / "recordings"
    janus = JanusProcess(Path(workdir) / "janus", JanusOptions(interface=HOST_ADDRESS, enforce=HOST_INTERFACE))
    stage = JanusStage(await janus.start(), secret="test-room-secret")
    publishers: list[SyntheticPublisher] = []
    out: dict[str, Any] = {}

    async def publish(user: int, colour: tuple[int, int, int] | None) -> SyntheticPublisher:
        pub = SyntheticPublisher()
        publishers.append(pub)
        if colour is not None:
            pub.video_sender.replaceTrack(SolidVideo(colour))
        published = await stage.publish(WEBINAR, user, "camera", f"User {user}", await pub.offer())
        await pub.accept(published.answer_sdp)
        return pub

    try:
        # Ada agreed before going on stage; Bo declined, so nothing is ever asked for him; Cy has not said yet.
        await stage.record(WEBINAR, ADA, "camera", recordings)
        ada, _bo, _cy = [await publish(ADA, None), await publish(BO, RED), await publish(CY, BLUE)]
        await wait_until(lambda: all(p.connected for p in publishers), 20, "the three publishers to connect")
        out["ada_connected"] = time.time()
        await asyncio.sleep(BEFORE_CY_AGREES)
        out["cy_agreed"] = time.time()
        await stage.record(WEBINAR, CY, "camera", recordings)
        # The node applies the same choices again on every stage change: nothing starts anew, nothing is asked.
        await stage.record(WEBINAR, ADA, "camera", recordings)
        await stage.record(WEBINAR, BO, "camera", None)
        await asyncio.sleep(CY_AGREES_FOR)
        await stage.record(WEBINAR, CY, "camera", None)
        out["cy_withdrew"] = time.time()
        await asyncio.sleep(AFTER_CY_WITHDRAWS)
        out["ada_sent"] = ada.video.sent
        await stage.unpublish(WEBINAR, ADA, "camera")
        out["ada_left"] = time.time()
        await asyncio.sleep(0.5)  # Bo and Cy stay a moment longer: none of it may be recorded
        await stage.close(WEBINAR)
        out["janus_restarts"] = janus.restarts
        return out
    finally:
        for pub in publishers:
            await pub.close()
        await stage.aclose()
        await janus.stop()


def tiles_over_time(path: Path, tiles: int) -> list[tuple[float, list[tuple[float, float]]]]:
    """(time, [(mean Cb, mean Cr) of each tile, left to right]) for every decoded frame of a one-row layout."""
    out = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            small = frame.reformat(width=16 * tiles, height=9, format="yuv444p")
            means = []
            for tile in range(tiles):
                sums = []
                for plane in small.planes[1:]:
                    data = bytes(plane)
                    values = [data[row * plane.line_size + col] for row in range(9)
                              for col in range(16 * tile, 16 * (tile + 1))]
                    sums.append(sum(values) / len(values))
                means.append((sums[0], sums[1]))
            assert frame.time is not None
            out.append((float(frame.time), means))
    return out


def ffprobe(path: Path) -> dict[str, Any]:
    done = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
                          capture_output=True, text=True, check=True, timeout=60)
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def test_the_colour_check_sees_red_and_blue() -> None:
    """The checks below would see Bo or Cy if they were there: a solid tile's chroma is far from grey's."""
    tmp = Path(tempfile.mkdtemp(prefix="rt-colour-"))
    try:
        path = tmp / "two.webm"
        with av.open(str(path), "w") as container:
            stream = container.add_stream("libvpx", rate=30)
            stream.width, stream.height, stream.pix_fmt = 1280, 360, "yuv420p"
            left, right = solid_frame(RED), solid_frame(BLUE)
            for i in range(10):
                frame = av.VideoFrame(1280, 360, "yuv420p")
                for plane, a, b in zip(frame.planes, left.planes, right.planes, strict=True):
                    half = plane.width // 2
                    row = bytes(a)[:half] + bytes(b)[:half]
                    plane.update(row.ljust(plane.line_size, b"\0") * plane.height)
                frame.pts, frame.time_base = i, fractions.Fraction(1, 30)
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        (_, frames), *_ = tiles_over_time(path, 2)
        assert frames[0][1] > STRONG and frames[1][0] > STRONG, frames
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_a_recorded_stage_holds_only_who_agreed_while_they_agreed() -> None:
    _require_tools()
    from signaling.recording import render_stage

    workdir = Path(tempfile.mkdtemp(prefix="rt-recording-"))
    try:
        seen = in_netns(recording_scenario, str(workdir), timeout=240)
        assert seen["janus_restarts"] == 0
        recordings = workdir / "recordings"
        files = sorted(p.name for p in recordings.iterdir())
        # Only who agreed has files: Ada's span, and Cy's one span; Bo has none.
        assert all(name.startswith((f"u{ADA}-", f"u{CY}-")) for name in files), files
        assert sum(name.startswith(f"u{CY}-") for name in files) == 2, files  # audio + video of one span
        assert sum(name.startswith(f"u{ADA}-") for name in files) == 2, files  # one span, though asked twice
        assert all(name.endswith(".mjr") for name in files), files  # every recorder closed

        started = time.monotonic()
        result = asyncio.run(render_stage(recordings, workdir / "stage.webm"))
        render_seconds = time.monotonic() - started
        span = seen["ada_left"] - seen["ada_connected"]
        print(f"rendered {result.duration:.2f} s ({result.size} bytes) of a {span:.2f} s span in "
              f"{render_seconds:.1f} s; tiles {result.tiles}")
        assert result.tiles == ((ADA, "camera"), (CY, "camera"))
        assert abs(result.duration - span) < 1.0, (result, span)

        probe = ffprobe(result.path)
        kinds = {s["codec_type"]: s for s in probe["streams"]}
        assert set(kinds) == {"video", "audio"}, probe
        assert (kinds["video"]["codec_name"], kinds["audio"]["codec_name"]) == ("vp8", "opus")
        assert (kinds["video"]["width"], kinds["video"]["height"]) == (1280, 360)
        assert abs(float(probe["format"]["duration"]) - span) < 1.0, probe["format"]

        frames = tiles_over_time(result.path, 2)
        assert len(frames) >= 0.8 * 30 * span, len(frames)
        # Bo declined: no red anywhere, ever. Ada is grey, never blue or red.
        assert not [t for t, tiles in frames if any(cr > STRONG for _, cr in tiles)]
        assert not [t for t, tiles in frames if tiles[0][0] > STRONG]
        # Cy is blue in the second tile only while Cy agreed (within half a second for keyframes and timing).
        origin = result.started
        agreed = (seen["cy_agreed"] - origin, seen["cy_withdrew"] - origin)
        blue = [t for t, tiles in frames if tiles[1][0] > STRONG]
        assert blue, "Cy's agreed span is missing from the recording"
        print(f"Cy blue from {blue[0]:.2f} to {blue[-1]:.2f} s; agreed from {agreed[0]:.2f} to {agreed[1]:.2f} s")
        assert agreed[0] - 0.2 <= blue[0] <= agreed[0] + 1.0, (blue[0], agreed)
        assert agreed[1] - 1.0 <= blue[-1] <= agreed[1] + 0.5, (blue[-1], agreed)
        assert len(blue) >= 0.6 * 30 * (agreed[1] - agreed[0]), len(blue)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
