"""One suite for every Presence: in memory, and Redis (two store objects standing for two nodes).

Expiry is proven with real time: ttls of a few tenths of a second and real sleeps.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections.abc import AsyncIterator

import msgspec
import pytest
import redis.asyncio as aioredis

from rooms.core.cards import OrgType, Side
from rooms.core.presence import PAGE_MAX, Presence, PresenceCounts, PresenceEntry, Status
from rooms.core.presence_memory import MemoryPresence
from server.redis.presence_redis import GRACE_S, KEYS, RedisPresence
from tests.support import redis_fixtures

redis_url, redis_prefix = redis_fixtures.redis_url, redis_fixtures.redis_prefix  # the fixtures, for pytest

LONG = 60.0  # a ttl that does not run out during a test
SHORT = 0.3
PAST_SHORT = 0.5  # sleeping this long lets a SHORT entry expire


def person(user_id: int, status: Status = Status.AVAILABLE) -> PresenceEntry:
    return PresenceEntry(user_id, f"Person {user_id}", f"Org {user_id}", OrgType.SME, None, "NL", status)


ANNA, BOB, CARL = person(1), person(2), person(3)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def nodes(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Presence, Presence]]:
    """Two nodes' presence stores: the memory one is a single process, so both are the same object."""
    if request.param == "memory":
        memory = MemoryPresence()
        yield memory, memory
        await memory.close()
        return
    url, prefix = request.getfixturevalue("redis_url"), request.getfixturevalue("redis_prefix")
    a = await RedisPresence.connect(url, prefix=prefix)
    b = await RedisPresence.connect(url, prefix=prefix)
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()


@pytest.fixture
def presence(nodes: tuple[Presence, Presence]) -> Presence:
    return nodes[0]


def room() -> str:
    return f"lobby:{secrets.randbelow(10**9)}"


