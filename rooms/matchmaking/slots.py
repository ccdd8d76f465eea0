"""Matchmaking slots (docs/matchmaking.md, "Slots and availability"): the mission's matchmaking items cut into
meetings by the rules, each shown in the partners' zone (the mission's) and the delegation's zone, with the sides
for whom it falls at night. Pure functions over `zoneinfo`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import msgspec

from rooms.core.cards import Side
from rooms.core.timezones import zone
from rooms.matchmaking.records import Attendance, MatchmakingRules, Slot
from rooms.missions.mission import ItemKind, ProgrammeItem

NIGHT_STARTS = dt.time(22, 0)
NIGHT_ENDS = dt.time(7, 0)


class LocalTimes(msgspec.Struct, frozen=True):
    zone: str
    starts_at: dt.datetime  # with the zone's offset at that moment
    ends_at: dt.datetime


class TimedSlot(msgspec.Struct, frozen=True):
    item_id: int
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime
    local: dict[str, LocalTimes]  # by side: "partner" (the mission's zone), "delegation" (the rules' zone)
    night: list[Side]  # sides for whom part of the slot lies between 22:00 and 07:00 local time

    @property
    def slot(self) -> Slot:
        return Slot(self.item_id, self.starts_at, self.ends_at)


def cut(item: ProgrammeItem, rules: MatchmakingRules) -> Iterator[Slot]:
    """The item's slots: `meeting_minutes` long, `break_minutes` apart, from its start; one that would end after
    the item's end is dropped. Cut in UTC, so a clock change inside an item neither loses nor adds a slot."""
    length = dt.timedelta(minutes=rules.meeting_minutes)
    step = length + dt.timedelta(minutes=rules.break_minutes)
    start = item.starts_at
    while start + length <= item.ends_at:
        yield Slot(item.id, start, start + length)
        start += step


def is_night(starts_at: dt.datetime, ends_at: dt.datetime, tz_name: str) -> bool:
    tz = zone(tz_name)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    # A slot lasts at most an hour, so it is daytime exactly when it starts and ends within the same 07–22 day.
    day_start = start.replace(hour=NIGHT_ENDS.hour, minute=0, second=0, microsecond=0)
    day_end = start.replace(hour=NIGHT_STARTS.hour, minute=0, second=0, microsecond=0)
    return not (day_start <= start and end <= day_end)


def timed(slot: Slot, partner_zone: str, delegation_zone: str) -> TimedSlot:
    zones = {Side.PARTNER: partner_zone, Side.DELEGATION: delegation_zone}
    local = {
        side.value: LocalTimes(name, slot.starts_at.astimezone(zone(name)), slot.ends_at.astimezone(zone(name)))
        for side, name in zones.items()
    }
    night = [side for side in (Side.DELEGATION, Side.PARTNER) if is_night(slot.starts_at, slot.ends_at, zones[side])]
    return TimedSlot(slot.item_id, slot.starts_at, slot.ends_at, local, night)


def slots(programme: Iterable[ProgrammeItem], rules: MatchmakingRules, mission_zone: str) -> list[TimedSlot]:
    """Every slot of the programme's matchmaking items, by start time then item."""
    found = [timed(slot, mission_zone, rules.delegation_timezone)
             for item in programme if item.kind is ItemKind.MATCHMAKING for slot in cut(item, rules)]
    return sorted(found, key=lambda s: (s.starts_at, s.item_id))


def slot_at(programme: Iterable[ProgrammeItem], rules: MatchmakingRules, start: dt.datetime) -> Slot | None:
    """The slot starting at `start` (UTC), if the rules cut one there."""
    for item in programme:
        if item.kind is ItemKind.MATCHMAKING and item.starts_at <= start < item.ends_at:
            for slot in cut(item, rules):
                if slot.starts_at == start:
                    return slot
    return None


def overlaps(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime) -> bool:
    return a_start < b_end and b_start < a_end


def attendance(changes: Iterable[tuple[int, bool, dt.datetime]], a: int, b: int, now: dt.datetime) -> Attendance:
    """Seconds each member, and both at once, were connected, from the room's (user, joined?, at) changes in log
    order. A person counts as there while any of their connections is (tabs, reconnects); whoever is still there
    counts until `now`. A leave without a join (a node that lost its record) is ignored."""
    open_connections = {a: 0, b: 0}
    totals = {a: 0.0, b: 0.0, 0: 0.0}
    last: dt.datetime | None = None

    def advance(to: dt.datetime) -> None:
        nonlocal last
        if last is not None and to > last:
            span = (to - last).total_seconds()
            present = [p for p in (a, b) if open_connections[p] > 0]
            for person in present:
                totals[person] += span
            if len(present) == 2:
                totals[0] += span
        last = to if last is None else max(last, to)

    for user_id, joined, at in changes:
        if user_id not in open_connections:
            continue
        advance(at)
        open_connections[user_id] = open_connections[user_id] + 1 if joined else max(open_connections[user_id] - 1, 0)
    advance(now)
    return Attendance(int(totals[a]), int(totals[b]), int(totals[0]))
