"""A node observing a room: the machinery the webinar and lounge nodes share.

A node *observes* a room while any of its connections is in it: it holds the room and reads the same ordered
event stream as its clients, so timers and media it runs follow the events every node sees. The room is held
once per node however many sessions are in it, and given back when the last one leaves. Each observed room has at
most one timer (re-armed by the events that move it) plus background tasks that must not take the node down.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from abc import ABC, abstractmethod
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

from rooms.core.clock import Clock
from rooms.core.events import EventBody
from server.ws.hub import Hub, LocalRoom
from server.ws.protocol import EventFrame


@dataclass
class Observed:
    """One room this node observes."""

    item: int
    room: LocalRoom
    sessions: int = 0
    timer: asyncio.Task[None] | None = None

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


S = TypeVar("S", bound=Observed)


async def sleep_until(clock: Clock, at: dt.datetime) -> None:
    """Sleeps until the clock reads `at` (at once when that passed): timers follow the service's clock."""
    await asyncio.sleep(max(0.0, (at - clock.now()).total_seconds()))


async def guarded(coro: Coroutine[Any, Any, None], log: logging.Logger, message: str, *args: object) -> None:
    """Runs `coro`, logging a failure instead of raising it: nobody awaits a node's background task."""
    try:
        await coro
    except Exception:
        log.exception(message, *args)


def background(coro: Coroutine[Any, Any, None], log: logging.Logger, message: str, *args: object) -> asyncio.Task[None]:
    """`coro` as a guarded task. A task cancelled before its first step never enters `guarded` (no `finally` of
    its runs), so `coro` is closed when the task is done: a timer re-armed at once gives no "never awaited"."""
    task = asyncio.get_running_loop().create_task(guarded(coro, log, message, *args))
    task.add_done_callback(lambda _: coro.close())
    return task


class RoomObserver(ABC, Generic[S]):
    """Holds the rooms this node's sessions are in and hands each event of the kinds it cares about to `_on_event`.

    `kinds` are the event tags looked for in the raw frame first, so the many frames it does not care about (chat,
    presence) are never decoded.
    """

    def __init__(self, hub: Hub, kinds: tuple[str, ...], log: logging.Logger) -> None:
        self._hub = hub
        self._kinds = tuple(f'"kind":"{kind}"'.encode() for kind in kinds)
        self._log = log
        self._observed: dict[int, S] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._decoder = msgspec.json.Decoder(EventFrame)

    @abstractmethod
    def _room_name(self, item: int) -> str: ...

    @abstractmethod
    def _new(self, item: int, room: LocalRoom) -> S: ...

    @abstractmethod
    async def _started(self, seen: S) -> None:
        """The node began observing: load the state the events will update, arm the timer."""

    @abstractmethod
    def _on_event(self, seen: S, event: EventBody) -> None: ...

    async def _stopping(self, seen: S) -> None:
        """The last session here left; the room's timer is already cancelled."""

    async def enter(self, item: int) -> None:
        seen = self._observed.get(item)
        if seen is None:
            room = await self._hub.hold(self._room_name(item))
            seen = self._observed.get(item)  # another session may have got here during the await
            if seen is None:
                seen = self._observed[item] = self._new(item, room)
                room.observers.append(lambda payload: self._on_frame(item, payload))
                await self._started(seen)
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
        seen.disarm()
        await self._stopping(seen)
        seen.room.observers.clear()
        self._hub.release(seen.room)

    def _on_frame(self, item: int, payload: bytes) -> None:
        if not any(kind in payload for kind in self._kinds):
            return
        frame = self._decoder.decode(payload)
        seen = self._observed.get(item)
        if seen is None:
            return
        self._on_event(seen, frame.event)

    def _arm(self, seen: S, run: Coroutine[Any, Any, None], name: str, failed: str, *args: object) -> None:
        """(Re-)arms the room's timer: the one it replaces is cancelled; a failure is logged as `failed`."""
        seen.disarm()
        seen.timer = background(run, self._log, failed, *args)
        seen.timer.set_name(name)

    def _spawn(self, coro: Coroutine[Any, Any, None], failed: str) -> None:
        """Runs `coro` in the background, kept until done so it is not collected mid-way, cancelled on close."""
        task = background(coro, self._log, failed)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for seen in list(self._observed.values()):
            seen.disarm()
        self._observed.clear()
