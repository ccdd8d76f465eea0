"""Organisations: the record, how a profile finds its organisation, an organiser's corrections, and the view of a
mission's organisations with the figure "companies taking part".

A person belongs to one organisation across missions: the link sits on their profile (Profile.organisation_id), is
made by whatever writes the profile (saving it, accepting an invitation, a bulk add), in the same transaction, by
`decide` below. A profile without an organisation name has no organisation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Sequence
from typing import Annotated

import msgspec

from rooms.core.cards import OrgType, Side
from rooms.core.errors import Conflict, Invalid
from rooms.missions.people import Role
from rooms.missions.profile import DirectoryEntry, Profile, search_text
from rooms.organisations.names import name_key, registration_key

_WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


class Organisation(msgspec.Struct, frozen=True):
    id: int
    name: str
    name_key: str  # rooms.organisations.names.name_key of the name it was made with (or renamed to)
    country: str  # two letters, or '' when the person gave none
    org_type: OrgType
    registration_number: str  # rooms.organisations.names.registration_key, '' when unknown
    website: str
    created_at: dt.datetime


class Claim(msgspec.Struct, frozen=True):
    """What a profile says about its organisation, keyed for matching."""

    name: str
    key: str
    country: str
    org_type: OrgType
    website: str
    registration: str = ""


def claim_of(profile: Profile, registration: str = "") -> Claim | None:
    """The organisation a profile names, or None when it names none."""
    key = name_key(profile.organisation)
    if not key:
        return None
    return Claim(name=profile.organisation, key=key, country=profile.country, org_type=profile.org_type,
                 website=profile.website, registration=registration_key(registration))


def keeps_link(previous: Profile | None, profile: Profile) -> bool:
    """A person keeps the organisation they are linked to while their organisation's name (by key) and country
    stay as they were, so an organiser's merge or rename holds when they save their profile again."""
    return (previous is not None and previous.organisation_id is not None
            and name_key(previous.organisation) == name_key(profile.organisation)
            and previous.country == profile.country)


class UseExisting(msgspec.Struct, frozen=True, tag=True):
    organisation_id: int


class AdoptRegistration(msgspec.Struct, frozen=True, tag=True):
    """An organisation known by name without a registration number learns the one the claim brings."""

    organisation_id: int
    registration: str


class CreateNew(msgspec.Struct, frozen=True, tag=True):
    pass


Match = UseExisting | AdoptRegistration | CreateNew


def decide(claim: Claim, by_registration: Organisation | None, by_name: Iterable[Organisation]) -> Match:
    """Which organisation a claim belongs to. `by_registration`: the organisation with the claim's registration
    number in its country (if the claim has one); `by_name`: those with the claim's key in its country.

    A registration number wins over the name; without one, the oldest organisation of that name in that country.
    A claim with a number unknown so far joins a same-named organisation that has no number yet, not one that
    has another number (a different legal entity of the same name)."""
    named = sorted(by_name, key=lambda o: o.id)
    if claim.registration:
        if by_registration is not None:
            return UseExisting(by_registration.id)
        blank = next((o for o in named if not o.registration_number), None)
        return CreateNew() if blank is None else AdoptRegistration(blank.id, claim.registration)
    return UseExisting(named[0].id) if named else CreateNew()


# -- an organiser's corrections -------------------------------------------------------------------------------


