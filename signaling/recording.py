"""A webinar stage's recording: Janus's per-feed recordings (.mjr) turned into one watchable file of the stage.

Janus records each published medium of each recorded span into a file of its own (`StageMedia.record`, named by
`recording_base`), holding RTP packets and, in its header, the wall-clock time of the first packet. After the webinar,
`render_stage` lays them out on one timeline:
- `janus-pp-rec --extended-json` reads each file's first-packet time and duration; `janus-pp-rec` converts it to a
  plain media file (VP8 to WebM, Opus to Ogg) whose timestamps start at that first packet;
- `ffmpeg` composes one WebM (VP8 + Opus): each (person, source) ever recorded gets a tile of a fixed grid, each span
  is shown in its tile from its own offset on, and the sounds are mixed at their offsets. The result lasts from the
  stage's first recorded packet to its last.

Only the files in the directory are used: whoever declined to be recorded has none (the port guarantees it).
The tools run as asyncio subprocesses with timeouts; every failure is a `RecordingFailed` (`recording-failed`) saying
what went wrong in words, or `NothingRecorded` (`recording-empty`) when there is nothing to render.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import re
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from rooms.core.errors import DomainError, ErrorKind
from signaling.stage import SOURCES, Source

log = logging.getLogger(__name__)

Kind = Literal["audio", "video"]
T = TypeVar("T")
R = TypeVar("R")

# <user>-<source>-<unix ms>, to which Janus appends -<audio|video>-<m-line index>.mjr (and ".part" while writing).
_NAME = re.compile(r"^u(?P<user>\d+)-(?P<source>camera|screen)-(?P<ms>\d+)-(?P<kind>audio|video)-(?P<mline>\d+)"
                   r"\.mjr(?P<partial>\.part)?$")
PARTIAL_SUFFIX = "part"  # Janus's recordings_tmp_ext: a file still being written (server/janus_process.py)

CANVAS_WIDTH = 1280
FPS = 30
SETTLE_SECONDS = 5.0  # how long to wait for Janus to close recordings still being written
PROBE_TIMEOUT = 30.0
CONVERT_TIMEOUT = 60.0  # plus the track's own duration
# Measured on a 2-core machine, 6.9 s of stage into 1280×720 with libvpx's fastest realtime setting: 2.1 s with one
# tile, 5.2 s with three (each span costs its decoding, scaling and overlay): the budget grows with both.
ENCODE_TIMEOUT = 120.0  # plus twice the stage's duration and twice each video span's


class RecordingFailed(DomainError):
    kind = ErrorKind.CONFLICT

    def __init__(self, why: str) -> None:
        super().__init__(code="recording-failed", message=f"The stage recording could not be made: {why}.")


class NothingRecorded(DomainError):
    kind = ErrorKind.NOT_FOUND

    def __init__(self, directory: Path) -> None:
        super().__init__(
            code="recording-empty",
            message=f"Nothing of this stage was recorded ({directory} holds no recording): nobody who agreed to be "
            "recorded was on the stage while recording was on.")


@dataclass(frozen=True)
class Track:
    """One .mjr file: one medium of one recorded span of one (user, source)."""

    path: Path
    user_id: int
    source: Source
    kind: Kind
    codec: str
    start: float  # wall-clock seconds of the first packet
    duration: float

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True)
class StageRecording:
    path: Path
    duration: float  # seconds, as the written file says
    size: int  # bytes
    tiles: tuple[tuple[int, Source], ...]  # who is shown, in grid order (left to right, top to bottom)
    started: float  # wall-clock seconds of the stage's first recorded packet: the file's time 0


def recording_base(directory: Path, user_id: int, source: Source, started_ms: int) -> Path:
    """The base path Janus is given for one recorded span of (user, source)."""
    return directory / f"u{user_id}-{source}-{started_ms}"


@dataclass(frozen=True)
class _Tools:
    pp_rec: str
    ffmpeg: str
    ffprobe: str


def _tools() -> _Tools:
    found = {name: shutil.which(name) for name in ("janus-pp-rec", "ffmpeg", "ffprobe")}
    missing = [f"{name} (Debian package {'janus-tools' if name == 'janus-pp-rec' else 'ffmpeg'})"
               for name, path in found.items() if path is None]
    if missing:
        raise RecordingFailed(f"{' and '.join(missing)} not installed on this server")
    return _Tools(*(str(found[n]) for n in ("janus-pp-rec", "ffmpeg", "ffprobe")))


async def _run(argv: Sequence[str], seconds: float, what: str) -> str:
    """Runs a tool for at most `seconds`; returns its stdout, or raises RecordingFailed with the end of its
    output."""
    process = await asyncio.create_subprocess_exec(*argv, stdin=asyncio.subprocess.DEVNULL,
                                                   stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), seconds)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise RecordingFailed(f"{what} took longer than {seconds:.0f} s") from None
    except BaseException:
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    if process.returncode != 0:
        tail = " | ".join((err or out).decode(errors="replace").strip().splitlines()[-3:])
        raise RecordingFailed(f"{what} failed (exit {process.returncode}): {tail or 'no output'}")
    return out.decode(errors="replace")


async def _settled(directory: Path, seconds: float) -> list[Path]:
    """The recording files, once Janus has closed them all or `seconds` passed (a Janus that died leaves its
    files partial for good: they are used as they are)."""
    deadline = time.monotonic() + seconds
    while True:
        files = await asyncio.to_thread(_listing, directory)
        partial = [p for p in files if p.name.endswith("." + PARTIAL_SUFFIX)]
        if not partial or time.monotonic() >= deadline:
            if partial:
                log.warning("stage recording %s: using %d file(s) Janus never closed", directory, len(partial))
            return files
        await asyncio.sleep(0.2)


async def _each(items: Sequence[T], work: Callable[[T], Awaitable[R]]) -> list[R]:
    """`work` on every item, a core's worth at a time; the first failure stops the rest (and kills their tools)."""
    limit = asyncio.Semaphore(os.cpu_count() or 1)

    async def one(item: T) -> R:
        async with limit:
            return await work(item)

    tasks = [asyncio.ensure_future(one(item)) for item in items]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _listing(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if _NAME.match(p.name)) if directory.is_dir() else []


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


