"""One suite for every AggregateStore (and ItemRoleStore): memory, SQLite, PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import msgspec
import pytest

from rooms.catalog import Store
from rooms.core.aggregate import Decision
from rooms.core.cards import Author, Side
from rooms.core.errors import Invalid, NotFound
from rooms.core.events import EventBody, RoomEvent
from rooms.lobby.events import ChatPosted
from rooms.missions.mission import ItemDraft, ItemKind, Mission, MissionDraft, ProgrammeItem
from rooms.missions.people import ItemRole, Role, User
from server.db.migrate import upgrade
from server.db.store_sql import SqlStore

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
START = dt.date(2027, 3, 8)
ANNA = Author(1, "Anna de Vries", "Voltera")
PUBLIC, STAFF = "webinar:1", "webinar-staff:1"


class Counter(msgspec.Struct):
    n: int = 0
    seen: list[int] = msgspec.field(default_factory=list)


def _state(raw: bytes | None) -> Counter:
    return Counter() if raw is None else msgspec.json.decode(raw, type=Counter)


def increment(rooms: tuple[str, ...] = (PUBLIC,), by: int = 0) -> Callable[[bytes | None], Decision]:
    """A decide that counts the commands, remembering who sent each, and writes one event per room."""

    def decide(raw: bytes | None) -> Decision:
        state = _state(raw)
        state.n += 1
        state.seen.append(by)
        entries: list[tuple[str, EventBody]] = [(room, ChatPosted(ANNA, f"n={state.n}")) for room in rooms]
        return Decision(entries=entries, state=msgspec.json.encode(state))

    return decide


def refuse(raw: bytes | None) -> Decision:
    raise Invalid(code="refused", message="No.")


# -- the aggregate -----------------------------------------------------------------------------------------


async def test_load_before_the_first_command_and_after(store: Store) -> None:
    assert await store.load("webinar:1", PUBLIC) == (None, 0)
    await store.transact("webinar:1", [PUBLIC], 1, None, NOW, increment())
    raw, seq = await store.load("webinar:1", PUBLIC)
    assert _state(raw).n == 1 and seq == 1
    # Another room's sequence comes with the same state.
    assert await store.load("webinar:1", STAFF) == (raw, 0)


async def test_decide_sees_the_previous_state(store: Store) -> None:
    seen: list[bytes | None] = []

    def remember(raw: bytes | None) -> Decision:
        seen.append(raw)
        return increment()(raw)

    await store.transact("webinar:1", [PUBLIC], 1, None, NOW, remember)
    await store.transact("webinar:1", [PUBLIC], 1, None, NOW, remember)
    assert seen[0] is None and _state(seen[1]).n == 1
    raw, seq = await store.load("webinar:1", PUBLIC)
    assert _state(raw).n == 2 and seq == 2


async def test_states_are_per_aggregate(store: Store) -> None:
    await store.transact("webinar:1", [PUBLIC], 1, None, NOW, increment())
    await store.transact("webinar:2", ["webinar:2"], 1, None, NOW, increment(("webinar:2",)))
    await store.transact("webinar:2", ["webinar:2"], 1, None, NOW, increment(("webinar:2",)))
    assert _state((await store.load("webinar:1", PUBLIC))[0]).n == 1
    assert _state((await store.load("webinar:2", "webinar:2"))[0]).n == 2


async def test_a_refusing_decide_writes_nothing(store: Store) -> None:
    await store.transact("webinar:1", [PUBLIC, STAFF], 1, None, NOW, increment((PUBLIC, STAFF)))
    before = await store.load("webinar:1", PUBLIC)
    with pytest.raises(Invalid):
        await store.transact("webinar:1", [PUBLIC, STAFF], 1, "k", NOW, refuse)
    assert await store.load("webinar:1", PUBLIC) == before
    assert await store.last_seq(STAFF) == 1
    assert len(await store.since(PUBLIC, 0, 10)) == 1
    # The key was not used up: the same command can run once it is allowed.
    [(event, fresh), _] = await store.transact("webinar:1", [PUBLIC, STAFF], 1, "k", NOW, increment((PUBLIC, STAFF)))
    assert fresh and event.seq == 2


async def test_a_refused_first_command_leaves_no_state(store: Store) -> None:
    with pytest.raises(Invalid):
        await store.transact("webinar:1", [PUBLIC], 1, None, NOW, refuse)
    assert await store.load("webinar:1", PUBLIC) == (None, 0)


async def test_events_in_several_rooms_get_consecutive_seqs_per_room(store: Store) -> None:
    written = await store.transact("webinar:1", [PUBLIC, STAFF], 1, None, NOW, increment((PUBLIC, STAFF, STAFF)))
    assert [(e.room, e.seq, fresh) for e, fresh in written] == [(PUBLIC, 1, True), (STAFF, 1, True), (STAFF, 2, True)]
    written = await store.transact("webinar:1", [PUBLIC, STAFF], 1, None, NOW, increment((STAFF, PUBLIC)))
    assert [(e.room, e.seq) for e, _ in written] == [(STAFF, 3), (PUBLIC, 2)]
    assert [e.body for e in await store.since(STAFF, 0, 10)] == [
        ChatPosted(ANNA, "n=1"), ChatPosted(ANNA, "n=1"), ChatPosted(ANNA, "n=2")]
    assert written[0][0].at == NOW


async def test_a_command_may_write_no_event(store: Store) -> None:
    assert await store.transact("webinar:1", [PUBLIC], 1, "quiet", NOW, increment(())) == []
    raw, seq = await store.load("webinar:1", PUBLIC)
    assert _state(raw).n == 1 and seq == 0


async def test_an_idempotent_retry_returns_the_events_without_deciding(store: Store) -> None:
    first = await store.transact("webinar:1", [PUBLIC, STAFF], 7, "ask-1", NOW, increment((PUBLIC, STAFF, STAFF)))
    calls: list[bytes | None] = []

    def counting(raw: bytes | None) -> Decision:
        calls.append(raw)
        return increment((PUBLIC, STAFF))(raw)

    again = await store.transact("webinar:1", [PUBLIC, STAFF], 7, "ask-1", NOW, counting)
    assert calls == []
    # Each room's first event carries the key and is what a retry gets back.
    assert again == [(first[0][0], False), (first[1][0], False)]
    assert _state((await store.load("webinar:1", PUBLIC))[0]).n == 1
    # Keys are per sender.
    [(other, fresh), _] = await store.transact("webinar:1", [PUBLIC, STAFF], 8, "ask-1", NOW, counting)
    assert fresh and other.seq == 2 and len(calls) == 1


async def test_concurrent_commands_run_one_at_a_time(store: Store) -> None:
    written = await asyncio.gather(*(
        store.transact("webinar:5", ["webinar:5"], i, None, NOW, increment(("webinar:5",), by=i))
        for i in range(20)))
    await _assert_serialised(store, "webinar:5", written)


async def test_concurrent_retries_decide_once(store: Store) -> None:
    written = await asyncio.gather(*(
        store.transact("webinar:6", ["webinar:6"], 3, "same", NOW, increment(("webinar:6",))) for _ in range(10)))
    assert sum(1 for [(_, fresh)] in written if fresh) == 1
    assert {event.seq for [(event, _)] in written} == {1}
    assert _state((await store.load("webinar:6", "webinar:6"))[0]).n == 1


async def _assert_serialised(store: Store, aggregate: str, written: list[list[tuple[RoomEvent, bool]]]) -> None:
    raw, seq = await store.load(aggregate, aggregate)
    state = _state(raw)
    assert state.n == 20 and sorted(state.seen) == list(range(20)) and seq == 20
    assert sorted(event.seq for [(event, fresh)] in written if fresh) == list(range(1, 21))
    # Each command saw its predecessor's state: the event with seq n reports count n.
    for event in await store.since(aggregate, 0, 100):
        assert event.body == ChatPosted(ANNA, f"n={event.seq}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def two_nodes(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[SqlStore, SqlStore]]:
    """Two SqlStores, each with engines of its own, on one database: what two app nodes have."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'nodes.db'}"
        upgrade(url)
    else:
        url = request.getfixturevalue("postgres_url")
    first = await SqlStore.open(url)
    second = await SqlStore.open(url)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def test_two_nodes_run_commands_on_one_aggregate_one_at_a_time(two_nodes: tuple[SqlStore, SqlStore]) -> None:
    first, second = two_nodes
    written = await asyncio.gather(*(
        two_nodes[i % 2].transact("webinar:9", ["webinar:9"], i, None, NOW, increment(("webinar:9",), by=i))
        for i in range(20)))
    await _assert_serialised(first, "webinar:9", written)
    assert await second.load("webinar:9", "webinar:9") == await first.load("webinar:9", "webinar:9")


