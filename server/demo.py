"""Demo data: two trade missions that read like the real ones, generated deterministically through the domain.

`seed_demo` is idempotent. It finds the demo missions by title and only fills what is missing: people who are not
members yet, profiles that are still empty, a programme that is still empty. It never overwrites or removes
anything an organiser changed since. With `participants=N` it grows mission 1's directory to N members by adding
generated people (deterministic names and organisations, e-mail addresses like p00042@demo-<org>.example), in
batches of one store transaction each; a generated person who already has an account is left alone, not re-added.

Every random choice comes from a `random.Random` seeded with a fixed value (per generated organisation and per
generated person, so adding more people later gives the same people as adding them all at once). The only input
that depends on the wall clock is the default anchor date, taken from the Clock.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
import zoneinfo
from collections.abc import Sequence
from typing import NamedTuple

import msgspec

from rooms.catalog import Store
from rooms.core.cards import OrgType, Side
from rooms.core.clock import Clock
from rooms.missions.accounts import AccountService
from rooms.missions.mission import Direction, Format, ItemDraft, ItemKind, Mission, MissionDraft, ProgrammeItem
from rooms.missions.people import ItemRole, Role, User
from rooms.missions.profile import DirectoryQuery, NewMember, ProfileDraft
from rooms.missions.service import MissionService, ProfileService
from server import demo_boston as boston
from server import demo_data as data
from server import demo_names as names
from server.demo_data import Org, Person
from server.demo_live import seed_live

SEED = 20200615  # the first Dutch digital trade mission opened on Monday 15 June 2020
PEOPLE_PER_GENERATED_ORG = 3
GROWTH_BATCH = 500  # generated people added per store call (one transaction each)
MISSION_2_OFFSET = dt.timedelta(weeks=3)
LIVE_CROWD = 16  # members of mission 1 who are in the live mission too, besides its staff, Anna and Mike
HOME_TZ = zoneinfo.ZoneInfo("Europe/Amsterdam")

DEMO_MISSION_TITLES: tuple[str, str] = (data.M1_TITLE, boston.M2_TITLE)
KEY_PEOPLE: tuple[tuple[str, str], ...] = (
    ("organiser", "organiser@roundtable.example"),
    ("host", "host@roundtable.example"),
    ("moderator", "moderator@roundtable.example"),
    ("participant", "anna@voltera.example"),
    ("participant", "mike@bayfleet.example"),
)


WEBINAR_STAFF: tuple[tuple[str, ItemRole], ...] = (
    ("host@roundtable.example", ItemRole.HOST),
    ("moderator@roundtable.example", ItemRole.MODERATOR),
)


class DemoResult(msgspec.Struct):
    missions: list[int]  # mission ids, in the order of DEMO_MISSION_TITLES
    created: bool  # False when both missions were already there
    people: int  # members of the demo missions, each person counted once
    live: int | None = None  # the live mission (server.demo_live): where printed links land
    live_items: list[ProgrammeItem] = msgspec.field(default_factory=list)  # open now: webinar, lounge, matchmaking
    live_meeting: int | None = None  # Anna and Mike's meeting, open now


# -- the programmes ----------------------------------------------------------------------------------------


class Slot(NamedTuple):
    day: int  # 0 = the mission's first day
    start: str  # HH:MM in the mission's time zone
    minutes: int
    kind: ItemKind
    title: str
    description: str
    track: str = ""
    address: str = ""


def _mission1_programme() -> list[Slot]:
    gs, web, mm, net = ItemKind.GROUP_SESSION, ItemKind.WEBINAR, ItemKind.MATCHMAKING, ItemKind.NETWORKING
    morning = (
        "Daily check-in for the delegation: today's programme, yesterday's leads and questions for the team of "
        "the agency. Cameras on, coffee in hand."
    )
    slots = [Slot(day, "07:30", 30, gs, "Morning group session", morning) for day in range(5)]
    slots += [
        Slot(0, "08:00", 60, gs, "Official opening of the mission",
             "The head of mission opens the first digital trade mission to the West Coast, with words of welcome "
             "from state and city representatives in California and Oregon, and an introduction to the week."),
        Slot(0, "09:15", 60, web, "Webinar: EV charging at scale — lessons from the Netherlands and California",
             "How do you roll out public charging fast, keep it reliable and fit it into a congested grid? Dutch "
             "and Californian experts compare tenders, smart charging and uptime rules. 45 minutes of talks, 15 of "
             "questions.", data.EV),
        Slot(1, "12:30", 150, mm, "Matchmaking: EV charging & batteries",
             "One-to-one video meetings of 20 minutes with the partners you selected in the directory.", data.EV),
        Slot(2, "08:15", 60, web, "Webinar: Shared mobility and the curb — permits, data and space",
             "Cities on both sides of the Atlantic on how they share the curb between scooters, cargo bikes, "
             "delivery vans and chargers.", data.SHARED),
        Slot(2, "12:30", 150, mm, "Matchmaking: smart & shared mobility",
             "One-to-one video meetings of 20 minutes with the partners you selected in the directory.",
             data.SMART),
        Slot(3, "08:15", 60, web, "Webinar: Zero-emission public transport — buses, depots and the grid",
             "Transit agencies and Dutch bus and depot experts on the daily practice of running electric buses.",
             data.TRANSIT),
        Slot(3, "12:30", 150, mm, "Matchmaking: open round",
             "Meet anyone in the directory: last chance for the meetings you could not fit in earlier."),
        Slot(4, "08:15", 90, net, "Virtual borrel",
             "Closing drinks for the whole mission (a borrel is what the Dutch call after-work drinks). Small video "
             "tables of six that shuffle every 15 minutes; bring your own drink."),
    ]
    return slots


def _mission2_programme() -> list[Slot]:
    gs, web, mm, net = ItemKind.GROUP_SESSION, ItemKind.WEBINAR, ItemKind.MATCHMAKING, ItemKind.NETWORKING
    visit = ItemKind.COMPANY_VISIT
    a = boston.M2_ADDRESSES
    morning = "Daily briefing for the delegation, on site and online: the day's visits, logistics and leads."
    slots = [Slot(day, "08:00", 30, gs, "Morning group session", morning) for day in range(5)]
    slots += [
        Slot(0, "09:00", 60, web, "Opening webinar: Dutch and New England life sciences",
             "Opening of the mission, with the Dutch and Massachusetts life-sciences ecosystems in a nutshell.",
             boston.BIO),
        Slot(0, "14:00", 120, visit, "Visit: Kendall Harbor Therapeutics",
             "A tour of the gene-editing labs and a round table on partnering in cell therapy.", boston.REGEN,
             a["Kendall Harbor Therapeutics"]),
        Slot(1, "10:00", 120, visit, "Visit: Back Bay University Hospital, innovation centre",
             "How a teaching hospital runs medtech and digital-health pilots; with the clinical research unit.",
             boston.MEDTECH, a["Back Bay University Hospital"]),
        Slot(1, "13:30", 60, web, "Webinar: FDA and EU MDR — a route map for medtech",
             "Regulatory experts from both sides on getting a device cleared in the US and certified in the EU.",
             boston.MEDTECH),
        Slot(1, "15:00", 150, mm, "Matchmaking (on site and online)",
             "One-to-one meetings of 25 minutes; partners who cannot come to Boston join by video."),
        Slot(2, "10:00", 120, visit, "Visit: Commonwealth Institute of Technology, biomaterials lab",
             "Drug delivery and biomaterials research, and how the licensing office works with companies.",
             boston.BIO, a["Commonwealth Institute of Technology"]),
        Slot(2, "13:00", 60, web, "Webinar: Health data without borders — federated research",
             "Federated analysis lets hospitals learn from each other's data without sharing it. Who does it, "
             "and how do you start?", boston.DATA),
        Slot(2, "17:30", 120, net, "Networking reception: Dutch & New England life sciences",
             "Drinks and bites with the delegation and the Boston partners; online guests meet at video tables.",
             "", a["Harbourfront Hall"]),
        Slot(3, "09:30", 120, visit, "Visit: Mystic River Biologics manufacturing site",
             "A walk through a biologics plant, and a session on transatlantic manufacturing.", boston.PHARMA,
             a["Mystic River Biologics"]),
        Slot(3, "13:00", 180, mm, "Matchmaking: second round",
             "One-to-one meetings of 25 minutes, on site and online."),
        Slot(4, "09:00", 60, web, "Webinar: Investing in Dutch and US biotech",
             "Venture investors from Amsterdam and Boston on what they look for, and how to syndicate.", boston.BIO),
        Slot(4, "10:30", 60, gs, "Closing session and next steps",
             "What did we learn, which leads do we follow up, and who comes along next year?"),
    ]
    return slots


def _local(day: dt.date, hhmm: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def _item_draft(mission: Mission, slot: Slot) -> ItemDraft:
    tz = zoneinfo.ZoneInfo(mission.timezone)
    starts = _local(mission.start_date + dt.timedelta(days=slot.day), slot.start, tz)
    home = starts.astimezone(HOME_TZ)
    description = f"{slot.description}\n\nIn the Netherlands this starts at {home:%H:%M} ({home:%A})."
    return ItemDraft(
        kind=slot.kind, title=slot.title, starts_at=starts, ends_at=starts + dt.timedelta(minutes=slot.minutes),
        description=description, address=slot.address, track=slot.track,
    )


# -- people ------------------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace(".", "")).strip("-")


def _email(person: Person, org: Org) -> str:
    if person.email:
        return person.email
    first, _, last = person.name.partition(" ")
    return f"{_slug(first)}.{_slug(last).replace('-', '')}@{org.domain}.example"


def _member(org: Org, person: Person, side: Side | None) -> NewMember:
    dutch = side is not Side.PARTNER
    profile = ProfileDraft(
        name=person.name, organisation=org.name, org_type=org.org_type, job_title=person.job_title,
        sectors=list(org.sectors), country="NL" if dutch else "US", city=org.city, offers=org.offers,
        seeks=org.seeks,
        languages=list(person.languages or (data.NL_LANGUAGES if dutch else data.US_LANGUAGES)),
        bio=f"{person.job_title} at {org.name}. {org.about}", website=f"https://www.{org.domain}.example",
    )
    role_side = None if person.role is Role.ORGANISER else side
    return NewMember(email=_email(person, org), profile=profile, role=person.role, side=role_side)


def _members(orgs: Sequence[Org], side: Side) -> list[NewMember]:
    return [_member(org, person, side) for org in orgs for person in org.people]


def organiser_member() -> NewMember:
    return _member(data.ORGANISER, data.ORGANISER.people[0], None)


def mission1_members() -> list[NewMember]:
    """Everyone in mission 1 besides the organiser, in the order they are added."""
    return _members(data.M1_DELEGATION, Side.DELEGATION) + _members(data.M1_PARTNERS, Side.PARTNER)


def webinar_speakers(delegation: Sequence[Org], partners: Sequence[Org]) -> list[str]:
    """The speakers on a mission's webinars: a delegation member and a partner who are not the people whose
    sign-in links the demo prints (those show a webinar as an attendee does: asking, being brought on stage)."""
    keys = {"anna@voltera.example", "mike@bayfleet.example"}
    return [next(m.email for m in _members(group, side) if m.email not in keys)
            for group, side in ((delegation, Side.DELEGATION), (partners, Side.PARTNER))]


def mission2_members() -> list[NewMember]:
    """Everyone in mission 2 besides the organiser: the host and moderator of mission 1 first."""
    staff = [m for m in mission1_members() if m.role in (Role.HOST, Role.MODERATOR)]
    return staff + _members(boston.M2_DELEGATION, Side.DELEGATION) + _members(boston.M2_PARTNERS, Side.PARTNER)


class _GeneratedOrg(NamedTuple):
    side: Side
    org_type: OrgType
    name: str
    slug: str
    city: str
    sectors: list[str]
    offers: str
    seeks: str


def _sentence(parts: Sequence[str]) -> str:
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return text[0].upper() + text[1:] + "."


def generated_org(k: int) -> _GeneratedOrg:
    """The k-th generated organisation (k >= 0); names are unique across k."""
    rng = random.Random(f"roundtable-demo-{SEED}-org-{k}")
    side = Side.DELEGATION if rng.random() < 0.45 else Side.PARTNER
    dutch = side is Side.DELEGATION
    types = list(names.ORG_TYPE_WEIGHTS)
    org_type = rng.choices(types, weights=[names.ORG_TYPE_WEIGHTS[t] for t in types])[0]
    stem_a, stem_b = (names.NL_STEM_A, names.NL_STEM_B) if dutch else (names.US_STEM_A, names.US_STEM_B)
    place_a, place_b = (names.NL_PLACE_A, names.NL_PLACE_B) if dutch else (names.US_PLACE_A, names.US_PLACE_B)
    qualifiers = names.NL_QUALIFIERS if dutch else names.US_QUALIFIERS
    # Walk the combinations in order so that no two organisations get the same name.
    combos = len(stem_a) * len(stem_b)
    generation = k // combos
    qualifier = qualifiers[generation] if generation < len(qualifiers) else str(generation + 1)
    joiner = "" if dutch else " "
    stem = f"{stem_a[k % len(stem_a)]}{joiner}{stem_b[(k // len(stem_a)) % len(stem_b)]}"
    if qualifier:
        stem = f"{stem} {qualifier}"
    places = len(place_a) * len(place_b)
    place = f"{place_a[k % len(place_a)]}{joiner}{place_b[(k // len(place_a)) % len(place_b)]}"
    if k >= places:
        place = f"{place} {k // places + 1}"
    formats = names.NL_ORG_FORMATS if dutch else names.US_ORG_FORMATS
    name = formats[org_type].format(stem=stem, place=place)
    sectors = rng.sample(data.M1_SECTORS, rng.randint(1, 2))
    index = 0 if dutch else 1
    offers = [rng.choice(names.GEN_OFFERS[index][s]) for s in sectors]
    seeks = [rng.choice(names.GEN_SEEKS[index][s]) for s in sectors]
    city = rng.choice(names.NL_CITIES if dutch else names.US_CITIES)
    return _GeneratedOrg(side, org_type, name, _slug(name)[:50].strip("-"), city, sectors, _sentence(offers),
                         _sentence(seeks))


def generated_member(i: int) -> NewMember:
    """The i-th generated participant (i >= 1), always the same person."""
    org = generated_org((i - 1) // PEOPLE_PER_GENERATED_ORG)
    rng = random.Random(f"roundtable-demo-{SEED}-person-{i}")
    dutch = org.side is Side.DELEGATION
    first = rng.choice(names.NL_FIRST if dutch else names.US_FIRST)
    last = rng.choice(names.NL_LAST if dutch else names.US_LAST)
    languages = list(data.NL_LANGUAGES if dutch else data.US_LANGUAGES)
    if rng.random() < 0.3:
        languages.append(rng.choice(names.EXTRA_LANGUAGES_NL if dutch else names.EXTRA_LANGUAGES_US))
    job = rng.choice(names.JOB_TITLES[org.org_type])
    profile = ProfileDraft(
        name=f"{first} {last}", organisation=org.name, org_type=org.org_type, job_title=job,
        sectors=org.sectors, country="NL" if dutch else "US", city=org.city, offers=org.offers, seeks=org.seeks,
        languages=languages, bio=f"{job} at {org.name}. {names.ABOUT[org.org_type]}",
        website=f"https://demo-{org.slug}.example",
    )
    email = f"p{i:05d}@demo-{org.slug}.example"
    return NewMember(email=email, profile=profile.validated(), role=Role.PARTICIPANT, side=org.side)


# -- seeding -----------------------------------------------------------------------------------------------


def default_anchor(now: dt.datetime) -> dt.date:
    """The Monday at least seven days after `now` (UTC date)."""
    earliest = now.astimezone(dt.UTC).date() + dt.timedelta(days=7)
    return earliest + dt.timedelta(days=(7 - earliest.weekday()) % 7)


class _Seeder:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.accounts = AccountService(store, clock)
        self.profiles = ProfileService(store)
        self.missions = MissionService(store, clock)

    async def person(self, member: NewMember) -> tuple[User, bool]:
        """Finds or creates the user, filling their profile only while it is still empty; says if it is new."""
        existing = await self.store.get_user_by_email(member.email)
        organiser = member.role is Role.ORGANISER
        user = existing
        if user is None or (organiser and not user.can_create_missions):
            user = await self.accounts.ensure_user(member.email, member.profile.name, can_create_missions=organiser)
        if existing is None:
            await self.profiles.save(user, member.profile)
            return user, True
        profile = await self.store.get_profile(user.id)
        if profile is None or not profile.organisation:
            await self.profiles.save(user, member.profile)
        return user, False

    async def join(self, mission_id: int, member: NewMember) -> bool:
        """Adds the person to the mission unless they already belong to it (their role there is kept)."""
        user, new = await self.person(member)
        if not new and await self.store.get_membership(mission_id, user.id) is not None:
            return False
        await self.store.set_membership(mission_id, user.id, member.role, member.side)
        return True

    async def mission(self, organiser: User, draft: MissionDraft, slots: list[Slot],
                      members: list[NewMember]) -> tuple[Mission, bool]:
        mission = await self.store.find_mission_by_title(draft.title)
        created = mission is None
        if mission is None:
            mission = (await self.missions.create_mission(organiser, draft)).mission
        elif await self.store.get_membership(mission.id, organiser.id) is None:
            # Someone else made a mission with this title; the demo organiser still organises it.
            await self.store.set_membership(mission.id, organiser.id, Role.ORGANISER, None)
        if not await self.store.programme(mission.id):
            for slot in slots:
                await self.missions.add_item(organiser, mission.id, _item_draft(mission, slot))
        for member in members:
            await self.join(mission.id, member)
        return mission, created

    async def webinar_roles(self, mission_id: int, speakers: Sequence[str]) -> None:
        """Grants the host, moderator and speakers on every webinar that has no grant yet (an organiser's choice
        is kept)."""
        wanted = [*WEBINAR_STAFF, *((email, ItemRole.SPEAKER) for email in speakers)]
        roles: dict[int, ItemRole] = {}
        for email, role in wanted:
            user = await self.store.get_user_by_email(email)
            if user is not None and await self.store.get_membership(mission_id, user.id) is not None:
                roles[user.id] = role
        for item in await self.store.programme(mission_id):
            if item.kind is ItemKind.WEBINAR and not await self.store.item_roles(item.id):
                await self.store.set_item_roles(item.id, roles)

    async def total(self, mission_id: int) -> int:
        return (await self.store.search_directory(mission_id, DirectoryQuery(page_size=1))).total

    async def grow(self, mission_id: int, participants: int) -> None:
        total = await self.total(mission_id)
        # Generated people already added come first; start after them (a gap is harmless, e-mails stay unique).
        base = 1 + len(mission1_members())
        i = max(1, total - base + 1)
        while total < participants:
            batch = [generated_member(j) for j in range(i, i + min(GROWTH_BATCH, participants - total))]
            # Someone generated before (say, removed from the mission since) is skipped, and the next one taken.
            total += await self.store.add_members(mission_id, batch, self.clock.now())
            i += len(batch)

    async def people(self, mission_ids: Sequence[int]) -> int:
        """Members of the missions, each person counted once."""
        first, *others = mission_ids
        count = await self.total(first)
        seen = {first}
        for mission_id in others:
            page = 1
            while True:
                found = await self.store.search_directory(mission_id, DirectoryQuery(page=page, page_size=100))
                for entry in found.entries:
                    uid = entry.profile.user_id
                    shared = [m for m in seen if await self.store.get_membership(m, uid) is not None]
                    count += 0 if shared else 1
                if page * found.page_size >= found.total:
                    break
                page += 1
            seen.add(mission_id)
        return count


def mission_drafts(anchor: dt.date) -> tuple[MissionDraft, MissionDraft]:
    second = anchor + MISSION_2_OFFSET
    return (
        MissionDraft(
            title=data.M1_TITLE, destination=data.M1_DESTINATION, timezone=data.M1_TIMEZONE, start_date=anchor,
            end_date=anchor + dt.timedelta(days=4), direction=Direction.OUTGOING, format=Format.ONLINE,
            sectors=list(data.M1_SECTORS), description=data.M1_DESCRIPTION, webinar_max_minutes=60,
        ),
        MissionDraft(
            title=boston.M2_TITLE, destination=boston.M2_DESTINATION, timezone=boston.M2_TIMEZONE, start_date=second,
            end_date=second + dt.timedelta(days=4), direction=Direction.OUTGOING, format=Format.HYBRID,
            sectors=list(boston.M2_SECTORS), description=boston.M2_DESCRIPTION, webinar_max_minutes=60,
        ),
    )


async def seed_demo(
    store: Store, clock: Clock, *, anchor: dt.date | None = None, participants: int | None = None,
    live: bool = True,
) -> DemoResult:
    """Creates the demo missions if they are missing, then grows mission 1 to `participants` members; with
    `live`, places the live mission's webinar, lounge and meeting around the clock's now (server.demo_live).

    `anchor` is mission 1's first day (default: the Monday at least a week after the clock's now); mission 2
    starts three weeks later. Existing missions keep their dates."""
    seeder = _Seeder(store, clock)
    organiser, _ = await seeder.person(organiser_member())
    first_day = anchor if anchor is not None else default_anchor(clock.now())
    draft1, draft2 = mission_drafts(first_day)
    mission1, created1 = await seeder.mission(organiser, draft1, _mission1_programme(), mission1_members())
    mission2, created2 = await seeder.mission(organiser, draft2, _mission2_programme(), mission2_members())
    await seeder.webinar_roles(mission1.id, webinar_speakers(data.M1_DELEGATION, data.M1_PARTNERS))
    await seeder.webinar_roles(mission2.id, webinar_speakers(boston.M2_DELEGATION, boston.M2_PARTNERS))
    if participants is not None:
        await seeder.grow(mission1.id, participants)
    ids = [mission1.id, mission2.id]
    result = DemoResult(missions=ids, created=created1 or created2, people=await seeder.people(ids))
    if live:
        # The staff, Anna and Mike, and a few more of mission 1 so that the lounge and the directory are not
        # empty: each membership is a write, and the demo is seeded for every test server too.
        keys = {email for _, email in KEY_PEOPLE}
        everyone = mission1_members()
        members = [m for m in everyone if m.email in keys or m.role is not Role.PARTICIPANT]
        members += [m for m in everyone if m not in members][:LIVE_CROWD]

        async def join(mission_id: int) -> None:
            for member in members:
                await seeder.join(mission_id, member)

        now = seeder.clock.now()
        found = await seed_live(store, seeder.missions, organiser, now, join)
        await seeder.webinar_roles(found.mission.id, webinar_speakers(data.M1_DELEGATION, data.M1_PARTNERS))
        result.live, result.live_items, result.live_meeting = found.mission.id, found.items, found.meeting_id
    return result
