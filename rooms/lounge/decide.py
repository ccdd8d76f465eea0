"""The lounge fold: pure functions from (state, command, now) to the events it causes and the new state.

Each `decide_*` takes ownership of the state it is given (the service decodes a fresh copy per command) and
returns it changed, with the events for the lounge room. It validates before it changes anything, so a raised
error leaves the state as it was. An Outcome without events means "nothing to do" (a repeated timer, standing
when not seated): the service then writes nothing.

Permission checks are not made here but in rooms.policy, by the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence, Set
from typing import NamedTuple

from rooms.core.errors import Conflict, Gone, Invalid, NotFound
from rooms.lounge.events import (
    Group,
    LoungeCard,
    LoungeEvent,
    MixingChanged,
    Round,
    RoundChanged,
    RoundEnded,
    SeatChanged,
    Table,
    TablesChanged,
    WordAsked,
    WordInvite,
    WordReplied,
)
from rooms.lounge.mixing import Mixer, Seats, pair, place, seed_for
from rooms.lounge.state import LoungeState, Pending

MAX_NAME, MAX_TOPIC, MAX_SECTOR = 60, 200, 60
MIN_CAPACITY, MAX_CAPACITY = 2, 8
MAX_TABLES = 40
MIN_ROUNDS, MAX_ROUNDS = 1, 10
MIN_MINUTES, MAX_MINUTES = 2, 30
MAX_PENDING_WORDS = 5  # unanswered "have a word" invitations one person may have out
WORD_TTL = dt.timedelta(minutes=5)
# Timers on different nodes fire a little early or late; earlier than this before the end, a timer is stale.
TIMER_SLACK = dt.timedelta(seconds=5)


class Outcome(NamedTuple):
    events: list[LoungeEvent]
    state: LoungeState


class TableDraft(NamedTuple):
    name: str
    topic: str
    capacity: int
    sector: str | None


# -- validation ----------------------------------------------------------------------------------------------


def clean_table(name: str, topic: str, capacity: int, sector: str | None) -> TableDraft:
    name, topic = " ".join(name.split()), " ".join(topic.split())
    if not name or len(name) > MAX_NAME:
        raise Invalid(code="invalid-name", message=f"A table's name has 1 to {MAX_NAME} characters.", field="name")
    if len(topic) > MAX_TOPIC:
        raise Invalid(code="too-long", message=f"A table's topic has at most {MAX_TOPIC} characters.", field="topic")
    if not MIN_CAPACITY <= capacity <= MAX_CAPACITY:
        raise Invalid(code="invalid-capacity", message=f"A table seats {MIN_CAPACITY} to {MAX_CAPACITY} people.",
                      field="capacity")
    sector = " ".join(sector.split()) if sector is not None else None
    if sector is not None and len(sector) > MAX_SECTOR:
        raise Invalid(code="too-long", message=f"A sector has at most {MAX_SECTOR} characters.", field="sector")
    return TableDraft(name, topic, capacity, sector or None)


def clean_rounds(rounds: int, minutes: int) -> None:
    if not MIN_ROUNDS <= rounds <= MAX_ROUNDS:
        raise Invalid(code="invalid-rounds", message=f"Run {MIN_ROUNDS} to {MAX_ROUNDS} rounds.", field="rounds")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise Invalid(code="invalid-minutes", message=f"A round lasts {MIN_MINUTES} to {MAX_MINUTES} minutes.",
                      field="minutes")


def _table(s: LoungeState, table_id: int) -> Table:
    found = s.tables.get(table_id)
    if found is None:
        raise NotFound(code="table-not-found", message="Table not found.")
    return found


def _tables_changed(s: LoungeState) -> TablesChanged:
    return TablesChanged(tables=[s.tables[t] for t in sorted(s.tables)])


# -- seats ---------------------------------------------------------------------------------------------------


def _unseat(s: LoungeState, user_id: int) -> int | None:
    """Frees the person's seat; returns the table they left."""
    left = s.seated.pop(user_id, None)
    if left is not None and left in s.tables:
        t = s.tables[left]
        s.tables[left] = Table(id=t.id, name=t.name, topic=t.topic, capacity=t.capacity, sector=t.sector,
                               seats=[u for u in t.seats if u != user_id])
    s.cards.pop(user_id, None)
    return left


