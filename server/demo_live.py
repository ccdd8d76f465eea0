"""The demo's live mission: a webinar, a networking lounge and a 1:1 meeting that are open now.

The two trade missions of the demo lie weeks ahead, as real ones do while they are prepared, so nothing in them
is live. This third mission is placed around "now" each time the demo is seeded (`make run` seeds it on every
start): when its items are over or close to it, they are replaced by fresh ones that began a few minutes ago, and
Anna and Mike (whose sign-in links the demo prints) get a meeting in the matchmaking slot running now (or the
next one, once theirs is nearly over). Seeding again while all this is still open changes nothing. A newcomer who
opens a printed link lands here and sees the product working in the first minute: the host starts the webinar,
people sit down in the lounge, Anna and Mike meet.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Awaitable, Callable, Sequence
from typing import NamedTuple

from rooms.catalog import Store
from rooms.core.errors import Conflict
from rooms.matchmaking.records import MeetingStatus
from rooms.matchmaking.slots import cut, overlaps
from rooms.missions.mission import Direction, Format, ItemDraft, ItemKind, Mission, MissionDraft, ProgrammeItem
from rooms.missions.people import User
from rooms.missions.service import MissionService
from server import demo_data as data

LIVE_TITLE = "Live demo: Roundtable open now"
LIVE_TIMEZONE = "Europe/Amsterdam"
LIVE_DESCRIPTION = (
    "A short mission that is always on: whenever the demo starts, a webinar, a networking lounge and a round of "
    "1:1 meetings are open. Sign in as the host to start the webinar, as Anna and Mike (two browsers) to meet in "
    "their 1:1, and as anyone to sit down at a lounge table. The real demo missions are in the list of missions."
)
LEAD_IN = dt.timedelta(minutes=5)  # items began this long ago: open, not "starting soon"
FRESH_FOR = dt.timedelta(minutes=20)  # items ending sooner than this are replaced at the next seeding
SLOT_LEFT = dt.timedelta(minutes=5)  # a meeting slot with less than this left is not worth booking
MEETING_PAIR = ("anna@voltera.example", "mike@bayfleet.example")


class Live(NamedTuple):
    mission: Mission
    items: list[ProgrammeItem]  # webinar, lounge, matchmaking
    meeting_id: int | None  # Anna and Mike's meeting open now


def _plan(start: dt.datetime) -> list[ItemDraft]:
    return [
        ItemDraft(kind=ItemKind.WEBINAR, title="Webinar (live now): EV charging at scale",
                  starts_at=start, ends_at=start + dt.timedelta(minutes=60), track=data.EV,
                  description="Dutch and Californian experts compare tenders, smart charging and uptime rules. "
                              "The host starts it; everyone else watches, asks and votes."),
        ItemDraft(kind=ItemKind.NETWORKING, title="Networking lounge (open now)",
                  starts_at=start, ends_at=start + dt.timedelta(hours=3),
                  description="Tables of six with video: sit down, have a word, exchange cards. The organiser "
                              "can start mixing rounds."),
        ItemDraft(kind=ItemKind.MATCHMAKING, title="Matchmaking (now)",
                  starts_at=start + LEAD_IN - dt.timedelta(minutes=2), ends_at=start + dt.timedelta(hours=2),
                  description="One-to-one video meetings of 20 minutes. Anna and Mike meet in the first one."),
    ]


def _current(items: Sequence[ProgrammeItem], now: dt.datetime) -> bool:
    kinds = {i.kind for i in items}
    return ({ItemKind.WEBINAR, ItemKind.NETWORKING, ItemKind.MATCHMAKING} <= kinds
            and all(i.starts_at <= now and i.ends_at >= now + FRESH_FOR for i in items))


async def seed_live(store: Store, missions: MissionService, organiser: User, now: dt.datetime,
                    join: Callable[[int], Awaitable[None]]) -> Live:
    """Finds or creates the live mission (`join` adds its members when it is created), keeps its items open around
    `now`, and books Anna and Mike into the matchmaking slot open now (see the module's docstring)."""
    tz = zoneinfo.ZoneInfo(LIVE_TIMEZONE)
    today = now.astimezone(tz).date()
    draft = MissionDraft(title=LIVE_TITLE, destination="Online", timezone=LIVE_TIMEZONE,
                         start_date=today - dt.timedelta(days=1), end_date=today + dt.timedelta(days=1),
                         direction=Direction.OUTGOING, format=Format.ONLINE, sectors=list(data.M1_SECTORS),
                         description=LIVE_DESCRIPTION, webinar_max_minutes=60)
    mission = await store.find_mission_by_title(LIVE_TITLE)
    stale: list[ProgrammeItem] = []
    if mission is None:
        mission = (await missions.create_mission(organiser, draft)).mission
        await join(mission.id)
    else:
        stale = await store.programme(mission.id)
        if _current(stale, now):
            stale = []
        else:
            # Over, or nearly: dates around today (the old items go below), then fresh items.
            mission = await store.update_mission(mission.id, draft.validated())
    items = [] if stale else await store.programme(mission.id)
    if not items:
        start = now.replace(second=0, microsecond=0) - LEAD_IN
        items = [await missions.add_item(organiser, mission.id, d.validated(mission)) for d in _plan(start)]
    # Removed only once the new ones exist: SQLite hands out the highest id + 1, so a new item never takes the id
    # (and with it the room log and state) of an old one.
    for item in stale:
        await store.delete_item(item.id)
    matchmaking = next(i for i in items if i.kind is ItemKind.MATCHMAKING)
    return Live(mission, items, await _book_pair(store, mission, matchmaking, organiser, now))


async def _book_pair(store: Store, mission: Mission, item: ProgrammeItem, organiser: User,
                     now: dt.datetime) -> int | None:
    """Anna and Mike's meeting in the matchmaking slot open now (or the next one): the one they have, or a new one;
    none when either is busy then."""
    people = [await store.get_user_by_email(email) for email in MEETING_PAIR]
    a, b = (p.id if p is not None else 0 for p in people)
    if not (a and b):
        return None
    rules = await store.get_rules(mission.id)
    # A slot still open for at least a few minutes, so that the meeting can happen.
    slot = next((s for s in cut(item, rules) if s.ends_at - SLOT_LEFT >= now), None)
    if slot is None:
        return None
    for m in await store.meetings_of(mission.id, a):
        if (m.status is not MeetingStatus.CANCELLED and b in m.members()
                and overlaps(m.starts_at, m.ends_at, slot.starts_at, slot.ends_at)):
            return m.id
    try:
        booked = await store.book(mission.id, a, b, item.id, slot.starts_at, slot.ends_at, organiser.id,
                                  rules.max_meetings, now)
    except Conflict:
        return None
    return booked.id
