"""The ReminderStore contract (rooms/reminders/ports.py) and the reminder use cases over every store (memory,
SQLite, PostgreSQL), with a clock the test moves: each reminder once, never stale, never after the start."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

from rooms.catalog import Store
from rooms.core.cards import Side
from rooms.core.clock import FixedClock
from rooms.core.refs import inbox
from rooms.mail.outbox import LEASE, MailDraft, OutboxEntry
from rooms.matchmaking.records import MatchmakingRules, RequestStatus
from rooms.missions.mission import ItemDraft, ItemKind, Mission, MissionDraft
from rooms.missions.people import Role, User
from rooms.missions.profile import ProfileDraft
from rooms.reminders.events import WebinarStarting
from rooms.reminders.records import Channel, Preference, ReminderKey, ReminderKind
from rooms.reminders.service import SWEEP, ReminderService

UTC = dt.UTC
NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
START = dt.date(2027, 3, 8)
WEBINAR = dt.datetime(2027, 3, 9, 14, 0, tzinfo=UTC)  # 09:00 in Boston
SLOT = dt.datetime(2027, 3, 9, 15, 0, tzinfo=UTC)  # 10:00 in Boston
MIN = dt.timedelta(minutes=1)


async def _mission(store: Store) -> tuple[Mission, User, User, User]:
    owner = await store.create_user("owner@example.org", "Olga Organiser", NOW)
    draft = MissionDraft(title="EV charging to Boston", destination="Boston", timezone="America/New_York",
                         start_date=START, end_date=START + dt.timedelta(days=4)).validated()
    mission = await store.create_mission(draft, owner.id, NOW)
    await store.set_membership(mission.id, owner.id, Role.ORGANISER, None)
    anna = await store.create_user("anna@example.org", "Anna de Vries", NOW)
    await store.save_profile(anna.id, ProfileDraft(name="Anna de Vries", languages=["nl", "en"]))
    await store.set_membership(mission.id, anna.id, Role.PARTICIPANT, Side.DELEGATION)
    mike = await store.create_user("mike@example.org", "Mike Partner", NOW)
    await store.set_membership(mission.id, mike.id, Role.PARTICIPANT, Side.PARTNER)
    await store.save_rules(mission.id, MatchmakingRules(delegation_timezone="Europe/Amsterdam"))
    await store.add_item(mission.id, ItemDraft(kind=ItemKind.MATCHMAKING, title="Matchmaking", starts_at=SLOT,
                                               ends_at=SLOT + dt.timedelta(hours=4)).validated(mission))
    return mission, owner, anna, mike


def _mail(n: int) -> MailDraft:
    return MailDraft(template="meeting-starting", to_addr=f"p{n}@example.org", to_name=f"P {n}", lang="en",
                     sender_name="Roundtable", params={"kind": "meeting-starting", "user": str(n)})


async def _queued(store: Store, at: dt.datetime) -> list[OutboxEntry]:
    return await store.claim_mail(at + dt.timedelta(days=400), 1000, LEASE, "test")


async def test_preferences_default_to_on_and_are_kept_per_kind(store: Store) -> None:
    user = await store.create_user("p@example.org", "P", NOW)
    svc = ReminderService(store, FixedClock(NOW))
    assert [p.kind for p in (await svc.preferences(user.id)).kinds] == list(ReminderKind)
    assert all(p.mail and p.app for p in (await svc.preferences(user.id)).kinds)
    await store.set_preference(user.id, Preference(ReminderKind.DIGEST, mail=False, app=True))
    await store.set_preference(user.id, Preference(ReminderKind.DIGEST, mail=False, app=False))
    assert await store.preferences(user.id) == [Preference(ReminderKind.DIGEST, mail=False, app=False)]
    off = await svc.set_mail(user.id, ReminderKind.MEETING_STARTING, False)
    assert not off.allows(ReminderKind.MEETING_STARTING, Channel.MAIL)
    assert off.allows(ReminderKind.MEETING_STARTING, Channel.APP)
    again = await svc.set_mail(user.id, ReminderKind.MEETING_STARTING, False)  # twice is once
    assert again == off


async def test_a_reminder_is_written_with_its_mail_once_however_many_race(store: Store) -> None:
    from server.db.store_sql import SqlStore

    users = [await store.create_user(f"r{n}@example.org", f"R {n}", NOW) for n in range(2)]
    nodes: list[Store] = [store]
    if isinstance(store, SqlStore):
        nodes.append(await SqlStore.open(store.url))
    try:
        key = ReminderKey(ReminderKind.MEETING_STARTING, 77, users[0].id, SLOT)
        results = await asyncio.gather(*(nodes[n % len(nodes)].remind(key, _mail(n), NOW) for n in range(12)))
        assert sorted(results) == [False] * 11 + [True]
        other = ReminderKey(ReminderKind.MEETING_STARTING, 77, users[1].id, SLOT)
        assert await store.remind(other, None, NOW)  # mail off: recorded, nothing queued
        assert await store.reminded(ReminderKind.MEETING_STARTING, 77, SLOT) == {u.id for u in users}
        assert await store.reminded(ReminderKind.MEETING_STARTING, 77, SLOT + MIN) == set()
        assert await store.reminded_of(ReminderKind.MEETING_STARTING, [76, 77]) == {key, other}  # the sweep's batch
        assert await store.reminded_of(ReminderKind.MEETING_STARTING, [76]) == set()
        assert await store.reminded_of(ReminderKind.MEETING_ACCEPTED, [77]) == set()
        assert await store.reminded_of(ReminderKind.MEETING_STARTING, []) == set()
        assert len(await _queued(store, NOW)) == 1
    finally:
        for extra in nodes[1:]:
            await extra.close()


async def test_items_starting_and_missions_on_read_windows(store: Store) -> None:
    mission, *_ = await _mission(store)
    webinar = await store.add_item(mission.id, ItemDraft(kind=ItemKind.WEBINAR, title="Grid", starts_at=WEBINAR,
                                                         ends_at=WEBINAR + 30 * MIN).validated(mission))
    assert [i.id for i in await store.items_starting([mission.id], WEBINAR - 10 * MIN, WEBINAR)] == [webinar.id]
    assert await store.items_starting([mission.id], WEBINAR, WEBINAR + 10 * MIN) == []
    assert await store.items_starting([mission.id + 1], WEBINAR - 10 * MIN, WEBINAR) == []
    assert [m.id for m in await store.missions_on(START)] == [mission.id]
    assert [m.id for m in await store.missions_on(START - dt.timedelta(days=1))] == [mission.id]  # zones
    assert await store.missions_on(START - dt.timedelta(days=2)) == []


async def test_a_meeting_is_reminded_once_10_minutes_before_never_after_never_when_cancelled(store: Store) -> None:
    mission, _, anna, mike = await _mission(store)
    [item] = [i for i in await store.programme(mission.id) if i.kind is ItemKind.MATCHMAKING]
    booked = await store.book(mission.id, anna.id, mike.id, item.id, SLOT, SLOT + 20 * MIN, anna.id, 30, NOW)
    late = await store.book(mission.id, anna.id, mike.id, item.id, SLOT + 30 * MIN, SLOT + 50 * MIN, anna.id, 30,
                            NOW)
    gone = await store.book(mission.id, anna.id, mike.id, item.id, SLOT + 60 * MIN, SLOT + 80 * MIN, anna.id, 30,
                            NOW)
    await store.cancel_meeting(gone.id)
    clock = FixedClock(SLOT - 11 * MIN)
    svc = ReminderService(store, clock)
    await svc.tick()  # (Boston's digest is due too: 10:49 there)
    assert await store.reminded(ReminderKind.MEETING_STARTING, booked.id, SLOT) == set()  # not yet
    clock.advance(2 * MIN)
    await svc.tick()
    assert await store.reminded(ReminderKind.MEETING_STARTING, booked.id, SLOT) == {anna.id, mike.id}
    assert await svc.tick() == 0  # a second tick (or node) writes nothing
    [a, b] = sorted((e for e in await _queued(store, NOW) if e.draft.template == "meeting-starting"),
                    key=lambda e: e.draft.to_addr)
    assert (a.draft.to_addr, a.draft.lang, a.draft.params["other"]) == ("anna@example.org", "nl", "Mike Partner")
    assert a.draft.params["time"] == "16:00" and a.draft.params["zone"] == "Europe/Amsterdam"  # Anna's own zone
    assert b.draft.params["time"] == "10:00" and b.draft.params["zone"] == "America/New_York"
    assert a.draft.params["path"] == f"/m/{mission.id}/meeting/{booked.id}"
    # Every node down from before `late`'s 10 minutes until just after it started: nothing for it, it would be
    # stale; `gone` was cancelled.
    clock.advance(40 * MIN)  # SLOT + 31 min
    await svc.tick()
    clock.advance(60 * MIN)
    await svc.tick()
    for m in (late, gone):
        assert await store.reminded(ReminderKind.MEETING_STARTING, m.id, m.starts_at) == set()
    assert [e for e in await _queued(store, NOW) if e.draft.template == "meeting-starting"] == []


async def test_webinar_reminds_members_who_want_it_and_a_moved_one_again(store: Store) -> None:
    mission, owner, anna, mike = await _mission(store)
    webinar = await store.add_item(mission.id, ItemDraft(kind=ItemKind.WEBINAR, title="Grid", starts_at=WEBINAR,
                                                         ends_at=WEBINAR + 30 * MIN).validated(mission))
    await store.set_preference(mike.id, Preference(ReminderKind.WEBINAR_STARTING, mail=False))
    clock = FixedClock(WEBINAR - 5 * MIN)
    svc = ReminderService(store, clock)
    await svc.tick()
    everyone = {owner.id, anna.id, mike.id}
    assert await store.reminded(ReminderKind.WEBINAR_STARTING, webinar.id, WEBINAR) == everyone
    mails = [e for e in await _queued(store, NOW) if e.draft.template == "webinar-starting"]
    assert sorted(e.draft.to_addr for e in mails) == ["anna@example.org", "owner@example.org"]
    # In the app too (Mike turned only the mail off), once: a second tick adds nothing to the inbox.
    await svc.tick()
    [notice] = [e.body for e in await store.since(inbox(mike.id).name, 0, 100)
                if isinstance(e.body, WebinarStarting)]
    assert notice == WebinarStarting(mission.id, webinar.id, "Grid", WEBINAR)
    moved = WEBINAR + 60 * MIN
    await store.update_item(webinar.id, ItemDraft(kind=ItemKind.WEBINAR, title="Grid", starts_at=moved,
                                                  ends_at=moved + 30 * MIN).validated(mission))
    clock.advance(60 * MIN)
    await svc.tick()
    assert await store.reminded(ReminderKind.WEBINAR_STARTING, webinar.id, moved) == everyone  # a new moment
    assert await svc.tick() == 0
    await store.delete_item(webinar.id)


async def test_the_digest_comes_at_7_in_each_persons_zone_with_their_meetings(store: Store) -> None:
    mission, _, anna, mike = await _mission(store)
    [item] = await store.programme(mission.id)
    await store.add_item(mission.id, ItemDraft(kind=ItemKind.WEBINAR, title="Grid", starts_at=WEBINAR,
                                               ends_at=WEBINAR + 30 * MIN).validated(mission))
    await store.book(mission.id, anna.id, mike.id, item.id, SLOT, SLOT + 20 * MIN, anna.id, 30, NOW)
    amsterdam_7 = dt.datetime(2027, 3, 9, 6, 0, tzinfo=UTC)  # 07:00 in Amsterdam, 01:00 in Boston
    clock = FixedClock(amsterdam_7 - MIN)
    svc = ReminderService(store, clock)
    await svc.tick()
    before = Counter(e.draft.template for e in await _queued(store, NOW))
    assert before["digest"] == 0
    clock.advance(MIN)
    assert await svc.tick() >= 1
    [digest] = [e for e in await _queued(store, NOW) if e.draft.template == "digest"]
    assert digest.draft.to_addr == "anna@example.org" and digest.draft.params["day"] == "2027-03-09"
    assert digest.draft.params["agenda"] == "15:00–15:30 Grid\n16:00–16:20 Gesprek met Mike Partner"
    clock.advance(dt.timedelta(hours=6))  # 07:00 in Boston
    assert await svc.tick() == 2  # Mike and the organiser
    boston = sorted((e for e in await _queued(store, NOW) if e.draft.template == "digest"),
                    key=lambda e: e.draft.to_addr)
    assert [e.draft.to_addr for e in boston] == ["mike@example.org", "owner@example.org"]
    assert boston[0].draft.params["agenda"] == "09:00–09:30 Grid\n10:00–10:20 Meeting with Anna de Vries"
    assert await svc.tick() == 0


async def test_two_schedulers_on_one_database_never_send_a_reminder_twice(store: Store) -> None:
    """Two nodes' reminder clocks tick at the same moments (on PostgreSQL: two engines, real concurrency)."""
    from server.db.store_sql import SqlStore

    mission, _, anna, mike = await _mission(store)
    [item] = await store.programme(mission.id)
    await store.add_item(mission.id, ItemDraft(kind=ItemKind.WEBINAR, title="Grid", starts_at=SLOT - 30 * MIN,
                                               ends_at=SLOT - 5 * MIN).validated(mission))
    await store.book(mission.id, anna.id, mike.id, item.id, SLOT, SLOT + 20 * MIN, anna.id, 30, NOW)
    nodes: list[Store] = [store]
    if isinstance(store, SqlStore):
        nodes.append(await SqlStore.open(store.url))
    try:
        clock = FixedClock(SLOT - 40 * MIN)  # 15:20 in Amsterdam, 10:20 in Boston: digests due there
        schedulers = [ReminderService(nodes[n % len(nodes)], clock) for n in range(4)]
        for _ in range(4):
            await asyncio.gather(*(s.tick() for s in schedulers))
            clock.advance(10 * MIN)  # the webinar's 10 minutes, then the meeting's
        sent = Counter((e.draft.template, e.draft.to_addr) for e in await _queued(store, NOW))
        assert sent == {("digest", "owner@example.org"): 1, ("digest", "mike@example.org"): 1,
                        ("webinar-starting", "owner@example.org"): 1, ("webinar-starting", "anna@example.org"): 1,
                        ("webinar-starting", "mike@example.org"): 1,
                        ("meeting-starting", "anna@example.org"): 1, ("meeting-starting", "mike@example.org"): 1}
    finally:
        for extra in nodes[1:]:
            await extra.close()


