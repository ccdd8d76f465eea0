"""Organisations on every store (memory, SQLite, PostgreSQL): a profile write links the person to the matched or
new organisation in the same transaction, a registration number wins over the name, an organiser's edits and
merges, and what the port's docstring promises (rooms/organisations/ports.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from rooms.catalog import Store
from rooms.core.cards import OrgType, Side
from rooms.core.errors import Conflict, NotFound
from rooms.missions.mission import MissionDraft
from rooms.missions.people import InvitationDraft, Role
from rooms.missions.profile import NewMember, Profile, ProfileDraft
from rooms.organisations.records import OrganisationEdit

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)


async def _person(store: Store, n: int, organisation: str, country: str = "NL",
                  org_type: OrgType = OrgType.SME) -> Profile:
    user = await store.create_user(f"p{n}@example.org", f"Person {n}", NOW)
    return await store.save_profile(user.id, ProfileDraft(
        name=f"Person {n}", organisation=organisation, country=country, org_type=org_type).validated())


async def test_spellings_of_one_organisation_in_one_country_are_one_record(store: Store) -> None:
    a = await _person(store, 1, "Acme B.V.")
    b = await _person(store, 2, "ACME bv")
    c = await _person(store, 3, "Acme", country="US")
    d = await _person(store, 4, "")
    assert a.organisation_id is not None and a.organisation_id == b.organisation_id
    assert c.organisation_id not in (None, a.organisation_id)
    assert d.organisation_id is None
    assert (await store.get_profile(b.user_id)) == b  # the link is stored, not only returned
    [acme] = await store.organisations([a.organisation_id])
    assert (acme.name, acme.country, acme.org_type, acme.registration_number) == ("Acme B.V.", "NL", OrgType.SME, "")
    assert await store.organisations([999_999]) == []


async def test_changing_organisation_moves_the_person_and_forgets_an_empty_record(store: Store) -> None:
    a = await _person(store, 1, "Acmee")
    await _person(store, 2, "Globex")
    moved = await store.save_profile(a.user_id, ProfileDraft(name="Person 1", organisation="Globex B.V.",
                                                             country="NL").validated())
    assert moved.organisation_id is not None
    assert a.organisation_id is not None and await store.organisations([a.organisation_id]) == []
    kept = await store.save_profile(a.user_id, ProfileDraft(name="Person 1 Renamed", organisation="GLOBEX",
                                                            country="NL", city="Delft").validated())
    assert kept.organisation_id == moved.organisation_id


async def test_a_registration_number_wins_over_the_name(store: Store) -> None:
    a = await _person(store, 1, "Acme B.V.")
    assert a.organisation_id is not None
    edited = await store.update_organisation(a.organisation_id, OrganisationEdit(
        name="Acme Holding B.V.", org_type=OrgType.CORPORATE, registration_number="12345678").validated())
    assert (edited.name, edited.name_key, edited.registration_number) == ("Acme Holding B.V.", "acmeholding",
                                                                          "12345678")
    # The person's own spelling is unchanged, so they keep the link to the renamed record.
    again = await store.save_profile(a.user_id, ProfileDraft(name="Anna", organisation="Acme B.V.",
                                                             country="NL").validated())
    assert again.organisation_id == a.organisation_id
    other = await _person(store, 2, "Other Name")
    with pytest.raises(Conflict) as taken:
        await store.update_organisation(other.organisation_id or 0, OrganisationEdit(
            name="Other Name", org_type=OrgType.SME, registration_number="KvK 1234.5678").validated())
    assert taken.value.code == "registration-taken"
    with pytest.raises(Conflict) as named:
        await store.update_organisation(other.organisation_id or 0, OrganisationEdit(
            name="ACME HOLDING", org_type=OrgType.SME, registration_number="12345678").validated())
    assert named.value.code in ("registration-taken", "organisation-exists")
    with pytest.raises(NotFound):
        await store.update_organisation(999_999, OrganisationEdit(name="X", org_type=OrgType.SME).validated())


async def test_merging_moves_every_person_and_fills_blanks(store: Store) -> None:
    a = await _person(store, 1, "Acme B.V.")
    b = await _person(store, 2, "Acem B.V.")
    assert a.organisation_id and b.organisation_id and a.organisation_id != b.organisation_id
    await store.update_organisation(b.organisation_id, OrganisationEdit(
        name="Acem B.V.", org_type=OrgType.SME, registration_number="87654321",
        website="https://acme.example").validated())
    target = await store.merge_organisations(b.organisation_id, a.organisation_id)
    assert (target.id, target.registration_number, target.website) == (a.organisation_id, "87654321",
                                                                      "https://acme.example")
    moved = await store.get_profile(b.user_id)
    assert moved is not None and moved.organisation_id == a.organisation_id
    assert [o.id for o in await store.organisations([a.organisation_id, b.organisation_id])] == [a.organisation_id]
    # Saving the typo again keeps the merge.
    again = await store.save_profile(b.user_id, ProfileDraft(name="B", organisation="Acem B.V.",
                                                             country="NL").validated())
    assert again.organisation_id == a.organisation_id
    with pytest.raises(NotFound):
        await store.merge_organisations(b.organisation_id, a.organisation_id)


async def test_accepting_an_invitation_and_a_bulk_add_link_people(store: Store) -> None:
    owner = await store.create_user("org@example.org", "Olga", NOW, can_create_missions=True)
    mission = await store.create_mission(MissionDraft(
        title="Water to Boston", destination="Boston", timezone="America/New_York",
        start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12)).validated(), owner.id, NOW)
    added = await store.add_members(mission.id, [
        NewMember(email=f"n{n}@example.org", profile=ProfileDraft(
            name=f"N {n}", organisation=name, country="NL").validated(), role=Role.PARTICIPANT,
            side=Side.DELEGATION)
        for n, name in enumerate(["Acme B.V.", "acme", "Globex", ""])], NOW)
    assert added == 4
    entries = await store.mission_directory(mission.id)
    links = {e.profile.name: e.profile.organisation_id for e in entries}
    assert links["N 0"] == links["N 1"] is not None and links["N 2"] not in (None, links["N 0"])
    assert links["N 3"] is None
    invitation = await store.create_invitation(mission.id, InvitationDraft(
        email="new@example.org", name="New", role=Role.PARTICIPANT, side=Side.PARTNER, organisation="ACME B.V."),
        owner.id, NOW, NOW + dt.timedelta(days=1))
    user, _ = await store.accept_invitation(invitation.id, NOW, "New", None)
    joined = await store.get_profile(user.id)
    # No country yet: "ACME B.V." without one is its own record until the person says where they are.
    assert joined is not None and joined.organisation == "ACME B.V." and joined.organisation_id is not None
    completed = await store.save_profile(user.id, ProfileDraft(name="New", organisation="ACME B.V.",
                                                               country="NL").validated())
    assert completed.organisation_id == links["N 0"]
    assert await store.organisations([joined.organisation_id]) == []
