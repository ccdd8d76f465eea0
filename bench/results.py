"""Mission results at 5,000 participants and 2,000 meetings on SQLite and PostgreSQL: the organiser's results
(docs/results.md) answer in under a second, and the CSV and XLSX exports of them.

The demo is seeded with 5,000 participants, then mission 1 gets 2,000 meetings on its matchmaking item, booked by
the organiser or accepted from a request, over 40 twenty-minute slots on four past days and one day ahead. The
past ones are settled as the meeting clock would (rooms/matchmaking/service.py `settle_call`): held (with both
sides' leads, some ended early, most rated), no-show, failed to connect, or cancelled; the ones ahead stay booked.
About 1,000 meeting requests in all: those accepted, and more declined, cancelled, countered or pending.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from rooms.core.clock import Clock, SystemClock
from rooms.core.refs import lounge, webinar
from rooms.core.sheets import csv_bytes
from rooms.matchmaking.records import (
    Attendance,
    CallQuality,
    LeadSource,
    Meeting,
    MeetingStatus,
    RequestStatus,
    SideQuality,
)
from rooms.missions.mission import ItemDraft, ItemKind, ProgrammeItem
from rooms.missions.people import Role
from rooms.missions.service import MissionService
from rooms.results.service import EVERY_MAIL, ResultsService
from rooms.results.tables import tables
from server.db.admin import create_database, drop_database
from server.db.migrate import upgrade
from server.db.store_sql import SqlStore
from server.demo import DEMO_MISSION_TITLES, seed_demo
from server.xlsx import workbook

PARTICIPANTS = 5000
MEETINGS = 2000
SLOTS = 40  # 20-minute slots, 8 a day: four days past, one ahead
PER_SLOT = MEETINGS // SLOTS
SLOTS_A_DAY = 8
SLOT = dt.timedelta(minutes=20)
BREAK = dt.timedelta(minutes=5)
MAX_MEETINGS = 1000  # nobody is refused for having too many (about 1,600 people have one to four each)
ACCEPTED_EVERY = 3  # every third meeting comes from an accepted request; the organiser booked the others
OTHER_REQUESTS = 330  # requests besides the accepted ones: declined, cancelled, countered or pending
CONCURRENCY = 12  # store calls at once while seeding (PostgreSQL's pool holds 20)
REPEAT = 10
T = TypeVar("T")
POSTGRES_ADMIN = os.environ.get("ROUNDTABLE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


class _Planned(msgspec.Struct, frozen=True):
    index: int
    a: int
    b: int
    start: dt.datetime
    end: dt.datetime


def _slot_start(slot: int, today: dt.date) -> dt.datetime:
    """Slot `slot`'s start: days -4 to -1 before today, then tomorrow; 08:00 UTC on, a slot and a break apart."""
    day = slot // SLOTS_A_DAY
    date = today + dt.timedelta(days=day - 4 if day < 4 else 1)
    return (dt.datetime.combine(date, dt.time(8, 0), tzinfo=dt.UTC)
            + (slot % SLOTS_A_DAY) * (SLOT + BREAK))


def plan(people: Sequence[int], today: dt.date) -> list[_Planned]:
    """MEETINGS meetings, PER_SLOT a slot. In slot s, meeting q pairs people[s*37 + q] with
    people[s*37 + q + PER_SLOT + s] (indices mod n): within a slot nobody is twice (so nobody has two meetings at
    once), and the distance between the two, distinct for every slot, makes every pair distinct."""
    n = len(people)
    assert n > 2 * PER_SLOT + SLOTS, "too few people to plan the meetings"
    found: list[_Planned] = []
    for s in range(SLOTS):
        start = _slot_start(s, today)
        for q in range(PER_SLOT):
            base = s * 37 + q
            found.append(_Planned(index=len(found), a=people[base % n], b=people[(base + PER_SLOT + s) % n],
                                  start=start, end=start + SLOT))
    return found


