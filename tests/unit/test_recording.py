"""signaling/recording.py without Janus: the layout and offsets of the composition, and what a server without the
tools says (tests/system/test_recording_media.py records and renders a real stage)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from signaling.recording import NothingRecorded, RecordingFailed, Track, compose_command, recording_base, render_stage


def _track(user: int, kind: str, start: float, duration: float) -> tuple[Track, Path]:
    path = Path(f"/r/u{user}-camera-1-{kind}-0.mjr")
    return Track(path, user, "camera", "video" if kind == "video" else "audio", "vp8" if kind == "video" else "opus",
                 start, duration), path.with_suffix(".webm" if kind == "video" else ".opus")


def test_three_people_share_a_two_by_two_grid_each_from_their_own_offset() -> None:
    inputs = [_track(1, "video", 100.0, 10.0), _track(1, "audio", 100.0, 10.0), _track(2, "video", 103.5, 2.0),
              _track(3, "audio", 104.25, 1.0)]
    argv = compose_command("ffmpeg", inputs, [(1, "camera"), (2, "camera"), (3, "camera")], 100.0, 10.0,
                           Path("/out.webm"))
    graph = argv[argv.index("-filter_complex") + 1]
    assert "color=c=black:s=1280x720:r=30:d=10.000" in graph
    assert "[2:v]setpts=PTS-STARTPTS+3.500/TB" in graph
    assert "overlay=x=640:y=0" in graph  # the second person: top right
    assert "[3:a]aresample=48000,asetpts=PTS-STARTPTS,adelay=4250:all=1" in graph
    assert "amix=inputs=2" in graph
    assert argv[argv.index("-t") + 1] == "10.000"


def test_recording_names_are_what_the_renderer_reads() -> None:
    base = recording_base(Path("/var/rec/webinar-7"), 42, "screen", 1_700_000_000_000)
    assert str(base) == "/var/rec/webinar-7/u42-screen-1700000000000"


def test_a_server_without_the_tools_says_which_package_to_install(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "u1-camera-1-video-0.mjr").write_bytes(b"MJR00002")
    with pytest.raises(RecordingFailed) as failed:
        asyncio.run(render_stage(tmp_path, tmp_path / "out.webm"))
    assert failed.value.code == "recording-failed"
    assert "janus-tools" in failed.value.message and "ffmpeg" in failed.value.message


def test_an_empty_directory_is_nothing_recorded(tmp_path: Path) -> None:
    with pytest.raises(NothingRecorded) as empty:
        asyncio.run(render_stage(tmp_path / "never-made", tmp_path / "out.webm"))
    assert empty.value.code == "recording-empty"
