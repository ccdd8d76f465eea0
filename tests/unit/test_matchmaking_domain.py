"""Matchmaking in the domain (docs/matchmaking.md): slot cutting, time zones across clock changes, night flags,
request rules, and the service's flows over the in-memory store (notifications, meetings, attendance, leads)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import msgspec
import pytest

from rooms.catalog import MemoryStore
from rooms.core.cards import Side
from rooms.core.clock import FixedClock
from rooms.core.errors import Conflict, Gone, Invalid, NotAllowed, NotFound
from rooms.core.refs import inbox, meeting
from rooms.matchmaking.events import (
    Cancelled,
    MeetingBooked,
    MeetingStarting,
    RequestAccepted,
    RequestCountered,
    RequestDeclined,
    RequestReceived,
)
from rooms.matchmaking.records import (
    LeadSource,
    MatchmakingRules,
    Meeting,
    MeetingStatus,
    RequestStatus,
    WhoMayRequest,
)
from rooms.matchmaking.service import MatchmakingService
from rooms.matchmaking.slots import attendance, cut, is_night, slots
from rooms.missions.mission import ItemDraft, ItemKind, Mission, MissionDraft, ProgrammeItem
from rooms.missions.people import Role, User

UTC = dt.UTC
MIN = dt.timedelta(minutes=1)
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def _item(start: dt.datetime, minutes: int, item_id: int = 1, kind: ItemKind = ItemKind.MATCHMAKING
          ) -> ProgrammeItem:
    return ProgrammeItem(id=item_id, mission_id=1, kind=kind, title="Matchmaking", starts_at=start,
                         ends_at=start + minutes * MIN, description="", address="", track="")


# -- slots ---------------------------------------------------------------------------------------------------


def test_an_item_is_cut_into_meetings_and_breaks_and_a_slot_past_its_end_is_dropped() -> None:
    start = _at(2027, 3, 26, 16)
    found = [s.starts_at for s in cut(_item(start, 60), MatchmakingRules())]
    assert found == [start, start + 25 * MIN]  # 16:50–17:10 would end after 17:00
    exact = list(cut(_item(start, 60), MatchmakingRules(meeting_minutes=20, break_minutes=0)))
    assert [s.ends_at for s in exact] == [start + 20 * MIN, start + 40 * MIN, start + 60 * MIN]
    assert list(cut(_item(start, 15), MatchmakingRules())) == []


def test_only_matchmaking_items_have_slots_in_time_order() -> None:
    rules = MatchmakingRules(meeting_minutes=30, break_minutes=0)
    programme = [_item(_at(2027, 3, 27, 16), 30, 1), _item(_at(2027, 3, 26, 16), 30, 2),
                 _item(_at(2027, 3, 26, 12), 60, 3, ItemKind.WEBINAR)]
    assert [(s.item_id, s.starts_at) for s in slots(programme, rules, "America/Los_Angeles")] == [
        (2, _at(2027, 3, 26, 16)), (1, _at(2027, 3, 27, 16))]


class Local(NamedTuple):
    partner: str
    delegation: str


def _local(start: dt.datetime) -> Local:
    slot, = slots([_item(start, 20)], MatchmakingRules(), "America/Los_Angeles")
    return Local(slot.local["partner"].starts_at.isoformat(), slot.local["delegation"].starts_at.isoformat())


def test_local_times_follow_each_zone_through_the_spring_clock_changes() -> None:
    # The US moves its clocks on 14 March 2027, Europe on 28 March: for two weeks the gap is 8 hours, not 9.
    assert _local(_at(2027, 3, 12, 16)) == Local("2027-03-12T08:00:00-08:00", "2027-03-12T17:00:00+01:00")
    assert _local(_at(2027, 3, 26, 16)) == Local("2027-03-26T09:00:00-07:00", "2027-03-26T17:00:00+01:00")
    assert _local(_at(2027, 3, 29, 16)) == Local("2027-03-29T09:00:00-07:00", "2027-03-29T18:00:00+02:00")


def test_local_times_follow_each_zone_through_the_autumn_clock_changes() -> None:
    # Europe goes back on 31 October 2027, the US on 7 November.
    assert _local(_at(2027, 10, 29, 16)) == Local("2027-10-29T09:00:00-07:00", "2027-10-29T18:00:00+02:00")
    assert _local(_at(2027, 11, 3, 16)) == Local("2027-11-03T09:00:00-07:00", "2027-11-03T17:00:00+01:00")
    assert _local(_at(2027, 11, 8, 16)) == Local("2027-11-08T08:00:00-08:00", "2027-11-08T17:00:00+01:00")


def test_an_item_across_a_clock_change_keeps_every_slot() -> None:
    # 00:30–03:30 UTC on 28 March: Amsterdam jumps from 02:00 to 03:00 during it; slots are cut in UTC.
    found = slots([_item(_at(2027, 3, 28, 0, 30), 180)], MatchmakingRules(meeting_minutes=30, break_minutes=0),
                  "Europe/Amsterdam")
    assert len(found) == 6
    assert [s.local["partner"].starts_at.strftime("%H:%M") for s in found] == [
        "01:30", "03:00", "03:30", "04:00", "04:30", "05:00"]


def test_night_is_between_22_and_7_local_for_each_side() -> None:
    la, ams = "America/Los_Angeles", "Europe/Amsterdam"
    # 05:00 UTC on 29 March: 22:00 in Los Angeles (night), 07:00 in Amsterdam (day).
    assert is_night(_at(2027, 3, 29, 5), _at(2027, 3, 29, 5, 20), la)
    assert not is_night(_at(2027, 3, 29, 5), _at(2027, 3, 29, 5, 20), ams)
    # Ending exactly at 22:00 is still day; starting a minute before 07:00 is night.
    assert not is_night(_at(2027, 3, 29, 4, 40), _at(2027, 3, 29, 5), la)
    assert is_night(_at(2027, 3, 29, 4, 59), _at(2027, 3, 29, 5, 19), ams)
    slot, = slots([_item(_at(2027, 3, 29, 4, 50), 20)], MatchmakingRules(), la)
    assert slot.night == [Side.DELEGATION, Side.PARTNER]
    day, = slots([_item(_at(2027, 3, 29, 16), 20)], MatchmakingRules(), la)
    assert day.night == []


def test_attendance_counts_each_side_and_the_overlap_across_tabs() -> None:
    t = _at(2027, 3, 9, 14)
    changes = [(1, True, t), (2, True, t + 2 * MIN), (1, True, t + 3 * MIN), (1, False, t + 4 * MIN),
               (2, False, t + 5 * MIN), (1, False, t + 6 * MIN), (2, False, t + 7 * MIN), (9, True, t)]
    counted = attendance(changes, 1, 2, t + 10 * MIN)
    assert (counted.a_seconds, counted.b_seconds, counted.both_seconds) == (360, 180, 180)
    still = attendance([(1, True, t), (2, True, t + MIN)], 1, 2, t + 3 * MIN)
    assert (still.a_seconds, still.b_seconds, still.both_seconds) == (180, 120, 120)


# -- the service over the memory store ------------------------------------------------------------------------


class World(NamedTuple):
    store: MemoryStore
    clock: FixedClock
    service: MatchmakingService
    mission: Mission
    organiser: User
    ana: User  # delegation
    dirk: User  # delegation
    bo: User  # partner
    cy: User  # partner
    slots: list[dt.datetime]


@pytest.fixture
async def world() -> World:
    store, clock = MemoryStore(), FixedClock(NOW)
    organiser = await store.create_user("org@example.org", "Olga Organiser", NOW)
    mission = await store.create_mission(MissionDraft(
        title="Clean tech to California", destination="Los Angeles", timezone="America/Los_Angeles",
        start_date=dt.date(2027, 3, 22), end_date=dt.date(2027, 3, 30)).validated(), organiser.id, NOW)
    start = _at(2027, 3, 26, 16)
    await store.add_item(mission.id, ItemDraft(kind=ItemKind.MATCHMAKING, title="Matchmaking", starts_at=start,
                                               ends_at=start + dt.timedelta(hours=3)).validated(mission))
    people = []
    for name, side in (("Ana", Side.DELEGATION), ("Dirk", Side.DELEGATION), ("Bo", Side.PARTNER),
                       ("Cy", Side.PARTNER)):
        user = await store.create_user(f"{name.lower()}@example.org", name, NOW)
        await store.set_membership(mission.id, user.id, Role.PARTICIPANT, side)
        people.append(user)
    service = MatchmakingService(store, clock)
    starts = [s.slot.starts_at for s in await service.slots(people[0], mission.id)]
    ana, dirk, bo, cy = people
    return World(store, clock, service, mission, organiser, ana, dirk, bo, cy, starts)


async def _inbox(w: World, user: User) -> list[object]:
    return [e.body for e in await w.store.since(inbox(user.id).name, 0, 100)]


async def test_slots_show_availability_and_bookings(world: World) -> None:
    w = world
    assert len(w.slots) == 7  # 3 hours of 20 + 5
    await w.service.set_availability(w.ana, w.mission.id, [w.slots[1], w.slots[0]])
    mine = await w.service.slots(w.ana, w.mission.id)
    assert [s.available for s in mine[:3]] == [True, True, False] and not any(s.booked for s in mine)
    with pytest.raises(Invalid) as bad:
        await w.service.set_availability(w.ana, w.mission.id, [w.slots[0] + MIN])
    assert bad.value.code == "unknown-slot"
    assert await w.store.availability(w.mission.id, w.ana.id) == w.slots[:2]


async def test_a_request_notifies_the_addressee_and_acceptance_books_and_notifies_the_sender(world: World) -> None:
    w = world
    sent = await w.service.request(w.ana, w.mission.id, w.bo.id, " Let's talk chargers ", w.slots[2:4])
    assert sent.value.status is RequestStatus.PENDING and sent.value.message == "Let's talk chargers"
    assert [e.room for e in sent.appended.events] == [inbox(w.bo.id).name]
    note, = await _inbox(w, w.bo)
    assert isinstance(note, RequestReceived) and note.by.name == "Ana" and note.slots == w.slots[2:4]

    with pytest.raises(NotAllowed):  # only the addressee answers
        await w.service.accept(w.ana, sent.value.id, w.slots[2])
    with pytest.raises(Invalid):
        await w.service.accept(w.bo, sent.value.id, w.slots[0])
    done = await w.service.accept(w.bo, sent.value.id, w.slots[3])
    assert (done.value.a, done.value.b, done.value.starts_at) == (w.ana.id, w.bo.id, w.slots[3])
    accepted, = await _inbox(w, w.ana)
    assert isinstance(accepted, RequestAccepted) and accepted.meeting_id == done.value.id
    mine = await w.service.slots(w.bo, w.mission.id)
    assert [s.meeting_id for s in mine if s.booked] == [done.value.id]
    with pytest.raises(Conflict) as again:
        await w.service.accept(w.bo, sent.value.id, w.slots[2])
    assert again.value.code == "request-not-pending"


async def test_request_rules(world: World) -> None:
    w = world
    m = w.mission.id

    async def refused(kind: type[Exception], code: str, user: User, to: int, slots: list[dt.datetime],
                      message: str = "") -> None:
        with pytest.raises(kind) as exc:
            await w.service.request(user, m, to, message, slots)
        assert getattr(exc.value, "code", None) == code

    await refused(NotAllowed, "same-side", w.ana, w.dirk.id, w.slots[:1])
    await refused(NotAllowed, "to-self", w.ana, w.ana.id, w.slots[:1])
    await refused(NotAllowed, "not-bookable", w.ana, w.organiser.id, w.slots[:1])
    await refused(NotAllowed, "not-allowed", w.organiser, w.ana.id, w.slots[:1])
    await refused(NotFound, "person-not-found", w.ana, 999, w.slots[:1])
    await refused(Invalid, "unknown-slot", w.ana, w.bo.id, [w.slots[0] + MIN])
    await refused(Invalid, "bad-slots", w.ana, w.bo.id, w.slots[:6])
    await refused(Invalid, "bad-slots", w.ana, w.bo.id, [])
    await refused(Invalid, "too-long", w.ana, w.bo.id, w.slots[:1], "x" * 501)
    outsider = await w.store.create_user("out@example.org", "Out", NOW)
    await refused(NotFound, "mission-not-found", outsider, w.bo.id, w.slots[:1])

    await w.service.request(w.ana, m, w.bo.id, "x" * 500, w.slots[:1])
    await refused(Conflict, "request-exists", w.bo, w.ana.id, w.slots[:1])
    # Busy: Dirk meets Cy in slot 0, so he cannot propose it to Bo.
    met = await w.service.request(w.dirk, m, w.cy.id, "", w.slots[:1])
    await w.service.accept(w.cy, met.value.id, w.slots[0])
    await refused(Conflict, "slot-taken", w.dirk, w.bo.id, w.slots[:1])
    w.clock.advance(dt.timedelta(days=60))
    await refused(Invalid, "slot-past", w.dirk, w.bo.id, w.slots[1:2])

    await w.store.save_rules(m, MatchmakingRules(who_may_request=WhoMayRequest.ANYONE))
    w.clock.advance(dt.timedelta(days=-60))
    assert (await w.service.request(w.ana, m, w.dirk.id, "", w.slots[1:2])).value.to_user == w.dirk.id


async def test_at_most_twenty_pending_requests_per_sender(world: World) -> None:
    w = world
    partners = []
    for n in range(21):
        user = await w.store.create_user(f"p{n}@example.org", f"P{n}", NOW)
        await w.store.set_membership(w.mission.id, user.id, Role.PARTICIPANT, Side.PARTNER)
        partners.append(user)
    for user in partners[:20]:
        await w.service.request(w.ana, w.mission.id, user.id, "", w.slots[:1])
    with pytest.raises(Conflict) as exc:
        await w.service.request(w.ana, w.mission.id, partners[20].id, "", w.slots[:1])
    assert exc.value.code == "too-many-requests"


async def test_decline_counter_and_cancel_notify_the_other_party(world: World) -> None:
    w = world
    first = await w.service.request(w.ana, w.mission.id, w.bo.id, "", w.slots[:1])
    declined = await w.service.decline(w.bo, first.value.id, "  Not our market  ")
    assert declined.value.status is RequestStatus.DECLINED and declined.value.reason == "Not our market"
    with pytest.raises(Invalid):
        await w.service.decline(w.bo, (await w.service.request(w.ana, w.mission.id, w.bo.id, "", w.slots[:1])
                                       ).value.id, "x" * 301)
    second = (await w.service.my_requests(w.ana, w.mission.id))[0]
    countered = await w.service.counter(w.bo, second.id, w.slots[4:5], "Later?")
    assert countered.value.counter_of == second.id and countered.value.to_user == w.ana.id
    old = await w.store.get_request(second.id)
    assert old is not None and old.status is RequestStatus.COUNTERED
    with pytest.raises(NotAllowed):  # the addressee declines; only the sender withdraws
        await w.service.cancel_request(w.ana, countered.value.id)
    cancelled = await w.service.cancel_request(w.bo, countered.value.id)
    assert cancelled.value.status is RequestStatus.CANCELLED
    with pytest.raises(Conflict):
        await w.service.cancel_request(w.ana, second.id)
    kinds = [type(n) for n in await _inbox(w, w.ana)]
    assert kinds == [RequestDeclined, RequestCountered, Cancelled]
    assert [type(n) for n in await _inbox(w, w.bo)] == [RequestReceived, RequestReceived]
    assert [type(n) for n in await _inbox(w, w.dirk)] == []


async def test_organiser_booking_only_when_the_rules_allow(world: World) -> None:
    w = world
    with pytest.raises(NotAllowed) as off:
        await w.service.book(w.organiser, w.mission.id, w.ana.id, w.bo.id, w.slots[0])
    assert off.value.code == "organiser-booking-off"
    await w.service.save_rules(w.organiser, w.mission.id, MatchmakingRules(organiser_booking=True))
    with pytest.raises(NotAllowed):
        await w.service.book(w.ana, w.mission.id, w.ana.id, w.bo.id, w.slots[0])
    done = await w.service.book(w.organiser, w.mission.id, w.ana.id, w.bo.id, w.slots[0])
    assert done.value.booked_by == w.organiser.id
    for me, other in ((w.ana, w.bo), (w.bo, w.ana)):
        note, = await _inbox(w, me)
        assert isinstance(note, MeetingBooked) and note.other.user_id == other.id and note.by.name == "Olga Organiser"
    # Both are told by mail too, queued with the meeting (ref_id), each about the other person.
    mails = [e.draft for e in await w.store.outbox(w.mission.id) if e.draft.template == "meeting-booked"]
    assert sorted(m.to_addr for m in mails) == sorted([w.ana.email, w.bo.email])
    assert {m.ref_id for m in mails} == {done.value.id}
    for mail in mails:
        other = w.bo if mail.to_addr == w.ana.email else w.ana
        assert mail.params["other"].startswith(other.name) and mail.params["by"] == "Olga Organiser"
    with pytest.raises(Conflict) as taken:
        await w.service.book(w.organiser, w.mission.id, w.cy.id, w.bo.id, w.slots[0])
    assert taken.value.code == "slot-taken" and "Bo" in taken.value.message
    # A refused booking queues no mail.
    assert len([e for e in await w.store.outbox(w.mission.id) if e.draft.template == "meeting-booked"]) == 2


async def test_rules_are_the_organisers_and_need_a_real_zone(world: World) -> None:
    w = world
    with pytest.raises(NotAllowed):
        await w.service.save_rules(w.ana, w.mission.id, MatchmakingRules())
    with pytest.raises(Invalid):
        await w.service.save_rules(w.organiser, w.mission.id, MatchmakingRules(delegation_timezone="Mars/Base"))
    assert await w.service.rules(w.ana, w.mission.id) == MatchmakingRules()


async def _meet(w: World) -> int:
    sent = await w.service.request(w.ana, w.mission.id, w.bo.id, "", w.slots[:2])
    return (await w.service.accept(w.bo, sent.value.id, w.slots[1])).value.id


async def test_cancel_and_reschedule_a_meeting(world: World) -> None:
    w = world
    meeting_id = await _meet(w)
    with pytest.raises(NotAllowed):
        await w.service.cancel_meeting(w.cy, meeting_id)
    moved = await w.service.reschedule(w.bo, meeting_id, w.slots[5:6], "Sorry, later")
    assert (moved.value.from_user, moved.value.to_user, moved.value.slots) == (w.bo.id, w.ana.id, w.slots[5:6])
    gone = await w.store.get_meeting(meeting_id)
    assert gone is not None and gone.status is MeetingStatus.CANCELLED
    notes = (await _inbox(w, w.ana))[-2:]
    assert isinstance(notes[0], Cancelled) and notes[0].rescheduled and isinstance(notes[1], RequestReceived)
    again = await w.service.accept(w.ana, moved.value.id, w.slots[5])
    cancelled = await w.service.cancel_meeting(w.organiser, again.value.id)
    assert {e.room for e in cancelled.appended.events} == {inbox(w.ana.id).name, inbox(w.bo.id).name}
    with pytest.raises(Conflict):
        await w.service.cancel_meeting(w.ana, again.value.id)


async def test_the_meeting_room_is_for_its_two_members_while_open(world: World) -> None:
    w = world
    meeting_id = await _meet(w)
    assert (await w.service.may_join_meeting(w.ana, meeting_id)).id == meeting_id
    with pytest.raises(NotAllowed):
        await w.service.may_join_meeting(w.cy, meeting_id)
    outsider = await w.store.create_user("out@example.org", "Out", NOW)
    with pytest.raises(NotFound):
        await w.service.may_join_meeting(outsider, meeting_id)
    with pytest.raises(NotFound):
        await w.service.may_join_meeting(w.ana, 999)
    found = await w.store.get_meeting(meeting_id)
    assert found is not None
    w.clock._at = found.ends_at + dt.timedelta(minutes=11)
    with pytest.raises(Gone) as late:
        await w.service.may_join_meeting(w.ana, meeting_id)
    assert late.value.code == "meeting-closed"


async def _report(w: World, user: User, meeting_id: int, frames: int, connected: bool = True,
                  sid: str | None = None) -> None:
    await w.service.call_report(user, meeting_id, sid or f"pc-{user.id}", connected, frames)


async def _call(w: World, meeting_id: int, seconds: int, *, to_bo: bool = True, every: int = 5,
                counted: int = 0) -> None:
    """Both pages report every `every` seconds for `seconds` (after `counted` reports); Bo's media arrives only
    when `to_bo`."""
    for n in range(counted, counted + seconds // every + 1):
        await _report(w, w.ana, meeting_id, 100 * (n + 1))
        await _report(w, w.bo, meeting_id, 100 * (n + 1) if to_bo else 0, connected=to_bo)
        w.clock.advance(dt.timedelta(seconds=every))


async def test_being_in_the_room_is_not_a_call_media_both_ways_makes_it_held_with_a_lead_each(world: World
                                                                                               ) -> None:
    w = world
    meeting_id = await _meet(w)
    found = await w.store.get_meeting(meeting_id)
    assert found is not None
    w.clock._at = found.starts_at
    joined = await w.service.meeting_joined(w.ana, meeting_id)
    assert [e.room for e in joined.events] == [meeting(meeting_id).name]
    w.clock.advance(2 * MIN)
    await w.service.meeting_joined(w.bo, meeting_id)
    w.clock.advance(5 * MIN)
    await w.service.meeting_left(w.bo.id, meeting_id)
    together = await w.store.get_meeting(meeting_id)
    assert together is not None and together.status is MeetingStatus.BOOKED  # five minutes together, no call
    assert (together.a_seconds, together.b_seconds, together.both_seconds) == (7 * 60, 5 * 60, 5 * 60)
    assert await w.store.leads_of(w.mission.id, w.ana.id) == []

    await w.service.meeting_joined(w.bo, meeting_id)
    w.clock.advance(3 * dt.timedelta(seconds=1))
    await _call(w, meeting_id, 110)  # below the default 120 s
    almost = await w.store.get_meeting(meeting_id)
    assert almost is not None and almost.status is MeetingStatus.BOOKED
    assert almost.quality.media_seconds == 110  # 23 reports 5 s apart: media between each and the next
    await _call(w, meeting_id, 30, counted=23)
    held = await w.store.get_meeting(meeting_id)
    assert held is not None and held.status is MeetingStatus.HELD
    assert held.quality.a.connect_seconds == 3 and held.quality.a.reconnects == 0
    for owner, person in ((w.ana, w.bo), (w.bo, w.ana)):
        lead, = await w.service.leads(owner, w.mission.id)
        assert (lead.person, lead.source, lead.meeting_id) == (person.id, LeadSource.MEETING, meeting_id)
    # Settling again (every node, the clock at the close) changes nothing and adds no lead.
    w.clock.advance(30 * MIN)
    again = (await w.service.settle_call(meeting_id, closed=True)).meeting
    assert again.status is MeetingStatus.HELD
    assert len(await w.service.leads(w.ana, w.mission.id)) == 1


async def _both_in(w: World, held_seconds: int) -> Meeting:
    """Ana and Bo's meeting, both in its room at its start, under a rule of `held_seconds`."""
    await w.service.save_rules(w.organiser, w.mission.id, MatchmakingRules(held_seconds=held_seconds))
    found = await w.store.get_meeting(await _meet(w))
    assert found is not None
    w.clock._at = found.starts_at
    for who in (w.ana, w.bo):
        await w.service.meeting_joined(who, found.id)
    return found


