"""`JanusStage`: the stage on a Janus VideoRoom, driven over Janus's WebSocket API.

One VideoRoom per webinar (its id derived from the webinar id, created on demand with a secret shared by all our
nodes, so only we can kick publishers or destroy it); one publisher handle per (user, source) whose feed id is
derived from them (`stage.feed_for`), so any node can kick a feed another node published; one multistream
subscriber handle per viewer, renegotiated with Janus 1.x `update`. All handles live in one session per node.

Recording is Janus's own per-publisher recorder (one .mjr file per medium); rooms are created with `lock_record`, so
only a request carrying the room secret (ours) can switch a recorder on or off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signaling.janus_client import (
    VIDEOROOM_ID_EXISTS,
    VIDEOROOM_NO_SUCH_FEED,
    VIDEOROOM_NO_SUCH_ROOM,
    VIDEOROOM_ROOM_EXISTS,
    JanusClient,
    JanusError,
    JanusGone,
    JanusMessage,
    Jsep,
)
from signaling.recording import recording_base
from signaling.stage import BadSdp, Published, Source, StageUnavailable, check_sdp, feed_for

log = logging.getLogger(__name__)

ROOM_BASE = 7_000_000_000  # keeps our rooms apart from any others on a shared Janus
FEED_WAIT_SECONDS = 5.0  # how long a subscription waits for a feed whose publisher is still connecting
FEED_RETRY_SECONDS = 0.2
SELF_OFFER_SECONDS = 2.0  # how long a dropped feed's subscription waits for Janus's own renegotiation offer
# Janus builds each recording's path in a 255-byte buffer (base + "-video-<m-line>", then ".mjr" and any temporary
# extension) and silently records nothing when it does not fit.
MAX_RECORDING_BASE = 200


@dataclass(frozen=True)
class JanusRoomConfig:
    publishers: int = 12  # 6 visible speakers, each with camera and screen
    bitrate: int = 1_200_000
    fir_freq: int = 10  # seconds between keyframe requests to publishers (also one per viewer join)


@dataclass
class _Viewer:
    handle: int
    feeds: list[int]
    mids: dict[str, int] = field(default_factory=dict)


@dataclass
class _Room:
    publishers: dict[int, int] = field(default_factory=dict)  # feed -> handle
    viewers: dict[str, _Viewer] = field(default_factory=dict)


class JanusStage:
    """StageMedia on Janus. `secret` must be the same on every node (derive it from the server's secret key)."""

    name = "janus"
    viewer_cap: int | None = None
    can_record = True

    def __init__(self, url: str, secret: str, config: JanusRoomConfig | None = None,
                 admin_key: str | None = None) -> None:
        self.client = JanusClient(url)
        self.secret = secret
        self.config = config or JanusRoomConfig()
        self.admin_key = admin_key
        self._session: int | None = None
        self._control: int | None = None  # the handle for room create/kick/destroy
        self._session_lock = asyncio.Lock()
        self._rooms: dict[int, _Room] = {}
        self._opened: set[int] = set()
        # Kept apart from the rooms because a lost Janus connection must not forget them: a feed published again
        # after Janus came back is recorded (or not) as decided.
        self._recordings: dict[int, dict[tuple[int, Source], Path]] = {}  # webinar -> (user, source) -> directory
        self._lost_listeners: list[Callable[[], None]] = []
        self.client.on_reset(self._connection_lost)

    @staticmethod
    def room_id(webinar: int) -> int:
        return ROOM_BASE + webinar

    def on_lost(self, callback: Callable[[], None]) -> None:
        """Called (synchronously) each time the connection to Janus is lost, and with it every feed and
        subscription of this node: their peers must publish and watch again once Janus answers (`ping`)."""
        self._lost_listeners.append(callback)

    def _connection_lost(self) -> None:
        self._reset()
        for callback in self._lost_listeners:
            callback()

    def _reset(self) -> None:
        # Janus dropped our session with the socket: every publisher and viewer connection is gone with it.
        self._session = None
        self._control = None
        self._rooms.clear()
        self._opened.clear()

    async def _ensure_session(self) -> tuple[int, int]:
        async with self._session_lock:
            if self._session is None or self._control is None:
                try:
                    session = await self.client.create_session()
                    control = await self.client.attach(session)
                except JanusGone as exc:
                    raise StageUnavailable(str(exc)) from exc
                self._session, self._control = session, control
            return self._session, self._control

    async def ping(self) -> None:
        """Raises StageUnavailable when Janus cannot be reached (readiness and /metrics ask; a live session, which
        Janus's socket closing resets, answers at once)."""
        await self._ensure_session()

    def _room(self, webinar: int) -> _Room:
        return self._rooms.setdefault(webinar, _Room())

    async def _call(self, handle: int, body: dict[str, Any], jsep: Jsep | None = None) -> JanusMessage:
        session, _ = await self._ensure_session()
        try:
            return await self.client.message(session, handle, body, jsep)
        except JanusGone as exc:
            raise StageUnavailable(str(exc)) from exc

    async def open(self, webinar: int) -> None:
        if webinar in self._opened:
            return
        _, control = await self._ensure_session()
        body: dict[str, Any] = {
            "request": "create", "room": self.room_id(webinar), "description": f"webinar {webinar}",
            "secret": self.secret, "publishers": self.config.publishers, "bitrate": self.config.bitrate,
            "fir_freq": self.config.fir_freq, "videocodec": "vp8", "audiocodec": "opus", "permanent": False,
            "notify_joining": False, "audiolevel_event": False, "lock_record": True,
        }
        if self.admin_key:
            body["admin_key"] = self.admin_key
        try:
            await self._call(control, body)
        except JanusError as exc:
            if exc.code != VIDEOROOM_ROOM_EXISTS:  # another node (or an earlier run of ours) made it
                raise StageUnavailable(f"cannot create the Janus room: {exc.reason}") from exc
        self._opened.add(webinar)

    async def _attach(self) -> int:
        session, _ = await self._ensure_session()
        try:
            return await self.client.attach(session)
        except (JanusGone, JanusError) as exc:
            raise StageUnavailable(str(exc)) from exc

    async def _detach(self, handle: int) -> None:
        if self._session is not None:
            await self.client.detach(self._session, handle)

    # -- publishers ----------------------------------------------------------------------------------------

    async def publish(self, webinar: int, user_id: int, source: Source, display: str, offer_sdp: str) -> Published:
        check_sdp(offer_sdp, "offer")
        await self.open(webinar)
        feed = feed_for(user_id, source)
        room = self._room(webinar)
        old = room.publishers.pop(feed, None)
        if old is not None:
            await self._detach(old)
        handle = await self._attach()
        try:
            join = {"request": "join", "ptype": "publisher", "room": self.room_id(webinar), "id": feed,
                    "display": display[:100]}
            try:
                await self._call(handle, join)
            except JanusError as exc:
                if exc.code != VIDEOROOM_ID_EXISTS:
                    raise
                # A stale connection of the same (user, source), perhaps through another node: latest wins.
                await self.kick(webinar, feed)
                await self._call(handle, join)
            body: dict[str, Any] = {"request": "publish", "audio": True, "video": True}
            into = self._recordings.get(webinar, {}).get((user_id, source))
            if into is not None:
                # Asked with the publish itself, the recorder starts with the feed's first packet.
                body.update(self._recording(into, user_id, source))
            answer = await self._call(handle, body, Jsep("offer", offer_sdp))
            if answer.jsep is None:
                raise BadSdp("the media server returned no answer")
            await self.client.trickle_completed(self._session or 0, handle)
        except JanusError as exc:
            await self._detach(handle)
            raise _refusal(exc) from exc
        except BaseException:
            await self._detach(handle)
            raise
        room.publishers[feed] = handle
        return Published(answer.jsep.sdp, feed)

    async def unpublish(self, webinar: int, user_id: int, source: Source) -> None:
        feed = feed_for(user_id, source)
        handle = self._rooms.get(webinar, _Room()).publishers.pop(feed, None)
        if handle is not None:
            with contextlib.suppress(JanusError, StageUnavailable):
                await self._call(handle, {"request": "leave"})
            await self._detach(handle)

    async def kick(self, webinar: int, feed: int) -> None:
        _, control = await self._ensure_session()
        try:
            await self._call(control, {"request": "kick", "room": self.room_id(webinar), "secret": self.secret,
                                       "id": feed})
        except JanusError as exc:
            if exc.code not in (VIDEOROOM_NO_SUCH_FEED, VIDEOROOM_NO_SUCH_ROOM):
                raise StageUnavailable(f"cannot remove feed {feed}: {exc.reason}") from exc
        handle = self._rooms.get(webinar, _Room()).publishers.pop(feed, None)
        if handle is not None:
            await self._detach(handle)

    # -- recording -----------------------------------------------------------------------------------------

    async def record(self, webinar: int, user_id: int, source: Source, into: Path | None) -> None:
        chosen = self._recordings.setdefault(webinar, {})
        if into is None:
            before = chosen.pop((user_id, source), None)
        else:
            _check_recording_path(into)
            before, chosen[(user_id, source)] = chosen.get((user_id, source)), into
        if before == into:
            # Already so (the node re-applies the aggregate on every stage change): a configure would start a new
            # span of files for a feed already recorded there, or ask Janus to stop what it never started.
            return
        feed = feed_for(user_id, source)
        handle = self._rooms.get(webinar, _Room()).publishers.get(feed)
        if handle is None:
            return
        if into is not None:
            try:
                if before is not None:
                    # A feed recorded into another directory (the rehearsal's, then the session's): Janus keeps
                    # writing the files it has open when only the filename changes, so close them first.
                    await self._call(handle, {"request": "configure", "record": False, "secret": self.secret})
                await self._call(handle, {"request": "configure", **self._recording(into, user_id, source)})
            except JanusError as exc:
                raise StageUnavailable(f"Janus refused to record feed {feed}: {exc.reason}") from exc
            return
        try:
            await self._call(handle, {"request": "configure", "record": False, "secret": self.secret})
        except (JanusError, StageUnavailable) as exc:
            # Consent withdrawn must stop the recorder whatever happens: the feed goes, and its recorder with it.
            log.warning("webinar %d: Janus did not stop recording feed %d (%s); removing the feed", webinar, feed, exc)
            await self.kick(webinar, feed)

    def _recording(self, into: Path, user_id: int, source: Source) -> dict[str, Any]:
        # Janus writes into the filename's own directory when the room has no rec_dir (ours have none: the
        # directory is the caller's, per recording, and the room may have been created by another node). A new
        # base per span: Janus would overwrite the files of an earlier span with the same name.
        base = recording_base(into, user_id, source, time.time_ns() // 1_000_000)
        return {"record": True, "filename": str(base), "secret": self.secret}

    # -- viewers -------------------------------------------------------------------------------------------

    async def watch(self, webinar: int, viewer: str, feeds: list[int]) -> str:
        await self.open(webinar)
        room = self._room(webinar)
        await self.unwatch(webinar, viewer)
        handle = await self._attach()
        wanted = list(dict.fromkeys(feeds))
        try:
            offer = await self._with_feeds(lambda: self._call(handle, {
                "request": "join", "ptype": "subscriber", "room": self.room_id(webinar),
                "streams": [{"feed": f} for f in wanted]}))
        except BaseException:
            await self._detach(handle)
            raise
        if offer.jsep is None:
            await self._detach(handle)
            raise StageUnavailable("Janus returned no offer for the subscription")
        room.viewers[viewer] = _Viewer(handle, wanted, _mids(offer))
        return offer.jsep.sdp

    async def rewatch(self, webinar: int, viewer: str, feeds: list[int]) -> str | None:
        current = self._rooms.get(webinar, _Room()).viewers.get(viewer)
        if current is None:
            return await self.watch(webinar, viewer, feeds)
        wanted = list(dict.fromkeys(feeds))
        add = [f for f in wanted if f not in current.feeds]
        drop = [f for f in current.feeds if f not in wanted]
        if not add and not drop:
            return None
        # Janus renegotiates a subscription by itself when one of its publishers leaves (a kicked guest): that
        # offer, if it came, must be answered before any update of ours.
        pending = self._pending_offer(current.handle)
        if pending is None or pending.jsep is None:
            body: dict[str, Any] = {"request": "update"}
            if add:
                body["subscribe"] = [{"feed": f} for f in add]
            if drop:
                body["unsubscribe"] = [{"feed": f} for f in drop]
            try:
                msg: JanusMessage | None = await self._with_feeds(lambda: self._call(current.handle, body)) \
                    if add else await self._call(current.handle, body)
            except JanusError as exc:
                if exc.code != VIDEOROOM_NO_SUCH_FEED:  # a feed to drop is gone already: Janus's own offer follows
                    raise _refusal(exc) from exc
                msg = None
            pending = msg if msg is not None and msg.jsep is not None else await self._await_offer(current.handle)
        if pending is None or pending.jsep is None:
            # Seen about once in 16 kicks: Janus applies the removal itself, answers our update "updated" without
            # an offer and never sends one, leaving the viewer on a stale description. An ICE restart makes it offer.
            log.info("viewer %s of webinar %d: no offer from Janus (adding %s, dropping %s); asking with a restart",
                     viewer, webinar, add, drop)
            try:
                pending = await self._call(current.handle, {"request": "configure", "restart": True})
            except JanusError as exc:
                log.warning("viewer %s of webinar %d: Janus refused the restart: %s", viewer, webinar, exc)
                pending = None
        if pending is None or pending.jsep is None:
            current.feeds = wanted
            return None
        current.mids = _mids(pending)
        current.feeds = [f for f in wanted if f in current.mids.values()] or wanted
        return pending.jsep.sdp

    def _pending_offer(self, handle: int) -> JanusMessage | None:
        """The newest offer Janus sent this subscription unasked, if any (older ones are superseded)."""
        queue = self.client.events(handle)
        latest: JanusMessage | None = None
        while not queue.empty():
            msg = queue.get_nowait()
            if msg.jsep is not None and msg.jsep.type == "offer":
                latest = msg
        return latest

    async def _await_offer(self, handle: int) -> JanusMessage | None:
        """Waits briefly for the offer Janus sends by itself after a publisher left the subscription."""
        deadline = time.monotonic() + SELF_OFFER_SECONDS
        while time.monotonic() < deadline:
            found = self._pending_offer(handle)
            if found is not None:
                return found
            await asyncio.sleep(FEED_RETRY_SECONDS)
        return None

    async def present_feeds(self, webinar: int) -> set[int]:
        _, control = await self._ensure_session()
        try:
            msg = await self._call(control, {"request": "listparticipants", "room": self.room_id(webinar)})
        except JanusError as exc:
            if exc.code == VIDEOROOM_NO_SUCH_ROOM:
                return set()
            raise StageUnavailable(f"cannot list the stage: {exc.reason}") from exc
        data = msg.plugindata.data if msg.plugindata is not None else {}
        # A publisher still setting up its connection is listed with publisher=false: it counts as present.
        return {int(p["id"]) for p in data.get("participants") or []
                if isinstance(p, dict) and isinstance(p.get("id"), int)}

    def streams(self, webinar: int, viewer: str) -> dict[str, int]:
        current = self._rooms.get(webinar, _Room()).viewers.get(viewer)
        return dict(current.mids) if current is not None else {}

    async def _with_feeds(self, request: Any) -> JanusMessage:
        """Runs a subscribe request, waiting briefly for publishers that are not up yet (Janus answers 428)."""
        deadline = time.monotonic() + FEED_WAIT_SECONDS
        while True:
            try:
                result: JanusMessage = await request()
                return result
            except JanusError as exc:
                if exc.code != VIDEOROOM_NO_SUCH_FEED or time.monotonic() > deadline:
                    raise _refusal(exc) from exc
            await asyncio.sleep(FEED_RETRY_SECONDS)

    async def watch_answer(self, webinar: int, viewer: str, answer_sdp: str) -> None:
        check_sdp(answer_sdp, "answer")
        current = self._rooms.get(webinar, _Room()).viewers.get(viewer)
        if current is None:
            raise BadSdp("there is no offer to answer: watch the stage first")
        try:
            await self._call(current.handle, {"request": "start"}, Jsep("answer", answer_sdp))
            await self.client.trickle_completed(self._session or 0, current.handle)
        except JanusError as exc:
            raise _refusal(exc) from exc
        except JanusGone as exc:
            raise StageUnavailable(str(exc)) from exc

    async def unwatch(self, webinar: int, viewer: str) -> None:
        current = self._rooms.get(webinar, _Room()).viewers.pop(viewer, None)
        if current is not None:
            await self._detach(current.handle)

    # -- lifecycle -----------------------------------------------------------------------------------------

    async def close(self, webinar: int) -> None:
        room = self._rooms.pop(webinar, None)
        if room is not None:
            for handle in [*room.publishers.values(), *(v.handle for v in room.viewers.values())]:
                await self._detach(handle)
        self._opened.discard(webinar)
        self._recordings.pop(webinar, None)
        if self._control is None:
            return
        with contextlib.suppress(JanusError, StageUnavailable):
            await self._call(self._control, {"request": "destroy", "room": self.room_id(webinar),
                                             "secret": self.secret})

    async def aclose(self) -> None:
        if self._session is not None:
            await self.client.destroy_session(self._session)
        self._reset()
        await self.client.close()


def _check_recording_path(into: Path) -> None:
    if not into.is_absolute():
        raise ValueError(f"the recording directory must be an absolute path (Janus has its own working "
                         f"directory), not {into}")
    probe = recording_base(into, 2**31, "screen", 10**13)
    if len(str(probe).encode()) > MAX_RECORDING_BASE:
        raise ValueError(f"the recording directory's path is too long for Janus: {into} (at most "
                         f"{MAX_RECORDING_BASE - len(str(probe).encode()) + len(str(into).encode())} bytes)")


def _mids(msg: JanusMessage) -> dict[str, int]:
    """mid → feed from a subscriber's `attached`/`updated` event (inactive, recycled sections left out)."""
    data = msg.plugindata.data if msg.plugindata is not None else {}
    out: dict[str, int] = {}
    for stream in data.get("streams") or []:
        if isinstance(stream, dict) and stream.get("active", True) and isinstance(stream.get("feed_id"), int):
            out[str(stream.get("mid"))] = int(stream["feed_id"])
    return out


def _refusal(exc: JanusError) -> BadSdp | StageUnavailable:
    # Janus core: 464 unknown JSEP type, 465 invalid SDP; the plugin's SDP complaints name the SDP or JSEP.
    if exc.code in (464, 465) or "sdp" in exc.reason.lower() or "jsep" in exc.reason.lower():
        return BadSdp(exc.reason)
    return StageUnavailable(f"Janus refused: {exc.code} {exc.reason}")
