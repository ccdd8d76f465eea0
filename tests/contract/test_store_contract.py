"""The Store contract: every implementation (memory, SQLite, PostgreSQL) behaves exactly alike.

Each test runs once per backend through the `store` fixture. Ids are compared relatively, never to literal
values: a shared PostgreSQL database keeps its sequences between tests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable
from typing import Any

import msgspec
import pytest

from rooms.catalog import Store
from rooms.core.cards import OrgType, Side
from rooms.core.errors import Conflict, Gone, NotFound
from rooms.matchmaking.records import MatchmakingRules
from rooms.missions.copying import CopiedItem, CopiedMember, MissionCopy
from rooms.missions.mission import Format, ItemDraft, ItemKind, Mission, MissionDraft
from rooms.missions.people import InvitationDraft, ItemRole, Membership, Role, Sender, User
from rooms.missions.profile import DirectoryPage, DirectoryQuery, Facet, NewMember, ProfileDraft

UTC = dt.UTC
NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
HOUR = dt.timedelta(hours=1)
START = dt.date(2027, 3, 8)


# -- building test data ------------------------------------------------------------------------------------


async def _user(store: Store, email: str = "ana@example.org", name: str = "Ana de Vries", *,
                can_create_missions: bool = False, password_hash: str | None = None) -> User:
    return await store.create_user(
        email, name, NOW, can_create_missions=can_create_missions, password_hash=password_hash)


def _mission_draft(title: str = "EV charging to Boston", start: dt.date = START, days: int = 4, **kw: Any
                   ) -> MissionDraft:
    draft = MissionDraft(title=title, destination="Boston", timezone="America/New_York", start_date=start,
                         end_date=start + dt.timedelta(days=days), **kw)
    return draft.validated()


async def _mission(store: Store, owner: User, title: str = "EV charging to Boston", start: dt.date = START) -> Mission:
    return await store.create_mission(_mission_draft(title, start), owner.id, NOW)


def _item(mission: Mission, starts: dt.datetime, title: str = "Briefing", minutes: int = 30) -> ItemDraft:
    draft = ItemDraft(kind=ItemKind.GROUP_SESSION, title=title, starts_at=starts,
                      ends_at=starts + dt.timedelta(minutes=minutes))
    return draft.validated(mission)


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time on the given day of the test mission (START is day 0), in UTC."""
    return dt.datetime.combine(START + dt.timedelta(days=day), dt.time(hour, minute), tzinfo=UTC)


async def _member(
    store: Store, mission: Mission, email: str, name: str, *, organisation: str = "",
    org_type: OrgType = OrgType.SME, sectors: tuple[str, ...] = (), country: str = "", offers: str = "",
    seeks: str = "", role: Role = Role.PARTICIPANT, side: Side | None = Side.DELEGATION,
) -> User:
    """A new user with a filled-in profile who takes part in the mission."""
    user = await _user(store, email, name)
    await store.save_profile(user.id, ProfileDraft(
        name=name, organisation=organisation, org_type=org_type, sectors=list(sectors), country=country,
        offers=offers, seeks=seeks,
    ).validated())
    await store.set_membership(mission.id, user.id, role, side)
    return user


def _invitation(email: str = "bo@example.org", role: Role = Role.PARTICIPANT, side: Side | None = Side.PARTNER,
                organisation: str = "Greentown Labs") -> InvitationDraft:
    return InvitationDraft(email=email, name="Bo Chen", role=role, side=side, organisation=organisation).validated()


async def _invite(store: Store, mission: Mission, draft: InvitationDraft | None = None,
                  created: dt.datetime = NOW, ttl: dt.timedelta = 24 * HOUR) -> int:
    invitation = await store.create_invitation(
        mission.id, draft or _invitation(), mission.created_by, created, created + ttl)
    return invitation.id


async def _gone(code: str, call: Awaitable[object]) -> Gone:
    """Awaits `call` and returns the Gone it raised, having checked its code and that it is a sentence."""
    with pytest.raises(Gone) as exc:
        await call
    assert exc.value.code == code
    assert exc.value.message.endswith(".")
    return exc.value


async def _not_found(code: str, call: Awaitable[object]) -> None:
    with pytest.raises(NotFound) as exc:
        await call
    assert exc.value.code == code


# -- users -------------------------------------------------------------------------------------------------


async def test_a_created_user_can_be_found_by_id_and_email(store: Store) -> None:
    user = await _user(store, can_create_missions=True)
    assert user == User(id=user.id, email="ana@example.org", name="Ana de Vries", can_create_missions=True,
                        has_password=False, created_at=NOW)
    assert await store.get_user(user.id) == user
    assert await store.get_user_by_email("ana@example.org") == user


async def test_unknown_users_are_none(store: Store) -> None:
    assert await store.get_user(999_999) is None
    assert await store.get_user_by_email("nobody@example.org") is None
    assert await store.get_password_hash(999_999) is None


async def test_user_ids_increase_in_creation_order(store: Store) -> None:
    first = await _user(store, "a@example.org")
    second = await _user(store, "b@example.org")
    third = await _user(store, "c@example.org")
    assert first.id < second.id < third.id


async def test_an_email_address_belongs_to_one_user(store: Store) -> None:
    first = await _user(store)
    with pytest.raises(Conflict) as exc:
        await _user(store, name="Someone Else")
    assert exc.value.code == "email-taken"
    assert await store.get_user_by_email("ana@example.org") == first
    profile = await store.get_profile(first.id)
    assert profile is not None and profile.name == "Ana de Vries"


async def test_has_password_says_whether_a_hash_is_set(store: Store) -> None:
    user = await _user(store, password_hash="$argon2id$one")
    assert user.has_password
    assert await store.get_password_hash(user.id) == "$argon2id$one"
    await store.set_password_hash(user.id, None)
    assert await store.get_password_hash(user.id) is None
    assert (await store.get_user(user.id)) == msgspec.structs.replace(user, has_password=False)
    await store.set_password_hash(user.id, "$argon2id$two")
    again = await store.get_user(user.id)
    assert again is not None and again.has_password
    assert await store.get_password_hash(user.id) == "$argon2id$two"


async def test_the_right_to_create_missions_can_be_granted_and_withdrawn(store: Store) -> None:
    user = await _user(store)
    await store.set_can_create_missions(user.id, True)
    assert (await store.get_user(user.id)) == msgspec.structs.replace(user, can_create_missions=True)
    await store.set_can_create_missions(user.id, False)
    assert await store.get_user(user.id) == user


# -- profiles ----------------------------------------------------------------------------------------------


