"""The `group-room` scenario: one Janus VideoRoom with 25 camera publishers and 100 listeners on this machine.

Everything runs inside a private network namespace, as in `bench/webinar.py` (lo + veth rt0 at 10.99.0.1), with
Janus driven straight through the StageMedia port (`JanusStage`, no Roundtable server in the loop). Publishers are
aiortc peers (testpeer's `SyntheticPublisher`) sending synthetic VP8 at 320×180, 15 fps, ~150 kbps (no audio, no
simulcast; one GOP encoded once and looped, so no encoder runs during the measurement), all in the orchestrating
process. Listeners are testpeer's `LightViewer` for signalling, reading media lighter still: each counts RTP frames
from the packet headers as they come off its ICE connection, never decrypting, parsing or decoding the media (see
`_listener_class`); they are spread over processes of PER_WORKER, each with one multistream subscription.

Each listener first subscribes to all 25 feeds (it sees every camera). When the machine does not carry that
(`carried`: every listener connected, p1 delivery ≥ CARRIED and p1 listener fps ≥ CARRIED × FPS), a second run
measures what it does carry: each listener subscribed to the active speaker (feed 1, which every listener receives)
plus FALLBACK_TILES tiles, rotated over the other 24 cameras so that every camera is watched by someone.
`BENCH_GROUP_FEEDS=N` runs N feeds per listener alone. Each JSON line says what was measured (`subscription`).

Reported: the room's setup time (Janus start; room + 25 publishers connected), join→first frame (first frame of any
subscribed feed, and of every subscribed feed), frame delivery per listener-feed (frames received over a WINDOW_S
window / frames the publisher sent in it; p50, p1, min and in total), per-listener fps (mean over its feeds; its
worst feed) p50 and p1, and CPU (% of one core) of Janus, the publishers' process and the listener processes, plus
the whole machine's busy and stolen time over the window.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.harness import LOAD_CPUS, SERVER_CPUS, cpu_seconds, emit, machine_cpu, pinned
from bench.webinar import _pct

if TYPE_CHECKING:
    from signaling.stage_janus import JanusStage
    from tests.support.testpeer import LightViewer, SyntheticPublisher

PUBLISHERS = 25
LISTENERS = 100
FALLBACK_TILES = 8  # a 3×3 gallery: the speaker and eight tiles
CARRIED = 0.95  # carried: every listener connected, p1 delivery and p1 listener fps at least this (fps: × FPS)
WIDTH, HEIGHT, FPS = 320, 180, 15
TILE_BITRATE = 150_000  # a camera tile (a browser's lowest simulcast layer at this size sends about this)
ROOM_BITRATE = 300_000  # the VideoRoom's cap per publisher
WINDOW_S = 10.0
PER_WORKER = 25  # listeners per process
RECEIVE_BUFFER = 4 << 20  # bytes per listener socket (the kernel's rmem_max here; the default is 208 KiB)
JOIN_CONCURRENCY = 5  # per process: each join is a 25-stream SDP and a DTLS handshake on one loop
JOIN_BUDGET = 60.0  # seconds the listeners get to join before the window starts regardless
SETTLE_S = 3.0  # between the last join and the window: keyframes requested by the joins arrive
ROOM = 2
SECRET = "bench-group-room-secret"
TIMEOUT = 175.0  # for the whole scenario (both runs): a run takes 30–70 s


async def run() -> None:
    """Entry point for `python -m bench group-room`: a JSON line for every feed per listener and, when the machine
    did not carry that, one for the active speaker + FALLBACK_TILES tiles. BENCH_GROUP_FEEDS=N runs N alone."""
    deadline = time.monotonic() + TIMEOUT
    chosen = os.environ.get("BENCH_GROUP_FEEDS")
    feeds = max(1, min(int(chosen), PUBLISHERS)) if chosen else PUBLISHERS
    result = await asyncio.to_thread(_in_namespace, feeds, deadline)
    emit(result)
    if not chosen and not result.get("carried"):
        emit(await asyncio.to_thread(_in_namespace, FALLBACK_TILES + 1, deadline))


def _in_namespace(feeds: int, deadline: float) -> dict[str, Any]:
    """One run (`orchestrate`) in a namespace of its own, as the media tests make them (tests/support/netns.py)."""
    from tests.support.netns import NetnsFailed, run_module

    if os.geteuid() != 0:
        return {"scenario": "group-room", "error": "needs root: the run makes a network namespace (unshare -n)"}
    started = time.monotonic()
    try:
        result: dict[str, Any] = run_module("bench.group_room", "orchestrate", str(feeds),
                                            timeout=max(1.0, deadline - started))
    except NetnsFailed as exc:
        return {"scenario": "group-room", "feeds_per_listener": feeds, "error": str(exc)[-2000:]}
    result["wall_s"] = round(time.monotonic() - started, 1)
    return result


def subscription(listener: int, feeds: list[int], count: int) -> list[int]:
    """All feeds, or the speaker (feeds[0]) plus count−1 of the others, rotated by listener."""
    if count >= len(feeds):
        return list(feeds)
    speaker, others = feeds[0], feeds[1:]
    return [speaker, *(others[(listener * (count - 1) + j) % len(others)] for j in range(count - 1))]


# -- inside the namespace -------------------------------------------------------------------------------------


def _tile_loop() -> list[bytes]:
    """One GOP (2 s) of VP8 at WIDTH×HEIGHT, FPS and ~TILE_BITRATE, encoded once per run and looped by every
    publisher: testpeer's pictures, scaled, with noise in the luma so that the encoder reaches a camera tile's
    bitrate (~1,200 bytes a frame, one or two RTP packets). Each loop starts with a keyframe."""
    import av

    from tests.support.testpeer import SyntheticVideo

    noise = random.Random(15)
    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    codec.framerate, codec.time_base = Fraction(FPS), Fraction(1, FPS)
    codec.bit_rate, codec.gop_size = TILE_BITRATE, 2 * FPS
    codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0", "minrate": str(TILE_BITRATE),
                     "maxrate": str(TILE_BITRATE), "bufsize": str(TILE_BITRATE), "undershoot-pct": "100"}
    pictures = []
    for picture in SyntheticVideo()._pictures[:2 * FPS]:
        scaled = picture.reformat(width=WIDTH, height=HEIGHT)
        frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
        for plane, source in zip(frame.planes, scaled.planes, strict=True):
            plane.update(bytes(source))  # same geometry: the same line sizes
        luma = bytes(scaled.planes[0])
        frame.planes[0].update(bytes(a ^ (b & 15) for a, b in zip(luma, noise.randbytes(len(luma)), strict=True)))
        pictures.append(frame)
    encoded: list[bytes] = []
    for index in range(3 * len(pictures)):  # the third GOP, once the rate control has settled
        frame = pictures[index % len(pictures)]
        frame.pts, frame.time_base = index, Fraction(1, FPS)
        encoded.extend(bytes(packet) for packet in codec.encode(frame))
    encoded.extend(bytes(packet) for packet in codec.encode(None))
    return encoded[2 * len(pictures):3 * len(pictures)]


def _tile_publisher(loop: list[bytes]) -> SyntheticPublisher:
    """testpeer's synthetic publisher, video only, sending the pre-encoded tile loop at FPS (no encoder runs: the
    publishers' CPU is what sending costs, as a browser's encoder is not on this machine)."""
    import av

    from tests.support.testpeer import SyntheticPublisher, SyntheticVideo

    class TileVideo(SyntheticVideo):
        async def recv(self) -> Any:  # an encoded frame: aiortc packetises it without encoding
            for _ in range(30 // FPS - 1):  # aiortc's clock ticks at 30 fps: skip ticks
                await self.next_timestamp()
            pts, time_base = await self.next_timestamp()
            packet = av.Packet(loop[self.sent % len(loop)])
            packet.pts, packet.time_base = pts, time_base
            self.sent += 1
            return packet

    publisher = SyntheticPublisher(audio=False)
    publisher.video = TileVideo()
    publisher.video_sender.replaceTrack(publisher.video)
    return publisher


async def _pin(pid: int, cpus: set[int] | None) -> None:
    if cpus:
        proc = await asyncio.create_subprocess_exec("taskset", "-a", "-p", "-c", ",".join(map(str, sorted(cpus))),
                                                    str(pid), stdout=asyncio.subprocess.DEVNULL,
                                                    stderr=asyncio.subprocess.DEVNULL)
        await proc.wait()


async def orchestrate(feeds_per_listener: int) -> dict[str, Any]:
    from server.janus_process import JanusNotInstalled, JanusOptions, JanusProcess
    from signaling.stage_janus import JanusRoomConfig, JanusStage
    from tests.support.testpeer import wait_until

    # Janus and the publishers on the server core, the listeners on the load core.
    if SERVER_CPUS:
        os.sched_setaffinity(0, SERVER_CPUS)
    began = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="rt-bench-group-"))
    janus = JanusProcess(workdir, JanusOptions(interface="10.99.0.1", enforce="rt0"))
    try:
        url = await janus.start()
    except (JanusNotInstalled, RuntimeError) as exc:
        return {"scenario": "group-room", "error": f"Janus did not start: {exc}"}
    assert janus.pid is not None
    await _pin(janus.pid, SERVER_CPUS)
    janus_up = time.monotonic() - began
    stage = JanusStage(url, SECRET, JanusRoomConfig(publishers=PUBLISHERS, bitrate=ROOM_BITRATE))
    loop = _tile_loop()
    publishers = [_tile_publisher(loop) for _ in range(PUBLISHERS)]
    workers: list[asyncio.subprocess.Process] = []
    try:
        room_began = time.monotonic()
        await stage.open(ROOM)

        async def publish(index: int, publisher: SyntheticPublisher) -> int:
            published = await stage.publish(ROOM, index + 1, "camera", f"Camera {index + 1}", await publisher.offer())
            await publisher.accept(published.answer_sdp)
            return published.feed

        feeds = list(await asyncio.gather(*(publish(i, p) for i, p in enumerate(publishers))))
        await wait_until(lambda: all(p.connected and p.video.sent for p in publishers), 30,
                         "every publisher to connect and send")
        room_setup = time.monotonic() - room_began
        await asyncio.sleep(1.0)

        joins_began = time.time()
        cpu0 = _cpu(janus.pid, [])
        for first in range(0, LISTENERS, PER_WORKER):
            workers.append(await asyncio.create_subprocess_exec(
                *pinned([sys.executable, "-m", "bench.group_room", "listeners", url, json.dumps(feeds),
                         str(feeds_per_listener), str(first), str(min(PER_WORKER, LISTENERS - first))], LOAD_CPUS),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE))
        ready = await _all_ready(workers, joins_began + JOIN_BUDGET)
        window_start = time.time() + SETTLE_S
        for w in workers:
            assert w.stdin is not None
            w.stdin.write(f"{window_start!r}\n".encode())
            await w.stdin.drain()
        await asyncio.sleep(max(0.0, window_start - time.time()))
        cpu1, udp1 = _cpu(janus.pid, workers), _udp()
        sent0 = [p.video.sent for p in publishers]
        await asyncio.sleep(WINDOW_S)
        cpu2, udp2 = _cpu(janus.pid, workers), _udp()
        sent = {f: p.video.sent - s for f, p, s in zip(feeds, publishers, sent0, strict=True)}
        outputs = await asyncio.gather(*(w.communicate() for w in workers))
    finally:
        for w in workers:
            if w.returncode is None:
                w.kill()
        for p in publishers:
            await p.close()
        await stage.aclose()
        await janus.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    listeners = [item for stdout, _ in outputs for line in stdout.decode().splitlines() if line.startswith("[")
                 for item in json.loads(line)]
    join_phase = window_start - joins_began
    return {
        "scenario": "group-room", "publishers": PUBLISHERS, "listeners": LISTENERS,
        "video": f"VP8 {WIDTH}x{HEIGHT} {FPS} fps, no audio, no simulcast",
        "feeds_per_listener": feeds_per_listener,
        "subscription": ("every feed" if feeds_per_listener >= PUBLISHERS
                         else f"active speaker + {feeds_per_listener - 1} tiles"),
        "listener_feeds": sum(len(v["feeds"]) for v in listeners),
        "setup_s": {"janus_start": round(janus_up, 2), "room_and_publishers": round(room_setup, 2)},
        "workers_ready": ready, "join_phase_s": round(join_phase, 1),
        **(delivery := _delivery(listeners, sent)),
        "carried": (delivery["connected"] == LISTENERS and (delivery["delivery"]["p1"] or 0) >= CARRIED
                    and (delivery["listener_fps"]["p1"] or 0) >= CARRIED * FPS),
        "cpu_pct": {
            "janus_join": _share(cpu1[0] - cpu0[0], join_phase),
            "janus_steady": _share(cpu2[0] - cpu1[0], WINDOW_S),
            "publishers_steady": _share(cpu2[1] - cpu1[1], WINDOW_S),
            "listeners_steady": _share(cpu2[2] - cpu1[2], WINDOW_S),
            "bench_steady": _share(cpu2[1] + cpu2[2] - cpu1[1] - cpu1[2], WINDOW_S),
            "machine_busy": _share(cpu2[3] - cpu1[3], WINDOW_S),
            "machine_steal": _share(cpu2[4] - cpu1[4], WINDOW_S),
            "others": _share((cpu2[3] - cpu1[3]) - sum(cpu2[i] - cpu1[i] for i in range(3)), WINDOW_S),
        },
        # Datagrams in and out, and any the kernel dropped (RcvbufErrors: a reader fell behind its socket buffer).
        "udp_in_window": {name: udp2[name] - udp1[name] for name in udp2
                          if name in ("InDatagrams", "OutDatagrams") or udp2[name] != udp1[name]},
        "window_s": WINDOW_S, "janus_restarts": janus.restarts,
    }


def _cpu(janus: int, workers: list[asyncio.subprocess.Process]) -> tuple[float, float, float, float, float]:
    """CPU seconds so far: Janus, this process (the publishers), the listener processes, the machine, steal."""
    busy, steal = machine_cpu()
    return cpu_seconds(janus), cpu_seconds(os.getpid()), sum(cpu_seconds(w.pid) for w in workers), busy, steal


def _udp() -> dict[str, int]:
    """This namespace's UDP counters (every datagram of the run: Janus's and the peers' sockets are all here)."""
    rows = [line.split() for line in Path("/proc/self/net/snmp").read_text().splitlines() if line.startswith("Udp:")]
    return dict(zip(rows[0][1:], map(int, rows[1][1:]), strict=True))