def _seat(s: LoungeState, card: LoungeCard, table_id: int) -> None:
    t = s.tables[table_id]
    for other in t.seats:
        s.met.add(pair(other, card.user_id))
    s.tables[table_id] = Table(id=t.id, name=t.name, topic=t.topic, capacity=t.capacity, sector=t.sector,
                               seats=[*t.seats, card.user_id])
    s.seated[card.user_id] = table_id
    s.cards[card.user_id] = card


def decide_sit(s: LoungeState, card: LoungeCard, table_id: int) -> Outcome:
    t = _table(s, table_id)
    if s.seated.get(card.user_id) == table_id:
        return Outcome([], s)
    if t.free <= 0:
        raise Conflict(code="table-full", message=f"{t.name} is full.")
    _unseat(s, card.user_id)
    _seat(s, card, table_id)
    return Outcome([SeatChanged(user_id=card.user_id, table=table_id, card=card)], s)


def decide_stand(s: LoungeState, user_id: int) -> Outcome:
    card = s.cards.get(user_id)
    if card is None or user_id not in s.seated:
        return Outcome([], s)
    _unseat(s, user_id)
    return Outcome([SeatChanged(user_id=user_id, table=None, card=card)], s)


# -- tables --------------------------------------------------------------------------------------------------


def decide_save_table(s: LoungeState, table_id: int | None, draft: TableDraft) -> Outcome:
    if table_id is None:
        if len(s.tables) >= MAX_TABLES:
            raise Conflict(code="too-many-tables", message=f"A lounge has at most {MAX_TABLES} tables.")
        s.version += 1
        table_id, seats = s.version, []
    else:
        seats = list(_table(s, table_id).seats)
        if len(seats) > draft.capacity:
            raise Conflict(code="table-occupied",
                           message=f"{len(seats)} people sit at this table: it cannot seat fewer.")
    s.tables[table_id] = Table(id=table_id, name=draft.name, topic=draft.topic, capacity=draft.capacity,
                               sector=draft.sector, seats=seats)
    return Outcome([_tables_changed(s)], s)


def decide_remove_table(s: LoungeState, table_id: int) -> Outcome:
    t = _table(s, table_id)
    events: list[LoungeEvent] = []
    for user_id in t.seats:
        card = s.cards[user_id]
        _unseat(s, user_id)
        events.append(SeatChanged(user_id=user_id, table=None, card=card))
    del s.tables[table_id]
    events.append(_tables_changed(s))
    return Outcome(events, s)


# -- mixing rounds -------------------------------------------------------------------------------------------


def mixing(s: LoungeState, user_id: int, by_choice: bool) -> bool:
    """Whether rounds place this person: everyone who did not opt out, except who mixes only by choice
    (rooms.policy.mixes_only_by_choice) and did not opt in."""
    return user_id in s.opt_in if by_choice else user_id not in s.opt_out


def mixers(s: LoungeState, present: Mapping[int, LoungeCard], by_choice: Set[int] = frozenset()) -> list[Mixer]:
    """Who a round places: the people present who mix (`by_choice`: those of them who mix only if they opted in)."""
    return [Mixer(c.user_id, c.side, c.org_type, frozenset(x.casefold() for x in c.sectors))
            for u, c in sorted(present.items()) if mixing(s, u, u in by_choice)]


def _place_round(s: LoungeState, number: int, of: int, minutes: int, present: Mapping[int, LoungeCard],
                 now: dt.datetime, by_choice: Set[int]) -> list[LoungeEvent]:
    people = mixers(s, present, by_choice)
    for p in people:
        _unseat(s, p.user_id)  # everyone placed moves; who stays put keeps their seat and it is not free
    seats = [Seats(t.id, t.free, t.sector) for _, t in sorted(s.tables.items())]
    groups: list[Group] = place(people, s.met, seats, seed_for(s.item_id, number))
    for g in groups:
        for user_id in g.members:
            _seat(s, present[user_id], g.table)
    s.round = Round(number=number, of=of, minutes=minutes, started_at=now,
                    ends_at=now + dt.timedelta(minutes=minutes), groups=groups)
    s.rounds_total += 1
    placed = [present[u] for g in groups for u in sorted(g.members)]
    return [RoundChanged(round=s.round, rounds_total=s.rounds_total, cards=placed), _tables_changed(s)]


