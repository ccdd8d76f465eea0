"""A node's webinar machinery: the time box timers, the stage subscriptions of local viewers, and reaction bursts.

A node *observes* a webinar while any of its connections is in it: it holds the webinar's public room and reads
the same ordered event stream as its clients. A `w-stage` event renegotiates local viewers' subscriptions; a
`w-timebox` event re-arms the timers; `w-ended` tears the local stage down. Timers run on every observing node;
the events they write carry fixed idempotency keys, so each warning and the end are written once.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import msgspec

from rooms.clock import Clock
from rooms.events import RoomEvent, webinar
from rooms.live import Appended
from rooms.reactions import ReactionAggregator
from rooms.webinar_events import Feed, StageChanged, TimeboxChanged, WebinarEnded
from rooms.webinar_service import WebinarService
from server.ws.connection import Connection
from server.ws.frames import encode
from server.ws.hub import Hub, LocalRoom
from server.ws.protocol import EventFrame
from server.ws.protocol_webinar import Reactions, StageOffer
from signaling.stage import StageMedia

log = logging.getLogger("roundtable.webinar")

WARNINGS = (10, 5, 1)  # minutes left at which host and speakers are warned
REACTION_INTERVAL = 0.5


@dataclass
class Watcher:
    conn: Connection
    feeds: tuple[int, ...]
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class Observed:
    item: int
    room: LocalRoom
    sessions: int = 0
    timers: asyncio.Task[None] | None = None
    watchers: dict[str, Watcher] = field(default_factory=dict)
    live: list[Feed] = field(default_factory=list)


class WebinarNode:
    def __init__(self, hub: Hub, webinars: WebinarService, stage: StageMedia, clock: Clock,
                 publish: Callable[[Appended], Awaitable[None]]) -> None:
        self._hub = hub
        self._webinars = webinars
        self.stage = stage
        self._clock = clock
        self._publish = publish
        self._observed: dict[int, Observed] = {}
        self.reactions = ReactionAggregator()
        self._tasks: set[asyncio.Task[None]] = set()
        self._flusher: asyncio.Task[None] | None = None
        self._decoder = msgspec.json.Decoder(EventFrame)

    def start(self) -> None:
        self._flusher = asyncio.get_running_loop().create_task(self._flush_reactions(), name="reactions")

    # -- observing -----------------------------------------------------------------------------------------

    async def enter(self, item: int) -> None:
        seen = self._observed.get(item)
        if seen is None:
            room = await self._hub.hold(webinar(item).name)
            seen = self._observed.get(item)  # another session may have got here during the await
            if seen is None:
                seen = self._observed[item] = Observed(item, room)
                room.observers.append(lambda payload: self._on_frame(item, payload))
                seen.live = await self._webinars.live_feeds(item)
                self._arm(seen)
            else:
                self._hub.release(room)
        seen.sessions += 1

    async def exit(self, item: int) -> None:
        seen = self._observed.get(item)
        if seen is None:
            return
        seen.sessions -= 1
        if seen.sessions > 0:
            return
        del self._observed[item]
        if seen.timers is not None:
            seen.timers.cancel()
        for key in list(seen.watchers):
            await self.unwatch(item, key)
        seen.room.observers.clear()
        self._hub.release(seen.room)

    def _on_frame(self, item: int, payload: bytes) -> None:
        if b'"kind":"w-stage"' not in payload and b'"kind":"w-timebox"' not in payload \
                and b'"kind":"w-ended"' not in payload:
            return
        frame = self._decoder.decode(payload)
        seen = self._observed.get(item)
        if seen is None:
            return
        match frame.event:
            case StageChanged(stage=stage):
                seen.live = list(stage.live)
                self._spawn(self._renegotiate(seen))
            case TimeboxChanged():
                self._arm(seen)
            case WebinarEnded():
                seen.live = []
                if seen.timers is not None:
                    seen.timers.cancel()
                self._spawn(self._renegotiate(seen))
            case _:
                pass

    def _spawn(self, coro: Awaitable[None]) -> None:
        async def run() -> None:
            try:
                await coro
            except Exception:
                log.exception("webinar background task failed")

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- stage subscriptions -------------------------------------------------------------------------------

    async def watch(self, item: int, conn: Connection) -> StageOffer:
        seen = self._observed.get(item)
        if seen is None:
            raise RuntimeError("watch before enter")
        old = seen.watchers.pop(conn.id, None)
        if old is not None:
            await self.stage.unwatch(item, conn.id)
        feeds = await self._without_dead(seen, list(seen.live)) if seen.live else []
        watcher = seen.watchers[conn.id] = Watcher(conn, tuple(f.feed for f in feeds))
        async with watcher.lock:
            try:
                sdp = await self.stage.watch(item, conn.id, list(watcher.feeds))
            except Exception:
                seen.watchers.pop(conn.id, None)
                raise
        return StageOffer(room=webinar(item).name, sdp=sdp, feeds=feeds, mids=self.stage.streams(item, conn.id))

    async def watch_answer(self, item: int, conn: Connection, sdp: str) -> None:
        seen = self._observed.get(item)
        if seen is None or conn.id not in seen.watchers:
            from rooms.errors import Invalid

            raise Invalid("not-watching", "Ask for the stage with stage-watch first.", "room")
        await self.stage.watch_answer(item, conn.id, sdp)

    async def unwatch(self, item: int, key: str) -> None:
        seen = self._observed.get(item)
        if seen is not None:
            seen.watchers.pop(key, None)
        with contextlib.suppress(Exception):
            await self.stage.unwatch(item, key)

    async def _renegotiate(self, seen: Observed) -> None:
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

    async def _without_dead(self, seen: Observed, feeds: list[Feed]) -> list[Feed]:
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
                await self._publish(await self._webinars.went_off(f.user_id, seen.item, f.source.value))
            except Exception:
                log.exception("taking dead feed %d off webinar %d failed", f.feed, seen.item)
        return [f for f in feeds if f.feed in present]

    # -- time box ------------------------------------------------------------------------------------------

    def _arm(self, seen: Observed) -> None:
        if seen.timers is not None:
            seen.timers.cancel()
        seen.timers = asyncio.get_running_loop().create_task(self._run_timers(seen.item),
                                                             name=f"webinar {seen.item} time box")

    async def _run_timers(self, item: int) -> None:
        try:
            box = await self._webinars.timebox(item)
            if box.status != "live":
                return
            now = self._clock.now()
            # A warning whose moment passed before we looked is skipped, except the latest one.
            due = [(box.ends_at - dt.timedelta(minutes=m), m) for m in WARNINGS]
            pending = [(at, m) for at, m in due if at > now]
            for at, minutes in pending:
                await asyncio.sleep(max(0.0, (at - self._clock.now()).total_seconds()))
                await self._publish(await self._webinars.warn(item, minutes))
            await asyncio.sleep(max(0.0, (box.ends_at - self._clock.now()).total_seconds()))
            await self._publish(await self._webinars.finish(item))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("time box of webinar %d failed", item)

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
        for task in list(self._tasks):
            task.cancel()
        for seen in list(self._observed.values()):
            if seen.timers is not None:
                seen.timers.cancel()
        self._observed.clear()
        await self.stage.aclose()


def first_event(appended: Appended) -> RoomEvent:
    return appended.events[0]
