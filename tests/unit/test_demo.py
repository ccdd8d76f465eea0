"""The demo data: two believable missions, seeded idempotently and deterministically on every store."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import msgspec
import pytest

from rooms.catalog import MemoryStore, Store
from rooms.core.cards import OrgType, Side
from rooms.core.clock import FixedClock
from rooms.matchmaking.records import Meeting, MeetingStatus
from rooms.missions.mission import Format, ItemDraft, ItemKind, Mission, ProgrammeItem
from rooms.missions.people import ItemRole, Role
from rooms.missions.profile import DirectoryEntry, DirectoryPage, DirectoryQuery, ProfileDraft
from server import demo_boston, demo_data
from server.demo import (
    DEMO_MISSION_TITLES,
    KEY_PEOPLE,
    DemoResult,
    default_anchor,
    generated_member,
    generated_org,
    mission1_members,
    mission2_members,
    organiser_member,
    seed_demo,
)

ANCHOR = dt.date(2026, 6, 15)  # a Monday
NOW = dt.datetime(2026, 6, 3, 9, 30, tzinfo=dt.UTC)  # a Wednesday


def _clock() -> FixedClock:
    return FixedClock(NOW)


async def _missions(store: Store) -> tuple[Mission, Mission]:
    first, second = [await store.find_mission_by_title(t) for t in DEMO_MISSION_TITLES]
    assert first is not None and second is not None
    return first, second


async def _everyone(store: Store, mission_id: int, side: Side | None = None) -> list[DirectoryEntry]:
    entries: list[DirectoryEntry] = []
    page = 1
    while True:
        found = await store.search_directory(mission_id, DirectoryQuery(side=side, page=page, page_size=100))
        entries += found.entries
        if page * found.page_size >= found.total:
            return entries
        page += 1


async def _total(store: Store, mission_id: int) -> int:
    return (await store.search_directory(mission_id, DirectoryQuery(page_size=1))).total


async def _counts(store: Store) -> dict[str, int]:
    first, second = await _missions(store)
    return {
        "members-1": await _total(store, first.id),
        "members-2": await _total(store, second.id),
        "items-1": len(await store.programme(first.id)),
        "items-2": len(await store.programme(second.id)),
    }


# -- seeding through the store -----------------------------------------------------------------------------


async def test_seeding_twice_changes_nothing(store: Store) -> None:
    first = await seed_demo(store, _clock(), anchor=ANCHOR)
    assert first.created is True
    counts = await _counts(store)
    again = await seed_demo(store, _clock(), anchor=ANCHOR + dt.timedelta(days=70))
    assert again.created is False
    assert again.missions == first.missions
    assert again.people == first.people
    assert await _counts(store) == counts
    m1, m2 = await _missions(store)
    assert [m1.id, m2.id] == first.missions
    assert m1.start_date == ANCHOR  # the existing mission keeps its dates
    assert counts["members-1"] == 1 + len(mission1_members())
    assert counts["members-2"] == 1 + len(mission2_members())
    # Host and moderator belong to both missions: counted once.
    assert first.people == counts["members-1"] + counts["members-2"] - 3


async def test_seeding_again_keeps_what_people_changed(store: Store) -> None:
    await seed_demo(store, _clock(), anchor=ANCHOR)
    m1, _ = await _missions(store)
    anna = await store.get_user_by_email("anna@voltera.example")
    mike = await store.get_user_by_email("mike@bayfleet.example")
    assert anna is not None and mike is not None
    profile = await store.get_profile(anna.id)
    assert profile is not None
    draft = ProfileDraft(name=profile.name, organisation=profile.organisation, org_type=OrgType.SME,
                         job_title="Chief executive")
    await store.save_profile(anna.id, draft.validated())
    await store.set_membership(m1.id, mike.id, Role.SPEAKER, Side.PARTNER)
    items = await store.programme(m1.id)
    await store.delete_item(items[-1].id)

    await seed_demo(store, _clock(), anchor=ANCHOR)
    changed = await store.get_profile(anna.id)
    assert changed is not None and changed.job_title == "Chief executive"
    membership = await store.get_membership(m1.id, mike.id)
    assert membership is not None and membership.role is Role.SPEAKER
    assert len(await store.programme(m1.id)) == len(items) - 1


async def test_a_fresh_demo(store: Store) -> None:
    """One seeding, checked three ways (seeding an SQL store takes seconds)."""
    await seed_demo(store, _clock(), anchor=ANCHOR)
    m1, m2 = await _missions(store)
    await _check_programmes(store, m1, m2)
    await _check_every_org_type_on_both_sides(store, m1)
    await _check_key_people(store, m1, m2)


async def _check_programmes(store: Store, m1: Mission, m2: Mission) -> None:
    assert (m1.format, m1.timezone, m1.start_date, m1.end_date) == (
        Format.ONLINE, "America/Los_Angeles", ANCHOR, ANCHOR + dt.timedelta(days=4))
    assert m1.start_date.weekday() == 0 and m1.end_date.weekday() == 4
    assert "EV charging" in m1.sectors and len(m1.sectors) == 6
    assert (m2.format, m2.timezone, m2.start_date) == (Format.HYBRID, "America/New_York", ANCHOR + dt.timedelta(21))
    assert 4 <= (m2.end_date - m2.start_date).days <= 5

    for mission in (m1, m2):
        items = await store.programme(mission.id)
        for item in items:
            draft = ItemDraft(kind=item.kind, title=item.title, starts_at=item.starts_at, ends_at=item.ends_at,
                              description=item.description, address=item.address, track=item.track)
            assert draft.validated(mission).starts_at == item.starts_at
            assert item.starts_at.tzinfo is not None

    tz = zoneinfo.ZoneInfo(m1.timezone)
    items = await store.programme(m1.id)

    def local(kind: ItemKind) -> list[tuple[dt.datetime, dt.datetime, str]]:
        return [(i.starts_at.astimezone(tz), i.ends_at.astimezone(tz), i.title) for i in items if i.kind is kind]

    mornings = [s for s in local(ItemKind.GROUP_SESSION) if s[2] == "Morning group session"]
    assert sorted(s.date() for s, _, _ in mornings) == [ANCHOR + dt.timedelta(d) for d in range(5)]
    assert all(e - s == dt.timedelta(minutes=30) and s.hour < 12 for s, e, _ in mornings)
    assert any("opening" in t.lower() and s.date() == ANCHOR for s, _, t in local(ItemKind.GROUP_SESSION))
    webinars = local(ItemKind.WEBINAR)
    assert len(webinars) == 3 and all(e - s <= dt.timedelta(minutes=60) for s, e, _ in webinars)
    matchmaking = local(ItemKind.MATCHMAKING)
    assert len({s.date() for s, _, _ in matchmaking}) == 3 and all(s.hour >= 12 for s, _, _ in matchmaking)
    assert [t for _, _, t in local(ItemKind.NETWORKING)] == ["Virtual borrel"]

    visits = [i for i in await store.programme(m2.id) if i.kind is ItemKind.COMPANY_VISIT]
    assert len(visits) >= 3
    assert all(v.address.endswith(("Boston, MA 02127", "MA 02142", "MA 02215", "MA 02140")) for v in visits)
    kinds2 = {i.kind for i in await store.programme(m2.id)}
    assert {ItemKind.WEBINAR, ItemKind.MATCHMAKING, ItemKind.NETWORKING} <= kinds2


async def _check_every_org_type_on_both_sides(store: Store, m1: Mission) -> None:
    for side, country in ((Side.DELEGATION, "NL"), (Side.PARTNER, "US")):
        entries = await _everyone(store, m1.id, side)
        assert {e.profile.org_type for e in entries} == set(OrgType), side
        assert {e.profile.country for e in entries} == {country}
        assert all(set(e.profile.sectors) <= set(m1.sectors) for e in entries)
        assert all(e.profile.offers and e.profile.seeks and e.profile.bio and e.profile.job_title for e in entries)
        assert all(e.profile.website.endswith(".example") for e in entries)
    assert 30 <= len({e.profile.organisation for e in await _everyone(store, m1.id, Side.DELEGATION)}) <= 40
    assert 35 <= len({e.profile.organisation for e in await _everyone(store, m1.id, Side.PARTNER)}) <= 45
    # Free text finds the complementary partners: who installs chargers, who wants smart-charging pilots.
    found = await store.search_directory(m1.id, DirectoryQuery(q="installation", side=Side.PARTNER))
    assert "Golden State EV Installers" in {e.profile.organisation for e in found.entries}


async def _check_key_people(store: Store, m1: Mission, m2: Mission) -> None:
    expected = {
        "organiser@roundtable.example": (Role.ORGANISER, None),
        "host@roundtable.example": (Role.HOST, Side.DELEGATION),
        "moderator@roundtable.example": (Role.MODERATOR, Side.DELEGATION),
        "anna@voltera.example": (Role.PARTICIPANT, Side.DELEGATION),
        "mike@bayfleet.example": (Role.PARTICIPANT, Side.PARTNER),
    }
    assert [email for _, email in KEY_PEOPLE] == list(expected)
    assert [label for label, _ in KEY_PEOPLE] == ["organiser", "host", "moderator", "participant", "participant"]
    for email, (role, side) in expected.items():
        user = await store.get_user_by_email(email)
        assert user is not None, email
        membership = await store.get_membership(m1.id, user.id)
        assert membership is not None and (membership.role, membership.side) == (role, side), email
        assert user.can_create_missions is (role is Role.ORGANISER)

    organiser = await store.get_user_by_email("organiser@roundtable.example")
    assert organiser is not None and organiser.name == "Eva Jansen"
    assert m1.created_by == organiser.id and m2.created_by == organiser.id
    second = await store.get_membership(m2.id, organiser.id)
    assert second is not None and second.role is Role.ORGANISER
    eva = await store.get_profile(organiser.id)
    assert eva is not None and eva.org_type is OrgType.NATIONAL_GOVERNMENT

    anna = await store.directory_entry(m1.id, (await _id(store, "anna@voltera.example")))
    assert anna is not None
    assert (anna.profile.name, anna.profile.organisation, anna.profile.org_type) == (
        "Anna de Vries", "Voltera", OrgType.SME)
    assert "EV charging" in anna.profile.sectors and anna.profile.country == "NL"
    mike = await store.directory_entry(m1.id, (await _id(store, "mike@bayfleet.example")))
    assert mike is not None
    assert (mike.profile.name, mike.profile.organisation, mike.profile.org_type) == (
        "Mike Alvarez", "BayFleet", OrgType.STARTUP)
    assert "Shared mobility" in mike.profile.sectors and mike.profile.country == "US"


async def _id(store: Store, email: str) -> int:
    user = await store.get_user_by_email(email)
    assert user is not None
    return user.id


async def test_participants_grow_the_directory_to_the_number_asked(store: Store) -> None:
    base = await seed_demo(store, _clock(), anchor=ANCHOR)
    m1, _ = await _missions(store)
    before = await _total(store, m1.id)
    grown = await seed_demo(store, _clock(), participants=120)
    assert await _total(store, m1.id) == 120
    assert grown.people == base.people + 120 - before
    again = await seed_demo(store, _clock(), participants=120)
    assert await _total(store, m1.id) == 120 and again.people == grown.people
    assert await _total(store, m1.id) == 120
    smaller = await seed_demo(store, _clock(), participants=50)
    assert await _total(store, m1.id) == 120 and smaller.people == grown.people

    generated = [e for e in await _everyone(store, m1.id) if e.profile.website.startswith("https://demo-")]
    assert len(generated) == 120 - before
    assert {e.role for e in generated} == {Role.PARTICIPANT}
    assert {e.side for e in generated} == {Side.DELEGATION, Side.PARTNER}
    first = generated_member(1)
    user = await store.get_user_by_email(first.email)
    assert user is not None and user.name == first.profile.name


def _without_ids(entries: list[DirectoryEntry]) -> list[dict[str, object]]:
    plain = msgspec.to_builtins(entries)
    for entry in plain:
        del entry["profile"]["user_id"]
    return list(plain)


def _page_without_ids(page: DirectoryPage) -> dict[str, object]:
    plain: dict[str, object] = msgspec.to_builtins(page)
    entries = plain["entries"]
    assert isinstance(entries, list)
    for entry in entries:
        del entry["profile"]["user_id"]
    return plain


def _timetable(items: list[ProgrammeItem]) -> list[tuple[object, ...]]:
    return [(i.kind, i.title, i.starts_at, i.ends_at, i.description, i.address, i.track) for i in items]


async def test_same_anchor_gives_the_same_demo_on_a_fresh_store(store: Store) -> None:
    """This store grows in two steps; a fresh in-memory one gets everything at once. Both read the same (the
    user ids may differ: PostgreSQL sequences are not reset between tests)."""
    await seed_demo(store, _clock(), anchor=ANCHOR, participants=100)
    await seed_demo(store, _clock(), participants=130)
    reference = MemoryStore()
    await seed_demo(reference, _clock(), anchor=ANCHOR, participants=130)
    (a1, a2), (b1, b2) = await _missions(store), await _missions(reference)
    assert _without_ids(await _everyone(store, a1.id)) == _without_ids(await _everyone(reference, b1.id))
    for mine, theirs in ((a1, b1), (a2, b2)):
        same = {"id": 0, "created_by": 0}
        assert msgspec.structs.replace(mine, **same) == msgspec.structs.replace(theirs, **same)
        for query in (DirectoryQuery(), DirectoryQuery(page=2, page_size=30), DirectoryQuery(side=Side.PARTNER),
                      DirectoryQuery(q="charging"), DirectoryQuery(sector="Biotechnology")):
            got = await store.search_directory(mine.id, query)
            want = await reference.search_directory(theirs.id, query)
            assert _page_without_ids(got) == _page_without_ids(want), query
        assert _timetable(await store.programme(mine.id)) == _timetable(await reference.programme(theirs.id))


async def test_two_fresh_memory_stores_are_identical() -> None:
    pages = []
    for _ in range(2):
        target = MemoryStore()
        result = await seed_demo(target, _clock(), anchor=ANCHOR, participants=150)
        pages.append([await target.search_directory(m, DirectoryQuery(page=p, page_size=100))
                      for m in result.missions for p in (1, 2)])
    assert pages[0] == pages[1]


async def test_default_anchor_is_the_monday_at_least_a_week_ahead() -> None:
    assert default_anchor(NOW) == dt.date(2026, 6, 15)  # Wednesday 3 June -> Monday 15 June
    monday = dt.datetime(2026, 6, 8, 23, 0, tzinfo=dt.UTC)
    assert default_anchor(monday) == dt.date(2026, 6, 15)  # exactly seven days
    sunday_in_utc = dt.datetime(2026, 6, 14, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2)))
    assert default_anchor(sunday_in_utc) == dt.date(2026, 6, 22)  # Monday 15 June 01:30 UTC, plus a week
    store = MemoryStore()
    result = await seed_demo(store, _clock())
    mission = await store.get_mission(result.missions[0])
    later = await store.get_mission(result.missions[1])
    assert mission is not None and later is not None
    assert (mission.start_date, later.start_date) == (dt.date(2026, 6, 15), dt.date(2026, 7, 6))


# -- the tables themselves ---------------------------------------------------------------------------------


def test_every_demo_person_is_distinct_and_valid() -> None:
    people = [organiser_member(), *mission1_members(), *mission2_members()]
    emails = [p.email for p in people]
    shared = {"host@roundtable.example", "moderator@roundtable.example"}  # in both missions
    assert len(set(emails)) == len(emails) - len(shared)
    assert all(e == e.lower() and e.endswith(".example") for e in emails)
    for member in people:
        assert member.profile.validated() == member.profile
    m2_sectors = set(demo_boston.M2_SECTORS)
    for member in mission2_members():
        if member.email not in shared:
            assert set(member.profile.sectors) <= m2_sectors, member.email
    names = [o.name for o in (*demo_data.M1_DELEGATION, *demo_data.M1_PARTNERS, *demo_boston.M2_DELEGATION,
                              *demo_boston.M2_PARTNERS)]
    assert len(set(names)) == len(names)


def test_generated_people_are_stable_unique_and_valid() -> None:
    assert generated_member(42) == generated_member(42)
    members = [generated_member(i) for i in range(1, 3001)]
    assert len({m.email for m in members}) == len(members)
    assert members[41].email.startswith("p00042@demo-")
    for member in members[:300]:
        assert member.profile.validated() == member.profile
    orgs = [generated_org(k) for k in range(2000)]
    assert len({o.name for o in orgs}) == len(orgs)
    assert len({o.slug for o in orgs}) == len(orgs)
    assert {o.org_type for o in orgs} == set(OrgType)


@pytest.mark.parametrize("side", list(Side))
def test_generated_sides_use_their_own_countries(side: Side) -> None:
    members = [m for m in (generated_member(i) for i in range(1, 301)) if m.side is side]
    assert members
    assert {m.profile.country for m in members} == {"NL" if side is Side.DELEGATION else "US"}


# -- the live mission ----------------------------------------------------------------------------------------


async def _live(store: Store, at: dt.datetime) -> tuple[DemoResult, list[ProgrammeItem], list[Meeting]]:
    result = await seed_demo(store, FixedClock(at), anchor=ANCHOR)
    assert result.live is not None
    items = await store.programme(result.live)
    meetings = [m for m in await store.meetings_in(result.live) if m.status is not MeetingStatus.CANCELLED]
    return result, items, meetings


async def test_a_webinar_a_lounge_and_a_meeting_are_open_whenever_the_demo_starts(store: Store) -> None:
    result, items, meetings = await _live(store, NOW)
    live = result.live
    assert live is not None and live not in result.missions
    assert {i.kind for i in items} == {ItemKind.WEBINAR, ItemKind.NETWORKING, ItemKind.MATCHMAKING}
    assert all(i.starts_at <= NOW < i.ends_at for i in items), items
    assert [i.id for i in result.live_items] == [i.id for i in items]
    anna, mike = [await store.get_user_by_email(e) for e in ("anna@voltera.example", "mike@bayfleet.example")]
    assert anna is not None and mike is not None
    meeting, = meetings
    assert meeting.id == result.live_meeting and set(meeting.members()) == {anna.id, mike.id}
    assert meeting.starts_at <= NOW < meeting.ends_at
    # Everyone whose link the demo prints is in it, the webinar has its host, and the lounge has company.
    for _, email in KEY_PEOPLE:
        user = await store.get_user_by_email(email)
        assert user is not None and await store.get_membership(live, user.id) is not None, email
    webinar = next(i for i in items if i.kind is ItemKind.WEBINAR)
    assert ItemRole.HOST in (await store.item_roles(webinar.id)).values()
    assert await _total(store, live) >= 15

    # Started again a minute later: nothing changes.
    again, same_items, same_meetings = await _live(store, NOW + dt.timedelta(minutes=1))
    assert (again.live, [i.id for i in same_items], [m.id for m in same_meetings]) == (
        result.live, [i.id for i in items], [meeting.id])

    # Their meeting is nearly over, the rest still open: the next slot gets a meeting.
    later = meeting.ends_at - dt.timedelta(minutes=2)
    _, kept, two = await _live(store, later)
    assert [i.id for i in kept] == [i.id for i in items]
    assert len(two) == 2 and two[-1].starts_at <= later + dt.timedelta(minutes=10) and two[-1].ends_at > later

    # Hours later (or the next day): everything is open again around the new now, in fresh rooms.
    tomorrow = NOW + dt.timedelta(days=1, hours=3)
    fresh, new_items, new_meetings = await _live(store, tomorrow)
    assert fresh.live == result.live
    assert not {i.id for i in new_items} & {i.id for i in items}
    assert all(i.starts_at <= tomorrow < i.ends_at for i in new_items)
    assert any(m.starts_at <= tomorrow < m.ends_at for m in new_meetings)
    mission = await store.get_mission(live)
    assert mission is not None and mission.start_date <= tomorrow.date() <= mission.end_date


async def test_the_live_mission_can_be_left_out(store: Store) -> None:
    result = await seed_demo(store, _clock(), anchor=ANCHOR, live=False)
    assert result.live is None and result.live_items == []