async def test_requests_since_and_accepted_since_read_recent_pending_requests_and_accepted_ones(store: Store) -> None:
    mission, owner, anna, mike = await _mission(store)
    [item] = await store.programme(mission.id)
    day = dt.timedelta(hours=24)
    old = await store.create_request(mission.id, anna.id, mike.id, "", [SLOT], NOW - day - MIN)
    asked = await store.create_request(mission.id, anna.id, mike.id, "", [SLOT], NOW)
    declined = await store.create_request(mission.id, mike.id, anna.id, "", [SLOT], NOW)
    await store.answer_request(declined.id, RequestStatus.DECLINED, None, NOW)
    taken = await store.create_request(mission.id, mike.id, anna.id, "", [SLOT + 30 * MIN], NOW)
    assert [r.id for r in await store.requests_since(NOW - day)] == [asked.id, taken.id]
    _, accepted = await store.accept(taken.id, SLOT + 30 * MIN, SLOT + 50 * MIN, item.id, 30, NOW + MIN)
    assert [r.id for r in await store.requests_since(NOW - day)] == [asked.id]  # answered: no longer pending
    assert [r.id for r in await store.requests_since(NOW - 2 * day)] == [old.id, asked.id]
    await store.book(mission.id, anna.id, mike.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW + MIN)
    assert [m.id for m in await store.accepted_since(NOW - day, NOW)] == [accepted.id]  # not the organiser's
    assert await store.accepted_since(NOW + MIN, NOW) == []  # booked at NOW + MIN: not after it
    assert await store.accepted_since(NOW - day, SLOT + 30 * MIN) == []  # started
    await store.cancel_meeting(accepted.id)
    assert await store.accepted_since(NOW - day, NOW) == []


