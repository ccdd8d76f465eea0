"""The lounge aggregate: LoungeService flows over the in-memory store, and capacity under concurrent sits on
every Store implementation (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

import pytest

from rooms.catalog import MemoryStore, Store
from rooms.core.cards import OrgType, Side
from rooms.core.clock import FixedClock
from rooms.core.errors import Conflict, DomainError, Invalid, NotFound
from rooms.core.events import Appended
from rooms.core.refs import inbox, lounge
from rooms.lounge.events import (
    LeadAdded,
    MixingChanged,
    RoundChanged,
    RoundEnded,
    SeatChanged,
    TablesChanged,
    WordAsked,
    WordInvite,
    WordReplied,
)
from rooms.lounge.service import LoungeService, WordSent
from rooms.matchmaking.records import LeadSource
from rooms.missions.mission import ItemDraft, ItemKind, MissionDraft
from rooms.missions.people import Role, User
from rooms.missions.profile import ProfileDraft

STARTS = dt.datetime(2026, 6, 16, 18, 0, tzinfo=dt.UTC)
NOW = STARTS + dt.timedelta(minutes=1)


@dataclass
class Lounge:
    store: Store
    clock: FixedClock
    svc: LoungeService
    item: int
    mission: int
    organiser: User
    people: list[User]
    outsider: User


async def make_lounge(store: Store, n: int = 12) -> Lounge:
    clock = FixedClock(NOW)
    organiser = await store.create_user("org@example.org", "Olga", NOW)
    outsider = await store.create_user("out@example.org", "Otto", NOW)
    mission = await store.create_mission(
        MissionDraft(title="Borrel mission", destination="Boston", timezone="America/New_York",
                     start_date=dt.date(2026, 6, 15), end_date=dt.date(2026, 6, 19)), organiser.id, NOW)
    await store.save_profile(organiser.id, ProfileDraft(name="Olga", organisation="Agency"))
    people = []
    for i in range(n):
        user = await store.create_user(f"p{i}@example.org", f"P{i}", NOW)
        side = Side.DELEGATION if i % 2 else Side.PARTNER
        await store.save_profile(user.id, ProfileDraft(name=f"P{i}", organisation=f"Org {i}", org_type=OrgType.SME,
                                                       sectors=["EV" if i % 3 else "Food"], country="NL"))
        await store.set_membership(mission.id, user.id, Role.PARTICIPANT, side)
        people.append(user)
    item = await store.add_item(mission.id, ItemDraft(kind=ItemKind.NETWORKING, title="Borrel", starts_at=STARTS,
                                                      ends_at=STARTS + dt.timedelta(hours=2)))
    return Lounge(store, clock, LoungeService(store, clock), item.id, mission.id, organiser, people, outsider)


async def test_default_tables_sit_stand_and_move() -> None:
    lo = await make_lounge(MemoryStore())
    a, b = lo.people[:2]
    snap = await lo.svc.snapshot(a, lounge(lo.item))
    assert snap.seq == 0 and len(snap.state.tables) == 6 and snap.table is None
    assert "manage-tables" not in snap.permissions and "sit" in snap.permissions
    done = await lo.svc.sit(a, lo.item, 1)
    assert isinstance(done.events[0].body, SeatChanged) and done.events[0].body.table == 1
    assert (await lo.svc.sit(a, lo.item, 1)).events == []  # already there
    await lo.svc.sit(b, lo.item, 1)
    moved = await lo.svc.sit(a, lo.item, 2)  # one seat at a time: moving frees the first
    assert next(e.body for e in moved.events if isinstance(e.body, SeatChanged)).table == 2
    assert await lo.svc.table_members(lo.item, 1) == [b.id]
    await lo.svc.stand(b, lo.item)
    assert await lo.svc.table_members(lo.item, 1) == []
    await lo.svc.present_left(a.id, lo.item)  # leaving the lounge frees the seat
    snap = await lo.svc.snapshot(a, lounge(lo.item))
    assert snap.table is None and all(t.seats == [] for t in snap.state.tables) and snap.seq == 5
    with pytest.raises(NotFound):
        await lo.svc.sit(a, lo.item, 99)


async def test_tables_are_managed_by_organisers() -> None:
    lo = await make_lounge(MemoryStore())
    created = await lo.svc.save_table(lo.organiser, lo.item, None, " Electric  vehicles ", "Charging", 3, "EV")
    body = created.events[0].body
    assert isinstance(body, TablesChanged)
    new = body.tables[-1]
    assert (new.name, new.capacity, new.sector) == ("Electric vehicles", 3, "EV")
    for who in lo.people[:3]:
        await lo.svc.sit(who, lo.item, new.id)
    with pytest.raises(Conflict) as full:
        await lo.svc.sit(lo.people[3], lo.item, new.id)
    assert full.value.code == "table-full"
    with pytest.raises(Conflict):
        await lo.svc.save_table(lo.organiser, lo.item, new.id, "EV", "", 2, None)
    with pytest.raises(Invalid):
        await lo.svc.save_table(lo.organiser, lo.item, None, "Huge", "", 9, None)
    removed = await lo.svc.remove_table(lo.organiser, lo.item, new.id)
    assert [e.body.user_id for e in removed.events if isinstance(e.body, SeatChanged)] == [p.id for p in lo.people[:3]]
    assert await lo.svc.seated(lo.item, lo.people[0].id) is None


async def test_rounds_place_everyone_present_once_and_advance_once() -> None:
    lo = await make_lounge(MemoryStore(), n=14)
    present = [p.id for p in lo.people[:12]]
    await lo.svc.set_mixing(lo.people[0], lo.item, True)
    await lo.svc.sit(lo.people[0], lo.item, 3)  # opted out: stays where they are
    started = await lo.svc.start_rounds(lo.organiser, lo.item, 3, 8, present)
    rnd = next(e.body for e in started.events if isinstance(e.body, RoundChanged)).round
    assert rnd is not None and rnd.number == 1 and rnd.of == 3
    placed = [u for g in rnd.groups for u in g.members]
    assert sorted(placed) == sorted(present[1:]) and all(3 <= len(g.members) <= 5 for g in rnd.groups)
    assert await lo.svc.seated(lo.item, lo.people[0].id) == 3
    with pytest.raises(Conflict):
        await lo.svc.start_rounds(lo.organiser, lo.item, 3, 8, present)
    assert (await lo.svc.next_round(lo.item, 2, present)).events == []  # too early: a stale timer
    lo.clock.advance(dt.timedelta(minutes=8))
    # A person joins mid-series, another leaves: both nodes' timers fire; the round is written once.
    present = [*present[1:11], lo.people[12].id]
    first, second = await asyncio.gather(lo.svc.next_round(lo.item, 2, present),
                                         lo.svc.next_round(lo.item, 2, present))
    fresh = first if first.fresh else second
    assert {first.fresh, second.fresh} == {True, False} or second.events == []
    kinds = [type(e.body) for e in fresh.events]
    assert kinds == [RoundEnded, RoundChanged, TablesChanged]
    rnd2 = next(e.body for e in fresh.events if isinstance(e.body, RoundChanged)).round
    assert rnd2 is not None and rnd2.number == 2
    assert sorted(u for g in rnd2.groups for u in g.members) == sorted(present)
    assert lo.people[0].id not in present and await lo.svc.seated(lo.item, lo.people[0].id) == 3
    lo.clock.advance(dt.timedelta(minutes=8))
    await lo.svc.next_round(lo.item, 3, present)
    lo.clock.advance(dt.timedelta(minutes=8))
    ended = await lo.svc.end_round(lo.item, 3)
    assert [type(e.body) for e in ended.events] == [RoundEnded, RoundChanged]
    assert (await lo.svc.end_round(lo.item, 3)).fresh is False
    snap = await lo.svc.snapshot(lo.organiser, lounge(lo.item))
    assert snap.state.round is None and snap.state.rounds_total == 3


async def test_stop_rounds() -> None:
    lo = await make_lounge(MemoryStore(), n=6)
    await lo.svc.start_rounds(lo.organiser, lo.item, 2, 5, [p.id for p in lo.people])
    stopped = await lo.svc.stop_rounds(lo.organiser, lo.item)
    assert [type(e.body) for e in stopped.events] == [RoundEnded, RoundChanged]
    lo.clock.advance(dt.timedelta(minutes=5))
    assert (await lo.svc.next_round(lo.item, 2, [p.id for p in lo.people])).events == []


def round_of(done: Appended) -> RoundChanged:
    return next(e.body for e in done.events if isinstance(e.body, RoundChanged))


async def test_move_on_continues_the_series_in_one_command() -> None:
    lo = await make_lounge(MemoryStore(), n=12)
    present = [p.id for p in lo.people]
    with pytest.raises(Conflict):
        await lo.svc.move_on(lo.organiser, lo.item, present)
    await lo.svc.start_rounds(lo.organiser, lo.item, 3, 8, present)
    lo.clock.advance(dt.timedelta(minutes=2))  # early: the organiser moves everyone before the time is up
    moved = await lo.svc.move_on(lo.organiser, lo.item, present)
    assert [type(e.body) for e in moved.events] == [RoundEnded, RoundChanged, TablesChanged]
    rnd = round_of(moved)
    assert rnd.round is not None and (rnd.round.number, rnd.round.of, rnd.rounds_total) == (2, 3, 2)
    assert rnd.round.started_at == NOW + dt.timedelta(minutes=2)
    assert sorted(u for g in rnd.round.groups for u in g.members) == sorted(present)
    # Round 1's timer fires late: the lounge has moved on, so it writes nothing.
    lo.clock.advance(dt.timedelta(minutes=6))
    assert (await lo.svc.next_round(lo.item, 2, present)).events == []
    last = round_of(await lo.svc.move_on(lo.organiser, lo.item, present))
    assert last.round is not None and (last.round.number, last.rounds_total) == (3, 3)
    ended = await lo.svc.move_on(lo.organiser, lo.item, present)  # after the last round: the series ends
    assert [type(e.body) for e in ended.events] == [RoundEnded, RoundChanged]
    assert round_of(ended).round is None and round_of(ended).rounds_total == 3


async def test_timers_of_a_new_series_advance_it() -> None:
    """Round numbers restart with each series; the timers' idempotency keys must not."""
    lo = await make_lounge(MemoryStore(), n=9)
    present = [p.id for p in lo.people]
    await lo.svc.start_rounds(lo.organiser, lo.item, 3, 5, present)
    lo.clock.advance(dt.timedelta(minutes=5))
    assert round_of(await lo.svc.next_round(lo.item, 2, present)).rounds_total == 2
    await lo.svc.stop_rounds(lo.organiser, lo.item)
    await lo.svc.start_rounds(lo.organiser, lo.item, 2, 5, present)
    lo.clock.advance(dt.timedelta(minutes=5))
    second = await lo.svc.next_round(lo.item, 2, present)
    assert second.fresh and [type(e.body) for e in second.events] == [RoundEnded, RoundChanged, TablesChanged]
    rnd = round_of(second)
    assert rnd.round is not None and (rnd.round.number, rnd.round.of, rnd.rounds_total) == (2, 2, 4)
    lo.clock.advance(dt.timedelta(minutes=5))
    ended = await lo.svc.end_round(lo.item, 2)
    assert ended.fresh and [type(e.body) for e in ended.events] == [RoundEnded, RoundChanged]
    # A third series ends its round 2 too: its own key, not the second series' stored end.
    await lo.svc.start_rounds(lo.organiser, lo.item, 2, 5, present)
    lo.clock.advance(dt.timedelta(minutes=5))
    assert round_of(await lo.svc.next_round(lo.item, 2, present)).rounds_total == 6
    lo.clock.advance(dt.timedelta(minutes=5))
    again = await lo.svc.end_round(lo.item, 2)
    assert again.fresh and [type(e.body) for e in again.events] == [RoundEnded, RoundChanged]
    assert (await lo.svc.snapshot(lo.organiser, lounge(lo.item))).state.round is None