def _share(seconds: float, over: float) -> float:
    return round(100 * seconds / over, 1)


async def _all_ready(workers: list[asyncio.subprocess.Process], deadline: float) -> int:
    """Waits until every worker says its listeners have joined (or the deadline); returns how many did."""

    async def one(w: asyncio.subprocess.Process) -> None:
        assert w.stdout is not None
        while (line := await w.stdout.readline()) and line.strip() != b"READY":
            pass

    done, late = await asyncio.wait([asyncio.create_task(one(w)) for w in workers],
                                    timeout=max(0.0, deadline - time.time()))
    for task in late:  # their listeners are still joining: the window starts without them
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)
    return len(done)


def _delivery(listeners: list[dict[str, Any]], sent: dict[int, int]) -> dict[str, Any]:
    """Per listener-feed delivery: frames received over the window / frames the publisher sent in it (from the RTP
    timestamps received; the publisher's own count when the feed delivered fewer than two frames)."""
    pairs = [(n, sent[int(f)] if expected is None else expected)
             for v in listeners for f, (n, expected) in v["feeds"].items()]
    ratios = sorted(n / expected if expected else 0.0 for n, expected in pairs)
    fps = [[n / WINDOW_S for n, _ in v["feeds"].values()] for v in listeners if v["feeds"]]
    mean_fps = sorted(statistics.mean(f) for f in fps)
    worst_fps = sorted(min(f) for f in fps)
    firsts = sorted(v["first"] for v in listeners if v["first"] is not None)
    alls = sorted(v["all"] for v in listeners if v["all"] is not None)
    received, expected = sum(n for n, _ in pairs), sum(e for _, e in pairs)
    return {
        "connected": len(firsts), "seeing_every_subscribed_feed": len(alls),
        "repeated_frames_ignored": sum(v["repeats"] for v in listeners),
        "publisher_fps": round(statistics.mean(sent.values()) / WINDOW_S, 1) if sent else None,
        "join_to_first_frame_s": {"p50": _pct(firsts, 0.5), "p99": _pct(firsts, 0.99)},
        "join_to_all_feeds_s": {"p50": _pct(alls, 0.5), "p99": _pct(alls, 0.99)},
        "delivery": {"total": round(received / expected, 3) if expected else None,
                     "p50": _pct(ratios, 0.5), "p1": _pct(ratios, 0.01), "min": _pct(ratios, 0.0)},
        "listener_fps": {"p50": _pct(mean_fps, 0.5), "p1": _pct(mean_fps, 0.01)},
        "listener_worst_feed_fps": {"p50": _pct(worst_fps, 0.5), "p1": _pct(worst_fps, 0.01)},
    }