async def test_a_request_or_an_acceptance_whose_mail_was_lost_is_mailed_by_the_next_tick_once(store: Store) -> None:
    """The node died right after the request's (or the acceptance's) commit, before `request_received` (or
    `meeting_booked`): the next tick, on any node, records that mail; after the fast path it records nothing."""
    mission, _, anna, mike = await _mission(store)
    [item] = await store.programme(mission.id)
    clock = FixedClock(NOW)
    svc = ReminderService(store, clock)

    def sent(template: str, queued: list[OutboxEntry]) -> list[str]:
        return sorted(e.draft.to_addr for e in queued if e.draft.template == template)

    clock.advance(dt.timedelta(microseconds=123457))  # a real clock's moment: read back, the key is the same
    lost = await store.create_request(mission.id, anna.id, mike.id, "Hello", [SLOT], clock.now())  # no mail yet
    clock.advance(MIN)
    assert await svc.tick() == 1
    assert await svc.tick() == 0
    assert sent("meeting-request", await _queued(store, NOW)) == ["mike@example.org"]
    assert await store.reminded(ReminderKind.MEETING_REQUEST, lost.id, lost.created_at) == {mike.id}

    fast = await store.create_request(mission.id, mike.id, anna.id, "", [SLOT + 30 * MIN], clock.now())
    assert await svc.request_received(fast) == 1
    assert await svc.tick() == 0  # the fast path won: the sweep finds it recorded
    assert await svc.request_received(fast) == 0  # and the other way round
    assert sent("meeting-request", await _queued(store, NOW)) == ["anna@example.org"]

    _, booked = await store.accept(lost.id, SLOT, SLOT + 20 * MIN, item.id, 30, clock.now())  # no meeting_booked
    clock.advance(MIN)
    assert await svc.tick() == 2
    assert await svc.tick() == 0
    assert await svc.meeting_booked(booked) == 0
    assert sent("meeting-accepted", await _queued(store, NOW)) == ["anna@example.org", "mike@example.org"]

    _, other = await store.accept(fast.id, SLOT + 30 * MIN, SLOT + 50 * MIN, item.id, 30, clock.now())
    assert await svc.meeting_booked(other) == 2
    assert await svc.tick() == 0
    assert len(sent("meeting-accepted", await _queued(store, NOW))) == 2