async def test_media_one_way_only_fails_to_connect_and_an_empty_side_is_a_no_show(world: World) -> None:
    w = world
    found = await _both_in(w, 30)
    meeting_id = found.id
    await _call(w, meeting_id, 10 * 60, to_bo=False)  # Ana sees Bo for ten minutes; Bo never sees Ana
    one_way = await w.store.get_meeting(meeting_id)
    assert one_way is not None and one_way.status is MeetingStatus.BOOKED
    assert (one_way.quality.media_seconds, one_way.quality.b.media_seconds) == (0, 0)
    assert one_way.quality.a.media_seconds > 9 * 60 and one_way.quality.b.connect_seconds is None
    w.clock._at = found.ends_at + dt.timedelta(minutes=10)
    failed = (await w.service.settle_call(meeting_id, closed=True)).meeting
    assert failed.status is MeetingStatus.FAILED
    assert await w.store.leads_of(w.mission.id, w.ana.id) == await w.store.leads_of(w.mission.id, w.bo.id) == []

    alone = await _meet_other(w)
    w.clock._at = alone.starts_at
    await w.service.meeting_joined(w.dirk, alone.id)
    w.clock._at = alone.ends_at + dt.timedelta(minutes=10)
    missed = (await w.service.settle_call(alone.id, closed=True)).meeting
    assert missed.status is MeetingStatus.NO_SHOW and missed.a_seconds > 0 and missed.b_seconds == 0