def _primary_ssrcs(sdp: str) -> dict[int, str]:
    """SSRC → mid for each media section of an SDP: its first `a=ssrc` (Janus lists the RTX stream second)."""
    found: dict[int, str] = {}
    for section in sdp.split("\nm=")[1:]:
        lines = [line.strip() for line in section.splitlines()]
        mid = next((line.removeprefix("a=mid:") for line in lines if line.startswith("a=mid:")), None)
        ssrc = next((line.split()[0].removeprefix("a=ssrc:") for line in lines if line.startswith("a=ssrc:")), None)
        if mid is not None and ssrc is not None:
            found[int(ssrc)] = mid
    return found


def _listener_class(stamps: dict[str, dict[str, int]], repeats: Counter[str]) -> type[LightViewer]:
    """testpeer's light viewer for signalling, reading its media lighter still: RTP packets are taken off the ICE
    connection and counted from their header, which SRTP leaves in the clear (SSRC, sequence number, timestamp,
    marker bit: a video frame ends at the marker), without decrypting or parsing them; DTLS and RTCP go on to
    aiortc. A frame end seen twice (a retransmission) counts once. stamps[name][mid] keeps the RTP timestamp of the
    last frame counted: the frames sent over a window are its advance (Janus shifts timestamps by a constant)."""
    from tests.support.testpeer import LightViewer

    class Listener(LightViewer):
        async def answer(self, offer_sdp: str) -> str:
            answer = await super().answer(offer_sdp)
            mids = _primary_ssrcs(offer_sdp)
            transport = self.pc.getTransceivers()[0].receiver.transport.transport
            connection: Any = transport._connection  # aioice's; bundled: one for every stream
            if not hasattr(self, "_ssrc_mids"):
                connection.data_received = self._tap(connection.data_received)
                for protocol in connection._protocols:  # room for a burst while another process has the core
                    sock = protocol.transport.get_extra_info("socket")
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            self._ssrc_mids = mids
            return answer

        def _tap(self, forward: Callable[[bytes, int], None]) -> Callable[[bytes, int], None]:
            last = stamps.setdefault(self.name, {})
            seen: dict[str, set[int]] = {}

            def received(data: bytes, component: int) -> None:
                if len(data) < 12 or not 127 < data[0] < 192 or 192 <= data[1] <= 208:
                    forward(data, component)  # DTLS, RTCP (RFC 5761 demultiplexing)
                    return
                mid = self._ssrc_mids.get(int.from_bytes(data[8:12], "big"))
                if mid is None or not data[1] & 0x80 or mid not in self.tracks:
                    return
                sequence = int.from_bytes(data[2:4], "big")
                window = seen.setdefault(mid, set())
                if sequence in window:
                    repeats[self.name] += 1
                    return
                if len(window) > 1024:
                    window.clear()
                window.add(sequence)
                last[mid] = int.from_bytes(data[4:8], "big")
                track, now = self.tracks[mid], time.monotonic()
                track.frames, track.last_at = track.frames + 1, now
                if track.first_at is None:
                    track.first_at = now
                    self.first_video.set()

            return received

    return Listener