async def test_a_new_user_has_an_empty_profile_with_their_name(store: Store) -> None:
    user = await _user(store)
    profile = await store.get_profile(user.id)
    assert profile is not None
    assert (profile.user_id, profile.name, profile.org_type) == (user.id, "Ana de Vries", OrgType.OTHER)
    assert (profile.organisation, profile.sectors, profile.country, profile.languages) == ("", [], "", [])
    assert (profile.job_title, profile.city, profile.offers, profile.seeks, profile.bio, profile.website) == (
        "", "", "", "", "", "")


async def test_saving_a_profile_replaces_it_and_renames_the_user(store: Store) -> None:
    user = await _user(store)
    draft = ProfileDraft(
        name="Ana  Janssen", organisation="Voltapark", org_type=OrgType.STARTUP, job_title="CEO",
        sectors=["EV charging", "Energy"], country="nl", city="Utrecht", offers="Fast chargers",
        seeks="Pilot sites", languages=["EN", "nl"], bio="Founder.", website="https://voltapark.example",
    ).validated()
    saved = await store.save_profile(user.id, draft)
    assert saved.user_id == user.id
    assert (saved.name, saved.organisation, saved.country, saved.languages) == (
        "Ana Janssen", "Voltapark", "NL", ["en", "nl"])
    assert await store.get_profile(user.id) == saved
    renamed = await store.get_user(user.id)
    assert renamed is not None and renamed.name == "Ana Janssen"

    smaller = await store.save_profile(user.id, ProfileDraft(name="Ana Janssen").validated())
    assert (smaller.organisation, smaller.sectors, smaller.org_type) == ("", [], OrgType.OTHER)
    assert await store.get_profile(user.id) == smaller


async def test_changing_a_returned_value_does_not_change_the_store(store: Store) -> None:
    user = await _user(store)
    profile = await store.save_profile(user.id, ProfileDraft(name="Ana", sectors=["Grid"]).validated())
    profile.sectors.append("Changed")
    mission = await store.create_mission(_mission_draft(sectors=["Grid"]), user.id, NOW)
    mission.sectors.append("Changed")
    again = await store.get_profile(user.id)
    assert again is not None and again.sectors == ["Grid"]
    mission_again = await store.get_mission(mission.id)
    assert mission_again is not None and mission_again.sectors == ["Grid"]


async def test_profiles_of_unknown_users(store: Store) -> None:
    assert await store.get_profile(999_999) is None
    await _not_found("profile-not-found", store.save_profile(999_999, ProfileDraft(name="Nobody").validated()))


# -- missions ----------------------------------------------------------------------------------------------


async def test_creating_a_mission_makes_its_creator_organiser(store: Store) -> None:
    owner = await _user(store)
    draft = _mission_draft(format=Format.HYBRID, sectors=["EV charging", "Grid"], description="Meet utilities.")
    mission = await store.create_mission(draft, owner.id, NOW)
    assert (mission.title, mission.destination, mission.timezone) == (
        "EV charging to Boston", "Boston", "America/New_York")
    assert (mission.start_date, mission.end_date, mission.format) == (START, START + dt.timedelta(days=4),
                                                                      Format.HYBRID)
    assert (mission.sectors, mission.description, mission.webinar_max_minutes) == (
        ["EV charging", "Grid"], "Meet utilities.", 60)
    assert (mission.created_by, mission.created_at) == (owner.id, NOW)
    assert await store.get_mission(mission.id) == mission
    assert await store.get_membership(mission.id, owner.id) == Membership(mission.id, owner.id, Role.ORGANISER, None)


