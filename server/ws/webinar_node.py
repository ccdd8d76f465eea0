"""A node's webinar machinery: the time box timers, the stage subscriptions of local viewers, and reaction bursts.

A node *observes* a webinar while any of its connections is in it (server/ws/observer.py): it holds the webinar's
public room and reads the same ordered event stream as its clients. A `w-stage` event renegotiates local viewers'
subscriptions; a `w-timebox` event re-arms the timers; `w-ended` tears the local stage down. Timers run on every
observing node; the events they write carry fixed idempotency keys, so each warning and the end are written once.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import logging
from dataclasses import dataclass, field

from rooms.core.clock import Clock
from rooms.core.errors import Invalid
from rooms.core.events import EventBody
from rooms.core.refs import webinar
from rooms.webinar.events import Feed, RecordingChanged, StageChanged, TimeboxChanged, WebinarEnded
from rooms.webinar.reactions import ReactionAggregator
from rooms.webinar.service import WebinarService
from server.recorder import Recorder
from server.ws.connection import Connection
from server.ws.frames import encode
from server.ws.hub import Hub, LocalRoom
from server.ws.observer import Observed, RoomObserver, background, sleep_until
from server.ws.protocol_webinar import Reactions, StageOffer, StageReset
from signaling.stage import StageError, StageMedia
from signaling.stage_janus import JanusStage

log = logging.getLogger("roundtable.webinar")

WARNINGS = (10, 5, 1)  # minutes left at which host and speakers are warned
REACTION_INTERVAL = 0.5
RECOVERY_RETRY = (0.25, 2.0)  # first and longest wait between asking a lost SFU whether it is back


@dataclass
class Watcher:
    conn: Connection
    feeds: tuple[int, ...]
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class WebinarObserved(Observed):
    watchers: dict[str, Watcher] = field(default_factory=dict)
    live: list[Feed] = field(default_factory=list)
    rehearsing: bool = False  # as of the last time box seen: a rehearsal's end renders its recording
    recording: bool = False  # as of the last event seen: only then do stage changes concern the recorder


class WebinarNode(RoomObserver[WebinarObserved]):
    def __init__(self, hub: Hub, webinars: WebinarService, stage: StageMedia, clock: Clock,
                 recorder: Recorder) -> None:
        super().__init__(hub, ("w-stage", "w-timebox", "w-ended", "w-recording"), log)
        self._webinars = webinars
        self.stage = stage
        self.recorder = recorder
        self._clock = clock
        self.reactions = ReactionAggregator()
        self._flusher: asyncio.Task[None] | None = None
        self._recovering: asyncio.Task[None] | None = None
        self._lost_again = False
        if isinstance(stage, JanusStage):
            stage.on_lost(self._stage_lost)

    def viewers(self) -> int:
        """Connections on this node watching a webinar's stage (for /metrics)."""
        return sum(len(seen.watchers) for seen in self._observed.values())

    def start(self) -> None:
        self._flusher = asyncio.get_running_loop().create_task(self._flush_reactions(), name="reactions")

    # -- observing -----------------------------------------------------------------------------------------

    def _room_name(self, item: int) -> str:
        return webinar(item).name

    def _new(self, item: int, room: LocalRoom) -> WebinarObserved:
        return WebinarObserved(item, room)

    async def _started(self, seen: WebinarObserved) -> None:
        seen.live = await self._webinars.live_feeds(seen.item)
        plan = await self._webinars.recording_plan(seen.item)
        seen.rehearsing, seen.recording = plan.rehearsal, plan.on
        self._arm_timebox(seen)

    async def _stopping(self, seen: WebinarObserved) -> None:
        for key in list(seen.watchers):
            await self.unwatch(seen.item, key)

    def _on_event(self, seen: WebinarObserved, event: EventBody) -> None:
        match event:
            case StageChanged(stage=stage):
                seen.live = list(stage.live)
                self._spawn(self._renegotiate(seen), "webinar background task failed")
                if seen.recording:  # a feed went live or off: it is recorded or not, as the plan says
                    self._spawn(self.recorder.apply(seen.item, seen.live), "recording the stage failed")
            case RecordingChanged(on=on):
                seen.recording = on
                self._spawn(self.recorder.apply(seen.item, list(seen.live)), "recording the stage failed")
            case TimeboxChanged(timebox=box):
                self._arm_timebox(seen)
                if seen.recording:
                    # The rehearsal's recording and the real session's are two: a change of phase moves the feeds.
                    self._spawn(self.recorder.apply(seen.item, list(seen.live)), "recording the stage failed")
                if seen.rehearsing and not box.rehearsal:
                    self._spawn(self.recorder.render(seen.item, rehearsal=True), "rendering a rehearsal failed")
                seen.rehearsing = box.rehearsal
            case WebinarEnded():
                seen.live = []
                seen.disarm()
                self._spawn(self._renegotiate(seen), "webinar background task failed")
                self._spawn(self.recorder.render(seen.item, rehearsal=False), "rendering a recording failed")
            case _:
                pass

    # -- stage subscriptions -------------------------------------------------------------------------------

    async def watch(self, item: int, conn: Connection) -> StageOffer:
        seen = self._observed.get(item)
        if seen is None:
            raise RuntimeError("watch before enter")
        old = seen.watchers.pop(conn.id, None)
        if old is not None:
            await self.stage.unwatch(item, conn.id)
        feeds = list(seen.live)
        watcher = seen.watchers[conn.id] = Watcher(conn, tuple(f.feed for f in feeds))
        async with watcher.lock:
            try:
                try:
                    sdp = await self.stage.watch(item, conn.id, list(watcher.feeds))
                except StageError:
                    # Only when the SFU refuses (a feed it lost) is it asked which feeds it has: not on every join
                    # of a 300-viewer storm.
                    feeds = await self._without_dead(seen, feeds)
                    watcher.feeds = tuple(f.feed for f in feeds)
                    sdp = await self.stage.watch(item, conn.id, list(watcher.feeds))
            except Exception:
                seen.watchers.pop(conn.id, None)
                raise
        return StageOffer(room=webinar(item).name, sdp=sdp, feeds=feeds, mids=self.stage.streams(item, conn.id))

    async def watch_answer(self, item: int, conn: Connection, sdp: str) -> None:
        seen = self._observed.get(item)
        if seen is None or conn.id not in seen.watchers:
            raise Invalid(code="not-watching", message="Ask for the stage with stage-watch first.", field="room")
        await self.stage.watch_answer(item, conn.id, sdp)

    async def unwatch(self, item: int, key: str) -> None:
        seen = self._observed.get(item)
        if seen is not None:
            seen.watchers.pop(key, None)
        with contextlib.suppress(Exception):
            await self.stage.unwatch(item, key)

    async def _renegotiate(self, seen: WebinarObserved) -> None:
        feeds = list(seen.live)
        if seen.watchers and feeds:
            feeds = await self._without_dead(seen, feeds)
        wanted = tuple(f.feed for f in feeds)
        for key, watcher in list(seen.watchers.items()):
            async with watcher.lock:
                if watcher.feeds == wanted or seen.watchers.get(key) is not watcher:
                    continue
                watcher.feeds = wanted
                try:
                    sdp = await self.stage.rewatch(seen.item, key, list(wanted))
                except Exception:
                    log.exception("renegotiating viewer %s of webinar %d failed", key, seen.item)
                    continue
                if sdp is not None:
                    watcher.conn.send_frame(StageOffer(room=webinar(seen.item).name, sdp=sdp, feeds=feeds,
                                                       mids=self.stage.streams(seen.item, key)))

    async def _without_dead(self, seen: WebinarObserved, feeds: list[Feed]) -> list[Feed]:
        """Feeds whose publisher vanished without unpublishing (a crashed tab, a dead network) would make every
        subscription fail: leave them out, and take them off the stage so every node and client agrees."""
        try:
            present = await self.stage.present_feeds(seen.item)
        except Exception:
            log.exception("listing the stage of webinar %d failed", seen.item)
            return feeds
        dead = [f for f in feeds if f.feed not in present]
        for f in dead:
            try:
                await self._webinars.went_off(f.user_id, seen.item, f.source.value)
            except Exception:
                log.exception("taking dead feed %d off webinar %d failed", f.feed, seen.item)
        return [f for f in feeds if f.feed in present]

    # -- the SFU lost and back (docs/webinar.md, "When the media server restarts") ---------------------------

    def _stage_lost(self) -> None:
        # Janus forgot every feed and subscription of this node, so its watchers go too: a stage change meanwhile
        # must not renegotiate a subscription that no longer exists.
        for seen in self._observed.values():
            seen.watchers.clear()
        self._lost_again = True
        if self._recovering is None or self._recovering.done():
            assert isinstance(self.stage, JanusStage)
            # In a context of its own: this runs in the Janus reader's, which carries the log fields (conn, user,
            # room) of whichever request first opened the socket.
            self._recovering = contextvars.Context().run(
                background, self._recover(self.stage), log, "recovering the stage failed")
            self._tasks.add(self._recovering)
            self._recovering.add_done_callback(self._tasks.discard)

    async def _recover(self, janus: JanusStage) -> None:
        """Once the SFU answers again, tells every local connection of every webinar here to publish and watch
        again (`stage-reset`): their peer connections ended with the SFU's. Telling them earlier would only make
        their requests fail."""
        while self._lost_again:
            self._lost_again = False
            delay = RECOVERY_RETRY[0]
            tries = 0
            while True:
                try:
                    await janus.ping()
                    break
                except Exception as exc:
                    tries += 1
                    # Once per outage at info: an external Janus may stay away for long, asked every 2 s.
                    log.log(logging.INFO if tries == 1 else logging.DEBUG,
                            "the stage media is not back yet (%s); asking again until it is", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECOVERY_RETRY[1])
            if self._lost_again:
                continue  # lost again while we asked: the next round tells them once
            told = 0
            for seen in list(self._observed.values()):
                frame = StageReset(room=webinar(seen.item).name)
                for conn in list(seen.room.conns):
                    conn.send_frame(frame)
                    told += 1
            log.warning("the stage media is back: told %d connections to publish and watch again", told)

    # -- time box ------------------------------------------------------------------------------------------

    def _arm_timebox(self, seen: WebinarObserved) -> None:
        self._arm(seen, self._run_timers(seen.item), f"webinar {seen.item} time box",
                  "time box of webinar %d failed", seen.item)

    async def _run_timers(self, item: int) -> None:
        box = await self._webinars.timebox(item)
        if box.status != "live":
            return
        now = self._clock.now()
        # A warning whose moment passed before we looked is skipped, except the latest one.
        due = [(box.ends_at - dt.timedelta(minutes=m), m) for m in WARNINGS]
        pending = [(at, m) for at, m in due if at > now]
        for at, minutes in pending:
            await sleep_until(self._clock, at)
            await self._webinars.warn(item, minutes, box.run)
        await sleep_until(self._clock, box.ends_at)
        await self._webinars.finish(item, box.run)

    # -- reactions -----------------------------------------------------------------------------------------

    async def _flush_reactions(self) -> None:
        while True:
            await asyncio.sleep(REACTION_INTERVAL)
            for room, counts in self.reactions.drain().items():
                try:
                    await self._hub.publish_ephemeral(room, encode(Reactions(room=room, counts=counts)))
                except Exception:
                    log.exception("publishing reactions in %s failed", room)

    async def close(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
        await super().close()
        await self.stage.aclose()