async def _bounded(call: Callable[[T], Awaitable[None]], each: Iterable[T]) -> None:
    """Calls `call` on each, CONCURRENCY calls at a time."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(x: T) -> None:
        async with gate:
            await call(x)

    await asyncio.gather(*(one(x) for x in each))


async def _matchmaking_item(store: SqlStore, mission_id: int) -> ProgrammeItem:
    for item in await store.programme(mission_id):
        if item.kind is ItemKind.MATCHMAKING:
            return item
    mission = await store.get_mission(mission_id)
    assert mission is not None
    start = dt.datetime.combine(mission.start_date, dt.time(12, 0), tzinfo=dt.UTC)
    return await store.add_item(mission_id, ItemDraft(
        kind=ItemKind.MATCHMAKING, title="Matchmaking", starts_at=start, ends_at=start + dt.timedelta(hours=4),
        description="One-to-one meetings.").validated(mission))


def _held(p: _Planned) -> tuple[Attendance, CallQuality, dt.datetime | None]:
    """A held call's figures: most went the whole slot; every fourth ended early (after 12 minutes)."""
    early = p.index % 4 == 0
    seconds = 12 * 60 if early else int(SLOT.total_seconds())
    both = seconds - 40 - p.index % 30
    media = both - 15
    quality = CallQuality(media_seconds=media,
                          a=SideQuality(media_seconds=media + 5, connect_seconds=2 + p.index % 3, reconnects=0),
                          b=SideQuality(media_seconds=media + 3, connect_seconds=3, reconnects=p.index % 2))
    return (Attendance(a_seconds=seconds - 20, b_seconds=both + 10, both_seconds=both), quality,
            p.start + dt.timedelta(seconds=seconds) if early else None)


async def _settle(store: SqlStore, mission_id: int, p: _Planned, meeting: Meeting, now: dt.datetime) -> None:
    """What the app records for a past meeting, by its index: 60 % held (leads for both, notes with ratings),
    15 % no-show, 10 % failed to connect, 5 % cancelled, 10 % never settled (the clock has not reached them)."""
    kind = p.index % 20
    if kind < 12:
        attendance, quality, ended = _held(p)
        if ended is not None:  # they left early: the meeting ends there (as a lounge side room does)
            await store.end_meeting(meeting.id, ended)
        await store.record_call(meeting.id, attendance, quality, MeetingStatus.HELD)
        for owner in meeting.members():
            await store.add_lead(mission_id, owner, meeting.other(owner), LeadSource.MEETING, meeting.id, now)
        if kind < 9:
            await store.save_notes(meeting.id, p.a, "Good talk; follow up on the pilot.", 3 + p.index % 3, now)
        if kind < 5:
            await store.save_notes(meeting.id, p.b, "Send them the deck.", 4 + p.index % 2, now)
    elif kind < 15:
        await store.record_call(meeting.id, Attendance(a_seconds=int(SLOT.total_seconds()) - 60), CallQuality(),
                                MeetingStatus.NO_SHOW)
    elif kind < 17:
        quality = CallQuality(media_seconds=35, a=SideQuality(media_seconds=40, connect_seconds=9, reconnects=4),
                              b=SideQuality(media_seconds=38, connect_seconds=None, reconnects=3))
        await store.record_call(meeting.id, Attendance(a_seconds=900, b_seconds=840, both_seconds=820), quality,
                                MeetingStatus.FAILED)
    elif kind == 17:
        await store.cancel_meeting(meeting.id)


