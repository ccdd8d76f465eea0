"""The SignupStore contract (rooms/signups/ports.py): memory, SQLite and PostgreSQL keep sign-ups in order,
check-ins once, one code per item, and hand a mission's places to the audience alike."""

from __future__ import annotations

import asyncio
import datetime as dt

from rooms.catalog import Store
from rooms.core.cards import Side
from rooms.missions.mission import Format, ItemDraft, ItemKind, Mission, MissionDraft
from rooms.missions.people import Role, User

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)


async def _setup(store: Store, people: int = 4) -> tuple[Mission, User, list[User]]:
    olga = await store.create_user("olga@example.org", "Olga", NOW)
    draft = MissionDraft(title="Port visits", destination="Rotterdam", timezone="Europe/Amsterdam",
                         start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12),
                         format=Format.HYBRID).validated()
    mission = await store.create_mission(draft, olga.id, NOW)
    members = []
    for i in range(people):
        u = await store.create_user(f"p{i}@example.org", f"P{i}", NOW)
        await store.set_membership(mission.id, u.id, Role.PARTICIPANT, Side.DELEGATION)
        members.append(u)
    return mission, olga, members


def _visit(capacity: int | None) -> ItemDraft:
    return ItemDraft(kind=ItemKind.COMPANY_VISIT, title="Port", starts_at=dt.datetime(2027, 3, 9, 8, tzinfo=dt.UTC),
                     ends_at=dt.datetime(2027, 3, 9, 10, tzinfo=dt.UTC), address="Pier 1", capacity=capacity)


async def test_sign_ups_keep_their_order_and_places_follow_it(store: Store) -> None:
    mission, _, (a, b, c, d) = await _setup(store)
    item = await store.add_item(mission.id, _visit(2))
    stored = await store.get_item(item.id)
    assert item.capacity == 2 and stored is not None and stored.capacity == 2
    for i, who in enumerate((c, a, b)):
        assert await store.add_signup(item.id, who.id, NOW + dt.timedelta(seconds=i))
    assert not await store.add_signup(item.id, c.id, NOW + dt.timedelta(seconds=9))  # again: keeps its place
    assert [s.user_id for s in await store.signups(item.id)] == [c.id, a.id, b.id]
    assert (await store.mission_audience(mission.id)).places == {item.id: frozenset({c.id, a.id})}
    assert await store.remove_signup(item.id, c.id) and not await store.remove_signup(item.id, c.id)
    assert (await store.mission_audience(mission.id)).places == {item.id: frozenset({a.id, b.id})}
    await store.remove_membership(mission.id, a.id)  # a place lapses with the membership
    assert await store.mission_signups(mission.id) == {item.id: [b.id]}
    assert (await store.mission_audience(mission.id)).places == {item.id: frozenset({b.id})}
    free = await store.add_item(mission.id, _visit(None))
    assert free.capacity is None and free.id not in (await store.mission_audience(mission.id)).places
    del d


async def test_check_ins_count_once_and_the_first_code_stays(store: Store) -> None:
    mission, olga, (a, b, _, _) = await _setup(store)
    item = await store.add_item(mission.id, _visit(None))
    assert await store.checkin_code(item.id) is None
    assert await store.keep_checkin_code(item.id, "ABC234") == "ABC234"
    assert await store.keep_checkin_code(item.id, "ZZZ999") == "ABC234"
    assert await store.checkin_code(item.id) == "ABC234"
    assert await store.add_checkin(item.id, a.id, NOW, a.id)
    assert not await store.add_checkin(item.id, a.id, NOW + dt.timedelta(minutes=5), a.id)
    assert await store.add_checkin(item.id, b.id, NOW + dt.timedelta(minutes=1), olga.id)
    found = await store.checkins(item.id)
    assert [(x.user_id, x.at, x.by) for x in found] == [(a.id, NOW, a.id), (b.id, NOW + dt.timedelta(minutes=1),
                                                                             olga.id)]
    assert await store.checkin_counts(mission.id) == {item.id: 2}


async def test_the_same_person_twice_at_once_signs_up_and_checks_in_once(store: Store) -> None:
    mission, _, (a, _, _, _) = await _setup(store)
    item = await store.add_item(mission.id, _visit(3))
    done = await asyncio.gather(store.add_signup(item.id, a.id, NOW), store.add_signup(item.id, a.id, NOW))
    assert sorted(done) == [False, True]
    done = await asyncio.gather(store.add_checkin(item.id, a.id, NOW, a.id), store.add_checkin(item.id, a.id, NOW,
                                                                                                a.id))
    assert sorted(done) == [False, True]
    codes = await asyncio.gather(store.keep_checkin_code(item.id, "AAAAAA"), store.keep_checkin_code(item.id,
                                                                                                     "BBBBBB"))
    assert codes[0] == codes[1]


async def test_many_signing_up_at_once_get_distinct_numbers_in_commit_order(store: Store) -> None:
    mission, _, people = await _setup(store, people=12)
    item = await store.add_item(mission.id, _visit(3))
    done = await asyncio.gather(*(store.add_signup(item.id, p.id, NOW) for p in people))
    assert all(done)
    found = await store.signups(item.id)
    assert sorted(s.seq for s in found) == [s.seq for s in found] and len({s.seq for s in found}) == 12
    assert {s.user_id for s in found} == {p.id for p in people}
