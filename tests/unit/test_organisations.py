"""Organisations in the domain: name keys and registration numbers, which record a claim joins, an organiser's
edit, and a mission's organisations with the figure "companies taking part"."""

from __future__ import annotations

import datetime as dt

import pytest

from rooms.core.cards import OrgType, Side
from rooms.core.errors import Invalid
from rooms.missions.people import Role
from rooms.missions.profile import DirectoryEntry, Profile
from rooms.organisations.names import name_key, registration_key
from rooms.organisations.records import (
    AdoptRegistration,
    Claim,
    CreateNew,
    MergeRequest,
    Organisation,
    OrganisationEdit,
    OrganisationQuery,
    UseExisting,
    claim_of,
    decide,
    group,
    keeps_link,
)

AT = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(("a", "b"), [
    ("Acme B.V.", "ACME bv"),
    ("Acme B.V.", "acme"),
    ("Acme BV.", "Acme, B. V."),
    ("Acme N.V.", "Acme"),
    ("Acme Ltd.", "ACME LIMITED"),
    ("Acme GmbH", "Acme"),
    ("Acme, Inc.", "Acme Inc"),
    ("Acme LLC", "Acme"),
    ("Acme S.A.", "Acme SA"),
    ("Acme Holding B.V. i.o.", "Acme Holding"),
    ("  Acme   Tech  ", "AcmeTech"),
    ("Smith & Jones", "Smith and Jones"),
    ("Café Zürich", "Cafe Zurich"),
    ("The Acme Company", "Acme Company"),
    ("ACME-Tech", "Acme Tech"),
])
def test_spellings_of_one_name_share_a_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b) != ""


@pytest.mark.parametrize(("a", "b"), [
    ("Acme", "Acne"),
    ("BV Acme", "Acme Holding"),  # a legal form leading the name is part of it; only a trailing one goes
    ("Co-op Bank", "Bank"),
    ("Acme Vision", "Acme"),
])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize("blank", ["", "   ", "B.V.", "...", "Ltd", "-"])
def test_a_name_of_nothing_but_a_legal_form_or_punctuation_has_no_key(blank: str) -> None:
    assert name_key(blank) == ""


def test_a_legal_form_inside_a_name_stays() -> None:
    assert name_key("AB Volvo") == "abvolvo"
    assert name_key("Inc Design Studio") == "incdesignstudio"


def test_keys_are_bounded() -> None:
    assert len(name_key("x" * 500)) == 120


@pytest.mark.parametrize(("raw", "key"), [
    ("12345678", "12345678"), ("1234 5678", "12345678"), ("KvK 1234.5678", "12345678"),
    ("kvk-nr: 12345678", "12345678"), ("gb 0123456", "GB0123456"), ("KVKX1", "KVKX1"), ("  ", ""),
])
def test_registration_numbers(raw: str, key: str) -> None:
    assert registration_key(raw) == key


def _profile(user_id: int, organisation: str, country: str = "NL", org_id: int | None = None,
             sectors: list[str] | None = None, org_type: OrgType = OrgType.SME) -> Profile:
    return Profile(user_id=user_id, name=f"P{user_id}", organisation=organisation, org_type=org_type, job_title="",
                   sectors=sectors or [], country=country, city="", offers="", seeks="", languages=[], bio="",
                   website="", organisation_id=org_id)


def _org(org_id: int, name: str, country: str = "NL", registration: str = "",
         org_type: OrgType = OrgType.SME) -> Organisation:
    return Organisation(id=org_id, name=name, name_key=name_key(name), country=country, org_type=org_type,
                        registration_number=registration, website="", created_at=AT)


def test_a_claim_names_its_organisation_or_none() -> None:
    claim = claim_of(_profile(1, "Acme B.V."), registration="KvK 1234 5678")
    assert claim == Claim(name="Acme B.V.", key="acme", country="NL", org_type=OrgType.SME, website="",
                          registration="12345678")
    assert claim_of(_profile(1, "  ")) is None


def test_which_record_a_claim_joins() -> None:
    plain = Claim(name="Acme", key="acme", country="NL", org_type=OrgType.SME, website="")
    numbered = Claim(name="Acme", key="acme", country="NL", org_type=OrgType.SME, website="",
                     registration="12345678")
    older, newer = _org(3, "Acme"), _org(7, "ACME bv")
    assert decide(plain, None, []) == CreateNew()
    assert decide(plain, None, [newer, older]) == UseExisting(3)  # the oldest of that name
    by_number = _org(9, "Acme Holding", registration="12345678")
    assert decide(numbered, by_number, [older]) == UseExisting(9)  # the number wins over the name
    assert decide(numbered, None, [older]) == AdoptRegistration(3, "12345678")
    other_entity = _org(4, "Acme", registration="99999999")
    assert decide(numbered, None, [other_entity]) == CreateNew()  # same name, another registered company


