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

from rooms.core.events import Appended
from rooms.matchmaking.records import MeetingStatus
from rooms.matchmaking.service import MatchmakingService
from rooms.matchmaking.settlement import ROOM_OPEN_AFTER
from rooms.missions.mission import ItemKind
from server.composition import Root
from server.db.store_sql import SqlStore
from server.ws.delivery import publishing
from server.ws.meeting_clock import MeetingClock
from tests.support.world import World
from tests.unit.test_api_meetings import DAY, m, matchmaking_world, ok

MIN = dt.timedelta(minutes=1)


@pytest.fixture
def mm(world: World) -> Iterator[World]:
    yield matchmaking_world(world)


class _Node:
    """A second node: its own engine, service and clock loop on the world's database; keeps what it published."""

    def __init__(self, world: World, store: SqlStore) -> None:
        self.published: list[Appended] = []
        self.clock = MeetingClock(store, publishing(MatchmakingService(store, world.clock), self), world.clock)

    async def publish(self, appended: Appended) -> None:
        self.published.append(appended)


@asynccontextmanager
async def _other_node(world: World) -> AsyncIterator[_Node]:
    store = await SqlStore.open(world.settings.database_url)
    try:
        yield _Node(world, store)
    finally:
        await store.close()


def _live(world: World) -> Root:
    root = world.root
    assert root.live.meeting_clock is not None, "the root starts the meeting clock"
    return root


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
            node = live.live.meeting_clock
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


def test_when_the_room_closes_a_meeting_is_a_no_show_failed_to_connect_or_held_by_its_call(mm: World) -> None:
    empty = mm.run(_book, mm, "anna", "participant", DAY)
    joined = mm.run(_book, mm, "bram", "speaker", DAY)
    called = mm.run(_book, mm, "host", "moderator", DAY)
    live = _live(mm)

    async def meet() -> None:
        _set(mm, DAY + MIN)
        for who, meeting_id in (("bram", joined), ("host", called)):
            await live.services.meetings.meeting_joined(mm.users[who], meeting_id)
        _set(mm, DAY + 2 * MIN)
        for who, meeting_id in (("speaker", joined), ("moderator", called)):
            await live.services.meetings.meeting_joined(mm.users[who], meeting_id)
        # Bram and the speaker sit in the room together with no call; the host and the moderator talk for
        # three minutes with media both ways. All are still there when the meeting ends.
        for n in range(37):
            for who in ("host", "moderator"):
                await live.services.meetings.call_report(mm.users[who], called, "pc", True, 10 + 150 * n)
            mm.clock.advance(5 * dt.timedelta(seconds=1))

    mm.run(meet)
    assert _meeting(mm, "bram", joined)["status"] == "booked"
    assert _meeting(mm, "host", called)["status"] == "held"  # as soon as the call lasted two minutes

    async def close() -> None:
        async with _other_node(mm) as other:
            node = live.live.meeting_clock
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
    failed = _meeting(mm, "bram", joined)
    assert failed["status"] == "failed-to-connect" and failed["both_seconds"] > 0
    assert failed["a_seconds"] > failed["both_seconds"]  # bram came a minute earlier
    assert failed["quality"]["media_seconds"] == 0 and failed["quality"]["a"]["connect_seconds"] is None
    held = _meeting(mm, "moderator", called)
    assert held["status"] == "held" and held["quality"]["media_seconds"] == 180
    assert held["quality"]["a"] == {"media_seconds": 180, "connect_seconds": 0, "reconnects": 0}
    for who, other, meeting_id in (("host", "moderator", called), ("moderator", "host", called)):
        leads = ok(mm.call(who, "GET", m(mm, "/leads")))
        assert [(lead["person"]["user_id"], lead["meeting_id"]) for lead in leads] == [
            (mm.users[other].id, meeting_id)]
    for who in ("anna", "bram", "speaker"):
        assert ok(mm.call(who, "GET", m(mm, "/leads"))) == []
    # The organiser sees every meeting's outcome and why.
    everyone = ok(mm.call("organiser", "GET", m(mm, "/matchmaking/meetings")))
    assert {x["id"]: x["status"] for x in everyone if x["id"] in (empty, joined, called)} == {
        empty: "no-show", joined: "failed-to-connect", called: "held"}
    spec = mm.client.get("/openapi.json").json()
    assert {"quality", "a_seconds"} <= set(spec["components"]["schemas"]["MeetingView"]["properties"])
    assert set(spec["components"]["schemas"]["SideQuality"]["properties"]) == {
        "media_seconds", "connect_seconds", "reconnects"}
    assert "/api/missions/{mission_id}/matchmaking/meetings" in spec["paths"]
