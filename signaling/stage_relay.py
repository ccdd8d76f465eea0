"""`RelayStage`: the stage without an SFU — publishers' connections end in this process and aiortc relays
their tracks to each viewer's connection.

aiortc decodes each published track once but re-encodes it per viewer (~15 % of a core per viewer, measured), so
the relay takes at most `viewer_cap` viewers per webinar (default 8) and refuses further ones with `stage-full`.
Only for small installations without Janus; feeds are numbered by the relay itself. It records nothing: asking it
to is refused with `recording-unavailable`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from dataclasses import dataclass, field
from pathlib import Path

from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError

from signaling.stage import BadSdp, Published, RecordingUnavailable, Source, StageFull, check_sdp

log = logging.getLogger(__name__)

DEFAULT_VIEWER_CAP = 8


@dataclass
class _Feed:
    user_id: int
    source: Source
    pc: RTCPeerConnection
    tracks: list[MediaStreamTrack]
    drains: list[asyncio.Task[None]] = field(default_factory=list)


@dataclass
class _Viewer:
    pc: RTCPeerConnection
    transceivers: dict[int, list[RTCRtpTransceiver]] = field(default_factory=dict)  # feed -> its transceivers


@dataclass
class _Room:
    feeds: dict[int, _Feed] = field(default_factory=dict)
    viewers: dict[str, _Viewer] = field(default_factory=dict)


class RelayStage:
    """StageMedia in-process with aiortc. ICE servers are always explicit (none by default): aiortc would otherwise
    use a public STUN server."""

    name = "relay"
    can_record = False

    def __init__(self, viewer_cap: int = DEFAULT_VIEWER_CAP, ice_servers: list[RTCIceServer] | None = None) -> None:
        self.viewer_cap: int | None = viewer_cap
        self._ice_servers = list(ice_servers or [])
        self._relay = MediaRelay()
        self._rooms: dict[int, _Room] = {}
        self._ids = itertools.count(1)

    def _pc(self) -> RTCPeerConnection:
        return RTCPeerConnection(RTCConfiguration(iceServers=list(self._ice_servers)))

    def _room(self, webinar: int) -> _Room:
        return self._rooms.setdefault(webinar, _Room())

    async def open(self, webinar: int) -> None:
        self._room(webinar)

    async def publish(self, webinar: int, user_id: int, source: Source, display: str, offer_sdp: str) -> Published:
        check_sdp(offer_sdp, "offer")
        room = self._room(webinar)
        for feed_id, feed in list(room.feeds.items()):
            if feed.user_id == user_id and feed.source == source:
                await self.kick(webinar, feed_id)
        pc = self._pc()
        tracks: list[MediaStreamTrack] = []
        pc.on("track", tracks.append)
        try:
            await pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
            await pc.setLocalDescription(await pc.createAnswer())
        except (ValueError, AttributeError) as exc:
            await pc.close()
            raise BadSdp(str(exc) or "the offer could not be applied") from exc
        feed = _Feed(user_id, source, pc, tracks)
        for track in tracks:
            # A received track nobody reads piles up decoded frames: keep one unbuffered reader on each.
            feed.drains.append(asyncio.create_task(_drain(self._relay.subscribe(track, buffered=False))))
        feed_id = next(self._ids)
        room.feeds[feed_id] = feed
        return Published(pc.localDescription.sdp, feed_id)

    async def unpublish(self, webinar: int, user_id: int, source: Source) -> None:
        room = self._rooms.get(webinar)
        if room is None:
            return
        for feed_id, feed in list(room.feeds.items()):
            if feed.user_id == user_id and feed.source == source:
                await self.kick(webinar, feed_id)

    async def kick(self, webinar: int, feed_id: int) -> None:
        room = self._rooms.get(webinar)
        feed = room.feeds.pop(feed_id, None) if room else None
        if feed is None:
            return
        for task in feed.drains:
            task.cancel()
        # Closing the publisher's connection ends its tracks, and with them every relayed copy at the viewers.
        await feed.pc.close()

    async def record(self, webinar: int, user_id: int, source: Source, into: Path | None) -> None:
        if into is not None:
            raise RecordingUnavailable(self.name)

    async def watch(self, webinar: int, viewer: str, feeds: list[int]) -> str:
        room = self._room(webinar)
        await self.unwatch(webinar, viewer)
        if self.viewer_cap is not None and len(room.viewers) >= self.viewer_cap:
            raise StageFull(self.viewer_cap)
        state = _Viewer(self._pc())
        room.viewers[viewer] = state
        self._add_feeds(room, state, feeds)
        await state.pc.setLocalDescription(await state.pc.createOffer())
        return state.pc.localDescription.sdp

    def _add_feeds(self, room: _Room, state: _Viewer, feeds: list[int]) -> None:
        for feed_id in dict.fromkeys(feeds):
            feed = room.feeds.get(feed_id)
            if feed is None or feed_id in state.transceivers:
                continue
            added: list[RTCRtpTransceiver] = []
            for track in feed.tracks:
                sender = state.pc.addTrack(self._relay.subscribe(track, buffered=False))
                added.extend(t for t in state.pc.getTransceivers() if t.sender is sender)
            state.transceivers[feed_id] = added

    async def rewatch(self, webinar: int, viewer: str, feeds: list[int]) -> str | None:
        room = self._rooms.get(webinar)
        state = room.viewers.get(viewer) if room else None
        if room is None or state is None:
            return await self.watch(webinar, viewer, feeds)
        live = [f for f in dict.fromkeys(feeds) if f in room.feeds]
        drop = [f for f in state.transceivers if f not in live]
        add = [f for f in live if f not in state.transceivers]
        if not add and not drop:
            return None
        for feed_id in drop:
            for transceiver in state.transceivers.pop(feed_id):
                transceiver.sender.replaceTrack(None)
                transceiver.direction = "inactive"
        self._add_feeds(room, state, add)
        await state.pc.setLocalDescription(await state.pc.createOffer())
        return state.pc.localDescription.sdp

    async def watch_answer(self, webinar: int, viewer: str, answer_sdp: str) -> None:
        check_sdp(answer_sdp, "answer")
        room = self._rooms.get(webinar)
        state = room.viewers.get(viewer) if room else None
        if state is None:
            raise BadSdp("there is no offer to answer: watch the stage first")
        try:
            await state.pc.setRemoteDescription(RTCSessionDescription(answer_sdp, "answer"))
        except (ValueError, AttributeError) as exc:
            raise BadSdp(str(exc) or "the answer could not be applied") from exc

    async def present_feeds(self, webinar: int) -> set[int]:
        room = self._rooms.get(webinar)
        return {f for f, feed in room.feeds.items() if feed.pc.connectionState != "closed"} if room else set()

    def streams(self, webinar: int, viewer: str) -> dict[str, int]:
        room = self._rooms.get(webinar)
        state = room.viewers.get(viewer) if room else None
        if state is None:
            return {}
        return {t.mid: feed for feed, ts in state.transceivers.items() for t in ts if t.mid is not None}

    async def unwatch(self, webinar: int, viewer: str) -> None:
        room = self._rooms.get(webinar)
        state = room.viewers.pop(viewer, None) if room else None
        if state is not None:
            await state.pc.close()

    async def close(self, webinar: int) -> None:
        room = self._rooms.get(webinar)
        if room is None:
            return
        for viewer in list(room.viewers):
            await self.unwatch(webinar, viewer)
        for feed_id in list(room.feeds):
            await self.kick(webinar, feed_id)
        self._rooms.pop(webinar, None)

    async def aclose(self) -> None:
        for webinar in list(self._rooms):
            await self.close(webinar)


async def _drain(track: MediaStreamTrack) -> None:
    with contextlib.suppress(MediaStreamError):
        while True:
            await track.recv()
