"""The webinar fold: pure functions from (state, command, now) to the events it causes and the new state.

Each `decide_*` takes ownership of the state it is given (the service decodes a fresh copy per command) and
returns it changed, with the events to append: to the public room, the staff room, or both. It validates before
it changes anything, so a raised error leaves the state as it was. An Outcome without events means "nothing to
do" (a repeated timer, a second leave): the service then writes nothing.

Permission checks are made in rooms.policy: by the service against the same state, or here (through policy) where
the answer is in the state itself (a stage invitation) and must come after the fold's own checks.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import NamedTuple

import msgspec

from rooms.core.cards import Author
from rooms.core.errors import Conflict, Invalid, NotFound
from rooms.policy import require_not_own_question, require_stage_invitation
from rooms.webinar.events import (
    AttendanceSummary,
    Attended,
    AttendeeCard,
    Feed,
    Greeted,
    Hand,
    HandsChanged,
    Invite,
    Left,
    Moderation,
    NextItem,
    PollChanged,
    PollStatus,
    PollVoted,
    QaMode,
    QaModeChanged,
    Question,
    QuestionChanged,
    QuestionStatus,
    QuestionVoted,
    Source,
    Stage,
    StageChanged,
    Timebox,
    TimeboxChanged,
    TimeboxStatus,
    TimeWarning,
    WebinarEnded,
    WebinarEvent,
)
from rooms.webinar.state import (
    AskedQuestion,
    AttendanceRecord,
    Attendee,
    PollRecord,
    PublicView,
    StaffView,
    WebinarState,
)

MAX_QUESTION = 500
MAX_POLL_QUESTION = 500
MAX_OPTION = 200
MIN_OPTIONS, MAX_OPTIONS = 2, 8
MAX_CAMERAS = 6  # the stage layout shows up to six people
# A group room's grid: everyone's camera, up to this many at once (what one Janus room carries here with simulcast's
# small layers in the tiles; `make bench`, scenario group-room).
GROUP_MAX_CAMERAS = 25
WARNINGS = (10, 5, 1)
# A start earlier than this before the scheduled start is more likely a slip than a choice: it needs a confirmation.
EARLY_START = dt.timedelta(minutes=15)
# Timers on different nodes fire a little early or late; a timer earlier than this is stale (the time box moved).
TIMER_SLACK = dt.timedelta(seconds=5)


class Audience(enum.StrEnum):
    PUBLIC = "public"
    STAFF = "staff"


class Outcome(NamedTuple):
    events: list[tuple[Audience, WebinarEvent]]
    state: WebinarState


def initial_state(item_id: int, starts_at: dt.datetime, ends_at: dt.datetime, max_minutes: int, *,
                  group: bool = False) -> WebinarState:
    length = min(ends_at - starts_at, dt.timedelta(minutes=max_minutes))
    box = Timebox(status=TimeboxStatus.SCHEDULED, starts_at=starts_at, ends_at=starts_at + length)
    return WebinarState(item_id=item_id, timebox=box, length_s=int(length.total_seconds()), group=group)


# -- validation ----------------------------------------------------------------------------------------------


def clean_question(text: str) -> str:
    text = text.strip()
    if not text:
        raise Invalid(code="empty-question", message="A question cannot be empty.", field="text")
    if len(text) > MAX_QUESTION:
        raise Invalid(code="too-long", message=f"A question has at most {MAX_QUESTION} characters.", field="text")
    return text


def clean_poll(question: str, options: list[str]) -> tuple[str, list[str]]:
    question = question.strip()
    if not question or len(question) > MAX_POLL_QUESTION:
        raise Invalid(code="invalid-poll", message=f"A poll asks a question of 1 to {MAX_POLL_QUESTION} characters.",
                      field="question")
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise Invalid(code="invalid-options", message=f"A poll has {MIN_OPTIONS} to {MAX_OPTIONS} options.",
                      field="options")
    cleaned = [" ".join(option.split()) for option in options]
    if any(not option or len(option) > MAX_OPTION for option in cleaned):
        raise Invalid(code="invalid-options", message=f"Each option has 1 to {MAX_OPTION} characters.", field="options")
    return question, cleaned


def clean_choices(poll: PollRecord, choices: list[int]) -> list[int]:
    chosen = sorted(set(choices))
    if not chosen or any(not 0 <= c < len(poll.options) for c in chosen) or len(chosen) != len(choices):
        raise Invalid(code="invalid-choice", message="Choose among the poll's options, each at most once.",
                      field="choices")
    if not poll.multiple and len(chosen) != 1:
        raise Invalid(code="invalid-choice", message="This poll takes exactly one choice.", field="choices")
    return chosen


def require_not_ended(s: WebinarState) -> None:
    if s.timebox.status is TimeboxStatus.ENDED:
        raise Conflict(code="webinar-ended", message="This webinar has ended.")


def _next_id(s: WebinarState) -> int:
    s.version += 1
    return s.version


# -- ordering and views --------------------------------------------------------------------------------------


def question_order(q: Question | AskedQuestion) -> tuple[bool, int, int]:
    """Pinned first, then most votes, then first asked: the same order on every client."""
    votes = q.votes if isinstance(q, Question) else len(q.voters)
    return (not q.pinned, -votes, q.seq)


def ordered_questions(questions: list[Question]) -> list[Question]:
    return sorted(questions, key=question_order)


def public_view(s: WebinarState) -> PublicView:
    questions = ordered_questions([q.record(public=True) for q in s.questions.values() if q.public])
    polls = [p.record() for _, p in sorted(s.polls.items()) if p.public]
    return PublicView(timebox=s.timebox, qa_mode=s.qa_mode, questions=questions, hands=list(s.hands),
                      stage=s.stage, polls=polls, group=s.group,
                      recording=s.recording, declined=list(s.declined))


def staff_view(s: WebinarState) -> StaffView:
    questions = ordered_questions([q.record(public=False) for q in s.questions.values()])
    polls = [p.record() for _, p in sorted(s.polls.items())]
    here = sorted((a for a in s.attendance.values() if a.present), key=lambda a: (a.last_joined, a.card.user_id))
    return StaffView(timebox=s.timebox, qa_mode=s.qa_mode, questions=questions, hands=list(s.hands), stage=s.stage,
                     polls=polls, attendees=[a.card for a in here], counts=s.counts(), group=s.group,
                     recording=s.recording, declined=list(s.declined))


def attendance_records(s: WebinarState, now: dt.datetime) -> list[AttendanceRecord]:
    """Everyone who attended, by first join; time watched counted up to `now` for those still here."""
    out = []
    for a in sorted(s.attendance.values(), key=lambda a: (a.first_joined, a.card.user_id)):
        out.append(AttendanceRecord(person=a.card, first_joined=a.first_joined, last_joined=a.last_joined,
                                    left_at=a.left_at, present=a.present, seconds=int(a.watched(now)),
                                    questions=a.questions, attended=a.attended, staff=a.staff))
    return out


def stage_full(s: WebinarState, user_id: int, source: Source) -> bool:
    if source is not Source.CAMERA:
        return False
    others = {f.user_id for f in s.stage.live if f.source is Source.CAMERA and f.user_id != user_id}
    return len(others) >= camera_cap(s)


def camera_cap(s: WebinarState) -> int:
    return GROUP_MAX_CAMERAS if s.group else MAX_CAMERAS


# -- attendance ----------------------------------------------------------------------------------------------


def _live(s: WebinarState) -> bool:
    return s.timebox.status is TimeboxStatus.LIVE


def _count_peak(s: WebinarState) -> None:
    if _live(s):
        s.peak = max(s.peak, s.counts().now)


def decide_attend(s: WebinarState, card: AttendeeCard, now: dt.datetime) -> Outcome:
    """A person's first connection. Presence is recorded in every phase (the console shows who waits in the
    green room); only time while live counts as watched."""
    card = msgspec.structs.replace(card, joined_at=now)
    a = s.attendance.get(card.user_id)
    if a is None:
        a = s.attendance[card.user_id] = Attendee(card=card, first_joined=now, last_joined=now)
    if not a.present:
        a.last_joined, a.left_at, a.card, a.present = now, None, card, True
    if _live(s):
        a.begin_stretch(now)
    _count_peak(s)
    return Outcome([(Audience.STAFF, Attended(person=a.card, counts=s.counts()))], s)


def decide_leave(s: WebinarState, user_id: int, now: dt.datetime) -> Outcome:
    a = s.attendance.get(user_id)
    if a is None or not a.present:
        return Outcome([], s)
    a.end_stretch(now)
    a.present, a.left_at = False, now
    return Outcome([(Audience.STAFF, Left(user_id=user_id, counts=s.counts()))], s)


def decide_greet(s: WebinarState, target: Author, by: int) -> Outcome:
    require_not_ended(s)
    return Outcome([(Audience.PUBLIC, Greeted(user_id=target.user_id, name=target.name,
                                              organisation=target.organisation, by=by))], s)


# -- Q&A -----------------------------------------------------------------------------------------------------


def _question_events(q: AskedQuestion, by: int, *, was_public: bool) -> list[tuple[Audience, WebinarEvent]]:
    out: list[tuple[Audience, WebinarEvent]] = [(Audience.STAFF, QuestionChanged(q.record(public=False), by))]
    if q.public or was_public:  # a dismissed question is sent once more, so public clients drop it
        public_by = 0 if q.anonymous and by == q.author.user_id else by
        record = q.record(public=True)
        if not q.public:
            # Its id and status are enough to drop it: the room's log keeps no copy of a text taken out of it.
            record = msgspec.structs.replace(record, text="", author=None)
        out.append((Audience.PUBLIC, QuestionChanged(record, public_by)))
    return out


def _rehearsing(s: WebinarState, staff: bool) -> bool:
    """What the staff do during a rehearsal is a try-out: seen by the staff only, dropped afterwards."""
    return staff and s.timebox.rehearsal


def decide_ask(s: WebinarState, author: Author, text: str, anonymous: bool, now: dt.datetime,
               staff: bool = False) -> Outcome:
    require_not_ended(s)
    text = clean_question(text)
    ident = _next_id(s)
    status = QuestionStatus.APPROVED if s.qa_mode is QaMode.OPEN else QuestionStatus.PENDING
    rehearsal = _rehearsing(s, staff)
    q = s.questions[ident] = AskedQuestion(id=ident, text=text, author=author, anonymous=anonymous, status=status,
                                           pinned=False, voters=[], asked_at=now, seq=ident, rehearsal=rehearsal)
    attendee = s.attendance.get(author.user_id)
    if attendee is not None and not rehearsal:
        attendee.questions += 1
    return Outcome(_question_events(q, author.user_id, was_public=False), s)


def _visible_question(s: WebinarState, ident: int, staff: bool) -> AskedQuestion:
    q = s.questions.get(ident)
    if q is None or not q.shown or (q.rehearsal and not staff):
        raise NotFound(code="question-not-found", message="Question not found.")
    return q


def decide_vote(s: WebinarState, ident: int, voter: int, up: bool, staff: bool = False) -> Outcome:
    """An upvote added or retracted. The events carry the new count only: who voted stays in the aggregate (the
    voter learns their own votes from their ack and their snapshot's `my_votes`)."""
    require_not_ended(s)
    q = _visible_question(s, ident, staff)
    if up:
        require_not_own_question(voter, q.author.user_id)
    if up == (voter in q.voters):
        if up:
            raise Conflict(code="already-voted", message="You have already upvoted this question.")
        raise Conflict(code="not-voted", message="You have not upvoted this question.")
    if up:
        q.voters.append(voter)
    else:
        q.voters.remove(voter)  # a vote given before own votes were refused may still be taken back
    events: list[tuple[Audience, WebinarEvent]] = [(Audience.STAFF, QuestionVoted(q.record(public=False)))]
    if q.public:
        events.append((Audience.PUBLIC, QuestionVoted(q.record(public=True))))
    return Outcome(events, s)


def decide_moderate(s: WebinarState, ident: int, action: Moderation, by: int) -> Outcome:
    require_not_ended(s)
    q = s.questions.get(ident)
    if q is None:
        raise NotFound(code="question-not-found", message="Question not found.")
    was_public = q.public
    events: list[tuple[Audience, WebinarEvent]] = []
    match action:
        case Moderation.APPROVE:
            if q.shown:
                raise Conflict(code="already-approved", message="This question is already approved.")
            q.status = QuestionStatus.APPROVED
        case Moderation.DISMISS:
            if q.status is QuestionStatus.DISMISSED:
                raise Conflict(code="already-dismissed", message="This question is already dismissed.")
            q.status, q.pinned = QuestionStatus.DISMISSED, False
        case Moderation.PIN:
            if not q.shown:
                raise Conflict(code="not-approved", message="Approve a question before pinning it.")
            if q.pinned:
                raise Conflict(code="already-pinned", message="This question is already pinned.")
            # One question is "now answering" at a time: pinning another unpins the previous one.
            for other in s.questions.values():
                if other.pinned:
                    other.pinned = False
                    events += _question_events(other, by, was_public=other.public)
            q.pinned = True
        case Moderation.UNPIN:
            if not q.pinned:
                raise Conflict(code="not-pinned", message="This question is not pinned.")
            q.pinned = False
        case Moderation.ANSWERED:
            if q.status in (QuestionStatus.ANSWERED, QuestionStatus.DISMISSED):
                raise Conflict(code="not-answerable", message=f"This question is {q.status.value}.")
            q.status, q.pinned = QuestionStatus.ANSWERED, False
    return Outcome(events + _question_events(q, by, was_public=was_public), s)


def decide_qa_mode(s: WebinarState, mode: QaMode) -> Outcome:
    require_not_ended(s)
    s.qa_mode = mode
    return Outcome([(Audience.PUBLIC, QaModeChanged(mode))], s)


# -- hands ---------------------------------------------------------------------------------------------------


def hand_raised(s: WebinarState, user_id: int) -> bool:
    return any(h.user_id == user_id for h in s.hands)


def lower_hand(s: WebinarState, user_id: int, by: int) -> Outcome:
    if not hand_raised(s, user_id):
        raise Conflict(code="hand-not-raised", message="That hand is not raised.")
    s.hands = [h for h in s.hands if h.user_id != user_id]
    return Outcome([(Audience.PUBLIC, HandsChanged(list(s.hands), by))], s)


def decide_hand(s: WebinarState, hand: Hand, up: bool) -> Outcome:
    require_not_ended(s)
    if not up:
        return lower_hand(s, hand.user_id, hand.user_id)
    if hand_raised(s, hand.user_id):
        raise Conflict(code="hand-already-raised", message="Your hand is already raised.")
    s.hands.append(hand)
    return Outcome([(Audience.PUBLIC, HandsChanged(list(s.hands), hand.user_id))], s)


def decide_lower_hand(s: WebinarState, target: int, by: int) -> Outcome:
    require_not_ended(s)
    return lower_hand(s, target, by)


# -- stage ---------------------------------------------------------------------------------------------------


def stage_event(s: WebinarState, stage: Stage, by: int) -> tuple[Audience, WebinarEvent]:
    s.stage = stage
    return (Audience.PUBLIC, StageChanged(stage, by))


def decide_invite(s: WebinarState, invite: Invite) -> Outcome:
    require_not_ended(s)
    if invite.user_id in s.stage.guests:
        raise Conflict(code="already-on-stage", message="This person is already on stage.")
    if any(i.user_id == invite.user_id for i in s.stage.invited):
        raise Conflict(code="already-invited", message="This person is already invited to the stage.")
    if invite.question is not None and invite.question not in s.questions:
        raise NotFound(code="question-not-found", message="Question not found.")
    stage = msgspec.structs.replace(s.stage, invited=[*s.stage.invited, invite])
    return Outcome([stage_event(s, stage, invite.by)], s)


def decide_reply(s: WebinarState, user_id: int, accept: bool) -> Outcome:
    require_not_ended(s)
    require_stage_invitation(user_id, {i.user_id for i in s.stage.invited})
    invited = [i for i in s.stage.invited if i.user_id != user_id]
    guests = [*s.stage.guests, user_id] if accept else list(s.stage.guests)
    events = [stage_event(s, msgspec.structs.replace(s.stage, invited=invited, guests=guests), user_id)]
    if accept and hand_raised(s, user_id):
        # Whoever comes on stage has been heard: their hand goes down.
        events += lower_hand(s, user_id, user_id).events
    return Outcome(events, s)


def decide_end_guest(s: WebinarState, target: int, by: int) -> Outcome:
    """Ends a guest's turn (or withdraws their invitation); their live feeds leave the stage."""
    require_not_ended(s)
    invited = [i for i in s.stage.invited if i.user_id != target]
    if target not in s.stage.guests and len(invited) == len(s.stage.invited):
        raise Conflict(code="not-a-guest", message="This person is not a guest on stage.")
    stage = Stage(guests=[g for g in s.stage.guests if g != target], invited=invited,
                  live=[f for f in s.stage.live if f.user_id != target],
                  floor=None if s.stage.floor == target else s.stage.floor)
    return Outcome([stage_event(s, stage, by)], s)


def decide_went_live(s: WebinarState, feed: Feed) -> Outcome:
    require_not_ended(s)
    if stage_full(s, feed.user_id, feed.source):
        raise Conflict(code="stage-full", message=f"The stage shows at most {camera_cap(s)} cameras.")
    live = [f for f in s.stage.live if (f.user_id, f.source) != (feed.user_id, feed.source)]
    stage = msgspec.structs.replace(s.stage, live=[*live, feed])
    return Outcome([stage_event(s, stage, feed.user_id)], s)


def decide_went_off(s: WebinarState, user_id: int, source: Source) -> Outcome:
    live = [f for f in s.stage.live if (f.user_id, f.source) != (user_id, source)]
    if len(live) == len(s.stage.live):
        return Outcome([], s)
    return Outcome([stage_event(s, msgspec.structs.replace(s.stage, live=live), user_id)], s)


# -- polls ---------------------------------------------------------------------------------------------------


def decide_create_poll(s: WebinarState, question: str, options: list[str], multiple: bool, by: int) -> Outcome:
    require_not_ended(s)
    question, options = clean_poll(question, options)
    ident = _next_id(s)
    poll = s.polls[ident] = PollRecord(id=ident, question=question, options=options, multiple=multiple,
                                       status=PollStatus.DRAFT, ballots={})
    # A draft is the moderators' preparation: the public room learns of the poll when it opens.
    return Outcome([(Audience.STAFF, PollChanged(poll.record(), by))], s)


def decide_set_poll(s: WebinarState, ident: int, status: PollStatus, by: int) -> Outcome:
    require_not_ended(s)
    poll = s.polls.get(ident)
    if poll is None:
        raise NotFound(code="poll-not-found", message="Poll not found.")
    if status is PollStatus.DRAFT:
        raise Invalid(code="invalid-status", message="A poll can be opened or closed.", field="status")
    if poll.status is status:
        raise Conflict(code="poll-already-open" if status is PollStatus.OPEN else "poll-already-closed",
                       message=f"This poll is already {status.value}.")
    if poll.status is PollStatus.DRAFT:
        # Opened during a rehearsal: a try-out for the staff, a draft again afterwards.
        poll.rehearsal = _rehearsing(s, True)
    poll.status = status
    record = poll.record()
    events: list[tuple[Audience, WebinarEvent]] = [(Audience.STAFF, PollChanged(record, by))]
    if poll.public:
        events.append((Audience.PUBLIC, PollChanged(record, by)))
    return Outcome(events, s)


def decide_vote_poll(s: WebinarState, ident: int, voter: int, choices: list[int], staff: bool = False) -> Outcome:
    require_not_ended(s)
    poll = s.polls.get(ident)
    if poll is None or poll.status is PollStatus.DRAFT or (poll.rehearsal and not staff):
        raise NotFound(code="poll-not-found", message="Poll not found.")
    if poll.status is PollStatus.CLOSED:
        raise Conflict(code="poll-closed", message="This poll is closed.")
    chosen = clean_choices(poll, choices)
    poll.ballots[voter] = chosen  # one ballot per person: a second one replaces the first
    record = poll.record()
    events: list[tuple[Audience, WebinarEvent]] = [(Audience.STAFF, PollVoted(record))]
    if poll.public:
        events.append((Audience.PUBLIC, PollVoted(record)))
    return Outcome(events, s)


# -- time box ------------------------------------------------------------------------------------------------


def _drop_rehearsal(s: WebinarState, by: int) -> list[tuple[Audience, WebinarEvent]]:
    """A rehearsal's try-outs leave no trace in the real session: the staff's questions go (sent once more as
    dismissed, so staff clients drop them), polls opened to try them are drafts again without ballots. Drafts,
    the attendees' questions asked before the start, the Q&A mode and raised hands carry over."""
    events: list[tuple[Audience, WebinarEvent]] = []
    for ident, q in list(s.questions.items()):
        if q.rehearsal:
            del s.questions[ident]
            q.status, q.pinned = QuestionStatus.DISMISSED, False
            events.append((Audience.STAFF, QuestionChanged(q.record(public=False), by)))
    for poll in s.polls.values():
        if poll.rehearsal:
            poll.status, poll.ballots, poll.rehearsal = PollStatus.DRAFT, {}, False
            events.append((Audience.STAFF, PollChanged(poll.record(), by)))
    return events


def _go_live(s: WebinarState, now: dt.datetime, timebox: Timebox) -> None:
    s.timebox = msgspec.structs.replace(timebox, status=TimeboxStatus.LIVE, run=s.timebox.run + 1)
    for a in s.attendance.values():
        if a.present:
            a.begin_stretch(now)
    _count_peak(s)


def decide_start(s: WebinarState, now: dt.datetime, by: int = 0, confirm: bool = False) -> Outcome:
    """The real start, from the green room. Earlier than EARLY_START before the scheduled start it needs
    `confirm` (code `early-start` otherwise, which clients turn into a question)."""
    require_not_ended(s)
    if s.timebox.status is TimeboxStatus.LIVE:
        raise Conflict(code="already-live", message="This webinar has already started.")
    if now < s.timebox.starts_at - EARLY_START and not confirm:
        minutes = int((s.timebox.starts_at - now).total_seconds() // 60)
        raise Conflict(code="early-start",
                       message=f"This webinar is scheduled to start in {minutes} minutes: confirm to start "
                                      "it now.")
    events = _drop_rehearsal(s, by)
    _go_live(s, now, msgspec.structs.replace(s.timebox, started_at=now, rehearsal=False,
                                             ends_at=now + dt.timedelta(seconds=s.length_s)))
    events.append((Audience.PUBLIC, TimeboxChanged(s.timebox)))
    return Outcome(events, s)


def decide_rehearse(s: WebinarState, on: bool, by: int) -> Outcome:
    """Starts or stops a rehearsal in the green room; stopping drops its try-outs (and so does the start)."""
    require_not_ended(s)
    if s.timebox.status is TimeboxStatus.LIVE:
        raise Conflict(code="already-live", message="This webinar has already started.")
    if s.timebox.rehearsal == on:
        raise Conflict(code="already-rehearsing" if on else "not-rehearsing",
                       message="A rehearsal is already running." if on else "No rehearsal is running.")
    events = [] if on else _drop_rehearsal(s, by)
    s.timebox = msgspec.structs.replace(s.timebox, rehearsal=on)
    events.append((Audience.PUBLIC, TimeboxChanged(s.timebox)))
    return Outcome(events, s)


def decide_reopen(s: WebinarState, now: dt.datetime) -> Outcome:
    """An ended webinar goes live again until the end its time box had (an end clicked by mistake is undone);
    after that end its slot is over. Q&A, polls and attendance go on where they were; the stage starts empty."""
    if s.timebox.status is not TimeboxStatus.ENDED:
        raise Conflict(code="not-ended", message="Only an ended webinar can be reopened.")
    if now >= s.timebox.ends_at - TIMER_SLACK:
        raise Conflict(code="slot-over", message="The time slot of this webinar is over: it cannot be reopened.")
    _go_live(s, now, msgspec.structs.replace(s.timebox, ended_at=None))
    return Outcome([(Audience.PUBLIC, TimeboxChanged(s.timebox))], s)


def may_reopen(s: WebinarState, now: dt.datetime) -> bool:
    return s.timebox.status is TimeboxStatus.ENDED and now < s.timebox.ends_at - TIMER_SLACK


def decide_end(s: WebinarState, next_item: NextItem | None, now: dt.datetime, by: int) -> Outcome:
    """The graceful end: guests and live feeds leave the stage, watched time stops counting, clients go back to
    the lobby with the next programme item."""
    require_not_ended(s)
    events: list[tuple[Audience, WebinarEvent]] = []
    if s.stage != Stage():
        events.append(stage_event(s, Stage(), by))
    for a in s.attendance.values():
        a.end_stretch(now)
    s.timebox = msgspec.structs.replace(s.timebox, status=TimeboxStatus.ENDED, ended_at=now)
    events.append((Audience.PUBLIC, TimeboxChanged(s.timebox)))
    counts = s.counts()
    summary = AttendanceSummary(unique=counts.unique, peak=counts.peak)
    events.append((Audience.PUBLIC, WebinarEnded(next=next_item, attendance=summary)))
    return Outcome(events, s)


def decide_finish(s: WebinarState, next_item: NextItem | None, now: dt.datetime, run: int | None = None) -> Outcome:
    """The end at time-up, by whichever node's timer fires first; a stale timer (the time box moved, or it is
    another run's) does nothing."""
    if (s.timebox.status is not TimeboxStatus.LIVE or now < s.timebox.ends_at - TIMER_SLACK
            or (run is not None and run != s.timebox.run)):
        return Outcome([], s)
    return decide_end(s, next_item, now, 0)


def decide_warn(s: WebinarState, minutes: int, now: dt.datetime, run: int | None = None) -> Outcome:
    if minutes not in WARNINGS:
        raise Invalid(code="invalid-warning", message=f"Warnings are given at {WARNINGS} minutes left.",
                      field="minutes")
    left = s.timebox.ends_at - now
    if (s.timebox.status is not TimeboxStatus.LIVE or minutes in s.warned
            or left > dt.timedelta(minutes=minutes) + TIMER_SLACK or (run is not None and run != s.timebox.run)):
        return Outcome([], s)
    s.warned.append(minutes)
    return Outcome([(Audience.PUBLIC, TimeWarning(minutes))], s)