def invite_of(done: WordSent) -> WordInvite:
    body = done.appended.events[0].body
    assert isinstance(body, WordAsked) and body.invite.id == done.invite and not done.already_sent
    return body.invite


async def test_have_a_word_books_a_meeting_now() -> None:
    lo = await make_lounge(MemoryStore())
    a, b, c = lo.people[:3]
    asked = await lo.svc.word(a, lo.item, b.id)
    invite = invite_of(asked)
    with pytest.raises(NotFound):
        await lo.svc.word_reply(c, lo.item, invite.id, True)  # not theirs to answer
    replied = await lo.svc.word_reply(b, lo.item, invite.id, True)
    body = replied.events[0].body
    assert isinstance(body, WordReplied) and body.accept and body.meeting_id is not None
    meeting = await lo.store.get_meeting(body.meeting_id)
    assert meeting is not None and meeting.members() == (a.id, b.id) and meeting.item_id == lo.item
    assert meeting.starts_at == NOW and meeting.ends_at == NOW + dt.timedelta(minutes=15)
    with pytest.raises(NotFound):
        await lo.svc.word_reply(b, lo.item, invite.id, True)  # answered once
    # a is in a meeting now: a second word accepted by a is refused in words about now (not "pick another time"),
    # and no meeting is left behind
    again = invite_of(await lo.svc.word(c, lo.item, a.id))
    with pytest.raises(Conflict) as taken:
        await lo.svc.word_reply(a, lo.item, again.id, True)
    assert taken.value.code == "busy-now"
    assert len(await lo.store.meetings_of(lo.mission, c.id)) == 0
    declined = await lo.svc.word_reply(a, lo.item, again.id, False)
    assert isinstance(declined.events[0].body, WordReplied) and declined.events[0].body.meeting_id is None
    # and the other way round: d accepts an invitation from b, who is in the side room with a
    d = lo.people[3]
    late = invite_of(await lo.svc.word(b, lo.item, d.id))
    with pytest.raises(Conflict) as busy:
        await lo.svc.word_reply(d, lo.item, late.id, True)
    assert busy.value.code == "they-are-busy"