async def test_updating_a_mission_keeps_its_identity(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    later = _mission_draft("EV charging to Boston and Cambridge", START + dt.timedelta(days=7), days=2,
                           sectors=["Grid"], webinar_max_minutes=90)
    updated = await store.update_mission(mission.id, later)
    assert (updated.id, updated.created_by, updated.created_at) == (mission.id, owner.id, NOW)
    assert (updated.title, updated.start_date, updated.sectors, updated.webinar_max_minutes) == (
        "EV charging to Boston and Cambridge", START + dt.timedelta(days=7), ["Grid"], 90)
    assert await store.get_mission(mission.id) == updated
    await _not_found("mission-not-found", store.update_mission(999_999, later))
    assert await store.get_mission(999_999) is None


async def test_a_mission_is_found_by_its_exact_title(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner, "Water tech to Singapore")
    assert await store.find_mission_by_title("Water tech to Singapore") == mission
    assert await store.find_mission_by_title("water tech to singapore") is None
    assert await store.find_mission_by_title("Water tech") is None


async def test_a_users_missions_come_by_start_date_then_id(store: Store) -> None:
    owner = await _user(store)
    guest = await _user(store, "bo@example.org", "Bo Chen")
    late = await _mission(store, owner, "Late", START + dt.timedelta(days=20))
    early_a = await _mission(store, owner, "Early A", START)
    early_b = await _mission(store, owner, "Early B", START)
    theirs = await _mission(store, guest, "Not Ana's")
    await store.set_membership(late.id, guest.id, Role.SPEAKER, None)

    mine = await store.missions_of(owner.id)
    assert [m.id for m, _ in mine] == [early_a.id, early_b.id, late.id]
    assert all(ms == Membership(m.id, owner.id, Role.ORGANISER, None) for m, ms in mine)
    assert await store.missions_of(guest.id) == [
        (theirs, Membership(theirs.id, guest.id, Role.ORGANISER, None)),
        (late, Membership(late.id, guest.id, Role.SPEAKER, None)),
    ]
    assert await store.missions_of(999_999) == []


# -- programme ---------------------------------------------------------------------------------------------


async def test_the_programme_comes_by_start_time_then_id(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    other = await _mission(store, owner, "Other")
    second_day = await store.add_item(mission.id, _item(mission, _at(1, 14), "Day two"))
    tie_a = await store.add_item(mission.id, _item(mission, _at(0, 15), "Tie A"))
    tie_b = await store.add_item(mission.id, _item(mission, _at(0, 15), "Tie B"))
    first = await store.add_item(mission.id, _item(mission, _at(0, 14), "Opening"))
    await store.add_item(other.id, _item(other, _at(0, 13), "Elsewhere"))
    assert tie_a.id < tie_b.id
    assert await store.programme(mission.id) == [first, tie_a, tie_b, second_day]
    assert await store.programme(999_999) == []


async def test_a_programme_item_can_be_read_updated_and_deleted(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    item = await store.add_item(mission.id, _item(mission, _at(0, 14)))
    assert (item.mission_id, item.kind, item.title, item.starts_at, item.ends_at) == (
        mission.id, ItemKind.GROUP_SESSION, "Briefing", _at(0, 14), _at(0, 14, 30))
    assert await store.get_item(item.id) == item

    moved = await store.update_item(item.id, _item(mission, _at(2, 16), "Debrief", minutes=45))
    assert (moved.id, moved.mission_id, moved.title, moved.starts_at, moved.ends_at) == (
        item.id, mission.id, "Debrief", _at(2, 16), _at(2, 16, 45))
    assert await store.get_item(item.id) == moved

    await store.delete_item(item.id)
    assert await store.get_item(item.id) is None
    assert await store.programme(mission.id) == []


async def test_unknown_programme_items(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    item = await store.add_item(mission.id, _item(mission, _at(0, 14)))
    await store.delete_item(item.id)
    assert await store.get_item(item.id) is None
    await _not_found("item-not-found", store.update_item(item.id, _item(mission, _at(0, 15))))
    await _not_found("item-not-found", store.delete_item(item.id))
    await _not_found("item-not-found", store.delete_item(999_999))


# -- memberships -------------------------------------------------------------------------------------------


async def test_a_person_has_one_membership_per_mission(store: Store) -> None:
    owner = await _user(store)
    guest = await _user(store, "bo@example.org", "Bo Chen")
    mission = await _mission(store, owner)
    assert await store.get_membership(mission.id, guest.id) is None

    made = await store.set_membership(mission.id, guest.id, Role.PARTICIPANT, Side.PARTNER)
    assert made == Membership(mission.id, guest.id, Role.PARTICIPANT, Side.PARTNER)
    replaced = await store.set_membership(mission.id, guest.id, Role.MODERATOR, None)
    assert replaced == Membership(mission.id, guest.id, Role.MODERATOR, None)
    assert await store.get_membership(mission.id, guest.id) == replaced
    assert [ms for _, ms in await store.missions_of(guest.id)] == [replaced]
    page = await store.search_directory(mission.id, DirectoryQuery())
    assert [(e.profile.user_id, e.role) for e in page.entries].count((guest.id, Role.MODERATOR)) == 1

    await store.remove_membership(mission.id, guest.id)
    assert await store.get_membership(mission.id, guest.id) is None
    assert await store.missions_of(guest.id) == []
    await store.remove_membership(mission.id, guest.id)  # removing what is gone is harmless


async def test_a_sender_is_read_in_one_go(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    bo = await _member(store, mission, "bo@example.org", "Bo Chen", organisation="Greentown Labs",
                       role=Role.MODERATOR, side=None)
    cy = await _user(store, "cy@example.org", "Cy Baker")
    assert await store.sender(mission.id, bo.id) == Sender(
        True, Membership(mission.id, bo.id, Role.MODERATOR, None), "Greentown Labs")
    assert await store.sender(mission.id, cy.id) == Sender(True, None, "")  # no membership, no profile yet
    assert (await store.sender(mission.id + 1000, bo.id)).mission_found is False
    await store.remove_membership(mission.id, bo.id)
    assert await store.sender(mission.id, bo.id) == Sender(True, None, "Greentown Labs")


# -- adding members in bulk --------------------------------------------------------------------------------


def _newcomers() -> list[NewMember]:
    """Varied people: repeated sectors in other spellings, non-ASCII, no side, and two with the same name."""
    def person(email: str, name: str, role: Role = Role.PARTICIPANT, side: Side | None = Side.DELEGATION,
               **profile: Any) -> NewMember:
        return NewMember(email, ProfileDraft(name=name, **profile).validated(), role, side)

    return [
        person("ana@example.org", "Ana de Vries", organisation="Voltapark", org_type=OrgType.STARTUP,
               job_title="CEO", sectors=["EV Charging", "Energy", "ev charging"], country="NL", city="Utrecht",
               offers="Fast DC chargers", seeks="Pilot sites", languages=["nl", "en"], bio="Founder.",
               website="https://voltapark.example"),
        person("cy@example.org", "Cy Baker", side=Side.PARTNER, organisation="Boston Utility",
               org_type=OrgType.CORPORATE, sectors=["Grid", "EV charging"], country="US", offers="Grants 50% off",
               seeks="Fast chargers"),
        person("zoe@example.org", "Zoë Øster", Role.SPEAKER, None, organisation="Ørsted", sectors=["Wind"]),
        person("sam2@example.org", "Sam Smith", organisation="Acme"),
        person("sam1@example.org", "Sam Smith", organisation="Acme", offers="Twin"),
        person("eve@example.org", "Eve Ng", Role.HOST, None),
    ]


_QUERIES = (
    DirectoryQuery(), DirectoryQuery(q="charg"), DirectoryQuery(q="ØSTER"), DirectoryQuery(q="50%"),
    DirectoryQuery(sector="ev charging"), DirectoryQuery(sector="WIND"), DirectoryQuery(country="US"),
    DirectoryQuery(side=Side.DELEGATION), DirectoryQuery(org_type=[OrgType.STARTUP, OrgType.OTHER]),
    DirectoryQuery(page=2, page_size=3),
)


def _anonymous(page: DirectoryPage) -> dict[str, Any]:
    plain: dict[str, Any] = msgspec.to_builtins(page)
    for entry in plain["entries"]:
        del entry["profile"]["user_id"]
    return plain


async def test_members_added_in_bulk_are_as_if_added_one_by_one(store: Store) -> None:
    owner = await _user(store, "olga@example.org", "Olga Organiser")
    by_one, in_bulk = await _mission(store, owner, "One by one"), await _mission(store, owner, "In bulk")
    singles: list[User] = []
    for person in _newcomers():
        user = await _user(store, f"single-{person.email}", "Placeholder")
        await store.save_profile(user.id, person.profile)
        await store.set_membership(by_one.id, user.id, person.role, person.side)
        singles.append(user)

    assert await store.add_members(in_bulk.id, _newcomers(), NOW) == len(_newcomers())

    for query in _QUERIES:
        want = await store.search_directory(by_one.id, query)
        got = await store.search_directory(in_bulk.id, query)
        assert _anonymous(got) == _anonymous(want), query
    for person, single in zip(_newcomers(), singles, strict=True):
        found = await store.get_user_by_email(person.email)
        assert found is not None
        user = found
        assert user == msgspec.structs.replace(single, id=user.id, email=person.email, name=person.profile.name)
        assert (user.can_create_missions, user.has_password, user.created_at) == (False, False, NOW)
        assert await store.get_password_hash(user.id) is None
        entry, single_entry = (await store.directory_entry(in_bulk.id, user.id),
                               await store.directory_entry(by_one.id, single.id))
        assert entry is not None and single_entry is not None
        assert entry == msgspec.structs.replace(
            single_entry, profile=msgspec.structs.replace(single_entry.profile, user_id=user.id))
        assert await store.get_profile(user.id) == entry.profile
        assert [ms for _, ms in await store.missions_of(user.id)] == [
            Membership(in_bulk.id, user.id, person.role, person.side)]


async def test_bulk_ids_increase_in_the_order_given(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    people = [NewMember(f"p{n:04d}@example.org", ProfileDraft(name=f"Person {n:04d}").validated(),
                        Role.PARTICIPANT, Side.PARTNER) for n in range(1200)]  # more than one INSERT's worth
    assert await store.add_members(mission.id, people, NOW) == 1200
    ids: list[int] = []
    for page in range(1, 14):
        found = await store.search_directory(mission.id, DirectoryQuery(side=Side.PARTNER, page=page, page_size=100))
        ids += [e.profile.user_id for e in found.entries]
    assert len(ids) == 1200 and ids == sorted(ids) and ids[0] > owner.id
    later = await _user(store, "later@example.org")
    assert later.id > ids[-1]


async def test_adding_members_skips_existing_emails(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    speaker = await _member(store, mission, "bo@example.org", "Bo Chen", organisation="Greentown Labs",
                            role=Role.SPEAKER, side=None)
    outsider = await _user(store, "cy@example.org", "Cy Baker")
    before = {u.id: (await store.get_profile(u.id), await store.get_membership(mission.id, u.id))
              for u in (owner, speaker, outsider)}

    def newcomer(email: str, name: str) -> NewMember:
        return NewMember(email, ProfileDraft(name=name, organisation="Newco").validated(), Role.PARTICIPANT,
                         Side.PARTNER)

    people = [newcomer("bo@example.org", "Bo Other"), newcomer("dee@example.org", "Dee Adams"),
              newcomer("ana@example.org", "Ana Other"), newcomer("cy@example.org", "Cy Other"),
              newcomer("eve@example.org", "Eve Ng"), newcomer("dee@example.org", "Dee Again")]
    assert await store.add_members(mission.id, people, NOW + HOUR) == 2
    for user in (owner, speaker, outsider):
        assert await store.get_user(user.id) == user
        assert (await store.get_profile(user.id), await store.get_membership(mission.id, user.id)) == before[user.id]
    dee = await store.get_user_by_email("dee@example.org")
    assert dee is not None and (dee.name, dee.created_at) == ("Dee Adams", NOW + HOUR)  # the first one given
    page = await store.search_directory(mission.id, DirectoryQuery())
    assert [e.profile.name for e in page.entries] == ["Ana de Vries", "Bo Chen", "Dee Adams", "Eve Ng"]
    assert await store.add_members(mission.id, people, NOW + HOUR) == 0
    assert (await store.search_directory(mission.id, DirectoryQuery())).total == 4


async def test_adding_no_members(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    assert await store.add_members(mission.id, [], NOW) == 0
    assert await store.add_members(999_999, (), NOW) == 0
    page = await store.search_directory(mission.id, DirectoryQuery())
    assert [e.profile.user_id for e in page.entries] == [owner.id]


async def test_adding_members_to_an_unknown_mission_changes_nothing(store: Store) -> None:
    person = NewMember("ana@example.org", ProfileDraft(name="Ana").validated(), Role.PARTICIPANT, Side.PARTNER)
    await _not_found("mission-not-found", store.add_members(999_999, [person], NOW))
    assert await store.get_user_by_email("ana@example.org") is None


# -- directory ---------------------------------------------------------------------------------------------


class _Directory:
    """A mission with six people, and one outsider in another mission."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def build(self) -> _Directory:
        store = self.store
        self.owner = await _user(store, "olga@example.org", "Olga Organiser")
        self.mission = await _mission(store, self.owner)
        m = self.mission
        self.ana = await _member(
            store, m, "ana@example.org", "Ana de Vries", organisation="Voltapark", org_type=OrgType.STARTUP,
            sectors=("EV Charging", "Energy"), country="NL", offers="Fast DC chargers", seeks="Pilot sites")
        self.bo = await _member(
            store, m, "bo@example.org", "bo chen", organisation="voltapark", org_type=OrgType.STARTUP,
            sectors=("ev charging",), country="NL", offers="Charger software", seeks="Utilities",
            role=Role.SPEAKER, side=None)
        self.cy = await _member(
            store, m, "cy@example.org", "Cy Baker", organisation="Boston Utility", org_type=OrgType.CORPORATE,
            sectors=("Grid", "EV charging"), country="US", offers="Grid capacity", seeks="Fast chargers",
            side=Side.PARTNER)
        self.dee = await _member(
            store, m, "dee@example.org", "Dee Adams", organisation="Boston Utility", org_type=OrgType.CORPORATE,
            sectors=("Grid",), country="US", offers="Grants 50% off", seeks="Storage", side=Side.PARTNER)
        self.eve = await _member(
            store, m, "eve@example.org", "Eve Ng", organisation="", org_type=OrgType.INVESTOR, country="",
            offers="Seed money", seeks="EV startups", role=Role.HOST, side=None)
        other = await _mission(store, self.owner, "Other mission")
        self.outsider = await _member(store, other, "zed@example.org", "Zed Fastcharger", organisation="Zed",
                                      offers="Fast DC chargers")
        return self

    async def ids(self, **query: Any) -> list[int]:
        page = await self.store.search_directory(self.mission.id, DirectoryQuery(**query))
        return [e.profile.user_id for e in page.entries]


@pytest.fixture
async def people(store: Store) -> _Directory:
    return await _Directory(store).build()


async def test_the_directory_lists_every_member_by_organisation_then_name_then_id(people: _Directory) -> None:
    p = people
    # No organisation sorts first (Eve, and the organiser whose profile is still empty); "voltapark" ties
    # "Voltapark" once case-folded, so the names decide ("ana" < "bo").
    assert await p.ids() == [p.eve.id, p.owner.id, p.cy.id, p.dee.id, p.ana.id, p.bo.id]


async def test_equal_organisation_and_name_fall_back_to_user_id(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    await store.save_profile(owner.id, ProfileDraft(name="Ana de Vries", organisation="Zulu").validated())
    twin_b = await _member(store, mission, "b@example.org", "SAM SMITH", organisation="Acme")
    twin_a = await _member(store, mission, "a@example.org", "Sam Smith", organisation="ACME")
    page = await store.search_directory(mission.id, DirectoryQuery())
    assert [e.profile.user_id for e in page.entries] == [twin_b.id, twin_a.id, owner.id]


async def test_directory_entries_carry_profile_role_and_side(people: _Directory) -> None:
    page = await people.store.search_directory(people.mission.id, DirectoryQuery(q="dee"))
    assert len(page.entries) == 1
    entry = page.entries[0]
    assert entry.profile == await people.store.get_profile(people.dee.id)
    assert (entry.role, entry.side) == (Role.PARTICIPANT, Side.PARTNER)
    assert await people.store.directory_entry(people.mission.id, people.dee.id) == entry
    speaker = await people.store.directory_entry(people.mission.id, people.bo.id)
    assert speaker is not None and (speaker.role, speaker.side) == (Role.SPEAKER, None)


async def test_a_directory_entry_exists_only_for_members(people: _Directory) -> None:
    assert await people.store.directory_entry(people.mission.id, people.outsider.id) is None
    assert await people.store.directory_entry(people.mission.id, 999_999) is None
    assert await people.store.directory_entry(999_999, people.ana.id) is None


async def test_free_text_looks_through_name_organisation_offers_and_seeks(people: _Directory) -> None:
    p = people
    assert await p.ids(q="adams") == [p.dee.id]  # name
    assert await p.ids(q="utility") == [p.cy.id, p.dee.id]  # organisation
    assert await p.ids(q="software") == [p.bo.id]  # offers
    assert await p.ids(q="storage") == [p.dee.id]  # seeks
    assert await p.ids(q="fast chargers") == [p.cy.id, p.ana.id]  # offers or seeks, never the outsider
    assert await p.ids(q="nothing-like-this") == []


async def test_every_free_text_term_must_match_somewhere(people: _Directory) -> None:
    p = people
    assert await p.ids(q="voltapark pilot") == [p.ana.id]  # organisation and seeks
    assert await p.ids(q="voltapark grid") == []
    assert await p.ids(q="  Boston   GRANTS ") == [p.dee.id]


async def test_free_text_ignores_case_and_matches_inside_words(people: _Directory) -> None:
    p = people
    assert await p.ids(q="VOLTAPARK") == await p.ids(q="voltapark") == [p.ana.id, p.bo.id]
    assert await p.ids(q="arge") == [p.cy.id, p.ana.id, p.bo.id]


async def test_free_text_wildcards_are_plain_characters(people: _Directory) -> None:
    p = people
    assert await p.ids(q="50%") == [p.dee.id]
    assert await p.ids(q="%") == [p.dee.id]
    assert await p.ids(q="_") == []
    assert await p.ids(q="a_a") == []


async def test_filter_by_organisation_types(people: _Directory) -> None:
    p = people
    assert await p.ids(org_type=[OrgType.CORPORATE]) == [p.cy.id, p.dee.id]
    assert await p.ids(org_type=[OrgType.INVESTOR, OrgType.STARTUP]) == [p.eve.id, p.ana.id, p.bo.id]
    assert await p.ids(org_type=[OrgType.KNOWLEDGE]) == []
    assert len(await p.ids(org_type=[])) == 6


async def test_filter_by_sector_ignores_case(people: _Directory) -> None:
    p = people
    assert await p.ids(sector="ev charging") == [p.cy.id, p.ana.id, p.bo.id]
    assert await p.ids(sector="EV CHARGING") == [p.cy.id, p.ana.id, p.bo.id]
    assert await p.ids(sector="Grid") == [p.cy.id, p.dee.id]
    assert await p.ids(sector="EV") == []  # a sector is matched whole


async def test_filter_by_country(people: _Directory) -> None:
    p = people
    assert await p.ids(country="US") == [p.cy.id, p.dee.id]
    assert await p.ids(country="NL") == [p.ana.id, p.bo.id]
    assert await p.ids(country="DE") == []


async def test_filter_by_side(people: _Directory) -> None:
    p = people
    assert await p.ids(side=Side.PARTNER) == [p.cy.id, p.dee.id]
    assert await p.ids(side=Side.DELEGATION) == [p.ana.id]


async def test_filters_combine(people: _Directory) -> None:
    p = people
    assert await p.ids(sector="ev charging", country="NL") == [p.ana.id, p.bo.id]
    assert await p.ids(sector="ev charging", country="NL", side=Side.DELEGATION) == [p.ana.id]
    assert await p.ids(q="fast", sector="ev charging", org_type=[OrgType.CORPORATE]) == [p.cy.id]
    assert await p.ids(q="fast", side=Side.PARTNER, country="NL") == []


async def test_directory_pages_share_one_total(people: _Directory) -> None:
    p = people
    pages = [
        await p.store.search_directory(p.mission.id, DirectoryQuery(page=n, page_size=4)) for n in (1, 2, 3)
    ]
    assert [page.total for page in pages] == [6, 6, 6]
    assert [(page.page, page.page_size) for page in pages] == [(1, 4), (2, 4), (3, 4)]
    assert [[e.profile.user_id for e in page.entries] for page in pages] == [
        [p.eve.id, p.owner.id, p.cy.id, p.dee.id], [p.ana.id, p.bo.id], []]
    filtered = await p.store.search_directory(p.mission.id, DirectoryQuery(sector="grid", page=2, page_size=1))
    assert filtered.total == 2
    assert [e.profile.user_id for e in filtered.entries] == [p.dee.id]


async def test_facets_count_the_text_matches_whatever_the_other_filters(people: _Directory) -> None:
    p = people
    everyone = await p.store.search_directory(p.mission.id, DirectoryQuery())
    assert everyone.facets == {
        "org_type": [Facet("corporate", 2), Facet("startup", 2), Facet("investor", 1), Facet("other", 1)],
        "side": [Facet("partner", 2), Facet("delegation", 1)],
        "country": [Facet("NL", 2), Facet("US", 2)],
        # "EV Charging" < "EV charging" < "ev charging": the smallest spelling speaks for all three.
        "sector": [Facet("EV Charging", 3), Facet("Grid", 2), Facet("Energy", 1)],
    }
    narrowed = await p.store.search_directory(
        p.mission.id, DirectoryQuery(org_type=[OrgType.INVESTOR], sector="grid", country="DE", side=Side.PARTNER))
    assert narrowed.total == 0 and narrowed.entries == []
    assert narrowed.facets == everyone.facets

    texted = await p.store.search_directory(p.mission.id, DirectoryQuery(q="fast", side=Side.DELEGATION))
    assert [e.profile.user_id for e in texted.entries] == [p.ana.id]
    assert texted.facets == {
        "org_type": [Facet("corporate", 1), Facet("startup", 1)],
        "side": [Facet("delegation", 1), Facet("partner", 1)],
        "country": [Facet("NL", 1), Facet("US", 1)],
        "sector": [Facet("EV Charging", 2), Facet("Energy", 1), Facet("Grid", 1)],
    }


async def test_non_ascii_sorts_by_code_point_and_searches_without_case(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    await store.save_profile(owner.id, ProfileDraft(name="Ana de Vries", organisation="Zeta").validated())
    orsted = await _member(store, mission, "o@example.org", "Øle", organisation="Ørsted", offers="Offshore wind")
    zurich = await _member(store, mission, "z@example.org", "Zoë", organisation="zürich Grid")
    alpha = await _member(store, mission, "a@example.org", "Émile", organisation="Alpha")
    page = await store.search_directory(mission.id, DirectoryQuery())
    # Case-folded, then by code point: "alpha" < "zeta" < "zürich grid" < "ørsted", on every backend.
    assert [e.profile.user_id for e in page.entries] == [alpha.id, owner.id, zurich.id, orsted.id]
    found = await store.search_directory(mission.id, DirectoryQuery(q="ØRSTED ÉMILE"))
    assert found.entries == []
    for query, who in (("ØRSTED", orsted), ("ZÜRICH", zurich), ("émile", alpha), ("zoë", zurich)):
        hits = await store.search_directory(mission.id, DirectoryQuery(q=query))
        assert [e.profile.user_id for e in hits.entries] == [who.id], query


async def test_the_directory_follows_profile_edits(people: _Directory) -> None:
    p = people
    await p.store.save_profile(p.eve.id, ProfileDraft(
        name="Eve Zimmer", organisation="Zulu Capital", org_type=OrgType.INVESTOR, sectors=["Grid"],
        country="DE", offers="Series A").validated())
    assert await p.ids() == [p.owner.id, p.cy.id, p.dee.id, p.ana.id, p.bo.id, p.eve.id]
    assert await p.ids(q="zulu series") == [p.eve.id]
    assert await p.ids(q="seed") == []
    assert await p.ids(sector="grid", country="DE") == [p.eve.id]
    entry = await p.store.directory_entry(p.mission.id, p.eve.id)
    assert entry is not None and entry.profile.name == "Eve Zimmer"


async def test_an_organisation_adopted_from_an_invitation_is_searchable(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    user, _ = await store.accept_invitation(await _invite(store, mission), NOW, "Bo Chen", None)
    page = await store.search_directory(mission.id, DirectoryQuery(q="greentown"))
    assert [(e.profile.user_id, e.profile.organisation) for e in page.entries] == [(user.id, "Greentown Labs")]
    everyone = await store.search_directory(mission.id, DirectoryQuery())
    assert [e.profile.user_id for e in everyone.entries] == [owner.id, user.id]


async def test_an_empty_directory(store: Store) -> None:
    page = await store.search_directory(999_999, DirectoryQuery(q="anything"))
    assert (page.entries, page.total, page.page, page.page_size) == ([], 0, 1, 24)
    assert page.facets == {"org_type": [], "side": [], "country": [], "sector": []}


# -- invitations -------------------------------------------------------------------------------------------


async def test_invitations_are_stored_and_listed_newest_first(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    other = await _mission(store, owner, "Other")
    oldest = await _invite(store, mission, _invitation("a@example.org"), created=NOW)
    tie_a = await _invite(store, mission, _invitation("b@example.org"), created=NOW + HOUR)
    tie_b = await _invite(store, mission, _invitation("c@example.org"), created=NOW + HOUR)
    await _invite(store, other, _invitation("d@example.org"), created=NOW + 2 * HOUR)

    invitation = await store.get_invitation(oldest)
    assert invitation is not None
    assert (invitation.mission_id, invitation.email, invitation.name, invitation.role, invitation.side) == (
        mission.id, "a@example.org", "Bo Chen", Role.PARTICIPANT, Side.PARTNER)
    assert (invitation.organisation, invitation.invited_by) == ("Greentown Labs", owner.id)
    assert (invitation.created_at, invitation.expires_at) == (NOW, NOW + 24 * HOUR)
    assert (invitation.accepted_at, invitation.accepted_by) == (None, None)
    assert [inv.id for inv in await store.invitations(mission.id)] == [tie_b, tie_a, oldest]
    assert await store.get_invitation(999_999) is None


async def test_accepting_creates_the_user_and_their_membership(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    invitation_id = await _invite(store, mission)
    accepted_at = NOW + HOUR

    user, membership = await store.accept_invitation(invitation_id, accepted_at, "Bo Chen-Li", "$argon2id$bo")
    assert (user.email, user.name, user.has_password, user.can_create_missions, user.created_at) == (
        "bo@example.org", "Bo Chen-Li", True, False, accepted_at)
    assert await store.get_user_by_email("bo@example.org") == user
    assert await store.get_password_hash(user.id) == "$argon2id$bo"
    assert membership == Membership(mission.id, user.id, Role.PARTICIPANT, Side.PARTNER)
    assert await store.get_membership(mission.id, user.id) == membership
    profile = await store.get_profile(user.id)
    assert profile is not None and (profile.name, profile.organisation) == ("Bo Chen-Li", "Greentown Labs")
    invitation = await store.get_invitation(invitation_id)
    assert invitation is not None and (invitation.accepted_at, invitation.accepted_by) == (accepted_at, user.id)


async def test_accepting_without_a_password_leaves_the_new_user_without_one(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    invitation_id = await _invite(store, mission, _invitation(role=Role.SPEAKER, side=None, organisation=""))
    user, membership = await store.accept_invitation(invitation_id, NOW, "Bo Chen", None)
    assert not user.has_password
    assert membership == Membership(mission.id, user.id, Role.SPEAKER, None)
    profile = await store.get_profile(user.id)
    assert profile is not None and profile.organisation == ""


async def test_accepting_as_an_existing_user_keeps_what_they_had(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    bo = await _user(store, "bo@example.org", "Bo Chen", password_hash="$argon2id$old")
    await store.save_profile(bo.id, ProfileDraft(name="Bo Chen", organisation="Bo's Own Co").validated())
    await store.set_membership(mission.id, bo.id, Role.SPEAKER, None)
    invitation_id = await _invite(store, mission, _invitation(role=Role.MODERATOR, side=Side.DELEGATION))

    user, membership = await store.accept_invitation(invitation_id, NOW + HOUR, "Another Name", "$argon2id$new")
    assert user == bo
    assert await store.get_password_hash(bo.id) == "$argon2id$old"
    assert membership == Membership(mission.id, bo.id, Role.MODERATOR, Side.DELEGATION)
    assert await store.get_membership(mission.id, bo.id) == membership
    profile = await store.get_profile(bo.id)
    assert profile is not None and (profile.name, profile.organisation) == ("Bo Chen", "Bo's Own Co")
    invitation = await store.get_invitation(invitation_id)
    assert invitation is not None and invitation.accepted_by == bo.id


async def test_accepting_gives_a_password_to_an_existing_user_who_had_none(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    bo = await _user(store, "bo@example.org", "Bo Chen")
    invitation_id = await _invite(store, mission)
    user, _ = await store.accept_invitation(invitation_id, NOW, "Bo Chen", "$argon2id$first")
    assert user.id == bo.id and user.has_password
    assert await store.get_password_hash(bo.id) == "$argon2id$first"
    profile = await store.get_profile(bo.id)
    assert profile is not None and profile.organisation == "Greentown Labs"


async def test_an_invitation_is_accepted_once(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    invitation_id = await _invite(store, mission)
    user, _ = await store.accept_invitation(invitation_id, NOW, "Bo Chen", None)
    await _gone("token-used", store.accept_invitation(invitation_id, NOW + HOUR, "Bo Chen", "$argon2id$x"))
    # Used wins over expired: the person learns the true reason.
    await _gone("token-used", store.accept_invitation(invitation_id, NOW + 48 * HOUR, "Bo Chen", None))
    assert await store.get_password_hash(user.id) is None
    invitation = await store.get_invitation(invitation_id)
    assert invitation is not None and invitation.accepted_at == NOW


async def test_an_expired_invitation_changes_nothing(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    invitation_id = await _invite(store, mission, ttl=HOUR)
    await _gone("token-expired", store.accept_invitation(invitation_id, NOW + HOUR, "Bo Chen", None))
    await _gone("token-expired", store.accept_invitation(invitation_id, NOW + 2 * HOUR, "Bo Chen", None))
    assert await store.get_user_by_email("bo@example.org") is None
    invitation = await store.get_invitation(invitation_id)
    assert invitation is not None and (invitation.accepted_at, invitation.accepted_by) == (None, None)
    user, _ = await _accept_just_in_time(store, invitation_id)
    assert user.email == "bo@example.org"


async def _accept_just_in_time(store: Store, invitation_id: int) -> tuple[User, Membership]:
    invitation = await store.get_invitation(invitation_id)
    assert invitation is not None
    return await store.accept_invitation(invitation_id, invitation.expires_at - dt.timedelta(seconds=1), "Bo", None)


async def test_an_unknown_invitation_is_invalid(store: Store) -> None:
    await _not_found("token-invalid", store.accept_invitation(999_999, NOW, "Bo Chen", None))


# -- sign-in links and sessions ----------------------------------------------------------------------------


async def test_a_sign_in_link_is_consumed_once(store: Store) -> None:
    user = await _user(store)
    mission = await _mission(store, user)
    with_mission = await store.create_sign_in_link(user.id, mission.id, NOW, NOW + HOUR)
    without = await store.create_sign_in_link(user.id, None, NOW, NOW + HOUR)
    assert with_mission != without
    assert await store.consume_sign_in_link(with_mission, NOW) == (user.id, mission.id)
    gone = await _gone("token-used", store.consume_sign_in_link(with_mission, NOW))
    assert gone.message == "This sign-in link was already used."
    await _gone("token-used", store.peek_sign_in_link(with_mission, NOW))
    # Used wins over expired here too.
    await _gone("token-used", store.consume_sign_in_link(with_mission, NOW + 2 * HOUR))
    assert await store.consume_sign_in_link(without, NOW + HOUR - dt.timedelta(seconds=1)) == (user.id, None)


async def test_a_sign_in_link_expires(store: Store) -> None:
    user = await _user(store)
    link = await store.create_sign_in_link(user.id, None, NOW, NOW + HOUR)
    await _gone("token-expired", store.peek_sign_in_link(link, NOW + HOUR))
    await _gone("token-expired", store.consume_sign_in_link(link, NOW + HOUR))
    await _gone("token-expired", store.consume_sign_in_link(link, NOW + 2 * HOUR))


async def test_peeking_does_not_consume(store: Store) -> None:
    user = await _user(store)
    link = await store.create_sign_in_link(user.id, None, NOW, NOW + HOUR)
    assert await store.peek_sign_in_link(link, NOW) == (user.id, None)
    assert await store.peek_sign_in_link(link, NOW) == (user.id, None)
    assert await store.consume_sign_in_link(link, NOW) == (user.id, None)


async def test_an_unknown_sign_in_link_is_invalid(store: Store) -> None:
    await _not_found("token-invalid", store.consume_sign_in_link(999_999, NOW))
    await _not_found("token-invalid", store.peek_sign_in_link(999_999, NOW))


async def test_a_session_lives_until_it_expires_or_ends(store: Store) -> None:
    ana = await _user(store)
    bo = await _user(store, "bo@example.org", "Bo Chen")
    session = await store.create_session(ana.id, NOW, NOW + HOUR)
    other = await store.create_session(bo.id, NOW, NOW + HOUR)
    assert isinstance(session, str) and len(session) >= 43 and session != other
    assert await store.session_user(session, NOW) == ana.id
    assert await store.session_user(session, NOW + HOUR - dt.timedelta(seconds=1)) == ana.id
    assert await store.session_user(session, NOW + HOUR) is None
    assert await store.session_user(other, NOW) == bo.id
    await store.end_session(other)
    assert await store.session_user(other, NOW) is None
    assert await store.session_user(session, NOW) == ana.id
    assert await store.session_user("no-such-session", NOW) is None
    await store.end_session("no-such-session")  # ending an unknown session is harmless


async def test_sessions_by_handle_and_every_session_of_a_person(store: Store) -> None:
    from rooms.missions.accounts import session_handle

    ana = await _user(store)
    bo = await _user(store, "bo@example.org", "Bo Chen")
    first = await store.create_session(ana.id, NOW, NOW + HOUR)
    second = await store.create_session(ana.id, NOW, NOW + HOUR)
    bos = await store.create_session(bo.id, NOW, NOW + HOUR)
    assert await store.live_session(session_handle(first), NOW) == ana.id
    assert await store.live_session(session_handle(first), NOW + HOUR) is None
    assert await store.live_session(first, NOW) is None  # the handle names it, not the id itself
    await store.end_session_by_handle(session_handle(first))
    assert await store.session_user(first, NOW) is None
    assert await store.session_user(second, NOW) == ana.id
    await store.end_sessions(ana.id, NOW)
    assert await store.session_user(second, NOW) is None
    assert await store.live_session(session_handle(second), NOW) is None
    assert await store.session_user(bos, NOW) == bo.id  # someone else's sessions are untouched


async def test_a_suspended_member_is_no_member_until_reinstated(store: Store) -> None:
    owner = await _user(store)
    guest = await _user(store, "bo@example.org", "Bo Chen")
    mission = await _mission(store, owner)
    await store.set_membership(mission.id, guest.id, Role.SPEAKER, Side.PARTNER)
    await store.suspend_membership(mission.id, guest.id, NOW)
    assert await store.get_membership(mission.id, guest.id) is None
    assert await store.missions_of(guest.id) == []
    assert await store.directory_entry(mission.id, guest.id) is None
    [suspended] = await store.suspensions(mission.id)
    assert (suspended.user_id, suspended.name, suspended.role, suspended.side, suspended.suspended_at) == (
        guest.id, "Bo Chen", Role.SPEAKER, Side.PARTNER, NOW)
    await _not_found("person-not-found", store.suspend_membership(mission.id, guest.id, NOW))

    back = await store.reinstate_membership(mission.id, guest.id)
    assert back == Membership(mission.id, guest.id, Role.SPEAKER, Side.PARTNER)
    assert await store.get_membership(mission.id, guest.id) == back
    assert await store.suspensions(mission.id) == []
    await _not_found("person-not-found", store.reinstate_membership(mission.id, guest.id))

    await store.suspend_membership(mission.id, guest.id, NOW)
    await store.remove_membership(mission.id, guest.id)  # removal ends a suspension too
    assert await store.suspensions(mission.id) == []


async def test_ping_succeeds_on_a_healthy_store(store: Store) -> None:
    await store.ping()


# -- single use under concurrency ----------------------------------------------------------------------------

RACERS = 10


def _outcomes(results: list[Any]) -> tuple[list[Any], list[str]]:
    """The successful results, and the codes of the Gone errors; anything else raised is re-raised."""
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, Gone):
            raise result
    return [r for r in results if not isinstance(r, Gone)], [r.code for r in results if isinstance(r, Gone)]


async def test_concurrent_consumers_of_one_sign_in_link_have_one_winner(store: Store) -> None:
    user = await _user(store)
    link = await store.create_sign_in_link(user.id, None, NOW, NOW + HOUR)
    results = await asyncio.gather(
        *(store.consume_sign_in_link(link, NOW) for _ in range(RACERS)), return_exceptions=True)
    winners, codes = _outcomes(list(results))
    assert winners == [(user.id, None)]
    assert codes == ["token-used"] * (RACERS - 1)


async def test_concurrent_acceptances_of_one_invitation_have_one_winner(store: Store) -> None:
    owner = await _user(store)
    mission = await _mission(store, owner)
    invitation_id = await _invite(store, mission)
    results = await asyncio.gather(
        *(store.accept_invitation(invitation_id, NOW, f"Bo {n}", f"$argon2id${n}") for n in range(RACERS)),
        return_exceptions=True)
    winners, codes = _outcomes(list(results))
    assert len(winners) == 1
    assert codes == ["token-used"] * (RACERS - 1)
    user, membership = winners[0]
    assert await store.get_user_by_email("bo@example.org") == user
    assert await store.get_membership(mission.id, user.id) == membership
    invitation = await store.get_invitation(invitation_id)
    assert invitation is not None and invitation.accepted_by == user.id


# -- the whole directory at once (recommendations) ----------------------------------------------------------


async def test_the_mission_directory_is_every_member_by_user_id_in_one_call(people: _Directory) -> None:
    p = people
    everyone = await p.store.mission_directory(p.mission.id)
    searched = await p.store.search_directory(p.mission.id, DirectoryQuery(page_size=100))
    assert everyone == sorted(searched.entries, key=lambda e: e.profile.user_id)
    assert [e.profile.user_id for e in everyone] == sorted([p.owner.id, p.ana.id, p.bo.id, p.cy.id, p.dee.id,
                                                            p.eve.id])
    assert p.outsider.id not in {e.profile.user_id for e in everyone}
    bo = next(e for e in everyone if e.profile.user_id == p.bo.id)
    assert (bo.role, bo.side, bo.profile.sectors) == (Role.SPEAKER, None, ["ev charging"])
    await p.store.save_profile(p.eve.id, ProfileDraft(name="Eve Zimmer", organisation="Zulu Capital",
                                                      org_type=OrgType.INVESTOR, offers="Series A").validated())
    eve = next(e for e in await p.store.mission_directory(p.mission.id) if e.profile.user_id == p.eve.id)
    assert (eve.profile.name, eve.profile.offers) == ("Eve Zimmer", "Series A")
    assert await p.store.mission_directory(999_999) == []


async def test_the_mission_directory_of_some_people_is_those_members_only(people: _Directory) -> None:
    p = people
    some = await p.store.mission_directory(p.mission.id, [p.eve.id, p.ana.id, p.outsider.id, p.ana.id, 999_999])
    assert [e.profile.user_id for e in some] == sorted([p.ana.id, p.eve.id])  # outsiders and unknowns left out
    assert some == [e for e in await p.store.mission_directory(p.mission.id)
                    if e.profile.user_id in (p.ana.id, p.eve.id)]
    assert await p.store.mission_directory(p.mission.id, []) == []


async def test_mission_creators_are_listed_by_name(store: Store) -> None:
    zed = await _user(store, "zed@c.example", "Zed", can_create_missions=True)
    amy = await _user(store, "amy@c.example", "Amy", can_create_missions=True)
    await _user(store, "bob@c.example", "Bob")
    assert [u.id for u in await store.mission_creators()] == [amy.id, zed.id]
    await store.set_can_create_missions(zed.id, False)
    assert await store.mission_creators() == [amy]


async def test_a_mission_copy_is_written_whole(store: Store) -> None:
    olga = await _user(store, "olga@c.example", "Olga", can_create_missions=True)
    hank = await _user(store, "hank@c.example", "Hank")
    starts = dt.datetime(2027, 3, 8, 14, 0, tzinfo=UTC)
    item = ItemDraft(kind=ItemKind.WEBINAR, title="Opening", starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    rules = MatchmakingRules(meeting_minutes=25, delegation_timezone="Asia/Tokyo")
    made = await store.create_mission_copy(MissionCopy(
        draft=_mission_draft("Copied"), created_by=olga.id,
        members=[CopiedMember(hank.id, Role.SPEAKER, Side.DELEGATION)],
        items=[CopiedItem(item, {hank.id: ItemRole.HOST})], rules=rules), NOW)
    assert made.title == "Copied" and made.created_by == olga.id
    assert await store.get_membership(made.id, olga.id) == Membership(made.id, olga.id, Role.ORGANISER, None)
    assert await store.get_membership(made.id, hank.id) == Membership(made.id, hank.id, Role.SPEAKER, Side.DELEGATION)
    [copied] = await store.programme(made.id)
    assert (copied.title, copied.starts_at) == ("Opening", starts)
    assert await store.item_roles(copied.id) == {hank.id: ItemRole.HOST}
    assert await store.get_rules(made.id) == rules


async def test_withdrawing_the_right_never_leaves_fewer_than_asked(store: Store) -> None:
    amy = await _user(store, "amy@c.example", "Amy", can_create_missions=True)
    zed = await _user(store, "zed@c.example", "Zed", can_create_missions=True)
    bob = await _user(store, "bob@c.example", "Bob")
    assert await store.withdraw_mission_creator(bob.id, keep=1) == (False, 2)
    # Two withdrawals at once: one passes, the other finds nobody else left and changes nothing.
    results = await asyncio.gather(store.withdraw_mission_creator(amy.id, keep=1),
                                   store.withdraw_mission_creator(zed.id, keep=1))
    assert sorted(results) == [(True, 0), (True, 1)]
    assert len(await store.mission_creators()) == 1