# -- item roles ----------------------------------------------------------------------------------------------


async def _webinar(store: Store) -> tuple[User, Mission, ProgrammeItem]:
    owner = await store.create_user("org@example.org", "Olga Organiser", NOW, can_create_missions=True)
    mission = await store.create_mission(MissionDraft(
        title="EV charging to Boston", destination="Boston", timezone="America/New_York", start_date=START,
        end_date=START + dt.timedelta(days=4)).validated(), owner.id, NOW)
    starts = dt.datetime.combine(START, dt.time(15), tzinfo=dt.UTC)
    item = await store.add_item(mission.id, ItemDraft(
        kind=ItemKind.WEBINAR, title="Charging market", starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=45)).validated(mission))
    return owner, mission, item


async def _member(store: Store, mission: Mission, email: str) -> User:
    user = await store.create_user(email, email.split("@")[0], NOW)
    await store.set_membership(mission.id, user.id, Role.PARTICIPANT, Side.DELEGATION)
    return user


async def test_item_roles_are_set_replaced_and_read(store: Store) -> None:
    owner, mission, item = await _webinar(store)
    ana, bo = await _member(store, mission, "ana@example.org"), await _member(store, mission, "bo@example.org")
    assert await store.item_roles(item.id) == {}
    await store.set_item_roles(item.id, {owner.id: ItemRole.HOST, ana.id: ItemRole.SPEAKER})
    assert await store.item_roles(item.id) == {owner.id: ItemRole.HOST, ana.id: ItemRole.SPEAKER}
    await store.set_item_roles(item.id, {bo.id: ItemRole.MODERATOR, ana.id: ItemRole.HOST})
    assert await store.item_roles(item.id) == {bo.id: ItemRole.MODERATOR, ana.id: ItemRole.HOST}
    await store.set_item_roles(item.id, {})
    assert await store.item_roles(item.id) == {}


