"""aiortc peers for tests and the benchmark: a synthetic stage publisher and a light viewer.

The publisher sends 640×360 VP8 at 30 fps (~1 Mbps) plus audio, and honours at most one keyframe request a second:
an SFU asks for a keyframe on every viewer join, and an aiortc encoder that obeys them all starves in a join storm
(browsers rate-limit the same way).

The viewer never decodes: it counts RTP frames per track straight off the receiver (a video frame ends at the RTP
marker bit; every audio packet is a frame), which costs ~0.3 % of a core instead of ~6 %.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCRtpSender,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.mediastreams import AudioStreamTrack
from aiortc.rtp import RtpPacket
from av import VideoFrame

WIDTH, HEIGHT, FPS = 640, 360, 30
KEYFRAME_MIN_INTERVAL = 1.0
DISTINCT_FRAMES = 30  # one second of distinct pictures, then repeat: enough motion for a realistic bitrate
TARGET_BITRATE = 1_000_000


def _frames() -> list[VideoFrame]:
    """A bar sweeping across a gradient, as yuv420p frames built once (no numpy needed)."""
    frames = []
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    base = bytearray(WIDTH * HEIGHT)
    for y in range(HEIGHT):
        row = bytes(((x + y) * 255 // (WIDTH + HEIGHT)) & 0xFF for x in range(WIDTH))
        base[y * WIDTH:(y + 1) * WIDTH] = row
    bar = WIDTH // DISTINCT_FRAMES
    for i in range(DISTINCT_FRAMES):
        luma = bytearray(base)
        for y in range(HEIGHT):
            start = y * WIDTH + i * bar
            luma[start:start + bar] = bytes([235]) * bar
        frame = VideoFrame(WIDTH, HEIGHT, "yuv420p")
        for index, (plane, data) in enumerate(zip(frame.planes, (bytes(luma), chroma, chroma), strict=True)):
            _fill(plane, data, WIDTH if index == 0 else WIDTH // 2)
        frames.append(frame)
    return frames


def _fill(plane: object, data: bytes, width: int) -> None:
    # Planes may be padded (line_size > width): copy row by row.
    line_size: int = plane.line_size  # type: ignore[attr-defined]
    rows = len(data) // width
    if line_size == width:
        plane.update(data)  # type: ignore[attr-defined]
        return
    padded = bytearray(line_size * rows)
    for r in range(rows):
        padded[r * line_size:r * line_size + width] = data[r * width:(r + 1) * width]
    plane.update(bytes(padded))  # type: ignore[attr-defined]


class SyntheticVideo(VideoStreamTrack):
    """30 fps of precomputed pictures, paced by aiortc's VideoStreamTrack clock."""

    def __init__(self) -> None:
        super().__init__()
        self._pictures = _frames()
        self._index = 0
        self.sent = 0

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = self._pictures[self._index % len(self._pictures)]
        self._index += 1
        frame.pts = pts
        frame.time_base = time_base
        self.sent += 1
        return frame


def ice_configuration() -> RTCConfiguration:
    # Never aiortc's default public STUN server: test media stays inside the machine or its namespace.
    return RTCConfiguration(iceServers=[])


def limit_keyframes(sender: RTCRtpSender, min_interval: float = KEYFRAME_MIN_INTERVAL) -> None:
    """Honour at most one keyframe request (PLI/FIR) per `min_interval` on this sender."""
    original = sender._send_keyframe
    last = [-min_interval]

    def limited() -> None:
        now = time.monotonic()
        if now - last[0] >= min_interval:
            last[0] = now
            original()

    # aiortc offers no hook for this: the sender calls self._send_keyframe for each PLI/FIR it receives.
    sender._send_keyframe = limited  # type: ignore[method-assign]


def _raise_bitrate(sender: RTCRtpSender, bitrate: int) -> None:
    encoder = getattr(sender, "_RTCRtpSender__encoder", None)
    if encoder is not None and hasattr(encoder, "target_bitrate"):
        encoder.target_bitrate = bitrate