async def _meet_other(w: World) -> Meeting:
    sent = await w.service.request(w.dirk, w.mission.id, w.cy.id, "", w.slots[4:5])
    return (await w.service.accept(w.cy, sent.value.id, w.slots[4])).value


async def test_a_reload_starts_a_new_connection_and_its_media_counts_from_its_second_report(world: World
                                                                                             ) -> None:
    w = world
    meeting_id = (await _both_in(w, 30)).id
    for frames, sid in ((50, "one"), (900, "one"), (40, "two"), (80, "two"), (120, "two")):
        await _report(w, w.ana, meeting_id, frames, sid=sid)
        await _report(w, w.bo, meeting_id, frames, sid=sid)
        w.clock.advance(dt.timedelta(seconds=10))
    called = await w.store.get_meeting(meeting_id)
    assert called is not None
    # one→one: 10 s; one→two (another connection) and two's first report: nothing; two→two twice: 20 s.
    assert called.quality.a.media_seconds == 30 and called.quality.a.reconnects == 1
    assert called.quality.media_seconds == 30 and called.status is MeetingStatus.HELD


async def test_a_side_room_from_the_lounge_ends_when_its_room_empties_and_frees_the_time(world: World) -> None:
    w = world
    meeting_id = await _meet(w)
    lounge = await w.store.add_item(w.mission.id, ItemDraft(
        kind=ItemKind.NETWORKING, title="Borrel", starts_at=_at(2027, 3, 26, 20),
        ends_at=_at(2027, 3, 26, 22)).validated(w.mission))
    start = _at(2027, 3, 26, 20, 10)
    word = await w.store.book(w.mission.id, w.ana.id, w.bo.id, lounge.id, start, start + 15 * MIN, w.bo.id, 30,
                              start)
    w.clock._at = start
    await w.service.meeting_joined(w.ana, word.id)
    await w.service.meeting_joined(w.bo, word.id)
    w.clock.advance(MIN)
    await w.service.meeting_left(w.ana.id, word.id)  # one left: the other is still there, nothing ends
    still = await w.store.get_meeting(word.id)
    assert still is not None and still.ends_at == start + 15 * MIN
    w.clock.advance(MIN)
    await w.service.meeting_left(w.bo.id, word.id)
    ended = await w.store.get_meeting(word.id)
    assert ended is not None and ended.ends_at == start + 2 * MIN
    assert ended.status is MeetingStatus.FAILED  # both came, no call
    # Their time is free again: another side room right away is booked.
    again = await w.store.book(w.mission.id, w.ana.id, w.bo.id, lounge.id, w.clock.now(),
                               w.clock.now() + 15 * MIN, w.ana.id, 30, w.clock.now())
    assert again.starts_at == ended.ends_at
    # A slot meeting does not end when its room empties: its slot is its slot.
    slot = await w.store.get_meeting(meeting_id)
    assert slot is not None
    w.clock._at = slot.starts_at
    await w.service.meeting_joined(w.ana, meeting_id)
    await w.service.meeting_left(w.ana.id, meeting_id)
    kept = await w.store.get_meeting(meeting_id)
    assert kept is not None and (kept.ends_at, kept.status) == (slot.ends_at, MeetingStatus.BOOKED)