async def test_item_roles_are_per_item(store: Store) -> None:
    owner, mission, item = await _webinar(store)
    other = await store.add_item(mission.id, ItemDraft(
        kind=ItemKind.WEBINAR, title="Grid", starts_at=item.starts_at + dt.timedelta(hours=2),
        ends_at=item.ends_at + dt.timedelta(hours=2)).validated(mission))
    await store.set_item_roles(item.id, {owner.id: ItemRole.HOST})
    assert await store.item_roles(other.id) == {}


async def test_grants_need_a_known_item_and_members_of_its_mission(store: Store) -> None:
    owner, _, item = await _webinar(store)
    stranger = await store.create_user("x@example.org", "Xavier", NOW)
    with pytest.raises(NotFound) as exc:
        await store.set_item_roles(999_999, {owner.id: ItemRole.HOST})
    assert exc.value.code == "item-not-found"
    await store.set_item_roles(item.id, {owner.id: ItemRole.HOST})
    for user_id in (stranger.id, 999_999):
        with pytest.raises(NotFound) as exc:
            await store.set_item_roles(item.id, {owner.id: ItemRole.MODERATOR, user_id: ItemRole.SPEAKER})
        assert exc.value.code == "person-not-found"
    # A refused replacement changes nothing.
    assert await store.item_roles(item.id) == {owner.id: ItemRole.HOST}


async def test_deleting_an_item_drops_its_grants(store: Store) -> None:
    owner, _, item = await _webinar(store)
    await store.set_item_roles(item.id, {owner.id: ItemRole.HOST})
    await store.delete_item(item.id)
    assert await store.item_roles(item.id) == {}


async def test_a_grant_lapses_with_the_membership(store: Store) -> None:
    owner, mission, item = await _webinar(store)
    ana = await _member(store, mission, "ana@example.org")
    await store.set_item_roles(item.id, {owner.id: ItemRole.HOST, ana.id: ItemRole.SPEAKER})
    await store.remove_membership(mission.id, ana.id)
    assert await store.item_roles(item.id) == {owner.id: ItemRole.HOST}