def decide_start_rounds(s: LoungeState, rounds: int, minutes: int, present: Mapping[int, LoungeCard],
                        now: dt.datetime, by_choice: Set[int] = frozenset()) -> Outcome:
    clean_rounds(rounds, minutes)
    if s.round is not None:
        raise Conflict(code="rounds-running", message="Mixing rounds are already running; stop them first.")
    return Outcome(_place_round(s, 1, rounds, minutes, present, now, by_choice), s)


def _due(s: LoungeState, number: int, now: dt.datetime) -> Round | None:
    """The running round `number` when its time is up (a timer firing for it is not stale)."""
    r = s.round
    if r is None or r.number != number or now < r.ends_at - TIMER_SLACK:
        return None
    return r


def decide_next_round(s: LoungeState, number: int, present: Mapping[int, LoungeCard], now: dt.datetime,
                      total: int | None = None, by_choice: Set[int] = frozenset()) -> Outcome:
    """Ends round `number - 1` and places round `number`; nothing when that is not due (already done, stopped,
    moved on, the last round passed, or the timer early). `total`, when given, is the lounge-wide count of the
    round that ends: another count means the lounge moved on since the caller looked."""
    r = _due(s, number - 1, now)
    if r is None or number > r.of or (total is not None and total != s.rounds_total):
        return Outcome([], s)
    events: list[LoungeEvent] = [RoundEnded(number=r.number)]
    events += _place_round(s, number, r.of, r.minutes, present, now, by_choice)
    return Outcome(events, s)


def decide_end_round(s: LoungeState, number: int, now: dt.datetime, total: int | None = None) -> Outcome:
    """Ends round `number` and with it the series (the timer of the last round); people stay seated. `total` as
    for decide_next_round."""
    r = _due(s, number, now)
    if r is None or (total is not None and total != s.rounds_total):
        return Outcome([], s)
    s.round = None
    return Outcome([RoundEnded(number=r.number), RoundChanged(round=None, rounds_total=s.rounds_total)], s)


def decide_move_on(s: LoungeState, present: Mapping[int, LoungeCard], now: dt.datetime,
                   by_choice: Set[int] = frozenset()) -> Outcome:
    """"Move everyone now": ends the running round early and places the next one of the same series (its
    numbering goes on), or ends the series when that was its last round."""
    r = s.round
    if r is None:
        raise Conflict(code="no-rounds", message="No mixing rounds are running.")
    if r.number >= r.of:
        return decide_stop_rounds(s)
    events: list[LoungeEvent] = [RoundEnded(number=r.number)]
    events += _place_round(s, r.number + 1, r.of, r.minutes, present, now, by_choice)
    return Outcome(events, s)


def decide_stop_rounds(s: LoungeState) -> Outcome:
    r = s.round
    if r is None:
        return Outcome([], s)
    s.round = None
    return Outcome([RoundEnded(number=r.number), RoundChanged(round=None, rounds_total=s.rounds_total)], s)


def decide_mixing(s: LoungeState, user_id: int, opt_out: bool, by_choice: bool = False) -> Outcome:
    """Opting out of the rounds, or back in; for who mixes only by choice, opting in (`opt_out` False) or out."""
    if mixing(s, user_id, by_choice) != opt_out:
        return Outcome([], s)
    if by_choice and opt_out:
        s.opt_in.discard(user_id)
    elif by_choice:
        s.opt_in.add(user_id)
    elif opt_out:
        s.opt_out.add(user_id)
    else:
        s.opt_out.discard(user_id)
    return Outcome([MixingChanged(user_id=user_id, opt_out=opt_out)], s)


