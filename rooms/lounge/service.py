"""The lounge use cases (docs/lounge.md): each loads who is asking, checks rooms.policy, and runs one pure decision
of rooms.lounge.decide inside `AggregateStore.transact` (aggregate `lounge:<item>`), which serialises commands per
lounge and appends their events to the lounge room in one transaction: seats never exceed a table's capacity,
and a round's placement is computed once and is the same everywhere. The returned events are published as the
use case returns (server/ws/delivery.py, `publishing`); the gateway acknowledges.

Presence is the gateway's: it passes who is present to the round commands and calls `present_left` when a
person's last connection leaves the lounge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import NamedTuple, Protocol

import msgspec

from rooms.core.aggregate import AggregateStore, Decision
from rooms.core.clock import Clock
from rooms.core.errors import Conflict, Invalid, NotFound
from rooms.core.events import Appended, EventBody
from rooms.core.refs import RoomKind, RoomRef, inbox, lounge
from rooms.lounge.decide import (
    Outcome,
    clean_table,
    decide_connect,
    decide_end_round,
    decide_mixing,
    decide_move_on,
    decide_next_round,
    decide_remove_table,
    decide_save_table,
    decide_sit,
    decide_stand,
    decide_start_rounds,
    decide_stop_rounds,
    decide_word,
    decide_word_reply,
    mixing,
    open_word,
    pending_word,
    seated_at,
)
from rooms.lounge.decide import table_members as members_at
from rooms.lounge.events import LeadAdded, LoungeCard, WordAsked, WordInvite
from rooms.lounge.state import LoungeState, LoungeView, initial_state, view
from rooms.matchmaking.ports import MeetingStore
from rooms.matchmaking.records import LeadSource, MeetingStatus
from rooms.matchmaking.slots import overlaps
from rooms.missions.audience import AudienceStore
from rooms.missions.mission import ItemKind, Mission, ProgrammeItem
from rooms.missions.people import Membership, User
from rooms.missions.ports import DirectoryStore, MembershipStore, MissionStore
from rooms.policy import (
    LoungeAction,
    lounge_permissions,
    may_see_item,
    mixes_only_by_choice,
    require_lounge,
    require_table_member,
)


class LoungeStore(MissionStore, MembershipStore, DirectoryStore, MeetingStore, AggregateStore, AudienceStore,
                  Protocol):
    """What the lounge uses of the store."""


SYSTEM = 0  # the sender of what the round timer does by itself
WORD_MINUTES = 15


class LoungeSnapshot(msgspec.Struct, frozen=True):
    seq: int  # of the lounge room: later events apply on top
    state: LoungeView
    permissions: list[str]
    table: int | None  # where this viewer sits
    opt_out: bool  # whether this viewer opted out of mixing rounds


class WordSent(NamedTuple):
    invite: int
    already_sent: bool  # an invitation to that person was still open: nothing new was sent
    appended: Appended


class Present(NamedTuple):
    """The people a round may place: their cards, and which of them mix only if they opted in."""

    cards: dict[int, LoungeCard]
    by_choice: frozenset[int]


class Connection(NamedTuple):
    mutual: bool
    appended: Appended  # the `n-lead` notifications, when this click made it mutual


class _Lounge(NamedTuple):
    item: ProgrammeItem
    mission: Mission

    @property
    def aggregate(self) -> str:
        return f"lounge:{self.item.id}"

    @property
    def room(self) -> str:
        return lounge(self.item.id).name


class _Unchanged(Exception):
    """Raised inside `decide` when a command has nothing to do, so that nothing is written."""


class LoungeService:
    def __init__(self, store: LoungeStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._encoder = msgspec.json.Encoder()
        self._decoder = msgspec.json.Decoder(LoungeState)

    # -- who is asking -----------------------------------------------------------------------------------------

    async def _lounge(self, item_id: int) -> _Lounge:
        item = await self._store.get_item(item_id)
        mission = await self._store.get_mission(item.mission_id) if item is not None else None
        if item is None or item.kind is not ItemKind.NETWORKING or mission is None:
            raise NotFound(code="lounge-not-found", message="Lounge not found.")
        return _Lounge(item, mission)

    async def _acting(self, user: User, item_id: int, action: LoungeAction) -> tuple[_Lounge, Membership]:
        lo = await self._lounge(item_id)
        membership = await self._store.get_membership(lo.mission.id, user.id)
        require_lounge(membership, action)
        assert membership is not None
        if not may_see_item(membership, lo.item, await self._store.mission_audience(lo.mission.id)):
            raise NotFound(code="lounge-not-found", message="Lounge not found.")
        return lo, membership

    async def _card(self, lo: _Lounge, user_id: int) -> LoungeCard:
        found = await self._cards(lo, [user_id])
        if user_id not in found:
            raise NotFound(code="person-not-found", message="Person not found.")
        return found[user_id]

    async def _cards(self, lo: _Lounge, user_ids: Sequence[int]) -> dict[int, LoungeCard]:
        return (await self._present(lo, user_ids)).cards

    async def _present(self, lo: _Lounge, user_ids: Sequence[int]) -> Present:
        """Cards of the people present, by user id, in one query (a round places hundreds); who is no longer a
        member is left out."""
        entries = await self._store.mission_directory(lo.mission.id, user_ids)
        cards = {e.profile.user_id: LoungeCard(user_id=e.profile.user_id, name=e.profile.name,
                                               organisation=e.profile.organisation, org_type=e.profile.org_type,
                                               side=e.side, country=e.profile.country,
                                               sectors=list(e.profile.sectors))
                 for e in entries}
        return Present(cards, frozenset(e.profile.user_id for e in entries if mixes_only_by_choice(e.role)))

    async def mission_of(self, item_id: int) -> int:
        return (await self._lounge(item_id)).mission.id

    async def may_join(self, user: User, ref: RoomRef) -> None:
        """Raises unless this user may be in this room now: the lounge for any member of the mission, a table's
        room only for the people seated at that table."""
        match ref.kind:
            case RoomKind.LOUNGE:
                await self._acting(user, ref.id, LoungeAction.JOIN)
            case RoomKind.TABLE:
                lo = await self._lounge(ref.id)
                membership = await self._store.get_membership(lo.mission.id, user.id)
                state, _ = await self._load(lo)
                require_table_member(membership, seated_at(state, user.id), ref.table)
            case _:
                raise Invalid(code="bad-room", message="This is not a lounge room.", field="room")

    # -- reading -----------------------------------------------------------------------------------------------

    async def _load(self, lo: _Lounge) -> tuple[LoungeState, int]:
        raw, seq = await self._store.load(lo.aggregate, lo.room)
        return self._state(lo, raw), seq

    def _state(self, lo: _Lounge, raw: bytes | None) -> LoungeState:
        return initial_state(lo.item.id) if raw is None else self._decoder.decode(raw)

    async def snapshot(self, user: User, ref: RoomRef) -> LoungeSnapshot:
        if ref.kind is not RoomKind.LOUNGE:
            raise Invalid(code="bad-room", message="This is not a lounge room.", field="room")
        lo, membership = await self._acting(user, ref.id, LoungeAction.JOIN)
        state, seq = await self._load(lo)
        return LoungeSnapshot(seq=seq, state=view(state), permissions=lounge_permissions(membership),
                              table=seated_at(state, user.id),
                              opt_out=not mixing(state, user.id, mixes_only_by_choice(membership.role)))

    async def table_members(self, item: int, table: int) -> list[int]:
        """Who sits at the table now, in the order they sat down (the gateway relays signalling among them)."""
        state, _ = await self._load(await self._lounge(item))
        return members_at(state, table)

    async def seated(self, item: int, user_id: int) -> int | None:
        state, _ = await self._load(await self._lounge(item))
        return seated_at(state, user_id)

    # -- writing -----------------------------------------------------------------------------------------------

    async def _run(self, lo: _Lounge, sender: int, key: str | None,
                   fn: Callable[[LoungeState], Outcome]) -> Appended:
        def decide(raw: bytes | None) -> Decision:
            outcome = fn(self._state(lo, raw))
            if not outcome.events:
                raise _Unchanged
            entries: list[tuple[str, EventBody]] = [(lo.room, body) for body in outcome.events]
            return Decision(entries=entries, state=self._encoder.encode(outcome.state))

        try:
            written = await self._store.transact(lo.aggregate, [lo.room], sender, key, self._clock.now(), decide)
        except _Unchanged:
            return Appended(events=[], fresh=False)
        return Appended(events=[event for event, _ in written], fresh=all(fresh for _, fresh in written))

    async def sit(self, user: User, item: int, table: int) -> Appended:
        lo, _ = await self._acting(user, item, LoungeAction.SIT)
        card = await self._card(lo, user.id)
        return await self._run(lo, user.id, None, lambda s: decide_sit(s, card, table))

    async def stand(self, user: User, item: int) -> Appended:
        lo, _ = await self._acting(user, item, LoungeAction.SIT)
        return await self._run(lo, user.id, None, lambda s: decide_stand(s, user.id))

    async def present_left(self, user_id: int, item: int) -> Appended:
        """The person's last connection left the lounge: their seat is freed. No check: leaving is always
        allowed, even for someone who meanwhile left the mission."""
        return await self._run(await self._lounge(item), user_id, None, lambda s: decide_stand(s, user_id))

    async def save_table(self, user: User, item: int, table: int | None, name: str, topic: str, capacity: int,
                         sector: str | None) -> Appended:
        lo, _ = await self._acting(user, item, LoungeAction.MANAGE_TABLES)
        draft = clean_table(name, topic, capacity, sector)
        return await self._run(lo, user.id, None, lambda s: decide_save_table(s, table, draft))

    async def remove_table(self, user: User, item: int, table: int) -> Appended:
        lo, _ = await self._acting(user, item, LoungeAction.MANAGE_TABLES)
        return await self._run(lo, user.id, None, lambda s: decide_remove_table(s, table))

    async def set_mixing(self, user: User, item: int, opt_out: bool) -> Appended:
        lo, membership = await self._acting(user, item, LoungeAction.MIX)
        by_choice = mixes_only_by_choice(membership.role)
        return await self._run(lo, user.id, None, lambda s: decide_mixing(s, user.id, opt_out, by_choice))

    # -- rounds ------------------------------------------------------------------------------------------------

    async def start_rounds(self, user: User, item: int, rounds: int, minutes: int,
                           present: Sequence[int]) -> Appended:
        """Starts the series and places its first round among `present` (the gateway's presence list)."""
        lo, _ = await self._acting(user, item, LoungeAction.MANAGE_ROUNDS)
        people = await self._present(lo, present)
        now = self._clock.now()
        return await self._run(lo, user.id, None, lambda s: decide_start_rounds(s, rounds, minutes, people.cards, now,
                                                                                 people.by_choice))

    async def stop_rounds(self, user: User, item: int) -> Appended:
        lo, _ = await self._acting(user, item, LoungeAction.MANAGE_ROUNDS)
        return await self._run(lo, user.id, None, decide_stop_rounds)

    async def move_on(self, user: User, item: int, present: Sequence[int]) -> Appended:
        """"Move everyone now" (organisers): ends the running round and places the next one of its series among
        `present`, or ends the series after its last round, in one command. Conflict('no-rounds') when none
        runs."""
        lo, _ = await self._acting(user, item, LoungeAction.MANAGE_ROUNDS)
        people = await self._present(lo, present)
        now = self._clock.now()
        return await self._run(lo, user.id, None, lambda s: decide_move_on(s, people.cards, now, people.by_choice))

    # A timer's idempotency key names the transition by the lounge-wide round count (`rounds_total`), which only
    # grows: a round number restarts with each series, so a key built from it would find an earlier series'
    # events. Every node reads the count of the round that ends, so all of them use the same key for the same
    # transition; the decision checks the count again, so a key read before the lounge moved on writes nothing.

    async def _total(self, lo: _Lounge) -> int:
        state, _ = await self._load(lo)
        return state.rounds_total

    async def next_round(self, item: int, number: int, present: Sequence[int]) -> Appended:
        """Round `number` among `present`, written once (key `round-<lounge-wide count>`) whichever node's timer
        fires first; no events when it is not due."""
        lo = await self._lounge(item)
        people = await self._present(lo, present)
        total = await self._total(lo)
        now = self._clock.now()
        return await self._run(lo, SYSTEM, f"round-{total + 1}",
                               lambda s: decide_next_round(s, number, people.cards, now, total, people.by_choice))

    async def end_round(self, item: int, number: int) -> Appended:
        """The end of the series at the last round's time-up (key `round-end-<lounge-wide count>`); no events
        when not due."""
        lo = await self._lounge(item)
        total = await self._total(lo)
        now = self._clock.now()
        return await self._run(lo, SYSTEM, f"round-end-{total}", lambda s: decide_end_round(s, number, now, total))

    async def current_round(self, item: int) -> tuple[int, int, dt.datetime] | None:
        """(number, of, ends_at) of the running round, for the gateway's timers."""
        state, _ = await self._load(await self._lounge(item))
        r = state.round
        return None if r is None else (r.number, r.of, r.ends_at)

    # -- have a word, exchange cards ---------------------------------------------------------------------------

    async def word(self, user: User, item: int, target: int) -> WordSent:
        """Invites `target` for a word; a repeat while the first is open sends nothing and says so."""
        lo, _ = await self._acting(user, item, LoungeAction.WORD)
        if await self._store.get_membership(lo.mission.id, target) is None:
            raise NotFound(code="person-not-found", message="Person not found.")
        card = await self._card(lo, user.id)
        now = self._clock.now()
        already: WordInvite | None = None

        def decide(s: LoungeState) -> Outcome:
            nonlocal already
            already = open_word(s, user.id, target, now)
            return decide_word(s, card, target, now)

        appended = await self._run(lo, user.id, None, decide)
        if already is not None:
            return WordSent(already.id, True, appended)
        asked = next(e.body for e in appended.events if isinstance(e.body, WordAsked))
        return WordSent(asked.invite.id, False, appended)

    async def word_reply(self, user: User, item: int, invite: int, accept: bool) -> Appended:
        """Accepting books an ad-hoc meeting from now (the no-double-booking guarantee of MeetingStore.book: a
        person already in a meeting now gets Conflict('slot-taken')); the `l-word-reply` carries its id."""
        lo, _ = await self._acting(user, item, LoungeAction.WORD)
        now = self._clock.now()
        state, _ = await self._load(lo)
        asked = pending_word(state, invite, user.id, now)
        meeting_id: int | None = None
        if accept:
            rules = await self._store.get_rules(lo.mission.id)
            try:
                booked = await self._store.book(lo.mission.id, asked.from_.user_id, user.id, lo.item.id, now,
                                                now + dt.timedelta(minutes=WORD_MINUTES), user.id,
                                                rules.max_meetings, now)
            except Conflict as refused:
                raise await self._busy(lo, user.id, now, refused) from refused
            meeting_id = booked.id
        try:
            return await self._run(lo, user.id, None,
                                   lambda s: decide_word_reply(s, invite, user.id, accept, meeting_id, now))
        except Exception:
            if meeting_id is not None:  # answered meanwhile (another tab): the meeting booked here is not wanted
                await self._store.cancel_meeting(meeting_id)
            raise

    async def _busy(self, lo: _Lounge, user_id: int, now: dt.datetime, refused: Conflict) -> Conflict:
        """Why a side room could not be booked, in words that fit a call now, not a slot to pick again: the person
        answering is busy, or the one who asked is (with someone else since)."""
        if refused.code != "slot-taken":
            return refused
        end = now + dt.timedelta(minutes=WORD_MINUTES)
        mine = await self._store.meetings_of(lo.mission.id, user_id)
        if any(m.status is not MeetingStatus.CANCELLED and overlaps(m.starts_at, m.ends_at, now, end) for m in mine):
            return Conflict(code="busy-now",
                            message="You have another meeting now or within the next "
                                        f"{WORD_MINUTES} minutes.")
        return Conflict(code="they-are-busy",
                        message="They have another meeting now or within the next "
                                         f"{WORD_MINUTES} minutes.")

    async def connect(self, user: User, item: int, target: int) -> Connection:
        """A one-sided connect is private (no lounge event). When both connected, each gets a lead with the
        other's card and an `n-lead` in their inbox, written in the same transaction as the connect."""
        lo, _ = await self._acting(user, item, LoungeAction.CONNECT)
        if target == user.id:
            raise Invalid(code="to-self", message="You cannot connect with yourself.", field="user")
        if await self._store.get_membership(lo.mission.id, target) is None:
            raise NotFound(code="person-not-found", message="Person not found.")
        cards = await self._cards(lo, [user.id, target])
        if len(cards) < 2:
            raise NotFound(code="person-not-found", message="Person not found.")
        mutual = False

        def decide(raw: bytes | None) -> Decision:
            nonlocal mutual
            done = decide_connect(self._state(lo, raw), user.id, target)
            mutual = done.mutual
            notes: list[tuple[str, EventBody]] = []
            if done.new:
                notes = [(inbox(user.id).name, LeadAdded(mission_id=lo.mission.id, person=cards[target])),
                         (inbox(target).name, LeadAdded(mission_id=lo.mission.id, person=cards[user.id]))]
            return Decision(entries=notes, state=self._encoder.encode(done.state))

        now = self._clock.now()
        written = await self._store.transact(lo.aggregate, [lo.room], user.id, None, now, decide)
        if mutual:  # again on every mutual click: add_lead is idempotent, so a failure here heals on a retry
            await self._store.add_lead(lo.mission.id, user.id, target, LeadSource.LOUNGE, None, now)
            await self._store.add_lead(lo.mission.id, target, user.id, LeadSource.LOUNGE, None, now)
        return Connection(mutual=mutual,
                          appended=Appended(events=[e for e, _ in written], fresh=all(f for _, f in written)))
