"""The webinar aggregate: the pure fold (rooms.webinar.decide) and the service over the in-memory store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec
import pytest

from rooms.catalog import MemoryStore, decode_event
from rooms.core.cards import Author, OrgType, Side
from rooms.core.clock import FixedClock
from rooms.core.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from rooms.core.events import Appended, EventBody, RoomEvent, kind_of
from rooms.core.refs import RoomRef, webinar, webinar_staff
from rooms.lobby.service import LiveService
from rooms.missions.mission import ItemDraft, ItemKind, MissionDraft
from rooms.missions.people import ItemRole, Role, User
from rooms.missions.profile import ProfileDraft
from rooms.policy import WebinarRole
from rooms.webinar.decide import (
    Audience,
    attendance_records,
    decide_ask,
    decide_attend,
    decide_create_poll,
    decide_end,
    decide_finish,
    decide_hand,
    decide_leave,
    decide_moderate,
    decide_qa_mode,
    decide_rehearse,
    decide_reopen,
    decide_set_poll,
    decide_start,
    decide_vote,
    decide_vote_poll,
    decide_warn,
    initial_state,
    may_reopen,
    public_view,
    staff_view,
)
from rooms.webinar.events import (
    AttendeeCard,
    Hand,
    Moderation,
    PollStatus,
    QaMode,
    QuestionChanged,
    Source,
    StageChanged,
    TimeboxChanged,
    TimeboxStatus,
    WebinarEnded,
)
from rooms.webinar.reactions import ReactionAggregator, allowed_emoji
from rooms.webinar.service import WebinarService
from rooms.webinar.state import PublicView, StaffView

UTC = dt.UTC
STARTS = dt.datetime(2026, 6, 16, 9, 0, tzinfo=UTC)
NOW = STARTS - dt.timedelta(minutes=10)


# -- a mission with one webinar, for the service tests ---------------------------------------------------------


@dataclass
class Webinar:
    store: MemoryStore
    clock: FixedClock
    svc: WebinarService
    item: int
    next_item: int
    users: dict[str, User]

    @property
    def public(self) -> str:
        return webinar(self.item).name

    @property
    def staff(self) -> str:
        return webinar_staff(self.item).name


SPEAKERS = 7  # one more than the stage shows cameras


async def make_webinar(minutes: int = 45, max_minutes: int = 60) -> Webinar:
    store = MemoryStore()
    clock = FixedClock(NOW)
    users: dict[str, User] = {}
    for who in ("organiser", "host", "moderator", "anna", "ben", "outsider",
                *(f"speaker{i}" for i in range(SPEAKERS))):
        users[who] = await store.create_user(f"{who}@example.org", who.capitalize(), NOW)
        await store.save_profile(users[who].id, ProfileDraft(name=who.capitalize(), organisation=f"{who} BV",
                                                             org_type=OrgType.SME, country="NL"))
    mission = await store.create_mission(
        MissionDraft(title="EV mission", destination="Boston", timezone="America/New_York",
                     start_date=dt.date(2026, 6, 15), end_date=dt.date(2026, 6, 19), webinar_max_minutes=max_minutes),
        users["organiser"].id, NOW)
    other = await store.create_mission(
        MissionDraft(title="Other", destination="Oslo", timezone="Europe/Oslo", start_date=dt.date(2026, 6, 15),
                     end_date=dt.date(2026, 6, 19)), users["outsider"].id, NOW)
    assert other.id != mission.id
    for who, user in users.items():
        if who not in ("organiser", "outsider"):
            await store.set_membership(mission.id, user.id, Role.PARTICIPANT, Side.DELEGATION)
    item = await store.add_item(mission.id, ItemDraft(kind=ItemKind.WEBINAR, title="EV charging at scale",
                                                      starts_at=STARTS,
                                                      ends_at=STARTS + dt.timedelta(minutes=minutes)))
    later = await store.add_item(mission.id, ItemDraft(kind=ItemKind.MATCHMAKING, title="Matchmaking",
                                                       starts_at=STARTS + dt.timedelta(hours=2),
                                                       ends_at=STARTS + dt.timedelta(hours=3)))
    await store.add_item(mission.id, ItemDraft(kind=ItemKind.NETWORKING, title="Earlier", starts_at=NOW,
                                               ends_at=NOW + dt.timedelta(minutes=5)))
    grants = {users["host"].id: ItemRole.HOST, users["moderator"].id: ItemRole.MODERATOR}
    grants |= {users[f"speaker{i}"].id: ItemRole.SPEAKER for i in range(SPEAKERS)}
    await store.set_item_roles(item.id, grants)
    return Webinar(store, clock, WebinarService(store, clock), item.id, later.id, users)


def bodies(appended: Appended, room: str) -> list[EventBody]:
    return [e.body for e in appended.events if e.room == room]


def card(user_id: int, at: dt.datetime = NOW) -> AttendeeCard:
    return AttendeeCard(user_id=user_id, name=f"P{user_id}", organisation=f"Org {user_id}", org_type=OrgType.SME,
                        side=Side.PARTNER, country="US", joined_at=at)


def author(user_id: int) -> Author:
    return Author(user_id, f"P{user_id}", f"Org {user_id}")


# -- the pure fold ---------------------------------------------------------------------------------------------


def test_questions_are_ordered_pinned_then_votes_then_asking_order() -> None:
    s = initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60)
    for user in (1, 2, 3, 4):
        s = decide_ask(s, author(user), f"question {user}", False, NOW).state
    ids = [q.id for q in public_view(s).questions]
    assert [q.text for q in public_view(s).questions] == ["question 1", "question 2", "question 3", "question 4"]
    for voter in (10, 11):
        s = decide_vote(s, ids[2], voter, True).state
    s = decide_vote(s, ids[1], 10, True).state
    s = decide_moderate(s, ids[3], Moderation.PIN, 99).state
    assert [q.id for q in public_view(s).questions] == [ids[3], ids[2], ids[1], ids[0]]
    # Pinning another question unpins the first: one "now answering" at a time.
    outcome = decide_moderate(s, ids[0], Moderation.PIN, 99)
    pinned = [q.id for q in public_view(outcome.state).questions if q.pinned]
    assert pinned == [ids[0]]
    changed = [b.question.id for to, b in outcome.events if to is Audience.PUBLIC and isinstance(b, QuestionChanged)]
    assert changed == [ids[3], ids[0]]


def test_pre_approved_questions_reach_only_the_staff_until_approved() -> None:
    s = decide_qa_mode(initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60), QaMode.PRE_APPROVED).state
    outcome = decide_ask(s, author(5), "Who pays for the grid upgrade?", False, NOW)
    assert [to for to, _ in outcome.events] == [Audience.STAFF]
    s = outcome.state
    assert public_view(s).questions == []
    [pending] = staff_view(s).questions
    assert pending.status == "pending"
    with pytest.raises(NotFound):  # nobody can vote for what the room cannot see
        decide_vote(s, pending.id, 6, True)
    outcome = decide_moderate(s, pending.id, Moderation.APPROVE, 99)
    assert sorted(to for to, _ in outcome.events) == [Audience.PUBLIC, Audience.STAFF]
    assert [q.status for q in public_view(outcome.state).questions] == ["approved"]
    # A dismissal is sent to the public room once, so clients drop the question.
    outcome = decide_moderate(outcome.state, pending.id, Moderation.DISMISS, 99)
    public = [b for to, b in outcome.events if to is Audience.PUBLIC]
    assert [b.question.status for b in public if isinstance(b, QuestionChanged)] == ["dismissed"]
    assert public_view(outcome.state).questions == []


def test_a_dismissed_pending_question_is_never_sent_to_the_public_room() -> None:
    s = decide_qa_mode(initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60), QaMode.PRE_APPROVED).state
    s = decide_ask(s, author(5), "Off topic", False, NOW).state
    outcome = decide_moderate(s, 1, Moderation.DISMISS, 99)
    assert [to for to, _ in outcome.events] == [Audience.STAFF]


def test_hands_keep_the_order_they_went_up() -> None:
    s = initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60)
    for user in (7, 3, 5):
        s = decide_hand(s, Hand(user, f"P{user}", "", NOW), True).state
    s = decide_hand(s, Hand(3, "P3", "", NOW), False).state
    s = decide_hand(s, Hand(3, "P3", "", NOW), True).state
    assert [h.user_id for h in public_view(s).hands] == [7, 5, 3]
    with pytest.raises(Conflict) as exc:
        decide_hand(s, Hand(7, "P7", "", NOW), True)
    assert exc.value.code == "hand-already-raised"


def test_a_second_poll_ballot_replaces_the_first() -> None:
    s = initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60)
    s = decide_create_poll(s, "Which market first?", ["US", "Canada", "Mexico"], False, 99).state
    assert public_view(s).polls == []  # a draft is for the moderators
    [draft] = staff_view(s).polls
    s = decide_set_poll(s, draft.id, PollStatus.OPEN, 99).state
    s = decide_vote_poll(s, draft.id, 5, [0]).state
    s = decide_vote_poll(s, draft.id, 6, [0]).state
    s = decide_vote_poll(s, draft.id, 5, [2]).state
    [poll] = public_view(s).polls
    assert (poll.counts, poll.voters) == ([1, 0, 1], 2)
    for bad in ([0, 1], [], [3], [-1]):
        with pytest.raises(Invalid):
            decide_vote_poll(s, draft.id, 5, bad)
    s = decide_set_poll(s, draft.id, PollStatus.CLOSED, 99).state
    with pytest.raises(Conflict):
        decide_vote_poll(s, draft.id, 7, [1])
    assert public_view(s).polls[0].counts == [1, 0, 1]  # results are kept


def test_attendance_counts_people_and_time_watched() -> None:
    s = initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60)
    s = decide_start(s, NOW).state
    s = decide_attend(s, card(1), NOW).state
    s = decide_attend(s, card(2), NOW).state
    s = decide_leave(s, 1, NOW + dt.timedelta(minutes=3)).state
    s = decide_attend(s, card(1), NOW + dt.timedelta(minutes=5)).state
    s = decide_leave(s, 2, NOW + dt.timedelta(minutes=6)).state
    assert decide_leave(s, 2, NOW + dt.timedelta(minutes=7)).events == []  # a second leave changes nothing
    view = staff_view(s)
    assert (view.counts.now, view.counts.peak, view.counts.unique) == (1, 2, 2)
    s = decide_end(s, None, NOW + dt.timedelta(minutes=10), 99).state
    records = {r.person.user_id: r for r in attendance_records(s, NOW + dt.timedelta(hours=1))}
    # Time after the end does not count, though the page stays open until its owner leaves.
    assert records[1].seconds == (3 + 5) * 60 and records[1].present
    assert records[2].seconds == 6 * 60 and not records[2].present


def test_staff_and_the_green_room_are_not_counted_as_attendance() -> None:
    s = initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60)
    host = msgspec.structs.replace(card(9), staff=True)
    s = decide_attend(s, host, NOW).state
    s = decide_attend(s, card(1), NOW).state  # waits in the room before the start
    s = decide_attend(s, card(2), NOW).state
    s = decide_leave(s, 2, NOW + dt.timedelta(minutes=2)).state  # leaves before the start: did not attend
    counts = staff_view(s).counts
    assert (counts.now, counts.peak, counts.unique) == (1, 0, 0)
    assert [a.user_id for a in staff_view(s).attendees] == [1, 9]  # the console still shows who is here
    s = decide_start(s, NOW + dt.timedelta(minutes=10)).state
    counts = staff_view(s).counts
    assert (counts.now, counts.peak, counts.unique) == (1, 1, 1)
    ended = decide_end(s, None, NOW + dt.timedelta(minutes=40), 9)
    summary = ended.events[-1][1]
    assert isinstance(summary, WebinarEnded) and (summary.attendance.unique, summary.attendance.peak) == (1, 1)
    records = {r.person.user_id: r for r in attendance_records(ended.state, NOW + dt.timedelta(hours=1))}
    assert records[1].seconds == 30 * 60 and records[1].attended and not records[1].staff
    assert records[9].staff and records[9].seconds == 30 * 60  # recorded, apart from the attendees
    assert records[2].seconds == 0 and not records[2].attended


def test_time_box_start_warnings_and_end() -> None:
    s = initial_state(1, STARTS, STARTS + dt.timedelta(minutes=90), 60)
    assert s.timebox.ends_at == STARTS + dt.timedelta(minutes=60)  # capped by the mission's maximum
    assert decide_warn(s, 10, s.timebox.ends_at - dt.timedelta(minutes=10)).events == []  # not live yet
    start = STARTS + dt.timedelta(minutes=3)
    s = decide_start(s, start).state
    assert s.timebox.status is TimeboxStatus.LIVE and s.timebox.ends_at == start + dt.timedelta(minutes=60)
    assert s.timebox.run == 1
    assert decide_warn(s, 10, s.timebox.ends_at - dt.timedelta(minutes=10), run=2).events == []  # another run's
    assert decide_warn(s, 10, STARTS).events == []  # a stale timer: too early for this warning
    outcome = decide_warn(s, 10, s.timebox.ends_at - dt.timedelta(minutes=10))
    assert len(outcome.events) == 1
    assert decide_warn(outcome.state, 10, s.timebox.ends_at - dt.timedelta(minutes=9)).events == []
    assert decide_finish(outcome.state, None, start).events == []
    ended = decide_finish(outcome.state, None, s.timebox.ends_at)
    assert isinstance(ended.events[-1][1], WebinarEnded)
    assert ended.state.timebox.status is TimeboxStatus.ENDED
    assert decide_finish(ended.state, None, s.timebox.ends_at).events == []
    with pytest.raises(Conflict) as exc:
        decide_ask(ended.state, author(1), "Too late?", False, s.timebox.ends_at)
    assert exc.value.code == "webinar-ended"


def test_every_webinar_event_round_trips_through_the_event_union() -> None:
    s = initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60)
    outcomes = [decide_attend(s, card(1), NOW), decide_ask(s, author(1), "Q?", True, NOW),
                decide_hand(s, Hand(1, "P1", "", NOW), True), decide_start(s, NOW)]
    outcomes.append(decide_end(outcomes[-1].state, None, NOW, 9))
    for outcome in outcomes:
        for _, body in outcome.events:
            event = RoomEvent(room="webinar:1", seq=1, at=NOW, body=body)
            again = decode_event(msgspec.json.encode(event))
            assert again == event and kind_of(again.body).startswith("w-")


def test_reactions_are_counted_per_room_until_drained() -> None:
    agg = ReactionAggregator()
    agg.add("webinar:1", "👏")
    agg.add("webinar:1", "👏")
    agg.add("webinar:2", "🎉")
    with pytest.raises(Invalid):
        agg.add("webinar:1", "💩")
    assert agg.drain() == {"webinar:1": {"👏": 2}, "webinar:2": {"🎉": 1}}
    assert agg.drain() == {}
    assert "❤️" in allowed_emoji()


# -- the service over the memory store -------------------------------------------------------------------------


async def test_roles_come_from_item_grants_and_organisers_moderate() -> None:
    w = await make_webinar()
    assert await w.svc.role(w.users["host"], w.item) is WebinarRole.HOST
    assert await w.svc.role(w.users["speaker0"], w.item) is WebinarRole.SPEAKER
    assert await w.svc.role(w.users["organiser"], w.item) is WebinarRole.MODERATOR
    assert await w.svc.role(w.users["anna"], w.item) is WebinarRole.ATTENDEE
    with pytest.raises(NotFound):
        await w.svc.role(w.users["outsider"], w.item)
    with pytest.raises(NotFound):
        await w.svc.role(w.users["anna"], w.next_item)  # not a webinar


async def test_who_may_join_which_room() -> None:
    w = await make_webinar()
    live = LiveService(w.store, w.clock, w.svc)
    await live.may_join(w.users["anna"], RoomRef.parse(w.public))
    await live.may_join(w.users["moderator"], RoomRef.parse(w.staff))
    await live.may_join(w.users["organiser"], RoomRef.parse(w.staff))
    await w.store.set_item_roles(w.item, {w.users["organiser"].id: ItemRole.SPEAKER})
    await live.may_join(w.users["organiser"], RoomRef.parse(w.staff))  # organisers keep the console
    with pytest.raises(NotAllowed):
        await live.may_join(w.users["anna"], RoomRef.parse(w.staff))
    with pytest.raises(NotFound):
        await live.may_join(w.users["outsider"], RoomRef.parse(w.public))
    with pytest.raises(NotFound):
        await LiveService(w.store, w.clock).may_join(w.users["anna"], RoomRef.parse(w.public))


async def test_ask_approve_bring_on_stage_and_end_the_guest() -> None:
    w = await make_webinar()
    anna, ben, mod = w.users["anna"], w.users["ben"], w.users["moderator"]
    await w.svc.set_qa_mode(mod, w.item, "pre-approved")
    asked = await w.svc.ask(anna, w.item, "  How do you size a depot?  ", True, "k1")
    assert [e.room for e in asked.events] == [w.staff] and asked.fresh
    again = await w.svc.ask(anna, w.item, "How do you size a depot?", True, "k1")
    assert again.events == asked.events and not again.fresh
    [q] = bodies(asked, w.staff)
    assert isinstance(q, QuestionChanged) and q.question.text == "How do you size a depot?"
    approved = await w.svc.moderate(mod, w.item, q.question.id, "approve")
    [public] = bodies(approved, w.public)
    assert isinstance(public, QuestionChanged) and public.question.author is None
    await w.svc.vote(ben, w.item, q.question.id, True)

    invited = await w.svc.invite(mod, w.item, anna.id, q.question.id)
    [stage] = bodies(invited, w.public)
    assert isinstance(stage, StageChanged) and [i.user_id for i in stage.stage.invited] == [anna.id]
    with pytest.raises(NotAllowed) as exc:
        await w.svc.reply(ben, w.item, True)
    assert exc.value.code == "not-invited"
    await w.svc.reply(anna, w.item, True)
    snap = await w.svc.snapshot(anna, RoomRef.parse(w.public))
    assert snap.may_publish and "publish" in snap.permissions
    who = await w.svc.publisher(anna, w.item, "camera")
    assert (who.name, who.source) == ("Anna", Source.CAMERA)
    await w.svc.went_live(anna, w.item, "camera", 42)
    assert [f.feed for f in await w.svc.live_feeds(w.item)] == [42]

    ended = await w.svc.end_guest(mod, w.item, anna.id)
    [stage] = bodies(ended, w.public)
    assert isinstance(stage, StageChanged) and stage.stage.live == [] and stage.stage.guests == []
    with pytest.raises(NotAllowed) as exc:
        await w.svc.publisher(anna, w.item, "camera")
    assert exc.value.code == "not-on-stage"
    assert not (await w.svc.snapshot(anna, RoomRef.parse(w.public))).may_publish


async def test_snapshots_show_each_room_its_view() -> None:
    w = await make_webinar()
    anna, mod = w.users["anna"], w.users["moderator"]
    await w.svc.attend(anna, w.item)
    await w.svc.ask(anna, w.item, "Anonymous one", True, None)
    public = await w.svc.snapshot(anna, RoomRef.parse(w.public))
    staff = await w.svc.snapshot(mod, RoomRef.parse(w.staff))
    assert isinstance(public.state, PublicView) and isinstance(staff.state, StaffView)
    assert public.state.questions[0].author is None
    assert staff.state.questions[0].author == Author(anna.id, "Anna", "anna BV")
    assert [a.user_id for a in staff.state.attendees] == [anna.id]
    assert public.seq == len(await w.store.since(w.public, 0, 100))
    assert staff.seq == len(await w.store.since(w.staff, 0, 100))
    assert b'"view":"public"' in public.state_json and b"anna BV" not in public.state_json
    with pytest.raises(NotAllowed):
        await w.svc.snapshot(anna, RoomRef.parse(w.staff))


async def test_inputs_are_validated_with_stable_codes() -> None:
    w = await make_webinar()
    anna, mod = w.users["anna"], w.users["moderator"]

    async def code(coro: object) -> str:
        with pytest.raises(DomainError) as exc:
            await coro  # type: ignore[misc]
        return exc.value.code

    assert await code(w.svc.ask(anna, w.item, "   ", False, None)) == "empty-question"
    assert await code(w.svc.ask(anna, w.item, "x" * 501, False, None)) == "too-long"
    assert await code(w.svc.create_poll(mod, w.item, "Q", ["only one"], False, None)) == "invalid-options"
    assert await code(w.svc.create_poll(mod, w.item, "Q", ["a", ""], False, None)) == "invalid-options"
    assert await code(w.svc.create_poll(mod, w.item, "Q", ["a"] * 9, False, None)) == "invalid-options"
    assert await code(w.svc.vote(anna, w.item, 999, True)) == "question-not-found"
    assert await code(w.svc.vote_poll(anna, w.item, 999, [0])) == "poll-not-found"
    assert await code(w.svc.invite(mod, w.item, w.users["outsider"].id, None)) == "person-not-found"
    assert await code(w.svc.greet(mod, w.item, w.users["outsider"].id)) == "person-not-found"
    assert await code(w.svc.moderate(mod, w.item, 1, "explode")) == "invalid-choice"
    assert await code(w.svc.set_qa_mode(mod, w.item, "chaos")) == "invalid-choice"
    assert await code(w.svc.publisher(w.users["host"], w.item, "hologram")) == "invalid-choice"


async def test_at_most_six_cameras_on_stage() -> None:
    w = await make_webinar()
    for i in range(6):
        await w.svc.went_live(w.users[f"speaker{i}"], w.item, "camera", 100 + i)
    with pytest.raises(Conflict) as exc:
        await w.svc.publisher(w.users["speaker6"], w.item, "camera")
    assert exc.value.code == "stage-full"
    await w.svc.publisher(w.users["speaker6"], w.item, "screen")  # screens are not cameras
    await w.svc.went_live(w.users["speaker0"], w.item, "camera", 200)  # republishing is not one more
    assert len(await w.svc.live_feeds(w.item)) == 6
    off = await w.svc.went_off(w.users["speaker0"].id, w.item, "camera")
    assert off.events
    assert (await w.svc.went_off(w.users["speaker0"].id, w.item, "camera")).events == []
    await w.svc.went_live(w.users["speaker6"], w.item, "camera", 300)


async def test_start_warn_and_finish_through_the_service() -> None:
    w = await make_webinar(minutes=90)
    host = w.users["host"]
    await w.svc.attend(w.users["anna"], w.item)
    await w.svc.went_live(host, w.item, "camera", 7)
    w.clock.advance(dt.timedelta(minutes=12))
    await w.svc.start(host, w.item)
    box = await w.svc.timebox(w.item)
    assert box.status == "live" and box.ends_at == w.clock.now() + dt.timedelta(minutes=60)
    assert (await w.svc.finish(w.item)).events == []  # not time yet
    w.clock.advance(dt.timedelta(minutes=55))
    warned = await w.svc.warn(w.item, 5)
    assert warned.fresh and [kind_of(e.body) for e in warned.events] == ["w-warning"]
    again = await w.svc.warn(w.item, 5)
    assert not again.fresh and again.events == warned.events
    w.clock.advance(dt.timedelta(minutes=5))
    ended = await w.svc.finish(w.item)
    kinds = [kind_of(e.body) for e in ended.events]
    assert kinds == ["w-stage", "w-timebox", "w-ended"]
    last = ended.events[-1].body
    assert isinstance(last, WebinarEnded) and last.next is not None and last.next.id == w.next_item
    assert last.attendance.unique == 1
    assert await w.svc.live_feeds(w.item) == []
    [record] = await w.svc.attendance(w.users["organiser"], w.item)
    # Only the hour it was live counts, not the 12 minutes Anna waited for the start.
    assert record.present and record.attended and record.seconds == 60 * 60
    retried = await w.svc.finish(w.item)  # the same key: already written, nothing new
    assert not retried.fresh and retried.events[0] == ended.events[0]
    with pytest.raises(Conflict):
        await w.svc.ask(w.users["anna"], w.item, "Still there?", False, None)


# -- a lifecycle that forgives mistakes --------------------------------------------------------------------------


def test_starting_long_before_the_scheduled_start_needs_a_confirmation() -> None:
    s = initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60)
    with pytest.raises(Conflict) as exc:
        decide_start(s, STARTS - dt.timedelta(minutes=16))
    assert exc.value.code == "early-start" and s.timebox.status is TimeboxStatus.SCHEDULED
    assert decide_start(s, STARTS - dt.timedelta(minutes=16), confirm=True).state.timebox.status == "live"
    # Within a quarter of an hour of the start, or late, no question is asked.
    s = initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60)
    assert decide_start(s, STARTS - dt.timedelta(minutes=15)).state.timebox.status == "live"


def test_a_rehearsal_leaves_no_trace_in_the_real_session() -> None:
    s = initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60)
    s = decide_create_poll(s, "Prepared poll", ["Yes", "No"], False, 99).state
    [prepared] = staff_view(s).polls
    s = decide_ask(s, author(5), "Asked while waiting", False, NOW).state  # an attendee, before any rehearsal
    outcome = decide_rehearse(s, True, 99)
    assert outcome.state.timebox.rehearsal
    s = outcome.state
    tried = decide_ask(s, author(99), "Can you hear me?", False, NOW, staff=True)
    assert [to for to, _ in tried.events] == [Audience.STAFF]  # the room never sees the staff's try-outs
    s = tried.state
    s = decide_set_poll(s, prepared.id, PollStatus.OPEN, 99).state
    assert public_view(s).polls == [] and staff_view(s).polls[0].rehearsal
    s = decide_vote_poll(s, prepared.id, 99, [0], staff=True).state
    with pytest.raises(NotFound):
        decide_vote_poll(s, prepared.id, 5, [0])  # attendees cannot reach a rehearsal poll
    rehearsal_q = next(q for q in staff_view(s).questions if q.rehearsal)
    with pytest.raises(NotFound):
        decide_vote(s, rehearsal_q.id, 5, True)
    s = decide_vote(s, rehearsal_q.id, 98, True, staff=True).state
    # Stopping drops the try-outs; starting for real then works, with nothing of the rehearsal in it.
    stopped = decide_rehearse(s, False, 99)
    assert not stopped.state.timebox.rehearsal
    assert {type(e).__name__ for to, e in stopped.events if to is Audience.STAFF} == {"QuestionChanged",
                                                                                      "PollChanged"}
    s = decide_start(stopped.state, STARTS).state
    assert [q.text for q in staff_view(s).questions] == ["Asked while waiting"]
    [poll] = staff_view(s).polls
    assert (poll.status, poll.counts, poll.rehearsal) == (PollStatus.DRAFT, [0, 0], False)
    # Starting during a rehearsal ends it the same way.
    s = decide_rehearse(initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60), True, 99).state
    s = decide_ask(s, author(99), "Test", False, NOW, staff=True).state
    started = decide_start(s, STARTS)
    assert staff_view(started.state).questions == [] and not started.state.timebox.rehearsal
    with pytest.raises(Conflict) as exc:
        decide_rehearse(started.state, True, 99)
    assert exc.value.code == "already-live"


def test_an_ended_webinar_reopens_within_its_slot_and_ends_again_by_itself() -> None:
    s = initial_state(1, STARTS, STARTS + dt.timedelta(minutes=45), 60)
    with pytest.raises(Conflict) as exc:
        decide_reopen(s, STARTS)
    assert exc.value.code == "not-ended"
    s = decide_start(s, STARTS).state
    s = decide_attend(s, card(1), STARTS).state
    s = decide_ask(s, author(1), "Kept?", False, STARTS).state
    s = decide_end(s, None, STARTS + dt.timedelta(minutes=20), 99).state  # a slip: 25 minutes too early
    assert may_reopen(s, STARTS + dt.timedelta(minutes=21))
    reopened = decide_reopen(s, STARTS + dt.timedelta(minutes=22))
    box = reopened.state.timebox
    assert (box.status, box.ended_at, box.run, box.ends_at) == ("live", None, 2, STARTS + dt.timedelta(minutes=45))
    assert [e for _, e in reopened.events] == [TimeboxChanged(box)]
    s = reopened.state
    assert [q.text for q in public_view(s).questions] == ["Kept?"]
    # The first run's timers are stale; the second run's end comes at the slot's end.
    assert decide_finish(s, None, box.ends_at, run=1).events == []
    ended = decide_finish(s, None, box.ends_at, run=2)
    assert ended.state.timebox.status is TimeboxStatus.ENDED
    records = {r.person.user_id: r for r in attendance_records(ended.state, box.ends_at)}
    assert records[1].seconds == (20 + 23) * 60  # the two minutes it was ended do not count
    # After the slot it stays ended.
    assert not may_reopen(ended.state, box.ends_at)
    with pytest.raises(Conflict) as exc:
        decide_reopen(ended.state, box.ends_at + dt.timedelta(minutes=1))
    assert exc.value.code == "slot-over"


async def test_reopen_is_the_hosts_and_the_green_room_stage_is_the_staffs() -> None:
    w = await make_webinar(minutes=60)
    host, moderator, anna = w.users["host"], w.users["moderator"], w.users["anna"]
    # Before the start the stage is the staff's: attendees get no stage media.
    await w.svc.may_watch(w.users["speaker0"], w.item)
    await w.svc.may_watch(moderator, w.item)
    with pytest.raises(NotAllowed) as refused:
        await w.svc.may_watch(anna, w.item)
    assert refused.value.code == "not-started"
    w.clock.advance(dt.timedelta(minutes=-20))  # half an hour before the start
    with pytest.raises(Conflict) as early:
        await w.svc.start(host, w.item)
    assert early.value.code == "early-start"
    await w.svc.start(host, w.item, confirm=True)
    await w.svc.may_watch(anna, w.item)  # live: the stage is everyone's
    await w.svc.attend(anna, w.item)
    await w.svc.end(moderator, w.item)
    snapshot = await w.svc.snapshot(host, RoomRef.parse(w.public))
    assert snapshot.may_reopen
    assert not (await w.svc.snapshot(moderator, RoomRef.parse(w.public))).may_reopen
    with pytest.raises(NotAllowed):
        await w.svc.reopen(moderator, w.item)
    reopened = await w.svc.reopen(host, w.item)
    assert [kind_of(e.body) for e in reopened.events] == ["w-timebox"]
    [status] = await w.svc.statuses(anna, (await w.store.get_item(w.item)).mission_id)  # type: ignore[union-attr]
    assert status.timebox.status == "live" and status.timebox.run == 2 and not status.may_reopen
    # Its timers write with keys of the second run: the first run's keys are not in the way.
    w.clock.advance(status.timebox.ends_at - w.clock.now())
    assert (await w.svc.finish(w.item, run=1)).events == []
    ended = await w.svc.finish(w.item, run=2)
    assert ended.fresh and kind_of(ended.events[-1].body) == "w-ended"