# -- have a word ---------------------------------------------------------------------------------------------


def _prune(s: LoungeState, now: dt.datetime) -> None:
    for invite_id in [i for i, p in s.invites.items() if now - p.at > WORD_TTL]:
        del s.invites[invite_id]


def open_word(s: LoungeState, from_user: int, to: int, now: dt.datetime) -> WordInvite | None:
    """The invitation from `from_user` to `to` still waiting for an answer, if any."""
    return next((p.invite for p in s.invites.values()
                 if p.invite.from_.user_id == from_user and p.invite.to == to and now - p.at <= WORD_TTL), None)


def decide_word(s: LoungeState, card: LoungeCard, to: int, now: dt.datetime) -> Outcome:
    """A new invitation; none when one from the same person to the same person is still open (the service tells
    the sender it was already sent)."""
    if to == card.user_id:
        raise Invalid(code="to-self", message="You cannot invite yourself for a word.", field="user")
    _prune(s, now)
    mine = [p for p in s.invites.values() if p.invite.from_.user_id == card.user_id]
    if open_word(s, card.user_id, to, now) is not None:
        return Outcome([], s)
    if len(mine) >= MAX_PENDING_WORDS:
        raise Conflict(code="too-many-invites", message="Wait for an answer to your earlier invitations first.")
    s.version += 1
    invite = WordInvite(id=s.version, from_=card, to=to)
    s.invites[invite.id] = Pending(invite=invite, at=now)
    return Outcome([WordAsked(invite=invite)], s)


def pending_word(s: LoungeState, invite_id: int, user_id: int, now: dt.datetime) -> WordInvite:
    """The invitation `user_id` may answer; others (even its sender) are told it does not exist."""
    p = s.invites.get(invite_id)
    if p is None or p.invite.to != user_id:
        raise NotFound(code="invite-not-found", message="Invitation not found.")
    if now - p.at > WORD_TTL:
        raise Gone(code="invite-expired", message="This invitation has expired.")
    return p.invite


def decide_word_reply(s: LoungeState, invite_id: int, user_id: int, accept: bool, meeting_id: int | None,
                      now: dt.datetime) -> Outcome:
    """The answer; an accepted word also closes every other open invitation from or to either of the two, who are
    now in a side room together: nobody is left to accept an invitation that could only fail."""
    invite = pending_word(s, invite_id, user_id, now)
    del s.invites[invite_id]
    events: list[LoungeEvent] = [WordReplied(invite=invite_id, accept=accept, meeting_id=meeting_id,
                                             from_user=invite.from_.user_id, to=invite.to)]
    if accept:
        busy = {invite.from_.user_id, invite.to}
        for other_id, p in sorted(s.invites.items()):
            if p.invite.from_.user_id in busy or p.invite.to in busy:
                del s.invites[other_id]
                events.append(WordReplied(invite=other_id, accept=False, meeting_id=None,
                                          from_user=p.invite.from_.user_id, to=p.invite.to, withdrawn=True))
    return Outcome(events, s)


# -- exchange cards ------------------------------------------------------------------------------------------


class Connected(NamedTuple):
    mutual: bool
    new: bool  # this click made it mutual: the moment both get a lead
    state: LoungeState


def decide_connect(s: LoungeState, user_id: int, to: int) -> Connected:
    if to == user_id:
        raise Invalid(code="to-self", message="You cannot connect with yourself.", field="user")
    already = (user_id, to) in s.connects
    s.connects.add((user_id, to))
    mutual = (to, user_id) in s.connects
    return Connected(mutual=mutual, new=mutual and not already, state=s)


def seated_at(s: LoungeState, user_id: int) -> int | None:
    return s.seated.get(user_id)


def table_members(s: LoungeState, table_id: int) -> list[int]:
    t = s.tables.get(table_id)
    return list(t.seats) if t is not None else []


def placements(groups: Sequence[Group]) -> dict[int, int]:
    """user id -> table of a round's placement."""
    return {u: g.table for g in groups for u in g.members}
