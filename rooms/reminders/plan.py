"""When a reminder is due and what the digest lists: pure functions of the time, testable with any clock.

A "starts in 10 minutes" reminder is due from LEAD before its start until the start itself — never after: a node
that was down at the due time sends it when it comes back only while it is still true. The digest is due from
DIGEST_AT in the person's own zone until DIGEST_UNTIL (a digest at noon is late; one in the evening would be news
of the day gone)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from rooms.core.cards import Side
from rooms.matchmaking.records import Meeting, MeetingStatus
from rooms.missions.mission import ItemKind, Mission, ProgrammeItem

LEAD = dt.timedelta(minutes=10)
DIGEST_AT = dt.time(7, 0)
DIGEST_UNTIL = dt.time(12, 0)


def starting_soon(starts_at: dt.datetime, now: dt.datetime, lead: dt.timedelta = LEAD) -> bool:
    return starts_at - lead <= now < starts_at


def person_zone(side: Side | None, mission: Mission, delegation_timezone: str) -> str:
    """A person's own zone: the delegation's (matchmaking rules) for the travelling side, else the mission's."""
    return delegation_timezone if side is Side.DELEGATION else mission.timezone


def digest_day(now: dt.datetime, zone: zoneinfo.ZoneInfo, mission: Mission) -> dt.date | None:
    """The local day whose digest is due now in this zone, if any (one of the mission's days)."""
    local = now.astimezone(zone)
    if not DIGEST_AT <= local.time() < DIGEST_UNTIL:
        return None
    day = local.date()
    return day if mission.start_date <= day <= mission.end_date else None


def day_key(day: dt.date) -> dt.datetime:
    """The ReminderKey moment of a digest: its local day, as midnight UTC."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def local_time(at: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%H:%M")


def agenda(day: dt.date, zone: zoneinfo.ZoneInfo, items: list[ProgrammeItem], meetings: list[Meeting],
           names: dict[int, str], me: int, with_label: str) -> list[str]:
    """The digest's lines, by local start time: the day's programme (the matchmaking blocks are shown as the
    person's own meetings in them) and the person's booked meetings, 'HH:MM–HH:MM title'."""
    lines: list[tuple[dt.datetime, str]] = []
    for item in items:
        if item.kind is not ItemKind.MATCHMAKING and item.starts_at.astimezone(zone).date() == day:
            lines.append((item.starts_at, f"{local_time(item.starts_at, zone)}–{local_time(item.ends_at, zone)} "
                                          f"{item.title}"))
    for m in meetings:
        if m.status is MeetingStatus.BOOKED and m.starts_at.astimezone(zone).date() == day:
            other = names.get(m.other(me), "?")
            lines.append((m.starts_at, f"{local_time(m.starts_at, zone)}–{local_time(m.ends_at, zone)} "
                                       f"{with_label} {other}"))
    return [text for _, text in sorted(lines)]
