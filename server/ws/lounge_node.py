"""A node's lounge machinery: the round timers.

A node *observes* a lounge while any of its connections is in it (server/ws/observer.py): it holds the lounge room
and reads the same ordered event stream as its clients. Each `l-round` event (re-)arms the timer for the round it
carries; at the round's end the node asks the service for the next round with the people present then (from
presence, on every node). Every observing node does so; the command carries a fixed idempotency key and names the
round that ends, so the next round starts once, whichever node fires first, and a round already moved on by an
organiser (`rounds-next`) or stopped is left alone.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import NamedTuple

from rooms.core.clock import Clock
from rooms.core.events import EventBody
from rooms.core.refs import lounge
from rooms.lounge.events import RoundChanged
from rooms.lounge.service import LoungeService
from server.ws.hub import Hub, LocalRoom
from server.ws.observer import Observed, RoomObserver, sleep_until

log = logging.getLogger("roundtable.lounge")

Present = Callable[[int], Awaitable[list[int]]]  # lounge item → the user ids present in it now, on any node


class _Due(NamedTuple):
    """The running round, as far as its timer cares."""

    number: int
    of: int
    ends_at: dt.datetime


class LoungeNode(RoomObserver[Observed]):
    def __init__(self, hub: Hub, lounges: LoungeService, clock: Clock, present: Present) -> None:
        super().__init__(hub, ("l-round",), log)
        self._lounges = lounges
        self._clock = clock
        self._present = present

    def _room_name(self, item: int) -> str:
        return lounge(item).name

    def _new(self, item: int, room: LocalRoom) -> Observed:
        return Observed(item, room)

    async def _started(self, seen: Observed) -> None:
        current = await self._lounges.current_round(seen.item)
        self._arm_round(seen, None if current is None else _Due(*current))

    def _on_event(self, seen: Observed, event: EventBody) -> None:
        match event:
            case RoundChanged(round=current):
                self._arm_round(seen, None if current is None else _Due(current.number, current.of, current.ends_at))
            case _:
                pass

    def _arm_round(self, seen: Observed, current: _Due | None) -> None:
        if current is None:
            seen.disarm()
        else:
            self._arm(seen, self._run(seen.item, current), f"lounge {seen.item} round {current.number}",
                      "round %d of lounge %d failed to move on", current.number, seen.item)

    async def _run(self, item: int, current: _Due) -> None:
        await sleep_until(self._clock, current.ends_at)
        if current.number < current.of:
            present = await self._present(item)
            await self._lounges.next_round(item, current.number + 1, present)
        else:
            await self._lounges.end_round(item, current.number)