async def listeners(url: str, feeds: list[int], count: int, first: int, n: int) -> list[dict[str, Any]]:
    """One listener process: n listeners join (JOIN_CONCURRENCY at a time), print READY, read the window's start
    from stdin, then count each subscribed feed's frames over the window."""
    from signaling.stage_janus import JanusRoomConfig, JanusStage

    stage = JanusStage(url, SECRET, JanusRoomConfig(publishers=PUBLISHERS, bitrate=ROOM_BITRATE))
    gate = asyncio.Semaphore(JOIN_CONCURRENCY)
    stamps: dict[str, dict[str, int]] = {}
    repeats: Counter[str] = Counter()
    listener = _listener_class(stamps, repeats)
    peers = [listener(f"listener-{first + i}") for i in range(n)]
    try:
        asked = dict(zip((v.name for v in peers), await asyncio.gather(
            *(_subscribe(stage, gate, v, subscription(first + i, feeds, count)) for i, v in enumerate(peers))),
            strict=True))
        print("READY", flush=True)
        window_start = float(await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline))
        await asyncio.sleep(max(0.0, window_start - time.time()))
        before = [_counts(v, stamps) for v in peers]
        await asyncio.sleep(WINDOW_S)
        results = []
        for v, counted in zip(peers, before, strict=True):
            mids = stage.streams(ROOM, v.name)  # mid → feed
            now = _counts(v, stamps)
            starts = [c.first_at for m, c in v.tracks.items() if m in mids]
            seen = [s for s in starts if s is not None]
            began = asked[v.name]
            results.append({
                "first": round(min(seen) - began, 3) if seen and began is not None else None,
                "all": round(max(seen) - began, 3) if seen and began is not None and len(seen) == len(mids) else None,
                "repeats": repeats[v.name],
                "feeds": {str(f): _window(counted.get(m), now.get(m)) for m, f in mids.items()},
            })
        return results
    finally:
        for v in peers:
            await v.close()
        await stage.aclose()