class SyntheticPublisher:
    """A stage publisher: offer() → the SFU's answer → accept(answer)."""

    def __init__(self, audio: bool = True, bitrate: int = TARGET_BITRATE) -> None:
        self.pc = RTCPeerConnection(ice_configuration())
        self.video = SyntheticVideo()
        self.bitrate = bitrate
        self.video_sender = self.pc.addTrack(self.video)
        limit_keyframes(self.video_sender)
        if audio:
            self.pc.addTrack(AudioStreamTrack())
        self._bitrate_task: asyncio.Task[None] | None = None

    async def offer(self) -> str:
        for transceiver in self.pc.getTransceivers():
            transceiver.direction = "sendonly"
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return self.pc.localDescription.sdp

    async def accept(self, answer_sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(answer_sdp, "answer"))
        self._bitrate_task = asyncio.create_task(self._hold_bitrate())

    async def _hold_bitrate(self) -> None:
        # aiortc starts VP8 at 500 kbps and the encoder only exists once the first frame is sent; hold the target
        # until a receiver estimate (REMB) says otherwise.
        for _ in range(20):
            await asyncio.sleep(0.1)
            _raise_bitrate(self.video_sender, self.bitrate)

    @property
    def connected(self) -> bool:
        return self.pc.connectionState == "connected"

    async def close(self) -> None:
        if self._bitrate_task is not None:
            self._bitrate_task.cancel()
        await self.pc.close()


@dataclass
class TrackCount:
    kind: str
    frames: int = 0
    first_at: float | None = None
    last_at: float | None = None
    ssrcs: set[int] = field(default_factory=set)


class LightViewer:
    """A stage viewer that answers the SFU's offers and counts frames per track without decoding them."""

    def __init__(self, name: str = "viewer") -> None:
        self.name = name
        self.pc = RTCPeerConnection(ice_configuration())
        self.tracks: dict[str, TrackCount] = {}  # by mid
        self.started_at = time.monotonic()
        self._hooked: set[int] = set()
        self.first_video = asyncio.Event()

    async def answer(self, offer_sdp: str) -> str:
        """Answers an offer (the first, or a renegotiation) and starts counting any new track."""
        await self.pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
        for transceiver in self.pc.getTransceivers():
            if transceiver.mid is not None and id(transceiver.receiver) not in self._hooked:
                self._hook(transceiver.receiver, transceiver.kind, transceiver.mid)
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        return self.pc.localDescription.sdp

    def _hook(self, receiver: RTCRtpReceiver, kind: str, mid: str) -> None:
        self._hooked.add(id(receiver))
        count = self.tracks.setdefault(mid, TrackCount(kind))
        video = kind == "video"

        async def on_rtp(packet: RtpPacket, arrival_time_ms: int) -> None:
            # No NACKs leave this viewer (the receiver's own path is bypassed), so no RTX arrives to be miscounted.
            if video and not packet.marker:
                return
            now = time.monotonic()
            count.frames += 1
            count.ssrcs.add(packet.ssrc)
            if count.first_at is None:
                count.first_at = now
                if video:
                    self.first_video.set()
            count.last_at = now

        # Replaces the receiver's depacketise-and-decode path: the DTLS transport hands each RTP packet here.
        receiver._handle_rtp_packet = on_rtp  # type: ignore[method-assign]

    def video_counts(self) -> list[TrackCount]:
        return [c for c in self.tracks.values() if c.kind == "video"]

    def video_frames(self) -> int:
        return sum(c.frames for c in self.video_counts())

    async def measure(self, seconds: float) -> dict[str, float]:
        """Video frames per second per track (by mid) over the next `seconds`."""
        before = {mid: c.frames for mid, c in self.tracks.items() if c.kind == "video"}
        await asyncio.sleep(seconds)
        return {mid: (c.frames - before.get(mid, 0)) / seconds
                for mid, c in self.tracks.items() if c.kind == "video"}

    async def close(self) -> None:
        await self.pc.close()


async def wait_until(predicate: Callable[[], bool], seconds: float, what: str,
                     tick: Callable[[], Awaitable[None]] | None = None) -> None:
    """Polls `predicate` until true; raises TimeoutError naming `what` otherwise."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {seconds:.0f} s waiting for {what}")
        await (tick() if tick else asyncio.sleep(0.05))