async def test_a_repeat_invitation_says_it_was_already_sent() -> None:
    lo = await make_lounge(MemoryStore())
    a, b = lo.people[:2]
    first = invite_of(await lo.svc.word(a, lo.item, b.id))
    again = await lo.svc.word(a, lo.item, b.id)
    assert (again.invite, again.already_sent, again.appended.events) == (first.id, True, [])
    # Once it lapsed, a new one goes out.
    lo.clock.advance(dt.timedelta(minutes=6))
    fresh = await lo.svc.word(a, lo.item, b.id)
    assert fresh.already_sent is False and fresh.invite != first.id


async def test_accepting_a_word_closes_the_other_invitations_of_both() -> None:
    lo = await make_lounge(MemoryStore())
    a, b, c, d, e = lo.people[:5]
    to_b = invite_of(await lo.svc.word(a, lo.item, b.id))
    to_c = invite_of(await lo.svc.word(a, lo.item, c.id))  # a asked two people
    d_to_b = invite_of(await lo.svc.word(d, lo.item, b.id))  # b was asked twice
    e_to_d = invite_of(await lo.svc.word(e, lo.item, d.id))  # nothing to do with a or b
    replied = await lo.svc.word_reply(b, lo.item, to_b.id, True)
    bodies = [ev.body for ev in replied.events]
    assert all(isinstance(x, WordReplied) for x in bodies)
    closed = {x.invite: (x.accept, x.withdrawn) for x in bodies if isinstance(x, WordReplied)}
    assert closed == {to_b.id: (True, False), to_c.id: (False, True), d_to_b.id: (False, True)}
    # c's and b's second dialog have nothing left to accept; e's invitation to d stands.
    with pytest.raises(NotFound):
        await lo.svc.word_reply(c, lo.item, to_c.id, True)
    await lo.svc.word_reply(d, lo.item, e_to_d.id, False)


