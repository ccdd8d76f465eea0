"""The MeetingStore contract (rooms/matchmaking/ports.py): every implementation (memory, SQLite, PostgreSQL) behaves
alike, and no race double-books anyone.

Ids are compared relatively: a shared PostgreSQL database keeps its sequences between tests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest

from rooms.catalog import Store
from rooms.core.cards import Side
from rooms.core.errors import Conflict, NotFound
from rooms.mail.outbox import MailDraft
from rooms.matchmaking.records import (
    Attendance,
    CallQuality,
    LeadSource,
    MatchmakingRules,
    Meeting,
    MeetingStatus,
    RequestStatus,
    SideQuality,
    WhoMayRequest,
)
from rooms.missions.mission import ItemDraft, ItemKind, Mission, MissionDraft, ProgrammeItem
from rooms.missions.people import Role, User

UTC = dt.UTC
NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
START = dt.date(2027, 3, 8)
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
SLOT = dt.datetime(2027, 3, 9, 14, 0, tzinfo=UTC)  # 10:00 in Boston
RACERS = 12


async def _user(store: Store, n: int | str, name: str | None = None) -> User:
    return await store.create_user(f"u{n}@example.org", name or f"Person {n}", NOW)


async def _setup(store: Store) -> tuple[Mission, ProgrammeItem, User]:
    owner = await _user(store, "owner", "Olga Organiser")
    draft = MissionDraft(title="EV charging to Boston", destination="Boston", timezone="America/New_York",
                         start_date=START, end_date=START + dt.timedelta(days=4)).validated()
    mission = await store.create_mission(draft, owner.id, NOW)
    item = await store.add_item(mission.id, ItemDraft(
        kind=ItemKind.MATCHMAKING, title="Matchmaking", starts_at=SLOT,
        ends_at=SLOT + dt.timedelta(hours=6)).validated(mission))
    return mission, item, owner


async def _people(store: Store, mission: Mission, count: int, prefix: str, side: Side) -> list[User]:
    out = []
    for n in range(count):
        user = await _user(store, f"{prefix}{n}", f"{prefix.title()} {n}")
        await store.set_membership(mission.id, user.id, Role.PARTICIPANT, side)
        out.append(user)
    return out


@asynccontextmanager
async def _nodes(store: Store) -> AsyncIterator[list[Store]]:
    """The store, and for SQL a second store on the same database (another node with its own engine)."""
    from server.db.store_sql import SqlStore

    if not isinstance(store, SqlStore):
        yield [store]
        return
    other = await SqlStore.open(store.url)
    try:
        yield [store, other]
    finally:
        await other.close()


def _outcomes(results: Sequence[object]) -> tuple[list[Any], list[str]]:
    """Successes, and the codes of the Conflicts; anything else fails the test."""
    wins: list[Any] = []
    codes: list[str] = []
    for result in results:
        if isinstance(result, Conflict):
            codes.append(result.code)
        elif isinstance(result, BaseException):
            raise result
        else:
            wins.append(result)
    return wins, codes


def _no_overlaps(meetings: Sequence[Meeting]) -> None:
    live = sorted((m for m in meetings if m.status is not MeetingStatus.CANCELLED), key=lambda m: m.starts_at)
    for first, second in itertools.pairwise(live):
        assert first.ends_at <= second.starts_at, (first, second)


async def _conflict(code: str, call: Awaitable[object]) -> Conflict:
    with pytest.raises(Conflict) as exc:
        await call
    assert exc.value.code == code
    return exc.value


# -- rules and availability ----------------------------------------------------------------------------------


async def test_rules_default_until_saved_and_then_replaced(store: Store) -> None:
    mission, _, _ = await _setup(store)
    assert await store.get_rules(mission.id) == MatchmakingRules()
    rules = MatchmakingRules(meeting_minutes=30, break_minutes=0, who_may_request=WhoMayRequest.ANYONE,
                             max_meetings=4, organiser_booking=True, delegation_timezone="Europe/Oslo")
    await store.save_rules(mission.id, rules)
    assert await store.get_rules(mission.id) == rules
    await store.save_rules(mission.id, MatchmakingRules(max_meetings=7))
    assert await store.get_rules(mission.id) == MatchmakingRules(max_meetings=7)


async def test_availability_is_replaced_and_listed_ascending(store: Store) -> None:
    mission, _, _ = await _setup(store)
    ana, bo = await _people(store, mission, 2, "d", Side.DELEGATION)
    later, sooner = SLOT + 25 * MIN, SLOT
    await store.set_availability(mission.id, ana.id, [later, sooner])
    await store.set_availability(mission.id, bo.id, [sooner])
    assert await store.availability(mission.id, ana.id) == [sooner, later]
    assert await store.available_people(mission.id, sooner) == [ana.id, bo.id]
    await store.set_availability(mission.id, ana.id, [later])
    assert await store.availability(mission.id, ana.id) == [later]
    assert await store.available_people(mission.id, sooner) == [bo.id]
    await store.set_availability(mission.id, ana.id, [])
    assert await store.availability(mission.id, ana.id) == []


# -- requests ------------------------------------------------------------------------------------------------


async def test_requests_are_created_listed_newest_first_and_answered_once(store: Store) -> None:
    mission, _, _ = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, cy = await _people(store, mission, 2, "p", Side.PARTNER)
    first = await store.create_request(mission.id, ana.id, bo.id, "Hello", [SLOT + 25 * MIN, SLOT], NOW)
    assert first.status is RequestStatus.PENDING and first.slots == [SLOT, SLOT + 25 * MIN]
    assert (first.from_user, first.to_user, first.message, first.counter_of) == (ana.id, bo.id, "Hello", None)
    assert await store.get_request(first.id) == first
    second = await store.create_request(mission.id, cy.id, ana.id, "", [SLOT], NOW + MIN)
    assert [r.id for r in await store.requests_of(mission.id, ana.id)] == [second.id, first.id]
    assert [r.id for r in await store.requests_of(mission.id, bo.id)] == [first.id]

    declined = await store.answer_request(first.id, RequestStatus.DECLINED, "Busy week", NOW + 2 * MIN)
    assert (declined.status, declined.reason, declined.answered_at) == (RequestStatus.DECLINED, "Busy week",
                                                                        NOW + 2 * MIN)
    await _conflict("request-not-pending", store.answer_request(first.id, RequestStatus.CANCELLED, None, NOW))
    await _conflict("request-not-pending", store.accept(first.id, SLOT, SLOT + 20 * MIN, 1, 30, NOW))
    with pytest.raises(NotFound):
        await store.answer_request(999_999, RequestStatus.CANCELLED, None, NOW)
    assert await store.get_request(999_999) is None


async def test_a_counter_marks_the_original_countered_atomically(store: Store) -> None:
    mission, _, _ = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, = await _people(store, mission, 1, "p", Side.PARTNER)
    original = await store.create_request(mission.id, ana.id, bo.id, "", [SLOT], NOW)
    counter = await store.create_request(mission.id, bo.id, ana.id, "Later?", [SLOT + 25 * MIN], NOW,
                                         counter_of=original.id)
    assert counter.counter_of == original.id
    again = await store.get_request(original.id)
    assert again is not None and again.status is RequestStatus.COUNTERED
    # Countering an answered request writes nothing.
    before = await store.requests_of(mission.id, ana.id)
    await _conflict("request-not-pending", store.create_request(mission.id, bo.id, ana.id, "", [SLOT], NOW,
                                                                counter_of=original.id))
    assert await store.requests_of(mission.id, ana.id) == before


async def test_accept_books_the_meeting_and_marks_the_request_in_one_step(store: Store) -> None:
    mission, item, _ = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, = await _people(store, mission, 1, "p", Side.PARTNER)
    request = await store.create_request(mission.id, ana.id, bo.id, "", [SLOT], NOW)
    accepted, meeting = await store.accept(request.id, SLOT, SLOT + 20 * MIN, item.id, 30, NOW + MIN)
    assert accepted.status is RequestStatus.ACCEPTED and accepted.meeting_id == meeting.id
    assert accepted.answered_at == NOW + MIN
    assert (meeting.a, meeting.b, meeting.booked_by, meeting.request_id) == (ana.id, bo.id, bo.id, request.id)
    assert (meeting.starts_at, meeting.ends_at, meeting.item_id) == (SLOT, SLOT + 20 * MIN, item.id)
    assert meeting.status is MeetingStatus.BOOKED and (meeting.a_seconds, meeting.both_seconds) == (0, 0)
    assert await store.get_meeting(meeting.id) == meeting
    assert await store.get_request(request.id) == accepted


async def test_a_refused_accept_writes_nothing(store: Store) -> None:
    mission, item, _ = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, cy = await _people(store, mission, 2, "p", Side.PARTNER)
    await store.book(mission.id, ana.id, cy.id, item.id, SLOT + 10 * MIN, SLOT + 30 * MIN, 0, 30, NOW)
    request = await store.create_request(mission.id, ana.id, bo.id, "", [SLOT], NOW)
    refused = await _conflict("slot-taken", store.accept(request.id, SLOT, SLOT + 20 * MIN, item.id, 30, NOW))
    assert "D 0" in refused.message  # whose time is taken
    again = await store.get_request(request.id)
    assert again is not None and again.status is RequestStatus.PENDING and again.meeting_id is None
    assert len(await store.meetings_of(mission.id, bo.id)) == 0


# -- meetings ------------------------------------------------------------------------------------------------


async def test_book_refuses_overlaps_for_either_person_but_not_back_to_back(store: Store) -> None:
    mission, item, owner = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, cy, di = await _people(store, mission, 3, "p", Side.PARTNER)
    first = await store.book(mission.id, ana.id, bo.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW)
    assert first.booked_by == owner.id and first.request_id is None
    taken = await _conflict("slot-taken", store.book(mission.id, cy.id, ana.id, item.id, SLOT + 19 * MIN,
                                                     SLOT + 39 * MIN, owner.id, 30, NOW))
    assert "D 0" in taken.message
    await _conflict("slot-taken", store.book(mission.id, bo.id, cy.id, item.id, SLOT - 10 * MIN, SLOT + MIN,
                                             owner.id, 30, NOW))
    second = await store.book(mission.id, ana.id, cy.id, item.id, SLOT + 20 * MIN, SLOT + 40 * MIN, owner.id,
                              30, NOW)
    other = await store.book(mission.id, di.id, cy.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW)
    assert [m.id for m in await store.meetings_of(mission.id, ana.id)] == [first.id, second.id]
    assert [m.id for m in await store.meetings_in(mission.id)] == [*sorted([first.id, other.id]), second.id]


async def test_a_booking_queues_its_mail_with_it_and_a_refused_one_none(store: Store) -> None:
    mission, item, owner = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, cy = await _people(store, mission, 2, "p", Side.PARTNER)
    mail = [MailDraft(template="meeting-booked", to_addr=u.email, to_name=u.name, lang="en", sender_name="O",
                      params={"other": "x"}, mission_id=mission.id) for u in (ana, bo)]
    booked = await store.book(mission.id, ana.id, bo.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW,
                              mail=mail)
    await _conflict("slot-taken", store.book(mission.id, cy.id, ana.id, item.id, SLOT, SLOT + 20 * MIN, owner.id,
                                             30, NOW, mail=mail[:1]))
    queued = await store.outbox(mission.id)
    assert sorted(e.draft.to_addr for e in queued) == sorted([ana.email, bo.email])
    assert {e.draft.ref_id for e in queued} == {booked.id}


async def test_a_cancelled_meeting_frees_the_time_and_cannot_be_cancelled_twice(store: Store) -> None:
    mission, item, owner = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, cy = await _people(store, mission, 2, "p", Side.PARTNER)
    first = await store.book(mission.id, ana.id, bo.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW)
    cancelled = await store.cancel_meeting(first.id)
    assert cancelled.status is MeetingStatus.CANCELLED
    await _conflict("meeting-not-booked", store.cancel_meeting(first.id))
    with pytest.raises(NotFound):
        await store.cancel_meeting(999_999)
    again = await store.book(mission.id, ana.id, cy.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW)
    # Cancelled meetings are still listed (the schedule shows them struck through).
    assert [m.status for m in await store.meetings_of(mission.id, ana.id)] == [MeetingStatus.CANCELLED,
                                                                               MeetingStatus.BOOKED]
    assert again.id != first.id


async def test_max_meetings_counts_live_meetings_in_the_mission(store: Store) -> None:
    mission, item, owner = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    partners = await _people(store, mission, 3, "p", Side.PARTNER)
    first = await store.book(mission.id, ana.id, partners[0].id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 2, NOW)
    await store.book(mission.id, ana.id, partners[1].id, item.id, SLOT + HOUR, SLOT + HOUR + 20 * MIN, owner.id,
                     2, NOW)
    refused = await _conflict("too-many-meetings", store.book(
        mission.id, partners[2].id, ana.id, item.id, 2 * HOUR + SLOT, SLOT + 2 * HOUR + 20 * MIN, owner.id, 2, NOW))
    assert "D 0" in refused.message
    await store.cancel_meeting(first.id)
    await store.book(mission.id, partners[2].id, ana.id, item.id, SLOT + 2 * HOUR, SLOT + 2 * HOUR + 20 * MIN,
                     owner.id, 2, NOW)




QUALITY = CallQuality(media_seconds=540, a=SideQuality(560, 2, 1), b=SideQuality(550, 3, 0))


async def test_a_call_is_recorded_with_the_status_the_domain_decided(store: Store) -> None:
    mission, item, owner = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, = await _people(store, mission, 1, "p", Side.PARTNER)
    meeting = await store.book(mission.id, ana.id, bo.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW)
    assert meeting.quality == CallQuality() and meeting.quality.a.connect_seconds is None
    alone = await store.record_call(meeting.id, Attendance(300, 0, 0), CallQuality(), MeetingStatus.BOOKED)
    assert (alone.a_seconds, alone.b_seconds, alone.both_seconds, alone.status) == (300, 0, 0, MeetingStatus.BOOKED)
    failed = await store.record_call(meeting.id, Attendance(900, 700, 600), CallQuality(media_seconds=30),
                                     MeetingStatus.FAILED)
    assert failed.status is MeetingStatus.FAILED and failed.quality.media_seconds == 30
    held = await store.record_call(meeting.id, Attendance(900, 700, 600), QUALITY, MeetingStatus.HELD)
    assert (held.both_seconds, held.quality, held.status) == (600, QUALITY, MeetingStatus.HELD)
    assert await store.get_meeting(meeting.id) == held
    # Held is final (its leads exist): a node that settled from an older view cannot take it back.
    later = await store.record_call(meeting.id, Attendance(960, 760, 660), QUALITY, MeetingStatus.FAILED)
    assert (later.status, later.a_seconds) == (MeetingStatus.HELD, 960)
    with pytest.raises(NotFound):
        await store.record_call(999_999, Attendance(), CallQuality(), MeetingStatus.HELD)


async def test_a_cancelled_meeting_stays_cancelled_and_settling_nodes_agree(store: Store) -> None:
    mission, item, owner = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, cy = await _people(store, mission, 2, "p", Side.PARTNER)
    gone = await store.book(mission.id, ana.id, bo.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW)
    await store.cancel_meeting(gone.id)
    kept = await store.record_call(gone.id, Attendance(60, 60, 60), QUALITY, MeetingStatus.HELD)
    assert kept.status is MeetingStatus.CANCELLED
    raced = await store.book(mission.id, ana.id, cy.id, item.id, SLOT + HOUR, SLOT + HOUR + 20 * MIN, owner.id,
                             30, NOW)
    async with _nodes(store) as nodes:
        done = await asyncio.gather(*(nodes[n % len(nodes)].record_call(
            raced.id, Attendance(600, 600, 600), QUALITY, MeetingStatus.FAILED if n % 2 else MeetingStatus.HELD)
            for n in range(6)))
    assert {m.status for m in done} <= {MeetingStatus.FAILED, MeetingStatus.HELD}
    assert (await store.get_meeting(raced.id) or raced).status is MeetingStatus.HELD  # once held, always held


async def test_ending_a_meeting_early_frees_its_time(store: Store) -> None:
    mission, item, owner = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, cy = await _people(store, mission, 2, "p", Side.PARTNER)
    word = await store.book(mission.id, ana.id, bo.id, item.id, SLOT, SLOT + 15 * MIN, owner.id, 30, NOW)
    with pytest.raises(Conflict):
        await store.book(mission.id, ana.id, cy.id, item.id, SLOT + 5 * MIN, SLOT + 20 * MIN, owner.id, 30, NOW)
    ended = await store.end_meeting(word.id, SLOT + 4 * MIN)
    assert ended.ends_at == SLOT + 4 * MIN and await store.get_meeting(word.id) == ended
    assert await store.end_meeting(word.id, SLOT + 10 * MIN) == ended  # it had ended already
    assert (await store.end_meeting(word.id, SLOT - MIN)).ends_at == SLOT  # never before its start
    next_one = await store.book(mission.id, ana.id, cy.id, item.id, SLOT + 5 * MIN, SLOT + 20 * MIN, owner.id, 30,
                                NOW)
    assert next_one.starts_at == SLOT + 5 * MIN
    await store.cancel_meeting(next_one.id)
    assert await store.end_meeting(next_one.id, SLOT + 6 * MIN) == await store.get_meeting(next_one.id)
    assert (await store.get_meeting(next_one.id) or next_one).ends_at == SLOT + 20 * MIN
    with pytest.raises(NotFound):
        await store.end_meeting(999_999, SLOT)


async def test_notes_are_per_author_and_replaced(store: Store) -> None:
    mission, item, owner = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, = await _people(store, mission, 1, "p", Side.PARTNER)
    meeting = await store.book(mission.id, ana.id, bo.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW)
    assert await store.get_notes(meeting.id, ana.id) is None
    await store.save_notes(meeting.id, ana.id, "Send deck", 4, NOW)
    saved = await store.save_notes(meeting.id, ana.id, "Send deck and prices", None, NOW + MIN)
    assert saved.notes == "Send deck and prices" and saved.rating is None
    assert await store.get_notes(meeting.id, ana.id) == saved
    assert await store.get_notes(meeting.id, bo.id) is None
    with pytest.raises(NotFound):
        await store.save_notes(999_999, ana.id, "", None, NOW)


async def test_leads_are_idempotent_and_listed_newest_first(store: Store) -> None:
    mission, item, owner = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, cy = await _people(store, mission, 2, "p", Side.PARTNER)
    meeting = await store.book(mission.id, ana.id, bo.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW)
    first = await store.add_lead(mission.id, ana.id, bo.id, LeadSource.MEETING, meeting.id, NOW)
    assert await store.add_lead(mission.id, ana.id, bo.id, LeadSource.MEETING, meeting.id, NOW + MIN) == first
    lounge = await store.add_lead(mission.id, ana.id, cy.id, LeadSource.LOUNGE, None, NOW + MIN)
    assert await store.add_lead(mission.id, ana.id, cy.id, LeadSource.LOUNGE, None, NOW + 2 * MIN) == lounge
    assert [lead.id for lead in await store.leads_of(mission.id, ana.id)] == [lounge.id, first.id]
    assert await store.leads_of(mission.id, bo.id) == []
    racing = await asyncio.gather(*(store.add_lead(mission.id, bo.id, ana.id, LeadSource.MEETING, meeting.id, NOW)
                                    for _ in range(5)))
    assert len({lead.id for lead in racing}) == 1


async def test_feed_tokens_are_replaced(store: Store) -> None:
    ana = await _user(store, "ana")
    assert await store.feed_user("a" * 64) is None
    await store.set_feed_token(ana.id, "a" * 64, NOW)
    assert await store.feed_user("a" * 64) == ana.id
    await store.set_feed_token(ana.id, "b" * 64, NOW)
    assert await store.feed_user("a" * 64) is None
    assert await store.feed_user("b" * 64) == ana.id


# -- no double booking under concurrency ---------------------------------------------------------------------


async def test_racing_acceptances_of_one_slot_book_exactly_one_meeting(store: Store) -> None:
    mission, item, _ = await _setup(store)
    bo, = await _people(store, mission, 1, "p", Side.PARTNER)
    askers = await _people(store, mission, RACERS, "d", Side.DELEGATION)
    requests = [await store.create_request(mission.id, a.id, bo.id, "", [SLOT], NOW) for a in askers]
    async with _nodes(store) as nodes:
        results = await asyncio.gather(
            *(nodes[n % len(nodes)].accept(r.id, SLOT, SLOT + 20 * MIN, item.id, 30, NOW)
              for n, r in enumerate(requests)), return_exceptions=True)
    wins, codes = _outcomes(results)
    assert len(wins) == 1 and codes == ["slot-taken"] * (RACERS - 1)
    (won_request, meeting), = wins
    assert await store.meetings_of(mission.id, bo.id) == [meeting]
    after = [await store.get_request(r.id) for r in requests]
    assert [r.status for r in after if r is not None].count(RequestStatus.ACCEPTED) == 1
    assert all(r is not None and (r.status is RequestStatus.PENDING) == (r.id != won_request.id)
               and (r.meeting_id is None) == (r.id != won_request.id) for r in after)


async def test_racing_overlapping_bookings_never_overlap(store: Store) -> None:
    mission, item, owner = await _setup(store)
    bo, = await _people(store, mission, 1, "p", Side.PARTNER)
    others = await _people(store, mission, RACERS, "d", Side.DELEGATION)
    # Starts 7 minutes apart, 20 minutes long: each overlaps its neighbours but not equal to them.
    async with _nodes(store) as nodes:
        results = await asyncio.gather(
            *(nodes[n % len(nodes)].book(mission.id, o.id, bo.id, item.id, SLOT + 7 * n * MIN,
                                         SLOT + (7 * n + 20) * MIN, owner.id, 30, NOW)
              for n, o in enumerate(others)), return_exceptions=True)
    wins, codes = _outcomes(results)
    assert wins and set(codes) <= {"slot-taken"} and len(wins) + len(codes) == RACERS
    stored = await store.meetings_of(mission.id, bo.id)
    assert sorted(m.id for m in stored) == sorted(m.id for m in wins)
    _no_overlaps(stored)


async def test_racing_bookings_respect_max_meetings(store: Store) -> None:
    mission, item, owner = await _setup(store)
    bo, = await _people(store, mission, 1, "p", Side.PARTNER)
    others = await _people(store, mission, RACERS, "d", Side.DELEGATION)
    async with _nodes(store) as nodes:
        results = await asyncio.gather(
            *(nodes[n % len(nodes)].book(mission.id, o.id, bo.id, item.id, SLOT + 25 * n * MIN,
                                         SLOT + (25 * n + 20) * MIN, owner.id, 3, NOW)
              for n, o in enumerate(others)), return_exceptions=True)
    wins, codes = _outcomes(results)
    assert len(wins) == 3 and codes == ["too-many-meetings"] * (RACERS - 3)
    assert len(await store.meetings_of(mission.id, bo.id)) == 3


# -- the meeting clock's queries ---------------------------------------------------------------------------------


async def test_meetings_starting_are_the_booked_ones_in_the_window(store: Store) -> None:
    mission, item, owner = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, cy, di = await _people(store, mission, 3, "p", Side.PARTNER)
    first = await store.book(mission.id, ana.id, bo.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW)
    same = await store.book(mission.id, cy.id, di.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW)
    later = await store.book(mission.id, ana.id, cy.id, item.id, SLOT + HOUR, SLOT + HOUR + 20 * MIN, owner.id,
                             30, NOW)
    gone = await store.book(mission.id, bo.id, di.id, item.id, SLOT + HOUR, SLOT + HOUR + 20 * MIN, owner.id,
                            30, NOW)
    await store.cancel_meeting(gone.id)

    async def starting(after: dt.datetime, until: dt.datetime) -> list[int]:
        return [m.id for m in await store.meetings_starting(after, until) if m.mission_id == mission.id]

    assert await starting(SLOT - MIN, SLOT) == [first.id, same.id]  # after < starts_at <= until
    assert await starting(SLOT, SLOT + HOUR) == [later.id]  # the cancelled one is not due
    assert await starting(SLOT - HOUR, SLOT + 2 * HOUR) == [first.id, same.id, later.id]
    assert await starting(SLOT + MIN, SLOT + 59 * MIN) == []
    await store.record_call(first.id, Attendance(60, 60, 60), QUALITY, MeetingStatus.HELD)  # no longer waiting
    assert await starting(SLOT - MIN, SLOT) == [same.id]


async def test_meetings_closing_are_booked_or_held_by_end(store: Store) -> None:
    mission, item, owner = await _setup(store)
    ana, = await _people(store, mission, 1, "d", Side.DELEGATION)
    bo, cy, di = await _people(store, mission, 3, "p", Side.PARTNER)
    short = await store.book(mission.id, ana.id, bo.id, item.id, SLOT, SLOT + 20 * MIN, owner.id, 30, NOW)
    long = await store.book(mission.id, cy.id, di.id, item.id, SLOT - 40 * MIN, SLOT + 20 * MIN, owner.id, 30, NOW)
    held = await store.book(mission.id, ana.id, cy.id, item.id, SLOT + HOUR, SLOT + HOUR + 20 * MIN, owner.id,
                            30, NOW)
    gone = await store.book(mission.id, bo.id, di.id, item.id, SLOT + HOUR, SLOT + HOUR + 20 * MIN, owner.id,
                            30, NOW)
    await store.record_call(held.id, Attendance(600, 600, 500), QUALITY, MeetingStatus.HELD)
    await store.cancel_meeting(gone.id)
    end = SLOT + 20 * MIN

    async def closing(after: dt.datetime, until: dt.datetime) -> list[int]:
        return [m.id for m in await store.meetings_closing(after, until) if m.mission_id == mission.id]

    assert await closing(end - MIN, end) == [short.id, long.id]  # a 60-minute meeting is found by its end
    assert await closing(end, end + HOUR) == [held.id]  # held still settles; cancelled never
    assert await closing(end - 2 * HOUR, end - MIN) == []
    missed = await store.record_call(short.id, Attendance(300, 0, 0), CallQuality(), MeetingStatus.NO_SHOW)
    assert missed.status is MeetingStatus.NO_SHOW and await store.get_meeting(short.id) == missed
    await store.record_call(long.id, Attendance(300, 300, 300), CallQuality(), MeetingStatus.FAILED)
    assert await closing(end - MIN, end) == []  # settled: no longer closing