async def seed_meetings(store: SqlStore, clock: Clock, mission_id: int, organiser: int, item_id: int,
                        people: Sequence[int]) -> tuple[int, int]:
    """Books, settles and requests as the module says. Returns (meetings, requests)."""
    now = clock.now()
    planned = plan(people, now.date())
    meetings: dict[int, Meeting] = {}

    async def book(p: _Planned) -> None:
        if p.index % ACCEPTED_EVERY == 0:
            request = await store.create_request(mission_id, p.a, p.b, "Shall we meet?", [p.start], now)
            _, meetings[p.index] = await store.accept(request.id, p.start, p.end, item_id, MAX_MEETINGS, now)
        else:
            meetings[p.index] = await store.book(mission_id, p.a, p.b, item_id, p.start, p.end, organiser,
                                                 MAX_MEETINGS, now)

    await _bounded(book, planned)

    async def settle(p: _Planned) -> None:
        await _settle(store, mission_id, p, meetings[p.index], now)

    await _bounded(settle, [p for p in planned if p.end <= now])
    for p in planned:
        if p.start > now and p.index % 20 == 17:  # a few of those ahead are cancelled too
            await store.cancel_meeting(meetings[p.index].id)

    n = len(people)

    async def request(k: int) -> None:
        a, b = people[(7 * k) % n], people[(7 * k + n // 2) % n]
        slots = [_slot_start(SLOTS - 1 - k % SLOTS_A_DAY, now.date())]
        made = await store.create_request(mission_id, a, b, "Could we talk about your roadmap?", slots, now)
        match k % 6:
            case 0 | 1:
                await store.answer_request(made.id, RequestStatus.DECLINED, "No time this week.", now)
            case 2:
                await store.answer_request(made.id, RequestStatus.CANCELLED, None, now)
            case 3:  # countered: a new pending request the other way marks this one countered
                await store.create_request(mission_id, b, a, "Another time?", slots, now, counter_of=made.id)
            case _:
                pass  # pending

    await _bounded(request, range(OTHER_REQUESTS))
    requests = len(range(0, MEETINGS, ACCEPTED_EVERY)) + OTHER_REQUESTS + sum(
        1 for k in range(OTHER_REQUESTS) if k % 6 == 3)
    return len(meetings), requests


async def _store_calls(store: SqlStore, mission_id: int) -> dict[str, float]:
    """Milliseconds of each store call ResultsService.results makes (once each, in its order)."""
    found: dict[str, float] = {}

    async def timed(name: str, call: Awaitable[Any]) -> Any:
        t0 = time.perf_counter()
        value = await call
        found[name] = round(found.get(name, 0.0) + (time.perf_counter() - t0) * 1000, 2)
        return value

    await timed("get_mission", store.get_mission(mission_id))
    await timed("result_members", store.result_members(mission_id))
    await timed("invitations", store.invitations(mission_id))
    await timed("outbox", store.outbox(mission_id, EVERY_MAIL))
    programme = await timed("programme", store.programme(mission_id))
    for item in programme:
        if item.kind is ItemKind.WEBINAR:
            await timed("load (webinars)", store.load(webinar(item.id).name, webinar(item.id).name))
        elif item.kind is ItemKind.NETWORKING:
            await timed("load (lounges)", store.load(lounge(item.id).name, lounge(item.id).name))
    await timed("meeting_rows", store.meeting_rows(mission_id))
    await timed("meeting_ratings", store.meeting_ratings(mission_id))
    await timed("request_counts", store.request_counts(mission_id))
    await timed("lead_counts", store.lead_counts(mission_id))
    return found


async def _measure(backend: str, url: str) -> None:
    upgrade(url)
    store = await SqlStore.open(url)
    clock = SystemClock()
    try:
        started = time.perf_counter()
        await seed_demo(store, clock, participants=PARTICIPANTS)
        demo_s = time.perf_counter() - started
        mission = await store.find_mission_by_title(DEMO_MISSION_TITLES[0])
        assert mission is not None
        members = await store.mission_directory(mission.id)
        organisers = [e.profile.user_id for e in members if e.role is Role.ORGANISER]
        people = sorted(e.profile.user_id for e in members if e.role is Role.PARTICIPANT and e.side is not None)
        item = await _matchmaking_item(store, mission.id)
        meetings, requests = await seed_meetings(store, clock, mission.id, organisers[0], item.id, people)
        seed_s = time.perf_counter() - started

        user = await store.get_user(organisers[0])
        assert user is not None
        service = ResultsService(store, MissionService(store, clock), clock)
        timings, cpu = [], []
        body = b""
        for _ in range(REPEAT):
            t0, c0 = time.perf_counter(), time.process_time()
            result = await service.results(user, mission.id)
            body = msgspec.json.encode(result)
            timings.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)  # this process only: not the database server's
        timings.sort()
        t0 = time.perf_counter()
        for table in tables(result):
            csv_bytes(table.header, table.rows)
        csv_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        xlsx = workbook(tables(result))
        xlsx_ms = (time.perf_counter() - t0) * 1000
        mm = result.matchmaking
        print(json.dumps({
            "scenario": "results", "backend": backend, "participants": len(members),
            "people": result.participation.people,
            "meetings": len(result.meetings), "held": mm.held, "no_show": mm.no_show,
            "failed": mm.failed_to_connect, "cancelled": mm.cancelled, "ahead": mm.ahead,
            "requests": mm.requests_sent, "seeded_requests": requests, "seeded_meetings": meetings,
            "leads": result.leads.total, "ratings": mm.ratings,
            "p50_ms": round(statistics.median(timings), 1), "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 1),
            "max_ms": round(timings[-1], 1), "p50_cpu_ms": round(statistics.median(cpu), 1),
            "json_kb": len(body) // 1024,
            "csv_ms": round(csv_ms, 1), "xlsx_ms": round(xlsx_ms, 1), "xlsx_kb": len(xlsx) // 1024,
            "queries_ms": await _store_calls(store, mission.id),
            "demo_seed_s": round(demo_s, 1), "seed_s": round(seed_s, 1), "under_1s": timings[-1] < 1000,
        }), flush=True)
    finally:
        await store.close()


async def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await _measure("sqlite", f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
    name = f"roundtable_bench_{secrets.token_hex(4)}"
    try:
        url = await asyncio.to_thread(create_database, POSTGRES_ADMIN, name)
    except OSError as exc:
        print(json.dumps({"scenario": "results", "backend": "postgresql", "error": repr(exc)}), flush=True)
        return
    try:
        await _measure("postgresql", url)
    finally:
        await asyncio.to_thread(drop_database, POSTGRES_ADMIN, name)