async def test_organisers_are_placed_by_rounds_only_when_they_opt_in() -> None:
    lo = await make_lounge(MemoryStore(), n=6)
    present = [lo.organiser.id, *(p.id for p in lo.people)]
    snap = await lo.svc.snapshot(lo.organiser, lounge(lo.item))
    assert snap.opt_out is True  # by default the organiser runs the rounds from outside them
    assert (await lo.svc.snapshot(lo.people[0], lounge(lo.item))).opt_out is False
    assert (await lo.svc.set_mixing(lo.organiser, lo.item, True)).events == []  # out already
    started = round_of(await lo.svc.start_rounds(lo.organiser, lo.item, 2, 5, present))
    assert started.round is not None
    assert sorted(u for g in started.round.groups for u in g.members) == sorted(p.id for p in lo.people)
    assert await lo.svc.seated(lo.item, lo.organiser.id) is None
    # Opting in: the next round places the organiser too, and the snapshot says so.
    opted = await lo.svc.set_mixing(lo.organiser, lo.item, False)
    assert [type(e.body) for e in opted.events] == [MixingChanged]
    assert (await lo.svc.snapshot(lo.organiser, lounge(lo.item))).opt_out is False
    moved = round_of(await lo.svc.move_on(lo.organiser, lo.item, present))
    assert moved.round is not None
    assert sorted(u for g in moved.round.groups for u in g.members) == sorted(present)
    # And out again.
    await lo.svc.set_mixing(lo.organiser, lo.item, True)
    assert (await lo.svc.snapshot(lo.organiser, lounge(lo.item))).opt_out is True


