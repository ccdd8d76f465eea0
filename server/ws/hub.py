"""The node's rooms: one broker subscription per room per node, fanned out to the local connections.

Durable events travel through the broker as `b"<seq>\\n<json>"`; ephemeral ones (presence) with seq 0. Each
room delivers sequenced events in order, exactly once: duplicates are dropped, and a gap is filled from the event
log before the next event goes out. A gap shows as a later seq, as the broker's `GAP` (a reconnected or overflowed
subscription), or — in a room that went quiet after losing its last events — only when `check` compares the room
with its log (the node's heartbeat does, for every room). Events whose publish failed are handed to `deliver_local`
so this node's own connections get them at once.

One task at a time moves a room's `last_seq` (the room's lock): the reader, a local delivery or a check.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rooms.core.broker import Broker, Gap
from rooms.core.eventlog import EventLog
from rooms.core.events import RoomEvent
from server.logs import bind
from server.ws.connection import Connection
from server.ws.frames import Batch, Outgoing, encode, event_frame
from server.ws.protocol import EventFrame
from server.ws.traffic import Traffic

log = logging.getLogger("roundtable.hub")

FILL_BATCH = 500
# Publish times kept for the fan-out latency: one per event published into a room held here, until delivered.
MAX_STAMPS = 10_000


@dataclass
class LocalRoom:
    name: str
    conns: set[Connection] = field(default_factory=set)
    holders: int = 0
    last_seq: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    # Node-side listeners (a webinar's timers and stage subscriptions): called with each frame's JSON, in order.
    observers: list[Callable[[bytes], None]] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # held while delivering or filling
    # Resolved with the error when an attempt to open the room fails before it was ready (then replaced).
    failure: asyncio.Future[BaseException] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())
    # Frames fanned out since the last write to the connections: written together once the reader has nothing
    # more waiting (see `_fanout`).
    pending: list[Outgoing] = field(default_factory=list)


def wire(event: RoomEvent) -> bytes:
    return b"%d\n" % event.seq + encode(event_frame(event))


class Hub:
    def __init__(self, broker: Broker, log_: EventLog, traffic: Traffic | None = None) -> None:
        self._broker = broker
        self._log = log_
        self._rooms: dict[str, LocalRoom] = {}
        self.traffic = traffic or Traffic()
        # (room, seq) -> when this node published it: the fan-out here observes the latency (an event published
        # on another node is not timed: the two clocks are not the same clock).
        self._stamps: dict[tuple[str, int], float] = {}

    # -- publishing ----------------------------------------------------------------------------------------

    async def publish(self, event: RoomEvent) -> None:
        """Raises when the broker cannot take it (see `deliver_local`)."""
        if event.room in self._rooms:
            if len(self._stamps) >= MAX_STAMPS:
                self._stamps.clear()  # events lost on the way are never delivered: forget their stamps
            self._stamps[(event.room, event.seq)] = time.perf_counter()
        await self._broker.publish(event.room, wire(event))

    async def deliver_local(self, event: RoomEvent) -> None:
        """Delivers a durable event to this node's connections in its room, as if the broker had brought it."""
        room = self._rooms.get(event.room)
        if room is None or not room.ready.is_set():
            return  # nobody here; a room being opened reads the log's last seq first
        async with room.lock:
            await self._deliver(room, wire(event))

    async def check(self, rooms: Sequence[LocalRoom]) -> None:
        """Compares the rooms with their log, in one query, and delivers what each missed."""
        ready = [room for room in rooms if room.ready.is_set()]
        if not ready:
            return
        last = await self._log.last_seqs([room.name for room in ready])
        for room in ready:
            upto = last[room.name]
            if upto <= room.last_seq:
                continue
            try:
                async with room.lock:
                    await self._fill(room, upto)
            except Exception:
                log.exception("checking room %s against its log failed", room.name)

    async def publish_ephemeral(self, room: str, payload: bytes) -> None:
        await self._broker.publish(room, b"0\n" + payload)

    # -- membership ----------------------------------------------------------------------------------------

    async def hold(self, name: str) -> LocalRoom:
        room = self._rooms.get(name)
        if room is None:
            room = self._rooms[name] = LocalRoom(name)
            # A context of its own: the room outlives the connection whose join opened it (its log ids).
            room.task = asyncio.get_running_loop().create_task(self._read(room), name=f"room {name}",
                                                               context=contextvars.Context())
        room.holders += 1
        if not room.ready.is_set():
            try:
                await self._opened(room)
            except BaseException:
                self.release(room)
                raise
        return room

    @staticmethod
    async def _opened(room: LocalRoom) -> None:
        """Waits until the room's reader is ready, or raises what stopped its attempt to get there (the log
        unreachable, say): a join must not hang while the reader retries."""
        ready = asyncio.ensure_future(room.ready.wait())
        failed = asyncio.ensure_future(room.failure)
        try:
            await asyncio.wait((ready, failed), return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready.cancel()
        if not room.ready.is_set():
            raise failed.result()

    def release(self, room: LocalRoom, conn: Connection | None = None) -> None:
        if conn is not None:
            room.conns.discard(conn)
        room.holders -= 1
        if room.holders <= 0 and self._rooms.get(room.name) is room:
            del self._rooms[room.name]
            if room.task is not None:
                room.task.cancel()

    def room(self, name: str) -> LocalRoom | None:
        return self._rooms.get(name)

    def local_rooms(self) -> list[LocalRoom]:
        return list(self._rooms.values())

    async def attach(self, room: LocalRoom, conn: Connection, since: int | None, history: int,
                     start: Callable[[int, list[EventFrame] | None], None]) -> None:
        """Brings `conn` up to date in `room` and makes it live.

        `start(seq, history)` is called first, to send the reply that opens the stream: `history` is set when
        the client gets recent history instead of the exact events it missed (a first join, or a gap too old).
        Then come the events after `seq`, in order, then live events."""
        target = room.last_seq
        reset: list[EventFrame] | None = None
        if since is None or since > target or target - since > FILL_BATCH * 2:
            recent = await self._log.recent(room.name, history)
            reset = [event_frame(e) for e in recent if e.seq <= target]
            cursor = target
        else:
            cursor = since
        start(cursor, reset)
        while True:
            if cursor >= room.last_seq:
                # What is pending is at or below last_seq, which the history covered: the others get it first.
                self._flush(room)
                room.conns.add(conn)  # no await between the check and the add: nothing slips between
                return
            missed = await self._log.since(room.name, cursor, min(room.last_seq - cursor, FILL_BATCH))
            if not missed:
                raise RuntimeError(f"event log of {room.name} lacks events up to {room.last_seq}")
            for event in missed:
                conn.send(Outgoing(encode(event_frame(event))))
            self.traffic.frames_out += len(missed)
            cursor = missed[-1].seq

    # -- the room reader -----------------------------------------------------------------------------------

    async def _read(self, room: LocalRoom) -> None:
        bind(room=room.name)
        backoff = 0.1
        while True:
            try:
                async with self._broker.subscribe(room.name) as events:
                    if room.ready.is_set():
                        async with room.lock:
                            await self._fill(room, await self._log.last_seq(room.name))
                    else:
                        room.last_seq = await self._log.last_seq(room.name)
                        room.ready.set()
                    backoff = 0.1
                    async for payload in events:
                        async with room.lock:
                            if isinstance(payload, Gap):
                                await self._fill(room, await self._log.last_seq(room.name))
                            else:
                                await self._deliver(room, payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not room.ready.is_set():
                    room.failure.set_result(exc)
                    room.failure = asyncio.get_running_loop().create_future()
                log.exception("room %s: subscription failed; retrying", room.name)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def _deliver(self, room: LocalRoom, payload: bytes) -> None:
        head, _, body = payload.partition(b"\n")
        seq = int(head)
        if seq == 0:
            self._fanout(room, Outgoing(body))
            return
        if seq <= room.last_seq:
            return
        if seq > room.last_seq + 1:
            await self._fill(room, seq - 1)
        if seq == room.last_seq + 1:
            self._fanout(room, Outgoing(body))
            room.last_seq = seq
            self._observe(room.name, seq)

    async def _fill(self, room: LocalRoom, upto: int) -> None:
        while room.last_seq < upto:
            missed = await self._log.since(room.name, room.last_seq, min(upto - room.last_seq, FILL_BATCH))
            if not missed:
                return
            for event in missed:
                self._fanout(room, Outgoing(encode(event_frame(event))))
                room.last_seq = event.seq
                self._observe(room.name, event.seq)

    def _observe(self, room: str, seq: int) -> None:
        if self._stamps:
            stamp = self._stamps.pop((room, seq), None)
            if stamp is not None:
                self.traffic.fanout_latency(time.perf_counter() - stamp)

    def _fanout(self, room: LocalRoom, out: Outgoing) -> None:
        # Written on the loop's next turn, after whatever else the reader finds waiting: at a low rate that is
        # at once (one event per write), under load the events that queued meanwhile go out in one write per
        # connection — the kernel's part of a delivery is per write, not per byte. Counted once per event.
        self.traffic.frames_out += len(room.conns)
        if not room.pending:
            asyncio.get_running_loop().call_soon(self._flush, room)
        room.pending.append(out)
        for observe in room.observers:
            try:
                observe(out.json)
            except Exception:
                log.exception("room %s: an observer failed", room.name)

    @staticmethod
    def _flush(room: LocalRoom) -> None:
        # The hot path: no await, no task, the same bytes for everyone.
        pending = room.pending
        if not pending:
            return
        room.pending = []
        out = pending[0] if len(pending) == 1 else Batch(pending)
        for conn in room.conns:
            conn.send(out)

    async def close(self) -> None:
        for room in list(self._rooms.values()):
            if room.task is not None:
                room.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await room.task
        self._rooms.clear()
