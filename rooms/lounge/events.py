"""Networking lounge events and the records they carry (docs/lounge.md, "Events").

Everything here is what clients may see. Lounge events go to the `lounge:<item>` room; `n-lead` goes to each
person's `inbox:<user>` room once a "connect" is mutual. The aggregate itself (met pairs, one-sided connects,
opt-outs) is rooms.lounge.state and never appears in an event.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from rooms.core.cards import PersonCard
from rooms.core.events import EventBody
from rooms.matchmaking.records import LeadSource


class LoungeCard(PersonCard, frozen=True):
    sectors: list[str]


class Table(msgspec.Struct, frozen=True):
    id: int
    name: str
    topic: str
    capacity: int
    sector: str | None
    seats: list[int]  # user ids, in the order they sat down

    @property
    def free(self) -> int:
        return self.capacity - len(self.seats)


class Group(msgspec.Struct, frozen=True):
    """One placement of a round: these people sit at this table."""

    table: int
    members: list[int]


class Round(msgspec.Struct, frozen=True):
    number: int  # 1 … of
    of: int
    minutes: int
    started_at: dt.datetime
    ends_at: dt.datetime
    groups: list[Group]


class WordInvite(msgspec.Struct, frozen=True):
    id: int
    from_: LoungeCard = msgspec.field(name="from")
    to: int = 0


# -- events in the lounge room (tag `kind`) --------------------------------------------------------------------


class TablesChanged(EventBody, frozen=True, tag="l-tables"):
    tables: list[Table]  # every table, by id


class SeatChanged(EventBody, frozen=True, tag="l-seat"):
    user_id: int
    table: int | None  # None: stood up
    card: LoungeCard


class RoundChanged(EventBody, frozen=True, tag="l-round"):
    round: Round | None  # None: the rounds are over (or were stopped)
    rounds_total: int  # rounds started in this lounge so far
    cards: list[LoungeCard] = msgspec.field(default_factory=list)  # of the people the round placed


class RoundEnded(EventBody, frozen=True, tag="l-round-end"):
    number: int


class WordAsked(EventBody, frozen=True, tag="l-word"):
    invite: WordInvite


class WordReplied(EventBody, frozen=True, tag="l-word-reply"):
    invite: int
    accept: bool
    meeting_id: int | None
    from_user: int
    to: int
    # Closed unanswered because one of the two went into a side room with someone else: the invited person's
    # dialog closes, the sender learns their invitation lapsed (not that it was declined).
    withdrawn: bool = False


class MixingChanged(EventBody, frozen=True, tag="l-mixing"):
    user_id: int
    opt_out: bool


LoungeEvent = TablesChanged | SeatChanged | RoundChanged | RoundEnded | WordAsked | WordReplied | MixingChanged


# -- in a person's inbox ---------------------------------------------------------------------------------------


class LeadAdded(EventBody, frozen=True, tag="n-lead"):
    """Both people clicked "connect": the notified person got a lead with `person`'s card."""

    mission_id: int
    person: LoungeCard
    source: LeadSource = LeadSource.LOUNGE
