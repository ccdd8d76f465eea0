"""iCalendar (RFC 5545) for meetings and the personal feed, built with the `icalendar` library.

Times are written in UTC (`…Z`): every calendar client converts them to its own zone, and nothing here has to
know which zone that is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar

from rooms.matchmaking.records import Meeting
from rooms.missions.mission import ProgrammeItem

PRODID = "-//Roundtable//Trade missions//EN"
DOMAIN = "roundtable"


@dataclass(frozen=True)
class MeetingEntry:
    meeting: Meeting
    a_name: str
    b_name: str
    url: str
    description: str = ""


@dataclass(frozen=True)
class ItemEntry:
    item: ProgrammeItem
    mission_title: str
    url: str


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _calendar(name: str | None = None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    return cal


def meeting_event(entry: MeetingEntry, stamp: dt.datetime) -> icalendar.Event:
    m = entry.meeting
    event = icalendar.Event()
    event.add("uid", f"meeting-{m.id}@{DOMAIN}")
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(m.starts_at))
    event.add("dtend", _utc(m.ends_at))
    event.add("summary", f"Meeting: {entry.a_name} ↔ {entry.b_name}")
    event.add("url", entry.url)
    event.add("location", entry.url)
    if entry.description:
        event.add("description", entry.description)
    event.add("status", "CONFIRMED")
    return event


def item_event(entry: ItemEntry, stamp: dt.datetime) -> icalendar.Event:
    item = entry.item
    event = icalendar.Event()
    event.add("uid", f"item-{item.id}@{DOMAIN}")
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(item.starts_at))
    event.add("dtend", _utc(item.ends_at))
    event.add("summary", item.title)
    event.add("url", entry.url)
    event.add("location", item.address or entry.url)
    description = item.description or ""
    event.add("description", f"{entry.mission_title}\n\n{description}".strip())
    event.add("categories", [item.kind.value.replace("_", " ")])
    return event


def meeting_ics(entry: MeetingEntry, stamp: dt.datetime) -> bytes:
    cal = _calendar()
    cal.add_component(meeting_event(entry, stamp))
    return bytes(cal.to_ical())


def feed_ics(meetings: Iterable[MeetingEntry], items: Iterable[ItemEntry], stamp: dt.datetime) -> bytes:
    cal = _calendar("Roundtable")
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, stamp))
    for item in items:
        cal.add_component(item_event(item, stamp))
    return bytes(cal.to_ical())