async def test_the_sweep_leaves_organiser_bookings_and_old_causes_alone_and_respects_preferences(
        store: Store) -> None:
    mission, owner, anna, mike = await _mission(store)
    [item] = await store.programme(mission.id)
    clock = FixedClock(NOW)
    svc = ReminderService(store, clock)
    await store.book(mission.id, anna.id, mike.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW,
                     mail=[_mail(1)])  # its own `meeting-booked`-style mail, in its transaction
    stale = await store.create_request(mission.id, anna.id, mike.id, "", [SLOT + 30 * MIN], NOW - SWEEP - MIN)
    await store.set_preference(mike.id, Preference(ReminderKind.MEETING_REQUEST, mail=False, app=True))
    quiet = await store.create_request(mission.id, anna.id, mike.id, "", [SLOT + 60 * MIN], NOW)
    clock.advance(MIN)
    assert await svc.tick() == 1  # `quiet` recorded, without mail: Mike turned that mail off
    assert await store.reminded(ReminderKind.MEETING_REQUEST, quiet.id, quiet.created_at) == {mike.id}
    assert await store.reminded(ReminderKind.MEETING_REQUEST, stale.id, stale.created_at) == set()
    assert await svc.tick() == 0
    assert [e.draft.template for e in await _queued(store, NOW)] == ["meeting-starting"]  # only the booking's
