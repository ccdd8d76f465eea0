"""A node's lounge machinery: the round timers.

A node *observes* a lounge while any of its connections is in it: it holds the lounge room and reads the same
ordered event stream as its clients. Each `l-round` event (re-)arms the timer for the round it carries; at the
round's end the node asks the service for the next round with the people present then (from presence, on every
node). Every observing node does so; the command carries a fixed idempotency key and names the round that ends,
so the next round starts once, whichever node fires first, and a round already moved on by an organiser
(`rounds-next`) or stopped is left alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import NamedTuple

import msgspec

from rooms.clock import Clock
from rooms.events import lounge
from rooms.live import Appended
from rooms.lounge_events import RoundChanged
from rooms.lounge_service import LoungeService
from server.ws.hub import Hub, LocalRoom
from server.ws.protocol import EventFrame

log = logging.getLogger("roundtable.lounge")

Present = Callable[[int], Awaitable[list[int]]]  # lounge item → the user ids present in it now, on any node


class _Due(NamedTuple):
    """The running round, as far as its timer cares."""

    number: int
    of: int
    ends_at: dt.datetime


@dataclass
class Observed:
    item: int
    room: LocalRoom
    sessions: int = 0
    timer: asyncio.Task[None] | None = None


class LoungeNode:
    def __init__(self, hub: Hub, lounges: LoungeService, clock: Clock, present: Present,
                 publish: Callable[[Appended], Awaitable[None]]) -> None:
        self._hub = hub
        self._lounges = lounges
        self._clock = clock
        self._present = present
        self._publish = publish
        self._observed: dict[int, Observed] = {}
        self._decoder = msgspec.json.Decoder(EventFrame)

    async def enter(self, item: int) -> None:
        seen = self._observed.get(item)
        if seen is None:
            room = await self._hub.hold(lounge(item).name)
            seen = self._observed.get(item)  # another session may have got here during the await
            if seen is None:
                seen = self._observed[item] = Observed(item, room)
                room.observers.append(lambda payload: self._on_frame(item, payload))
                current = await self._lounges.current_round(item)
                self._arm(seen, None if current is None else _Due(*current))
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
        if seen.timer is not None:
            seen.timer.cancel()
        seen.room.observers.clear()
        self._hub.release(seen.room)

    def _on_frame(self, item: int, payload: bytes) -> None:
        if b'"kind":"l-round"' not in payload:
            return
        frame = self._decoder.decode(payload)
        seen = self._observed.get(item)
        if seen is None:
            return
        match frame.event:
            case RoundChanged(round=current):
                self._arm(seen, None if current is None else _Due(current.number, current.of, current.ends_at))
            case _:
                pass

    def _arm(self, seen: Observed, current: _Due | None) -> None:
        if seen.timer is not None:
            seen.timer.cancel()
            seen.timer = None
        if current is not None:
            seen.timer = asyncio.get_running_loop().create_task(self._run(seen.item, current),
                                                                name=f"lounge {seen.item} round {current.number}")

    async def _run(self, item: int, current: _Due) -> None:
        try:
            await asyncio.sleep(max(0.0, (current.ends_at - self._clock.now()).total_seconds()))
            if current.number < current.of:
                present = await self._present(item)
                await self._publish(await self._lounges.next_round(item, current.number + 1, present))
            else:
                await self._publish(await self._lounges.end_round(item, current.number))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("round %d of lounge %d failed to move on", current.number, item)

    async def close(self) -> None:
        for seen in list(self._observed.values()):
            if seen.timer is not None:
                seen.timer.cancel()
        self._observed.clear()
