"""The webinar use cases: each loads who is asking, checks rooms.policy, and runs one pure decision of
rooms.webinar.decide inside `AggregateStore.transact`, which serialises commands per webinar and appends their
events to the public room (`webinar:<item>`) and the staff room (`webinar-staff:<item>`) in one transaction.
The returned events are published as the use case returns (server/ws/delivery.py, `publishing`); the gateway
acknowledges.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple, Protocol, TypeVar

import msgspec

from rooms.core.aggregate import AggregateStore, Decision
from rooms.core.cards import Author
from rooms.core.clock import Clock
from rooms.core.errors import Conflict, Invalid, NotFound
from rooms.core.events import Appended, EventBody
from rooms.core.refs import RoomKind, RoomRef, webinar, webinar_staff
from rooms.leads.ports import LeadMaker
from rooms.matchmaking.records import LeadSource
from rooms.missions.audience import AudienceStore, MissionAudience
from rooms.missions.mission import Audience as ItemAudience
from rooms.missions.mission import Mission, ProgrammeItem
from rooms.missions.people import ItemRole, Membership, User
from rooms.missions.ports import DirectoryStore, ItemRoleStore, MembershipStore, MissionStore
from rooms.policy import (
    WebinarAction,
    WebinarRole,
    is_webinar_staff,
    may_see_item,
    require_stage_view,
    require_webinar,
    require_webinar_console,
    webinar_allowed,
    webinar_permissions,
    webinar_role,
)
from rooms.recordings.ports import RecordingStore
from rooms.recordings.records import RecordingStatus
from rooms.webinar.coalesce import Coalescer, SharedRead
from rooms.webinar.consent import decide_consent, decide_record
from rooms.webinar.decide import (
    Audience,
    Outcome,
    attendance_records,
    clean_poll,
    clean_question,
    decide_ask,
    decide_attend,
    decide_create_poll,
    decide_end,
    decide_end_guest,
    decide_finish,
    decide_greet,
    decide_hand,
    decide_invite,
    decide_leave,
    decide_lower_hand,
    decide_moderate,
    decide_qa_mode,
    decide_rehearse,
    decide_reopen,
    decide_reply,
    decide_set_poll,
    decide_start,
    decide_vote,
    decide_vote_poll,
    decide_warn,
    decide_went_live,
    decide_went_off,
    initial_state,
    may_reopen,
    public_view,
    staff_view,
    stage_full,
)
from rooms.webinar.events import (
    AttendeeCard,
    Feed,
    Hand,
    Invite,
    Moderation,
    NextItem,
    PollStatus,
    QaMode,
    QuestionChanged,
    QuestionStatus,
    Source,
    Timebox,
    TimeboxStatus,
    WebinarEvent,
)
from rooms.webinar.floor import decide_floor, decide_mute
from rooms.webinar.state import AttendanceRecord, PublicView, Publisher, StaffView, WebinarState


class WebinarStore(MissionStore, MembershipStore, DirectoryStore, ItemRoleStore, AggregateStore, LeadMaker,
                   AudienceStore, RecordingStore, Protocol):
    """What webinars use of the store."""


SYSTEM = 0  # the sender of what the time box does by itself
GROUP_MAX_MINUTES = 12 * 60  # a group room's time box is its slot: a day's programme, not the webinar cap


class WebinarSnapshot(msgspec.Struct, frozen=True):
    seq: int  # of the room the snapshot is for: later events of that room apply on top
    state: PublicView | StaffView
    role: WebinarRole
    may_publish: bool
    permissions: list[str]
    my_votes: list[int]  # the questions this viewer upvoted
    my_questions: list[int]  # the questions this viewer asked: no upvote offered on them (anonymous ones too)
    my_ballots: dict[int, list[int]]  # poll id -> this viewer's choices
    may_reopen: bool = False  # ended, within its time slot, and this viewer may reopen it

    @property
    def state_json(self) -> bytes:
        return msgspec.json.encode(self.state)


class _Webinar(NamedTuple):
    item: ProgrammeItem
    mission: Mission

    @property
    def aggregate(self) -> str:
        return f"webinar:{self.item.id}"

    @property
    def group(self) -> bool:
        return self.item.kind.group_room


class _Viewer(NamedTuple):
    webinar: _Webinar
    membership: Membership
    role: WebinarRole

    @property
    def staff(self) -> bool:
        return is_webinar_staff(self.role)


class WebinarStatus(msgspec.Struct, frozen=True):
    """One webinar of the programme as it stands: what the programme shows instead of a time-based guess."""

    item_id: int
    timebox: Timebox
    may_reopen: bool  # for this viewer, now
    recorded: bool = False  # its recording is published (a file ready, or the organiser's link)


class RecordingPlan(NamedTuple):
    """What the stage's recorder is to do now: record (the staff switched it on), not whom, and into which
    recording (a rehearsal's is the staff's only)."""

    on: bool
    declined: frozenset[int]
    rehearsal: bool
    ended: bool

    def records(self, user_id: int) -> bool:
        return self.on and not self.ended and user_id not in self.declined


class _Unchanged(Exception):
    """Raised inside `decide` when a command has nothing to do, so that nothing is written."""


_Choice = TypeVar("_Choice", Moderation, QaMode, PollStatus, Source)


def _parse(kind: type[_Choice], value: str, field: str) -> _Choice:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(m.value for m in kind)
        raise Invalid(code="invalid-choice", message=f"{field.capitalize()} is one of: {choices}.",
                      field=field) from None


def asked_question(asked: Appended) -> int | None:
    """The id of the question an `ask` wrote (for the asker's ack only: see server.ws.protocol.Ack.question)."""
    for event in asked.events:
        if isinstance(event.body, QuestionChanged):
            return event.body.question.id
    return None


class WebinarService:
    def __init__(self, store: WebinarStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._encoder = msgspec.json.Encoder()
        self._decoder = msgspec.json.Decoder(WebinarState)
        self._attending: Coalescer[int, tuple[_Webinar, AttendeeCard], Appended] = Coalescer(self._attend_all)
        # What every join of a webinar reads (its item, mission, grants, audience and state): concurrent joins share
        # each query (rooms/webinar/coalesce.py) instead of queueing for the database connections one by one.
        self._items: SharedRead[int, ProgrammeItem | None] = SharedRead(lambda i: self._store.get_item(i))
        self._missions: SharedRead[int, Mission | None] = SharedRead(lambda m: self._store.get_mission(m))
        self._roles: SharedRead[int, dict[int, ItemRole]] = SharedRead(lambda i: self._store.item_roles(i))
        self._audiences: SharedRead[int, MissionAudience] = SharedRead(lambda m: self._store.mission_audience(m))
        self._states: SharedRead[tuple[str, str], tuple[bytes | None, int]] = SharedRead(
            lambda key: self._store.load(*key))

    # -- who is asking -----------------------------------------------------------------------------------------

    async def _webinar(self, item_id: int) -> _Webinar:
        item = await self._items(item_id)
        mission = await self._missions(item.mission_id) if item is not None else None
        if item is None or not item.kind.has_stage or mission is None:
            raise NotFound(code="webinar-not-found", message="Webinar not found.")
        return _Webinar(item, mission)

    async def _viewer(self, user: User, item_id: int) -> _Viewer:
        w = await self._webinar(item_id)
        membership = await self._store.get_membership(w.mission.id, user.id)
        grant = (await self._roles(item_id)).get(user.id) if membership is not None else None
        role = webinar_role(membership, grant)
        assert membership is not None  # webinar_role refused non-members
        # A webinar outside one's audience (a track's, an invite list's) does not exist, to them.
        if not may_see_item(membership, w.item, await self._audiences(w.mission.id)):
            raise NotFound(code="webinar-not-found", message="Webinar not found.")
        return _Viewer(w, membership, role)

    async def _author(self, w: _Webinar, user_id: int) -> tuple[Author, AttendeeCard]:
        entry = await self._store.directory_entry(w.mission.id, user_id)
        if entry is None:
            raise NotFound(code="person-not-found", message="Person not found.")
        p = entry.profile
        card = AttendeeCard(user_id=user_id, name=p.name, organisation=p.organisation, org_type=p.org_type,
                            side=entry.side, country=p.country, joined_at=self._clock.now())
        return Author(user_id, p.name, p.organisation), card

    async def _acting(self, user: User, item_id: int, action: WebinarAction) -> _Viewer:
        viewer = await self._viewer(user, item_id)
        require_webinar(viewer.role, action, group=viewer.webinar.group)
        return viewer

    async def mission_of(self, item_id: int) -> int:
        return (await self._webinar(item_id)).mission.id

    async def role(self, user: User, item: int) -> WebinarRole:
        return (await self._viewer(user, item)).role

    async def may_join(self, user: User, ref: RoomRef) -> None:
        """Raises unless this user may be in this webinar room."""
        await self._admitted(user, ref)

    async def _admitted(self, user: User, ref: RoomRef) -> _Viewer:
        match ref.kind:
            case RoomKind.WEBINAR:
                return await self._acting(user, ref.id, WebinarAction.WATCH)
            case RoomKind.WEBINAR_STAFF:
                viewer = await self._viewer(user, ref.id)
                require_webinar_console(viewer.role, viewer.membership.role)
                return viewer
            case _:
                raise Invalid(code="bad-room", message="This is not a webinar room.", field="room")

    async def may_watch(self, user: User, item: int) -> None:
        """Stage media: refused to attendees before the start (`not-started`)."""
        viewer = await self._acting(user, item, WebinarAction.WATCH)
        state, _ = await self._load(viewer.webinar, webinar(item).name)
        require_stage_view(viewer.role, live=state.timebox.status is TimeboxStatus.LIVE,
                           guest=user.id in state.stage.guests)

    async def may_react(self, user: User, item: int) -> None:
        await self._acting(user, item, WebinarAction.REACT)

    # -- reading -----------------------------------------------------------------------------------------------

    async def _load(self, w: _Webinar, room: str) -> tuple[WebinarState, int]:
        raw, seq = await self._states((w.aggregate, room))
        return self._state(w, raw), seq

    def _state(self, w: _Webinar, raw: bytes | None) -> WebinarState:
        if raw is None:
            # The mission's cap on a webinar's length is for webinars; a group room keeps its scheduled slot.
            cap = GROUP_MAX_MINUTES if w.group else w.mission.webinar_max_minutes
            return initial_state(w.item.id, w.item.starts_at, w.item.ends_at, cap, group=w.group)
        return self._decoder.decode(raw)

    async def snapshot(self, user: User, ref: RoomRef) -> WebinarSnapshot:
        viewer = await self._admitted(user, ref)
        state, seq = await self._load(viewer.webinar, ref.name)
        guest = user.id in state.stage.guests
        view = staff_view(state) if ref.kind is RoomKind.WEBINAR_STAFF else public_view(state)
        may_publish = (state.timebox.status is not TimeboxStatus.ENDED
                       and webinar_allowed(viewer.role, WebinarAction.PUBLISH, guest=guest, group=state.group))
        return WebinarSnapshot(seq=seq, state=view, role=viewer.role, may_publish=may_publish,
                               permissions=webinar_permissions(viewer.role, guest=guest, group=state.group),
                               my_votes=sorted(q.id for q in state.questions.values() if user.id in q.voters),
                               my_questions=sorted(q.id for q in state.questions.values()
                                                   if q.author.user_id == user.id),
                               my_ballots={p.id: list(p.ballots[user.id]) for p in state.polls.values()
                                           if user.id in p.ballots},
                               may_reopen=self._may_reopen(viewer, state))

    def _may_reopen(self, viewer: _Viewer, state: WebinarState) -> bool:
        return webinar_allowed(viewer.role, WebinarAction.REOPEN) and may_reopen(state, self._clock.now())

    async def statuses(self, user: User, mission_id: int) -> list[WebinarStatus]:
        """Every webinar of a mission as it stands, for the programme (members only)."""
        out = []
        membership = await self._store.get_membership(mission_id, user.id)
        audience = await self._store.mission_audience(mission_id)
        for it in await self._store.programme(mission_id):
            if it.kind.has_stage and may_see_item(membership, it, audience):
                viewer = await self._viewer(user, it.id)
                state, _ = await self._load(viewer.webinar, webinar(it.id).name)
                recorded = any(not r.rehearsal and r.status in (RecordingStatus.READY, RecordingStatus.LINK)
                               for r in await self._store.recordings(it.id))
                out.append(WebinarStatus(item_id=it.id, timebox=state.timebox,
                                         may_reopen=self._may_reopen(viewer, state), recorded=recorded))
        return out

    async def timebox(self, item: int) -> Timebox:
        w = await self._webinar(item)
        return (await self._load(w, webinar(item).name))[0].timebox

    async def live_feeds(self, item: int) -> list[Feed]:
        w = await self._webinar(item)
        return list((await self._load(w, webinar(item).name))[0].stage.live)

    async def attendance(self, user: User, item: int) -> list[AttendanceRecord]:
        viewer = await self._viewer(user, item)
        require_webinar_console(viewer.role, viewer.membership.role)
        state, _ = await self._load(viewer.webinar, webinar(item).name)
        return attendance_records(state, self._clock.now())

    # -- writing -----------------------------------------------------------------------------------------------

    async def _run(self, w: _Webinar, sender: int, key: str | None,
                   fn: Callable[[WebinarState], Outcome]) -> Appended:
        rooms = {Audience.PUBLIC: webinar(w.item.id).name, Audience.STAFF: webinar_staff(w.item.id).name}

        def decide(raw: bytes | None) -> Decision:
            outcome = fn(self._state(w, raw))
            if not outcome.events:
                raise _Unchanged
            entries: list[tuple[str, EventBody]] = [(rooms[to], body) for to, body in outcome.events]
            return Decision(entries=entries, state=self._encoder.encode(outcome.state))

        try:
            written = await self._store.transact(w.aggregate, list(rooms.values()), sender, key, self._clock.now(),
                                                 decide)
        except _Unchanged:
            return Appended(events=[], fresh=False)
        return Appended(events=[event for event, _ in written], fresh=all(fresh for _, fresh in written))

    async def attend(self, user: User, item: int) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.WATCH)
        _, card = await self._author(viewer.webinar, user.id)
        card = msgspec.structs.replace(card, staff=viewer.staff)
        # A join storm's attendances are written together (rooms/webinar/coalesce.py), not one after another.
        return await self._attending.submit(item, (viewer.webinar, card))

    async def _attend_all(self, item: int, arrivals: Sequence[tuple[_Webinar, AttendeeCard]]) -> list[Appended]:
        """One write for several people's arrival: each gets the events of its own."""
        now = self._clock.now()
        counts: list[int] = []

        def decide(s: WebinarState) -> Outcome:
            counts.clear()
            events: list[tuple[Audience, WebinarEvent]] = []
            for _, card in arrivals:
                outcome = decide_attend(s, card, now)
                counts.append(len(outcome.events))
                events.extend(outcome.events)
            return Outcome(events, s)

        w, first = arrivals[0]
        written = await self._run(w, first.user_id, None, decide)
        out: list[Appended] = []
        at = 0
        for n in counts:
            out.append(Appended(events=written.events[at:at + n], fresh=written.fresh))
            at += n
        return out

    async def leave(self, user_id: int, item: int) -> Appended:
        now = self._clock.now()
        return await self._run(await self._webinar(item), user_id, None, lambda s: decide_leave(s, user_id, now))

    async def greet(self, user: User, item: int, target: int) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.GREET)
        person, _ = await self._author(viewer.webinar, target)
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_greet(s, person, user.id))

    async def ask(self, user: User, item: int, text: str, anonymous: bool, key: str | None) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.ASK)
        text = clean_question(text)
        author, _ = await self._author(viewer.webinar, user.id)
        now = self._clock.now()
        return await self._run(viewer.webinar, user.id, key,
                               lambda s: decide_ask(s, author, text, anonymous, now, viewer.staff))

    async def vote(self, user: User, item: int, question: int, up: bool) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.VOTE_QUESTION)
        return await self._run(viewer.webinar, user.id, None,
                               lambda s: decide_vote(s, question, user.id, up, viewer.staff))

    async def moderate(self, user: User, item: int, question: int, action: str) -> Appended:
        what = _parse(Moderation, action, "action")
        viewer = await self._acting(user, item, WebinarAction.MODERATE_QA)
        done = await self._run(viewer.webinar, user.id, None, lambda s: decide_moderate(s, question, what, user.id))
        if what is Moderation.ANSWERED:
            await self._answered_leads(viewer.webinar.mission.id, user.id, done)
        return done

    async def _answered_leads(self, mission_id: int, answerer: int, done: Appended) -> None:
        """A question answered makes leads (docs/leads.md): the asker gets one of the host or moderator who
        answered, and the answerer one of the asker unless the question was anonymous (a lead would name them).
        Not in a rehearsal. Written after the answer's transaction; add_lead is idempotent."""
        now = self._clock.now()
        for event in done.events:
            body = event.body
            if not isinstance(body, QuestionChanged) or body.question.author is None or body.question.rehearsal:
                continue
            asker = body.question.author.user_id
            if body.question.status is not QuestionStatus.ANSWERED or asker == answerer:
                continue
            await self._store.add_lead(mission_id, asker, answerer, LeadSource.QA, None, now)
            if not body.question.anonymous:
                await self._store.add_lead(mission_id, answerer, asker, LeadSource.QA, None, now)
            return

    async def set_qa_mode(self, user: User, item: int, mode: str) -> Appended:
        new = _parse(QaMode, mode, "mode")
        viewer = await self._acting(user, item, WebinarAction.MODERATE_QA)
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_qa_mode(s, new))

    async def hand(self, user: User, item: int, up: bool) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.RAISE_HAND)
        author, _ = await self._author(viewer.webinar, user.id)
        hand = Hand(user_id=user.id, name=author.name, organisation=author.organisation, raised_at=self._clock.now())
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_hand(s, hand, up))

    async def lower_hand(self, user: User, item: int, target: int) -> Appended:
        if target == user.id:
            return await self.hand(user, item, False)
        viewer = await self._acting(user, item, WebinarAction.LOWER_HANDS)
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_lower_hand(s, target, user.id))

    async def invite(self, user: User, item: int, target: int, question: int | None) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.INVITE_TO_STAGE)
        person, _ = await self._author(viewer.webinar, target)
        invite = Invite(user_id=target, name=person.name, by=user.id, question=question)
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_invite(s, invite))

    async def reply(self, user: User, item: int, accept: bool) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.WATCH)
        inviters: list[int] = []  # who invited this person on stage (outside a rehearsal), read as it decides

        def decide(s: WebinarState) -> Outcome:
            inviters[:] = [] if s.timebox.rehearsal else [i.by for i in s.stage.invited if i.user_id == user.id]
            return decide_reply(s, user.id, accept)

        done = await self._run(viewer.webinar, user.id, None, decide)
        if accept and done.events:
            # Brought on stage (docs/leads.md): the host or moderator and the guest each get a lead of the other.
            now = self._clock.now()
            for by in inviters:
                if by != user.id:
                    await self._store.add_lead(viewer.webinar.mission.id, by, user.id, LeadSource.STAGE, None, now)
                    await self._store.add_lead(viewer.webinar.mission.id, user.id, by, LeadSource.STAGE, None, now)
        return done

    async def end_guest(self, user: User, item: int, target: int) -> Appended:
        viewer = await self._viewer(user, item)
        if target != user.id:  # a guest may always end their own turn
            require_webinar(viewer.role, WebinarAction.END_GUEST)
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_end_guest(s, target, user.id))

    async def give_floor(self, user: User, item: int, target: int | None) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.GIVE_FLOOR)
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_floor(s, target, user.id))

    async def mute(self, user: User, item: int, target: int) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.MUTE)
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_mute(s, target, user.id))

    async def record(self, user: User, item: int, on: bool) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.RECORD)
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_record(s, on, user.id))

    async def consent(self, user: User, item: int, accept: bool) -> Appended:
        """Anyone in the room may decline being recorded (their own choice: no role is needed)."""
        viewer = await self._acting(user, item, WebinarAction.WATCH)
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_consent(s, user.id, accept))

    async def recording_plan(self, item: int) -> RecordingPlan:
        w = await self._webinar(item)
        state = (await self._load(w, webinar(item).name))[0]
        return RecordingPlan(on=state.recording, declined=frozenset(state.declined),
                             rehearsal=state.timebox.rehearsal, ended=state.timebox.status is TimeboxStatus.ENDED)

    async def create_poll(self, user: User, item: int, question: str, options: list[str], multiple: bool,
                          key: str | None) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.MANAGE_POLLS)
        question, options = clean_poll(question, options)
        return await self._run(viewer.webinar, user.id, key,
                               lambda s: decide_create_poll(s, question, options, multiple, user.id))

    async def set_poll(self, user: User, item: int, poll: int, status: str) -> Appended:
        new = _parse(PollStatus, status, "status")
        viewer = await self._acting(user, item, WebinarAction.MANAGE_POLLS)
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_set_poll(s, poll, new, user.id))

    async def vote_poll(self, user: User, item: int, poll: int, choices: list[int]) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.VOTE_POLL)
        return await self._run(viewer.webinar, user.id, None,
                               lambda s: decide_vote_poll(s, poll, user.id, choices, viewer.staff))

    # -- time box ----------------------------------------------------------------------------------------------

    async def _next_item(self, w: _Webinar) -> NextItem | None:
        after = (w.item.starts_at, w.item.id)
        for it in await self._store.programme(w.mission.id):
            # The room hears of the next item everyone may see: an invite-only or a track's item stays unknown.
            if (it.starts_at, it.id) > after and it.audience is ItemAudience.ALL:
                return NextItem(id=it.id, title=it.title, kind=it.kind, starts_at=it.starts_at)
        return None

    async def start(self, user: User, item: int, confirm: bool = False) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.START)
        now = self._clock.now()
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_start(s, now, user.id, confirm))

    async def rehearse(self, user: User, item: int, on: bool) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.START)
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_rehearse(s, on, user.id))

    async def reopen(self, user: User, item: int) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.REOPEN)
        now = self._clock.now()
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_reopen(s, now))

    async def end(self, user: User, item: int) -> Appended:
        viewer = await self._acting(user, item, WebinarAction.END)
        next_item = await self._next_item(viewer.webinar)
        now = self._clock.now()
        return await self._run(viewer.webinar, user.id, None, lambda s: decide_end(s, next_item, now, user.id))

    async def warn(self, item: int, minutes: int, run: int = 1) -> Appended:
        """A minutes-left warning of one run of the time box, written once whichever node's timer fires first;
        no events when it is not due (already given, the webinar not live, the time box moved, another run)."""
        now = self._clock.now()
        return await self._run(await self._webinar(item), SYSTEM, f"warn-{run}-{minutes}",
                               lambda s: decide_warn(s, minutes, now, run))

    async def finish(self, item: int, run: int = 1) -> Appended:
        """The end at time-up of one run; no events when already ended, not live, or the time is not up."""
        w = await self._webinar(item)
        next_item = await self._next_item(w)
        now = self._clock.now()
        return await self._run(w, SYSTEM, f"end-{run}", lambda s: decide_finish(s, next_item, now, run))

    # -- stage media -------------------------------------------------------------------------------------------

    async def publisher(self, user: User, item: int, source: str) -> Publisher:
        """Who may publish now; raises NotAllowed('not-on-stage'), Conflict('webinar-ended' | 'stage-full')."""
        what = _parse(Source, source, "source")
        viewer = await self._viewer(user, item)
        state, _ = await self._load(viewer.webinar, webinar(item).name)
        require_webinar(viewer.role, WebinarAction.PUBLISH, guest=user.id in state.stage.guests, group=state.group)
        if state.timebox.status is TimeboxStatus.ENDED:
            raise Conflict(code="webinar-ended", message="This webinar has ended.")
        if stage_full(state, user.id, what):
            raise Conflict(code="stage-full", message="The stage is full.")
        author, _ = await self._author(viewer.webinar, user.id)
        return Publisher(user_id=user.id, name=author.name, organisation=author.organisation, source=what)

    async def went_live(self, user: User, item: int, source: str, feed: int) -> Appended:
        """Records a published feed; checked again against the current stage, so a guest revoked meanwhile is
        refused (the caller then takes the feed down)."""
        who = await self.publisher(user, item, source)
        viewer = await self._viewer(user, item)
        live = Feed(user_id=user.id, name=who.name, organisation=who.organisation, source=who.source, feed=feed)

        def fn(s: WebinarState) -> Outcome:
            require_webinar(viewer.role, WebinarAction.PUBLISH, guest=user.id in s.stage.guests, group=s.group)
            return decide_went_live(s, live)

        return await self._run(viewer.webinar, user.id, None, fn)

    async def went_off(self, user_id: int, item: int, source: str) -> Appended:
        what = _parse(Source, source, "source")
        return await self._run(await self._webinar(item), user_id, None, lambda s: decide_went_off(s, user_id, what))