class OrganisationEdit(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An organiser corrects an organisation: its name, type, website and registration number ('' = unknown)."""

    name: Annotated[str, msgspec.Meta(max_length=120)]
    org_type: OrgType
    registration_number: Annotated[str, msgspec.Meta(max_length=60)] = ""
    website: Annotated[str, msgspec.Meta(max_length=200)] = ""

    def validated(self) -> OrganisationEdit:
        name = " ".join(self.name.split())
        if not name_key(name):
            raise Invalid(code="required", message="An organisation needs a name.", field="name")
        registration = registration_key(self.registration_number)
        if self.registration_number.strip() and not registration:
            raise Invalid(code="invalid-registration", message="A registration number has letters or digits.",
                          field="registration_number")
        website = self.website.strip()
        if website and not _WEBSITE.match(website):
            raise Invalid(code="invalid-website", message="A website starts with https:// or http://.",
                          field="website")
        return OrganisationEdit(name=name, org_type=self.org_type, registration_number=registration,
                                website=website)


def conflict_of(others: Collection[Organisation], country: str, key: str, registration: str) -> Conflict | None:
    """Why an organisation in `country` may not have this key and registration number beside `others`."""
    for other in others:
        if other.country != country:
            continue
        if registration and other.registration_number == registration:
            return Conflict(code="registration-taken", field="registration_number",
                            message="Another organisation has this registration number: merge the two instead.")
        if other.name_key == key and other.registration_number == registration:
            return Conflict(code="organisation-exists", field="name",
                            message="Another organisation in this country has this name: merge the two instead.")
    return None


class MergeRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Two records of one organisation: `source` goes, its people join `target`."""

    source: Annotated[int, msgspec.Meta(ge=1)]
    target: Annotated[int, msgspec.Meta(ge=1)]

    def validated(self) -> MergeRequest:
        if self.source == self.target:
            raise Invalid(code="merge-same", message="Choose two different organisations to merge.",
                          field="target")
        return self


def merged(target: Organisation, source: Organisation) -> Organisation:
    """The target after a merge: it keeps its own details, filling a blank registration number (of the same
    country) or website from the source's."""
    same_country = source.country == target.country
    return msgspec.structs.replace(
        target, registration_number=target.registration_number or (source.registration_number if same_country else ""),
        website=target.website or source.website)


# -- a mission's organisations ---------------------------------------------------------------------------------


class OrganisationQuery(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The directory's filters (rooms.missions.profile.DirectoryQuery), applied to people before grouping."""

    q: Annotated[str, msgspec.Meta(max_length=100)] = ""
    org_type: list[OrgType] = msgspec.field(default_factory=list)
    sector: Annotated[str, msgspec.Meta(max_length=60)] = ""
    country: Annotated[str, msgspec.Meta(max_length=2)] = ""
    side: Side | None = None


class OrgPerson(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    job_title: str
    role: Role
    side: Side | None


class MissionOrganisation(msgspec.Struct, frozen=True):
    organisation: Organisation
    people: list[OrgPerson]  # by name, then user id
    sides: list[Side]
    sectors: list[str]  # its people's, first spelling of each, sorted case-insensitively


class CompaniesTakingPart(msgspec.Struct, frozen=True):
    """Distinct organisations of the mission's participants (members on a side; staff are not a company taking
    part). An organisation with people on both sides counts once in `total` and once per side."""

    total: int
    by_side: dict[str, int]
    by_org_type: dict[str, int]
    people_without_organisation: int


class OrganisationsPage(msgspec.Struct, frozen=True):
    organisations: list[MissionOrganisation]  # matching the filters, by name then id
    unaffiliated: list[OrgPerson]  # matching people who named no organisation
    people: int  # matching people in all
    companies: CompaniesTakingPart  # over every member, whatever the filters


def matches(entry: DirectoryEntry, query: OrganisationQuery) -> bool:
    p = entry.profile
    if query.org_type and p.org_type not in query.org_type:
        return False
    if query.sector and query.sector.strip().casefold() not in {s.casefold() for s in p.sectors}:
        return False
    if query.country and p.country != query.country.upper():
        return False
    if query.side is not None and entry.side != query.side:
        return False
    text = search_text(p)
    return all(term in text for term in (t.casefold() for t in query.q.split()[:8]))


def _person(entry: DirectoryEntry) -> OrgPerson:
    p = entry.profile
    return OrgPerson(user_id=p.user_id, name=p.name, job_title=p.job_title, role=entry.role, side=entry.side)


def _by_name(people: list[OrgPerson]) -> list[OrgPerson]:
    return sorted(people, key=lambda x: (x.name.casefold(), x.user_id))


def count_companies(people: Iterable[tuple[str | None, int | None, str | None]]) -> CompaniesTakingPart:
    """Companies taking part from (side, organisation id, that organisation's type) per member; the type is None
    when the id names no known organisation. Members without a side are not counted; those on a side without a
    known organisation are counted apart."""
    sides: dict[int, set[str]] = {}
    kinds: dict[int, str] = {}
    without = 0
    for side, org, kind in people:
        if side is None:
            continue
        if org is None or kind is None:
            without += 1
            continue
        sides.setdefault(org, set()).add(side)
        kinds[org] = kind
    by_side = {s.value: sum(1 for found in sides.values() if s.value in found) for s in Side}
    by_type: dict[str, int] = {}
    for org in sorted(sides):
        by_type[kinds[org]] = by_type.get(kinds[org], 0) + 1
    return CompaniesTakingPart(total=len(sides), by_side=by_side, by_org_type=dict(sorted(by_type.items())),
                               people_without_organisation=without)


def companies_taking_part(members: Sequence[DirectoryEntry], known: dict[int, Organisation]
                          ) -> CompaniesTakingPart:
    def kind(org: int | None) -> str | None:
        return known[org].org_type.value if org is not None and org in known else None

    return count_companies((None if e.side is None else e.side.value, e.profile.organisation_id,
                            kind(e.profile.organisation_id)) for e in members)


def group(members: Sequence[DirectoryEntry], known: dict[int, Organisation], query: OrganisationQuery
          ) -> OrganisationsPage:
    """The mission's members grouped by organisation (`known`: the organisations their profiles link to)."""
    found = [e for e in members if matches(e, query)]
    grouped: dict[int, list[DirectoryEntry]] = {}
    loose: list[OrgPerson] = []
    for entry in found:
        org = entry.profile.organisation_id
        if org is None or org not in known:
            loose.append(_person(entry))
        else:
            grouped.setdefault(org, []).append(entry)
    organisations = []
    for org_id, entries in grouped.items():
        sectors: dict[str, str] = {}
        for entry in entries:
            for sector in entry.profile.sectors:
                sectors.setdefault(sector.casefold(), sector)
        organisations.append(MissionOrganisation(
            organisation=known[org_id], people=_by_name([_person(e) for e in entries]),
            sides=[s for s in Side if any(e.side is s for e in entries)],
            sectors=[sectors[k] for k in sorted(sectors)]))
    organisations.sort(key=lambda m: (m.organisation.name.casefold(), m.organisation.id))
    return OrganisationsPage(organisations=organisations, unaffiliated=_by_name(loose), people=len(found),
                             companies=companies_taking_part(members, known))