async def test_a_person_with_several_tabs_joins_once_is_listed_once_and_leaves_once(
        nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    assert await a.enter(r, "anna-1", ANNA, LONG) is True
    assert await b.enter(r, "anna-2", ANNA, LONG) is False  # another tab, on another node
    assert await a.enter(r, "anna-3", ANNA, LONG) is False
    assert await b.enter(r, "bob-1", BOB, LONG) is True
    assert await a.members(r) == await b.members(r) == [ANNA, BOB]
    assert await a.leave(r, "anna-1") is None
    assert await b.leave(r, "anna-3") is None
    assert await a.members(r) == [ANNA, BOB]
    assert await b.leave(r, "anna-2") == ANNA  # the last tab
    assert await a.members(r) == [BOB]
    assert await a.enter(r, "anna-4", ANNA, LONG) is True  # back: a new join


async def test_leaving_twice_or_a_stranger_leaving_reports_nothing(presence: Presence) -> None:
    r = room()
    await presence.enter(r, "anna-1", ANNA, LONG)
    assert await presence.leave(r, "anna-1") == ANNA
    assert await presence.leave(r, "anna-1") is None
    assert await presence.leave(r, "nobody") is None
    assert await presence.leave(room(), "anna-1") is None
    assert await presence.members(r) == []


async def test_entering_the_same_connection_again_is_no_new_join(presence: Presence) -> None:
    r = room()
    assert await presence.enter(r, "anna-1", ANNA, LONG) is True
    assert await presence.enter(r, "anna-1", ANNA, LONG) is False
    assert await presence.leave(r, "anna-1") == ANNA


async def test_members_are_ordered_by_user_id_and_rooms_are_separate(presence: Presence) -> None:
    r, other = room(), room()
    for conn, entry in (("carl", CARL), ("anna", ANNA), ("bob", BOB)):
        assert await presence.enter(r, conn, entry, LONG) is True
    assert await presence.enter(other, "anna-elsewhere", ANNA, LONG) is True  # per room
    assert await presence.members(r) == [ANNA, BOB, CARL]
    assert await presence.members(other) == [ANNA]
    assert await presence.members(room()) == []
    assert await presence.leave(other, "anna-elsewhere") == ANNA
    assert await presence.members(r) == [ANNA, BOB, CARL]


async def test_a_status_update_replaces_the_entry(nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    await a.enter(r, "anna-1", ANNA, LONG)
    await b.update(r, "anna-1", person(1, Status.DO_NOT_DISTURB), LONG)
    assert await a.members(r) == [person(1, Status.DO_NOT_DISTURB)]
    assert await a.enter(r, "anna-2", person(1, Status.DO_NOT_DISTURB), LONG) is False
    assert await a.leave(r, "anna-1") is None
    assert await a.leave(r, "anna-2") == person(1, Status.DO_NOT_DISTURB)


async def test_members_shows_a_persons_most_recently_entered_tab(presence: Presence) -> None:
    r = room()
    await presence.enter(r, "anna-1", ANNA, LONG)
    await presence.enter(r, "anna-2", person(1, Status.IN_MEETING), LONG)
    assert await presence.members(r) == [person(1, Status.IN_MEETING)]
    await presence.leave(r, "anna-2")
    assert await presence.members(r) == [ANNA]


@pytest.mark.parametrize("nodes", [
    "memory",
    pytest.param("redis", marks=pytest.mark.redis),
], indirect=True)
async def test_members_shows_a_persons_most_recently_written_entry(presence: Presence) -> None:
    # What the room saw last: the update below was announced to everyone as Anna's status.
    r = room()
    await presence.enter(r, "anna-1", ANNA, LONG)
    await presence.enter(r, "anna-2", person(1, Status.IN_MEETING), LONG)
    await presence.update(r, "anna-1", person(1, Status.DO_NOT_DISTURB), LONG)
    assert await presence.members(r) == [person(1, Status.DO_NOT_DISTURB)]


async def test_an_update_for_an_unknown_connection_records_it(presence: Presence) -> None:
    r = room()
    await presence.update(r, "bob-1", BOB, LONG)
    assert await presence.members(r) == [BOB]
    assert await presence.enter(r, "bob-2", BOB, LONG) is False
    assert await presence.leave(r, "bob-1") is None
    assert await presence.leave(r, "bob-2") == BOB


async def test_entries_not_refreshed_expire(nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    await a.enter(r, "anna-1", ANNA, SHORT)
    await a.enter(r, "bob-1", BOB, LONG)
    assert await b.members(r) == [ANNA, BOB]
    assert await b.expire(r) == []
    await asyncio.sleep(PAST_SHORT)
    assert await b.members(r) == [BOB]  # gone from the list at once, before anybody calls expire
    assert await b.expire(r) == [ANNA]
    assert await a.expire(r) == []
    assert await a.members(r) == [BOB]
    assert await a.leave(r, "anna-1") is None  # already retired by the expiry


async def test_a_heartbeat_keeps_connections_alive(nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    await a.enter(r, "anna-1", ANNA, SHORT)
    await a.enter(r, "bob-1", BOB, SHORT)
    for _ in range(4):
        await asyncio.sleep(SHORT / 2)
        await b.refresh(r, ["anna-1", "nobody"], SHORT)
    # 0.6 s later: Anna was refreshed, Bob was not; refreshing an unknown connection records nothing.
    assert await a.members(r) == [ANNA]
    assert await a.expire(r) == [BOB]
    await b.refresh(r, [], SHORT)
    assert await a.members(r) == [ANNA]


async def test_a_person_leaves_only_when_their_last_tab_expires(nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    await a.enter(r, "anna-1", ANNA, SHORT)
    await b.enter(r, "anna-2", ANNA, LONG)
    await asyncio.sleep(PAST_SHORT)
    assert await a.expire(r) == []
    assert await a.members(r) == [ANNA]
    assert await b.leave(r, "anna-2") == ANNA


async def test_leaving_from_an_expired_tab_reports_the_person_once(nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    await a.enter(r, "anna-1", ANNA, SHORT)
    await asyncio.sleep(PAST_SHORT)
    assert await a.leave(r, "anna-1") == ANNA  # expired, but not yet retired: this leave reports it
    assert await b.expire(r) == []


async def test_coming_back_after_expiry_is_a_new_join(nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    await a.enter(r, "anna-1", ANNA, SHORT)
    await asyncio.sleep(PAST_SHORT)
    assert await b.enter(r, "anna-2", ANNA, LONG) is True
    assert await a.expire(r) == []  # the old tab goes quietly: Anna is still here
    assert await a.members(r) == [ANNA]


async def test_a_heartbeat_revives_a_connection_expired_but_not_yet_retired(presence: Presence) -> None:
    r = room()
    await presence.enter(r, "anna-1", ANNA, SHORT)
    await asyncio.sleep(PAST_SHORT)
    assert await presence.members(r) == []
    await presence.refresh(r, ["anna-1"], LONG)
    assert await presence.members(r) == [ANNA]
    assert await presence.expire(r) == []


async def test_concurrent_expiry_on_several_nodes_reports_each_person_exactly_once(
        nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    people = [person(uid, status) for uid, status in zip(range(10, 40), itertools.cycle(Status), strict=False)]
    for entry in people:
        await a.enter(r, f"{entry.user_id}-1", entry, SHORT)
        if entry.user_id % 3 == 0:
            await b.enter(r, f"{entry.user_id}-2", entry, SHORT)  # a second tab, expiring too
    await b.enter(r, "stays", person(99), LONG)
    await asyncio.sleep(PAST_SHORT)
    results = await asyncio.gather(*(node.expire(r) for node in (a, b) * 5))
    reported = sorted((e for result in results for e in result), key=lambda e: e.user_id)
    assert reported == people
    assert all(result == sorted(result, key=lambda e: e.user_id) for result in results)
    assert await a.members(r) == [person(99)]


async def test_concurrent_enters_and_leaves_of_one_person_report_one_join_and_one_leave(
        nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    tabs = [f"anna-{i}" for i in range(12)]
    joined = await asyncio.gather(*(node.enter(r, tab, ANNA, LONG) for node, tab in zip(itertools.cycle(nodes), tabs,
                                                                                          strict=False)))
    assert sorted(joined) == [False] * 11 + [True]
    left = await asyncio.gather(*(node.leave(r, tab) for node, tab in zip(itertools.cycle((b, a)), tabs,
                                                                           strict=False)))
    assert [entry for entry in left if entry is not None] == [ANNA]
    assert await a.members(r) == []


# -- pages and counts ---------------------------------------------------------------------------------------


def card(user_id: int, side: Side | None, org: OrgType, status: Status = Status.AVAILABLE) -> PresenceEntry:
    return PresenceEntry(user_id, f"Person {user_id}", f"Org {user_id}", org, side, "NL", status)


async def all_pages(presence: Presence, r: str, limit: int) -> list[list[PresenceEntry]]:
    pages, after = [], None
    while True:
        page = await presence.page(r, after, limit)
        pages.append(page.members)
        if page.next is None:
            return pages
        assert page.next == page.members[-1].user_id
        after = page.next


async def test_two_thousand_people_page_in_user_id_order_across_nodes_and_are_counted(
        nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    sides = [Side.DELEGATION, Side.PARTNER, None]
    people = [card(uid, sides[uid % 3], OrgType.SME if uid % 2 else OrgType.STARTUP) for uid in range(1, 2001)]
    order = people[::2] + people[1::2]  # not in user-id order: the pages sort
    for i in range(0, len(order), 100):
        await asyncio.gather(*(node.enter(r, f"c{e.user_id}", e, LONG)
                               for node, e in zip(itertools.cycle(nodes), order[i:i + 100], strict=False)))
    pages = await all_pages(b, r, PAGE_MAX)
    assert [len(p) for p in pages] == [PAGE_MAX] * 20
    assert [e for p in pages for e in p] == people
    assert [e for p in await all_pages(a, r, 7) for e in p] == people  # any page size, the same sequence
    page = await a.page(r, 1500, 3)
    assert page.members == people[1500:1503] and page.next == 1503
    assert (await a.page(r, 2000, 10)).members == [] and (await a.page(r, 2000, 10)).next is None
    expected = PresenceCounts(total=2000, sides={"delegation": 666, "partner": 667},
                              org_types={"sme": 1000, "startup": 1000})
    assert page.counts == expected
    assert (await b.page(r, None, 1)).counts == expected


async def test_a_person_with_two_tabs_is_counted_and_listed_once(nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    anna = card(1, Side.DELEGATION, OrgType.SME)
    await a.enter(r, "anna-1", anna, LONG)
    await b.enter(r, "anna-2", anna, LONG)
    await b.enter(r, "bob-1", card(2, Side.PARTNER, OrgType.INVESTOR), LONG)
    page = await a.page(r, None, 10)
    assert [e.user_id for e in page.members] == [1, 2] and page.next is None
    assert page.counts == PresenceCounts(total=2, sides={"delegation": 1, "partner": 1},
                                         org_types={"investor": 1, "sme": 1})
    await a.leave(r, "anna-1")
    assert (await b.page(r, None, 10)).counts.total == 2
    await b.leave(r, "anna-2")
    assert (await b.page(r, None, 10)).counts == PresenceCounts(total=1, sides={"partner": 1},
                                                                org_types={"investor": 1})
    await a.leave(r, "bob-1")
    assert await a.page(r, None, 10) == await a.page(room(), None, 10)  # nothing left: an empty room's answer
    assert (await a.page(r, None, 10)).counts == PresenceCounts()


async def test_invisible_people_are_neither_listed_nor_counted(nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    anna, hidden = card(1, Side.DELEGATION, OrgType.SME), card(1, Side.DELEGATION, OrgType.SME, Status.INVISIBLE)
    await a.enter(r, "anna-1", anna, LONG)
    await a.enter(r, "bob-1", card(2, None, OrgType.OTHER, Status.INVISIBLE), LONG)
    assert [e.user_id for e in (await b.page(r, None, 10)).members] == [1]
    await b.update(r, "anna-1", hidden, LONG)  # Anna turns invisible
    page = await a.page(r, None, 10)
    assert page.members == [] and page.counts == PresenceCounts()
    assert await a.members(r) == [hidden, card(2, None, OrgType.OTHER, Status.INVISIBLE)]  # still present
    await a.update(r, "anna-1", anna, LONG)
    assert (await b.page(r, None, 10)).members == [anna]
    assert (await b.page(r, None, 10)).counts.total == 1


async def test_a_status_change_of_the_latest_tab_moves_the_counts_and_leaving_it_restores_the_other(
        presence: Presence) -> None:
    r = room()
    await presence.enter(r, "anna-1", card(1, Side.PARTNER, OrgType.SME), LONG)
    await presence.enter(r, "anna-2", card(1, Side.PARTNER, OrgType.SME, Status.INVISIBLE), LONG)
    assert (await presence.page(r, None, 10)).counts.total == 0
    await presence.leave(r, "anna-2")  # the visible tab shows her again
    page = await presence.page(r, None, 10)
    assert page.members == [card(1, Side.PARTNER, OrgType.SME)] and page.counts.total == 1


async def test_pages_skip_expired_people_and_expiry_updates_the_counts(nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    for uid in range(1, 7):
        await a.enter(r, f"c{uid}", card(uid, Side.DELEGATION, OrgType.SME), SHORT if uid % 2 else LONG)
    await asyncio.sleep(PAST_SHORT)
    assert [e.user_id for p in await all_pages(b, r, 2) for e in p] == [2, 4, 6]
    assert [e.user_id for e in await b.expire(r)] == [1, 3, 5]
    page = await a.page(r, None, 10)
    assert [e.user_id for e in page.members] == [2, 4, 6]
    assert page.counts == PresenceCounts(total=3, sides={"delegation": 3}, org_types={"sme": 3})


async def test_a_person_reported_gone_by_a_leave_is_not_reported_again_by_expiry(
        nodes: tuple[Presence, Presence]) -> None:
    a, b = nodes
    r = room()
    await a.enter(r, "anna-1", ANNA, SHORT)
    await a.enter(r, "anna-2", ANNA, SHORT)
    await asyncio.sleep(PAST_SHORT)
    assert await a.leave(r, "anna-1") == ANNA  # her other tab expired: she is gone
    assert await b.expire(r) == []  # the expired tab goes quietly
    assert (await a.page(r, None, 10)).counts == PresenceCounts()


# -- Redis only --------------------------------------------------------------------------------------------


@pytest.mark.redis
async def test_redis_keys_layout_and_ttl(redis_url: str, redis_prefix: str) -> None:
    presence = await RedisPresence.connect(redis_url, prefix=redis_prefix)
    client = aioredis.Redis.from_url(redis_url)
    try:
        r = room()
        base = f"{redis_prefix}presence:{r}"
        [[seconds, micros]] = [await client.time()]
        await presence.enter(r, "anna-1", ANNA, 30)
        raw = await client.hget(f"{base}:data", "anna-1")
        assert raw is not None and msgspec.json.decode(raw, type=PresenceEntry) == ANNA
        expires = await client.zscore(f"{base}:exp", "anna-1")
        assert expires is not None and 29 < expires - (seconds + micros / 1e6) < 31  # Redis server time
        keys = [f"{base}:{name}" for name in KEYS]
        for key in keys:
            assert 30_000 < await client.pttl(key) <= (30 + GRACE_S) * 1000  # abandoned rooms vanish
        assert await client.hget(f"{base}:tabs", "1") == b"anna-1"
        assert await client.hgetall(f"{base}:counts") == {b"total": b"1", b"org:sme": b"1"}
        await presence.leave(r, "anna-1")
        assert await client.exists(*keys) == 0  # counts at zero are removed, not kept
    finally:
        await client.aclose()
        await presence.close()


@pytest.mark.redis
async def test_redis_default_prefix_is_rt(redis_url: str) -> None:
    presence = await RedisPresence.connect(redis_url)
    client = aioredis.Redis.from_url(redis_url)
    r = f"test-{secrets.token_hex(6)}"
    try:
        await presence.enter(r, "anna-1", ANNA, 30)
        assert await client.exists(f"rt:presence:{r}:exp", f"rt:presence:{r}:data") == 2
    finally:
        await presence.leave(r, "anna-1")
        await client.aclose()
        await presence.close()
