"""The meeting clock (server/ws/meeting_clock.py) against the real app on SQLite with a fixed clock: the app's
own clock (started with its Live) is one node, a second clock over its own engine on the same database another.
What each person sees is read back over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from rooms.live import Appended
from rooms.matchmaking_service import ROOM_OPEN_AFTER, MatchmakingService
from rooms.meeting_records import MeetingStatus
from rooms.mission import ItemKind
from server.db.store_sql import SqlStore
from server.ws.live import Live
from server.ws.meeting_clock import MeetingClock
from tests.test_api_meetings import DAY, m, matchmaking_world, ok
from tests.world import World

MIN = dt.timedelta(minutes=1)


@pytest.fixture
def mm(world: World) -> Iterator[World]:
    yield matchmaking_world(world)


class _Node:
    """A second node: its own engine, service and clock loop on the world's database; keeps what it published."""

    def __init__(self, world: World, store: SqlStore) -> None:
        self.published: list[Appended] = []
        self.clock = MeetingClock(store, MatchmakingService(store, world.clock), world.clock, self._publish)

    async def _publish(self, appended: Appended) -> None:
        self.published.append(appended)


@asynccontextmanager
async def _other_node(world: World) -> AsyncIterator[_Node]:
    store = await SqlStore.open(world.settings.database_url)
    try:
        yield _Node(world, store)
    finally:
        await store.close()


def _live(world: World) -> Live:
    live: Live = world.client.app.state.live  # type: ignore[attr-defined]
    assert live.meeting_clock is not None, "Live.start() starts the meeting clock"
    return live


async def _book(world: World, a: str, b: str, start: dt.datetime) -> int:
    item = next(i for i in await world.store.programme(world.mission_id) if i.kind is ItemKind.MATCHMAKING)
    meeting = await world.store.book(world.mission_id, world.users[a].id, world.users[b].id, item.id, start,
                                     start + 20 * MIN, world.users["organiser"].id, 30, world.clock.now())
    return meeting.id


def _set(world: World, at: dt.datetime) -> None:
    world.clock.advance(at - world.clock.now())


def _starting(world: World, who: str) -> list[dict[str, Any]]:
    notes = ok(world.call(who, "GET", f"/api/notifications?mission={world.mission_id}"))
    return [n["event"] for n in notes if n["event"]["kind"] == "n-starting"]


def _meeting(world: World, who: str, meeting_id: int) -> dict[str, Any]:
    mine = ok(world.call(who, "GET", m(world, "/meetings")))
    found: dict[str, Any] = next(x for x in mine if x["id"] == meeting_id)
    return found


def test_a_meeting_starting_now_prompts_both_members_once_on_two_nodes(mm: World) -> None:
    meeting_id = mm.run(_book, mm, "anna", "participant", DAY)
    later = mm.run(_book, mm, "bram", "participant", DAY + 25 * MIN)
    live = _live(mm)

    async def ticks() -> list[Appended]:
        async with _other_node(mm) as other:
            node = live.meeting_clock
            assert node is not None
            _set(mm, DAY - 5 * MIN)  # too early: nothing yet
            await asyncio.gather(node.tick(), other.clock.tick())
            assert [e for a in other.published for e in a.events] == []
            _set(mm, DAY - 10 * dt.timedelta(seconds=1))  # within a tick of the slot
            await asyncio.gather(node.tick(), other.clock.tick(), node.tick(), other.clock.tick())
            _set(mm, DAY + MIN)  # the next ticks still see it in their window, and send nothing again
            await asyncio.gather(node.tick(), other.clock.tick())
            return other.published

    ticks_published = mm.run(ticks)
    for who, other in (("anna", "participant"), ("participant", "anna")):
        prompts = _starting(mm, who)
        assert len(prompts) == 1, prompts
        assert prompts[0]["meeting_id"] == meeting_id
        assert prompts[0]["other"]["user_id"] == mm.users[other].id
    assert _starting(mm, "bram") == []  # 25 minutes later is not due
    assert all(e.room.startswith("inbox:") for a in ticks_published for e in a.events)
    assert _meeting(mm, "anna", meeting_id)["status"] == "booked"
    assert _meeting(mm, "bram", later)["status"] == "booked"


def test_when_the_room_closes_an_empty_meeting_is_a_no_show_and_a_joined_one_held(mm: World) -> None:
    empty = mm.run(_book, mm, "anna", "participant", DAY)
    joined = mm.run(_book, mm, "bram", "speaker", DAY)
    live = _live(mm)

    async def meet() -> None:
        _set(mm, DAY + MIN)
        await live.publish(await live.meetings.meeting_joined(mm.users["bram"], joined))
        _set(mm, DAY + 2 * MIN)
        await live.publish(await live.meetings.meeting_joined(mm.users["speaker"], joined))
        # Both are still connected when the meeting ends: only settling at the room's close counts their time.

    mm.run(meet)
    assert _meeting(mm, "bram", joined)["status"] == "booked"

    async def close() -> None:
        async with _other_node(mm) as other:
            node = live.meeting_clock
            assert node is not None
            _set(mm, DAY + 20 * MIN + ROOM_OPEN_AFTER - MIN)  # the room is still open: nothing settles
            await asyncio.gather(node.tick(), other.clock.tick())
            still = await mm.store.get_meeting(empty)
            assert still is not None and still.status is MeetingStatus.BOOKED
            _set(mm, DAY + 20 * MIN + ROOM_OPEN_AFTER + 5 * dt.timedelta(seconds=1))
            await asyncio.gather(node.tick(), other.clock.tick(), other.clock.tick())

    mm.run(close)
    assert _meeting(mm, "anna", empty)["status"] == "no-show"
    assert _meeting(mm, "participant", empty)["status"] == "no-show"
    held = _meeting(mm, "bram", joined)
    assert held["status"] == "held" and held["both_seconds"] > 0
    assert held["a_seconds"] > held["both_seconds"]  # bram came a minute earlier
    for who, other in (("bram", "speaker"), ("speaker", "bram")):
        leads = ok(mm.call(who, "GET", m(mm, "/leads")))
        assert [(lead["person"]["user_id"], lead["meeting_id"]) for lead in leads] == [
            (mm.users[other].id, joined)]
    assert ok(mm.call("anna", "GET", m(mm, "/leads"))) == []