async def read_track(tools: _Tools, path: Path) -> Track | None:
    """A file's header and extent (None when it holds no packet: a medium that never sent anything)."""
    found = _NAME.match(path.name)
    if found is None:
        raise ValueError(f"not a stage recording: {path.name}")
    if await asyncio.to_thread(_size, path) == 0:
        return None
    out = await _run([tools.pp_rec, "--extended-json", "--disable-colors", "--debug-level", "0", str(path)],
                     PROBE_TIMEOUT, f"reading {path.name}")
    try:
        info: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        start = int(info["u"]) / 1e6
        extended: dict[str, Any] = info.get("extended") or {}
        packets = int(extended.get("packets", 0))
        duration = float(extended.get("duration", 0.0))
        codec = str(info["c"])
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise RecordingFailed(f"janus-pp-rec described {path.name} in an unexpected way ({exc})") from exc
    if packets == 0 or start <= 0:
        return None
    source = SOURCES[SOURCES.index(found["source"])]
    kind: Kind = "audio" if found["kind"] == "audio" else "video"
    return Track(path, int(found["user"]), source, kind, codec, start, duration)


async def _convert(tools: _Tools, track: Track, workdir: Path) -> Path:
    if track.kind == "video" and track.codec.lower() not in ("vp8", "vp9"):
        raise RecordingFailed(f"{track.path.name} is {track.codec} video; the stage records VP8 or VP9")
    if track.kind == "audio" and track.codec.lower() != "opus":
        raise RecordingFailed(f"{track.path.name} is {track.codec} sound; the stage records Opus")
    target = workdir / (track.path.name.split(".mjr")[0] + (".webm" if track.kind == "video" else ".opus"))
    await _run([tools.pp_rec, "--disable-colors", "--debug-level", "2", str(track.path), str(target)],
               CONVERT_TIMEOUT + track.duration, f"converting {track.path.name}")
    if await asyncio.to_thread(_size, target) == 0:
        raise RecordingFailed(f"janus-pp-rec wrote nothing for {track.path.name}")
    return target


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def compose_command(ffmpeg: str, inputs: Sequence[tuple[Track, Path]], tiles: Sequence[tuple[int, Source]],
                    origin: float, duration: float, output: Path) -> list[str]:
    """The ffmpeg command line: a black canvas with a tile per (user, source), each video span overlaid in its tile
    from its offset on (the tile is black before and after), every sound delayed to its offset and mixed."""
    cols = max(1, math.ceil(math.sqrt(len(tiles))))
    rows = max(1, math.ceil(len(tiles) / cols))
    tile_w = _even(CANVAS_WIDTH / cols)
    tile_h = _even(tile_w * 9 / 16)
    where = {tile: ((i % cols) * tile_w, (i // cols) * tile_h) for i, tile in enumerate(tiles)}
    argv = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    graph = [f"color=c=black:s={cols * tile_w}x{rows * tile_h}:r={FPS}:d={duration:.3f}[canvas0]"]
    canvas, sounds = "canvas0", []
    for index, (track, path) in enumerate(inputs):
        argv += ["-i", str(path)]
        offset = track.start - origin
        if track.kind == "video":
            x, y = where[(track.user_id, track.source)]
            graph.append(
                f"[{index}:v]setpts=PTS-STARTPTS+{offset:.3f}/TB,"
                f"scale={tile_w}:{tile_h}:force_original_aspect_ratio=decrease,"
                f"pad={tile_w}:{tile_h}:(ow-iw)/2:(oh-ih)/2,setsar=1[v{index}]")
            graph.append(f"[{canvas}][v{index}]overlay=x={x}:y={y}:eof_action=pass:repeatlast=0[canvas{index + 1}]")
            canvas = f"canvas{index + 1}"
        else:
            graph.append(f"[{index}:a]aresample=48000,asetpts=PTS-STARTPTS,"
                         f"adelay={offset * 1000:.0f}:all=1[a{index}]")
            sounds.append(f"[a{index}]")
    if sounds:
        graph.append("".join(sounds) + f"amix=inputs={len(sounds)}:duration=longest:normalize=0,"
                     f"apad,atrim=0:{duration:.3f}[sound]")
    else:
        graph.append(f"anullsrc=r=48000:cl=stereo,atrim=0:{duration:.3f}[sound]")
    # The overlays would hand libvpx a frame with alpha, which its VP8 encoder refuses alongside alt-ref frames.
    graph.append(f"[{canvas}]format=yuv420p[picture]")
    argv += ["-filter_complex", ";".join(graph), "-map", "[picture]", "-map", "[sound]",
             "-t", f"{duration:.3f}",
             "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1500k", "-r", str(FPS),
             "-threads", str(min(4, os.cpu_count() or 1)),
             "-c:a", "libopus", "-b:a", "96k", "-f", "webm", str(output)]
    return argv


async def probe_duration(ffprobe: str, path: Path) -> float:
    out = await _run([ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
                     PROBE_TIMEOUT, f"measuring {path.name}")
    try:
        return float(json.loads(out)["format"]["duration"])
    except (ValueError, KeyError, TypeError) as exc:
        raise RecordingFailed(f"ffprobe could not measure {path.name} ({exc})") from exc


async def render_stage(recordings: Path, output: Path, *, settle: float = SETTLE_SECONDS) -> StageRecording:
    """Turns the .mjr files in `recordings` (one webinar's) into `output` (WebM, VP8 + Opus)."""
    files = await _settled(recordings, settle)
    if not files:
        raise NothingRecorded(recordings)
    tools = _tools()
    tracks = [t for t in await _each(files, lambda f: read_track(tools, f)) if t is not None]
    if not tracks:
        raise NothingRecorded(recordings)
    origin = min(t.start for t in tracks)
    duration = max(t.end for t in tracks) - origin
    tiles = list(dict.fromkeys((t.user_id, t.source) for t in sorted(tracks, key=lambda t: t.start)
                               if t.kind == "video"))
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stage-recording-", dir=output.parent) as scratch:
        converted = await _each(tracks, lambda t: _convert(tools, t, Path(scratch)))
        partial = output.with_name(output.name + ".part")
        try:
            await _run(compose_command(tools.ffmpeg, list(zip(tracks, converted, strict=True)), tiles,
                                       origin, duration, partial),
                       ENCODE_TIMEOUT + 2 * duration + 2 * sum(t.duration for t in tracks if t.kind == "video"),
                       "composing the stage with ffmpeg")
            written = await probe_duration(tools.ffprobe, partial)
            partial.replace(output)
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
    return StageRecording(output, written, await asyncio.to_thread(_size, output), tuple(tiles), origin)
