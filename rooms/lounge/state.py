"""The networking lounge aggregate (docs/lounge.md, "State"): tables, seats, rounds and placements, as stored
beside the lounge room's sequence number, so they are the same on every node. It also keeps what no event
reveals: who met whom, one-sided "connect" clicks.

The fold that changes it is rooms.lounge.decide; the records clients see are in rooms.lounge.events.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from rooms.lounge.events import LoungeCard, Round, Table, WordInvite

DEFAULT_TABLES = 6
DEFAULT_CAPACITY = 6


class Pending(msgspec.Struct):
    """A "have a word" invitation not yet answered."""

    invite: WordInvite
    at: dt.datetime


class LoungeState(msgspec.Struct):
    item_id: int
    tables: dict[int, Table] = msgspec.field(default_factory=dict)
    seated: dict[int, int] = msgspec.field(default_factory=dict)  # user id -> table id
    cards: dict[int, LoungeCard] = msgspec.field(default_factory=dict)  # of the people seated, for snapshots
    round: Round | None = None
    rounds_total: int = 0  # rounds started in this lounge so far
    met: set[tuple[int, int]] = msgspec.field(default_factory=set)  # (lower id, higher id)
    opt_out: set[int] = msgspec.field(default_factory=set)
    opt_in: set[int] = msgspec.field(default_factory=set)  # of those who mix only by choice (organisers)
    connects: set[tuple[int, int]] = msgspec.field(default_factory=set)  # (from, to)
    invites: dict[int, Pending] = msgspec.field(default_factory=dict)
    version: int = 0  # the last id given to a table or an invitation


class LoungeView(msgspec.Struct, frozen=True):
    """What every client of the lounge room sees alike."""

    tables: list[Table]
    cards: list[LoungeCard]  # of everyone seated, by user id
    round: Round | None
    rounds_total: int


def initial_state(item_id: int) -> LoungeState:
    """A new lounge with its default tables: the same before and after its first command."""
    s = LoungeState(item_id=item_id)
    for n in range(1, DEFAULT_TABLES + 1):
        s.tables[n] = Table(id=n, name=f"Table {n}", topic="", capacity=DEFAULT_CAPACITY, sector=None, seats=[])
    s.version = DEFAULT_TABLES
    return s


def view(s: LoungeState) -> LoungeView:
    return LoungeView(tables=[s.tables[t] for t in sorted(s.tables)], cards=[s.cards[u] for u in sorted(s.cards)],
                      round=s.round, rounds_total=s.rounds_total)