async def test_starting_notifies_both_once(world: World) -> None:
    w = world
    meeting_id = await _meet(w)
    first = await w.service.starting(meeting_id)
    assert first.fresh and {e.room for e in first.events} == {inbox(w.ana.id).name, inbox(w.bo.id).name}
    second = await w.service.starting(meeting_id)
    assert not second.fresh and [e.seq for e in second.events] == [e.seq for e in first.events]
    note = (await _inbox(w, w.ana))[-1]
    assert isinstance(note, MeetingStarting) and note.other.user_id == w.bo.id


async def test_notes_are_private_to_their_author(world: World) -> None:
    w = world
    meeting_id = await _meet(w)
    await w.service.save_notes(w.ana, meeting_id, "Follow up", 5)
    assert await w.service.notes(w.bo, meeting_id) is None
    mine = await w.service.notes(w.ana, meeting_id)
    assert mine is not None and (mine.notes, mine.rating) == ("Follow up", 5)
    with pytest.raises(NotAllowed):
        await w.service.notes(w.cy, meeting_id)
    with pytest.raises(Invalid):
        await w.service.save_notes(w.ana, meeting_id, "", 6)
    with pytest.raises(Invalid):
        await w.service.save_notes(w.ana, meeting_id, "x" * 5001, None)


async def test_schedule_lists_my_meetings_and_the_rest_of_the_programme(world: World) -> None:
    w = world
    meeting_id = await _meet(w)
    schedule = await w.service.schedule(w.bo, w.mission.id)
    assert [m.id for m in schedule.meetings] == [meeting_id] and schedule.items == []
    assert schedule.mission_timezone == "America/Los_Angeles"
    assert msgspec.json.decode(msgspec.json.encode(schedule))["meetings"][0]["id"] == meeting_id