async def test_connect_is_private_until_mutual_then_both_get_a_lead() -> None:
    lo = await make_lounge(MemoryStore())
    a, b = lo.people[:2]
    one = await lo.svc.connect(a, lo.item, b.id)
    assert one.mutual is False and one.appended.events == []
    assert await lo.store.since(lounge(lo.item).name, 0, 100) == []
    both = await lo.svc.connect(b, lo.item, a.id)
    assert both.mutual is True
    assert sorted(e.room for e in both.appended.events) == sorted([inbox(a.id).name, inbox(b.id).name])
    note = next(e.body for e in both.appended.events if e.room == inbox(a.id).name)
    assert isinstance(note, LeadAdded) and note.person.user_id == b.id and note.source is LeadSource.LOUNGE
    leads = await lo.store.leads_of(lo.mission, a.id)
    assert [(x.person, x.source) for x in leads] == [(b.id, LeadSource.LOUNGE)]
    again = await lo.svc.connect(b, lo.item, a.id)
    assert again.mutual and again.appended.events == []  # notified once
    assert len(await lo.store.leads_of(lo.mission, b.id)) == 1
    with pytest.raises(Invalid):
        await lo.svc.connect(a, lo.item, a.id)


async def test_outsiders_and_other_items() -> None:
    lo = await make_lounge(MemoryStore())
    with pytest.raises(NotFound):
        await lo.svc.snapshot(lo.outsider, lounge(lo.item))
    with pytest.raises(NotFound):
        await lo.svc.sit(lo.outsider, lo.item, 1)
    with pytest.raises(NotFound):
        await lo.svc.word(lo.people[0], lo.item, lo.outsider.id)
    with pytest.raises(NotFound):
        await lo.svc.snapshot(lo.people[0], lounge(lo.item + 100))


async def test_capacity_under_concurrent_sits(store: Store) -> None:
    lo = await make_lounge(store, n=20)
    created = await lo.svc.save_table(lo.organiser, lo.item, None, "Four seats", "", 4, None)
    body = created.events[0].body
    assert isinstance(body, TablesChanged)
    table = body.tables[-1].id
    results = await asyncio.gather(*(lo.svc.sit(p, lo.item, table) for p in lo.people), return_exceptions=True)
    refused = [r for r in results if isinstance(r, DomainError)]
    assert all(isinstance(r, Conflict) and r.code == "table-full" for r in refused)
    assert len(refused) == 16
    seated = await lo.svc.table_members(lo.item, table)
    assert len(seated) == 4 == len(set(seated))
    events = await store.since(lounge(lo.item).name, 0, 100)
    assert sum(1 for e in events if isinstance(e.body, SeatChanged)) == 4