async def _subscribe(stage: JanusStage, gate: asyncio.Semaphore, viewer: LightViewer, feeds: list[int]) -> float | None:
    """One listener's subscription to `feeds`; returns when it was asked for (monotonic), None if it failed."""
    async with gate:
        began = time.monotonic()
        try:
            answer = await viewer.answer(await stage.watch(ROOM, viewer.name, feeds))
            await stage.watch_answer(ROOM, viewer.name, answer)
        except Exception as exc:  # reported, and counted as a listener that never connected
            print(f"{viewer.name}: no subscription ({exc!r})", file=sys.stderr)
            return None
        return began


def _counts(viewer: LightViewer, stamps: dict[str, dict[str, int]]) -> dict[str, tuple[int, int | None]]:
    """mid → (video frames counted, RTP timestamp of the last one)."""
    last = stamps.get(viewer.name, {})
    return {m: (c.frames, last.get(m)) for m, c in viewer.tracks.items() if c.kind == "video"}


def _window(before: tuple[int, int | None] | None, after: tuple[int, int | None] | None) -> list[int | None]:
    """[frames received, frames sent] over the window; sent is None when fewer than two frames bound it."""
    received = (after[0] if after else 0) - (before[0] if before else 0)
    if before is None or after is None or before[1] is None or after[1] is None:
        return [received, None]
    return [received, round(((after[1] - before[1]) % 2**32) / (90_000 / FPS))]


def main() -> None:
    from tests.support.netns import emit as emit_result

    parser = argparse.ArgumentParser(prog="python -m bench.group_room")
    roles = parser.add_subparsers(dest="role", required=True)
    roles.add_parser("orchestrate", help="one run, inside a namespace").add_argument("feeds", type=int)
    worker = roles.add_parser("listeners", help="a process of listeners, started by orchestrate")
    for name, kind in (("url", str), ("feed_ids", json.loads), ("feeds", int), ("first", int), ("n", int)):
        worker.add_argument(name, type=kind)
    args = parser.parse_args()
    if args.role == "orchestrate":
        emit_result(asyncio.run(orchestrate(args.feeds)))
    else:
        print(json.dumps(asyncio.run(listeners(args.url, args.feed_ids, args.feeds, args.first, args.n))), flush=True)


if __name__ == "__main__":
    main()
