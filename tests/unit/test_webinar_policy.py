"""Webinar permissions and privacy, through the service over the in-memory store (docs/webinar.md)."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from rooms.core.cards import Side
from rooms.core.errors import Conflict, Invalid, NotAllowed
from rooms.core.refs import RoomRef
from rooms.missions.people import ItemRole, Membership, Role
from rooms.policy import (
    WEBINAR_RULES,
    WebinarAction,
    WebinarRole,
    is_webinar_staff,
    may_see_stage,
    require_stage_view,
    webinar_allowed,
    webinar_permissions,
    webinar_role,
)
from rooms.webinar.events import PollChanged, PollVoted, QuestionChanged, QuestionVoted
from rooms.webinar.service import asked_question
from rooms.webinar.state import PublicView, StaffView
from tests.unit.test_webinar_domain import bodies, make_webinar

pytestmark = pytest.mark.security

STAFF_ONLY = {"moderate-qa", "lower-hands", "invite-to-stage", "end-guest", "manage-polls", "greet", "console",
              "start", "end", "record"}


def test_the_rules_table_is_the_documented_one() -> None:
    everyone = {"watch", "ask", "vote-question", "raise-hand", "vote-poll", "react"}
    assert set(webinar_permissions(WebinarRole.ATTENDEE)) == everyone
    assert set(webinar_permissions(WebinarRole.ATTENDEE, guest=True)) == everyone | {"publish"}
    assert set(webinar_permissions(WebinarRole.SPEAKER)) == everyone | {"publish"}
    assert set(webinar_permissions(WebinarRole.MODERATOR)) == everyone | STAFF_ONLY
    assert set(webinar_permissions(WebinarRole.HOST)) == everyone | STAFF_ONLY | {"publish", "reopen"}
    assert set(WEBINAR_RULES) == set(WebinarAction)


def test_the_green_room_and_reopening() -> None:
    # Host, moderators and speakers are the staff: the green room's stage is theirs before the start.
    assert [r for r in WebinarRole if is_webinar_staff(r)] == [WebinarRole.HOST, WebinarRole.MODERATOR,
                                                                 WebinarRole.SPEAKER]
    for role in WebinarRole:
        assert may_see_stage(role, live=True)
        assert may_see_stage(role, live=False) == (role is not WebinarRole.ATTENDEE)
    assert may_see_stage(WebinarRole.ATTENDEE, live=False, guest=True)
    with pytest.raises(NotAllowed) as exc:
        require_stage_view(WebinarRole.ATTENDEE, live=False)
    assert exc.value.code == "not-started"
    # Only the host undoes an end.
    assert [r for r in WebinarRole if webinar_allowed(r, WebinarAction.REOPEN)] == [WebinarRole.HOST]


def test_roles_from_mission_membership_and_grant() -> None:
    def member(role: Role) -> Membership:
        return Membership(mission_id=1, user_id=2, role=role, side=Side.PARTNER)

    assert webinar_role(member(Role.ORGANISER), None) is WebinarRole.MODERATOR
    assert webinar_role(member(Role.ORGANISER), ItemRole.HOST) is WebinarRole.HOST
    assert webinar_role(member(Role.PARTICIPANT), ItemRole.SPEAKER) is WebinarRole.SPEAKER
    assert webinar_role(member(Role.HOST), None) is WebinarRole.ATTENDEE  # grants are per webinar


async def test_an_attendee_cannot_publish_approve_greet_or_run_polls() -> None:
    w = await make_webinar()
    anna, ben, mod = w.users["anna"], w.users["ben"], w.users["moderator"]
    asked = await w.svc.ask(ben, w.item, "A question", False, None)
    question = asked.events[0].body
    assert isinstance(question, QuestionChanged)
    created = await w.svc.create_poll(mod, w.item, "Which?", ["a", "b"], False, None)
    poll = created.events[0].body
    assert isinstance(poll, PollChanged)

    with pytest.raises(NotAllowed) as exc:
        await w.svc.publisher(anna, w.item, "camera")
    assert exc.value.code == "not-on-stage"
    with pytest.raises(NotAllowed) as exc:
        await w.svc.went_live(anna, w.item, "camera", 1)
    assert exc.value.code == "not-on-stage"
    attempts = [
        w.svc.moderate(anna, w.item, question.question.id, "approve"),
        w.svc.moderate(anna, w.item, question.question.id, "dismiss"),
        w.svc.set_qa_mode(anna, w.item, "pre-approved"),
        w.svc.greet(anna, w.item, ben.id),
        w.svc.create_poll(anna, w.item, "Mine?", ["a", "b"], False, None),
        w.svc.set_poll(anna, w.item, poll.poll.id, "open"),
        w.svc.invite(anna, w.item, ben.id, None),
        w.svc.lower_hand(anna, w.item, ben.id),
        w.svc.end_guest(anna, w.item, ben.id),
        w.svc.start(anna, w.item),
        w.svc.end(anna, w.item),
        w.svc.attendance(anna, w.item),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            await attempt
    # A speaker publishes but does not moderate.
    await w.svc.publisher(w.users["speaker0"], w.item, "camera")
    with pytest.raises(NotAllowed):
        await w.svc.moderate(w.users["speaker0"], w.item, question.question.id, "approve")
    assert len(await w.store.since(w.public, 0, 100)) == 1  # only the question: nothing else was written


async def test_a_second_poll_vote_replaces_the_first_never_adds() -> None:
    w = await make_webinar()
    anna, mod = w.users["anna"], w.users["moderator"]
    created = await w.svc.create_poll(mod, w.item, "Which market first?", ["US", "CA", "MX"], False, "p1")
    poll_id = msgspec.to_builtins(created.events[0].body)["poll"]["id"]
    await w.svc.set_poll(mod, w.item, poll_id, "open")
    await w.svc.vote_poll(anna, w.item, poll_id, [0])
    second = await w.svc.vote_poll(anna, w.item, poll_id, [1])
    [voted] = bodies(second, w.public)
    assert isinstance(voted, PollVoted) and voted.poll.counts == [0, 1, 0] and voted.poll.voters == 1
    with pytest.raises(Invalid) as exc:
        await w.svc.vote_poll(anna, w.item, poll_id, [0, 1])  # single choice: exactly one
    assert exc.value.code == "invalid-choice"


async def test_one_upvote_per_person_and_it_can_be_taken_back() -> None:
    w = await make_webinar()
    anna, ben = w.users["anna"], w.users["ben"]
    asked = await w.svc.ask(anna, w.item, "Grid capacity?", False, None)
    body = asked.events[0].body
    assert isinstance(body, QuestionChanged)
    qid = body.question.id
    up = await w.svc.vote(ben, w.item, qid, True)
    assert [b.question.votes for b in bodies(up, w.public) if isinstance(b, QuestionVoted)] == [1]
    with pytest.raises(Conflict) as exc:
        await w.svc.vote(ben, w.item, qid, True)
    assert exc.value.code == "already-voted"
    down = await w.svc.vote(ben, w.item, qid, False)
    assert [b.question.votes for b in bodies(down, w.public) if isinstance(b, QuestionVoted)] == [0]
    with pytest.raises(Conflict) as exc:
        await w.svc.vote(ben, w.item, qid, False)
    assert exc.value.code == "not-voted"
    await w.svc.vote(ben, w.item, qid, True)
    snap = await w.svc.snapshot(anna, RoomRef.parse(w.public))
    assert snap.state.questions[0].votes == 1


async def test_a_revoked_guest_may_not_publish() -> None:
    w = await make_webinar()
    anna, mod = w.users["anna"], w.users["moderator"]
    with pytest.raises(NotAllowed) as exc:
        await w.svc.reply(anna, w.item, True)  # not invited: no way onto the stage
    assert exc.value.code == "not-invited"
    await w.svc.invite(mod, w.item, anna.id, None)
    await w.svc.reply(anna, w.item, True)
    await w.svc.publisher(anna, w.item, "camera")
    await w.svc.went_live(anna, w.item, "camera", 11)
    await w.svc.end_guest(mod, w.item, anna.id)
    assert await w.svc.live_feeds(w.item) == []
    for attempt in (w.svc.publisher(anna, w.item, "camera"), w.svc.went_live(anna, w.item, "screen", 12)):
        with pytest.raises(NotAllowed) as exc:
            await attempt
        assert exc.value.code == "not-on-stage"
    snap = await w.svc.snapshot(anna, RoomRef.parse(w.public))
    assert not snap.may_publish and "publish" not in snap.permissions
    # A guest may end their own turn; nobody else without the right may.
    await w.svc.invite(mod, w.item, anna.id, None)
    await w.svc.reply(anna, w.item, True)
    with pytest.raises(NotAllowed):
        await w.svc.end_guest(w.users["ben"], w.item, anna.id)
    await w.svc.end_guest(anna, w.item, anna.id)
    with pytest.raises(NotAllowed):
        await w.svc.publisher(anna, w.item, "camera")


async def test_votes_name_no_voter_and_nobody_upvotes_their_own_question() -> None:
    w = await make_webinar()
    ben = w.users["ben"]
    qid = asked_question(await w.svc.ask(ben, w.item, "Anonymous and mine", True, None))  # what ben's ack says
    assert qid is not None
    with pytest.raises(NotAllowed) as exc:
        await w.svc.vote(ben, w.item, qid, True)
    assert exc.value.code == "own-question"
    anna = w.users["anna"]
    voted = await w.svc.vote(anna, w.item, qid, True)
    # Neither room learns who voted: the events are the question record with its new count, nothing else.
    assert {type(e.body) for e in voted.events} == {QuestionVoted}
    assert all(msgspec.structs.asdict(e.body).keys() == {"question"} for e in voted.events)
    assert [e.body.question.votes for e in voted.events if isinstance(e.body, QuestionVoted)] == [1, 1]
    # The voter's own votes and questions come back to them alone, in their snapshot.
    mine = await w.svc.snapshot(anna, RoomRef.parse(w.public))
    theirs = await w.svc.snapshot(ben, RoomRef.parse(w.public))
    assert (mine.my_votes, mine.my_questions) == ([qid], [])
    assert (theirs.my_votes, theirs.my_questions) == ([], [qid])


async def test_pending_questions_and_anonymous_authors_stay_out_of_the_public_room() -> None:
    w = await make_webinar()
    anna, ben, mod = w.users["anna"], w.users["ben"], w.users["moderator"]
    await w.svc.ask(ben, w.item, "Open and anonymous", True, None)
    await w.svc.set_qa_mode(mod, w.item, "pre-approved")
    await w.svc.ask(anna, w.item, "Secret pending", False, None)
    anonymous = await w.svc.ask(ben, w.item, "Who am I?", True, None)
    anon_id = msgspec.to_builtins(anonymous.events[0].body)["question"]["id"]
    await w.svc.moderate(mod, w.item, anon_id, "approve")
    await w.svc.vote(anna, w.item, anon_id, True)
    await w.svc.moderate(mod, w.item, anon_id, "pin")

    public = await w.svc.snapshot(anna, RoomRef.parse(w.public))
    assert isinstance(public.state, PublicView)
    assert [(q.text, q.author) for q in public.state.questions] == [("Who am I?", None),
                                                                    ("Open and anonymous", None)]
    raw_public = b"".join(msgspec.json.encode(e) for e in await w.store.since(w.public, 0, 100))
    raw_public += public.state_json
    assert b"Secret pending" not in raw_public
    assert b"Ben" not in raw_public and f'"by":{ben.id},'.encode() not in raw_public

    staff = await w.svc.snapshot(mod, RoomRef.parse(w.staff))
    assert isinstance(staff.state, StaffView)
    authors = {q.text: q.author.name if q.author else None for q in staff.state.questions}
    assert authors == {"Secret pending": "Anna", "Who am I?": "Ben", "Open and anonymous": "Ben"}


async def test_hands_are_listed_in_the_order_raised() -> None:
    w = await make_webinar()
    order = ["ben", "speaker2", "anna", "speaker1"]
    for who in order:
        await w.svc.hand(w.users[who], w.item, True)
    await w.svc.lower_hand(w.users["moderator"], w.item, w.users["speaker2"].id)
    await w.svc.hand(w.users["speaker2"], w.item, True)
    snap = await w.svc.snapshot(w.users["anna"], RoomRef.parse(w.public))
    expected = [w.users[who].id for who in ("ben", "anna", "speaker1", "speaker2")]
    assert [h.user_id for h in snap.state.hands] == expected


async def test_time_warnings_are_written_once_per_key() -> None:
    w = await make_webinar()
    await w.svc.start(w.users["host"], w.item)
    box = await w.svc.timebox(w.item)
    w.clock.advance(box.ends_at - dt.timedelta(minutes=1) - w.clock.now())
    first = await w.svc.warn(w.item, 1)
    second = await w.svc.warn(w.item, 1)
    assert first.fresh and not second.fresh and second.events == first.events
    assert len([e for e in await w.store.since(w.public, 0, 100) if e.body == first.events[0].body]) == 1