def test_a_person_keeps_their_link_while_their_own_spelling_stays() -> None:
    before = _profile(1, "Acem", org_id=5)
    assert keeps_link(before, _profile(1, "ACEM b.v."))
    assert not keeps_link(before, _profile(1, "Acme"))
    assert not keeps_link(before, _profile(1, "Acem", country="BE"))
    assert not keeps_link(None, _profile(1, "Acem"))
    assert not keeps_link(_profile(1, "Acem"), _profile(1, "Acem"))


def test_an_edit_is_checked() -> None:
    clean = OrganisationEdit(name="  Acme   B.V. ", org_type=OrgType.SME, registration_number="KvK 1234 5678",
                             website=" https://acme.example ").validated()
    assert (clean.name, clean.registration_number, clean.website) == ("Acme B.V.", "12345678",
                                                                      "https://acme.example")
    for bad, code in [({"name": "B.V."}, "required"), ({"registration_number": "--"}, "invalid-registration"),
                      ({"website": "acme.example"}, "invalid-website")]:
        with pytest.raises(Invalid) as refused:
            OrganisationEdit(**{"name": "Acme", "org_type": OrgType.SME, **bad}).validated()  # type: ignore[arg-type]
        assert refused.value.code == code
    with pytest.raises(Invalid) as same:
        MergeRequest(source=3, target=3).validated()
    assert same.value.code == "merge-same"


def _entry(profile: Profile, side: Side | None, role: Role = Role.PARTICIPANT) -> DirectoryEntry:
    return DirectoryEntry(profile=profile, role=role, side=side)


def test_a_missions_organisations_and_companies_taking_part() -> None:
    acme, globex, ministry = _org(1, "Acme B.V."), _org(2, "Globex", org_type=OrgType.CORPORATE), _org(
        3, "Ministry", org_type=OrgType.NATIONAL_GOVERNMENT)
    known = {o.id: o for o in (acme, globex, ministry)}
    members = [
        _entry(_profile(1, "Acme B.V.", org_id=1, sectors=["Water", "Energy"]), Side.DELEGATION),
        _entry(_profile(2, "ACME bv", org_id=1, sectors=["water"]), Side.DELEGATION),
        _entry(_profile(3, "Globex", org_id=2, org_type=OrgType.CORPORATE), Side.PARTNER),
        _entry(_profile(4, "Globex", org_id=2, org_type=OrgType.CORPORATE), Side.DELEGATION),
        _entry(_profile(5, "Ministry", org_id=3), None, Role.ORGANISER),  # staff: not a company taking part
        _entry(_profile(6, ""), Side.PARTNER),
    ]
    page = group(members, known, OrganisationQuery())
    assert [m.organisation.name for m in page.organisations] == ["Acme B.V.", "Globex", "Ministry"]
    first = page.organisations[0]
    assert [p.user_id for p in first.people] == [1, 2] and first.sides == [Side.DELEGATION]
    assert first.sectors == ["Energy", "Water"]
    assert page.organisations[1].sides == [Side.DELEGATION, Side.PARTNER]
    assert [p.user_id for p in page.unaffiliated] == [6] and page.people == 6
    figures = page.companies
    assert figures.total == 2  # two people of Acme count once; the ministry's organiser not at all
    assert figures.by_side == {"delegation": 2, "partner": 1}
    assert figures.by_org_type == {"corporate": 1, "sme": 1}
    assert figures.people_without_organisation == 1

    partners = group(members, known, OrganisationQuery(side=Side.PARTNER))
    assert [m.organisation.name for m in partners.organisations] == ["Globex"]
    assert [p.user_id for p in partners.organisations[0].people] == [3]
    assert partners.companies == figures  # the figure is the mission's, whatever the filters
    by_sector = group(members, known, OrganisationQuery(sector="WATER"))
    assert [m.organisation.name for m in by_sector.organisations] == ["Acme B.V."]
    by_text = group(members, known, OrganisationQuery(q="globex"))
    assert by_text.people == 2
