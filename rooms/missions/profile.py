"""Participant profiles and the mission directory."""

from __future__ import annotations

import re
from typing import Annotated

import msgspec

from rooms.core.cards import OrgType, Side
from rooms.core.errors import Invalid
from rooms.missions.people import Invitation, Role

Short = Annotated[str, msgspec.Meta(max_length=120)]
Long = Annotated[str, msgspec.Meta(max_length=1000)]

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)

MAX_PAGE_SIZE = 100


def _squash(value: str) -> str:
    return " ".join(value.split())


class ProfileDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a person says about themselves and their organisation."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    organisation: Short = ""
    org_type: OrgType = OrgType.OTHER
    job_title: Short = ""
    sectors: Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=60)]], msgspec.Meta(max_length=10)] = (
        msgspec.field(default_factory=list)
    )
    country: Annotated[str, msgspec.Meta(max_length=2)] = ""
    city: Annotated[str, msgspec.Meta(max_length=80)] = ""
    offers: Long = ""
    seeks: Long = ""
    languages: Annotated[list[Annotated[str, msgspec.Meta(max_length=3)]], msgspec.Meta(max_length=10)] = (
        msgspec.field(default_factory=list)
    )
    bio: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    website: Annotated[str, msgspec.Meta(max_length=200)] = ""

    def validated(self) -> ProfileDraft:
        name = _squash(self.name)
        if not name:
            raise Invalid(code="required", message="A name is required.", field="name")
        country = self.country.strip().upper()
        if country and not _COUNTRY.match(country):
            raise Invalid(code="invalid-country", message="Use a two-letter country code such as NL or US.",
                          field="country")
        languages: list[str] = []
        for lang in self.languages:
            code = lang.strip().lower()
            if not _LANGUAGE.match(code):
                raise Invalid(code="invalid-language", message="Use language codes such as en, nl or de.",
                              field="languages")
            if code not in languages:
                languages.append(code)
        website = self.website.strip()
        if website and not _WEBSITE.match(website):
            raise Invalid(code="invalid-website", message="A website starts with https:// or http://.", field="website")
        sectors: dict[str, str] = {}
        for sector in self.sectors:
            clean = _squash(sector)
            if not clean:
                raise Invalid(code="required", message="A sector cannot be empty.", field="sectors")
            sectors.setdefault(clean.casefold(), clean)
        return msgspec.structs.replace(
            self,
            name=name,
            organisation=_squash(self.organisation),
            job_title=_squash(self.job_title),
            sectors=list(sectors.values()),
            country=country,
            city=_squash(self.city),
            offers=self.offers.strip(),
            seeks=self.seeks.strip(),
            languages=languages,
            bio=self.bio.strip(),
            website=website,
        )


class NewMember(msgspec.Struct, frozen=True):
    """Someone to add to a mission in bulk (rooms.missions.ports.MembershipStore.add_members), profile and all."""

    email: str  # normalised (rooms.missions.people.normalise_email)
    profile: ProfileDraft  # validated
    role: Role
    side: Side | None


class Profile(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    organisation: str
    org_type: OrgType
    job_title: str
    sectors: list[str]
    country: str
    city: str
    offers: str
    seeks: str
    languages: list[str]
    bio: str
    website: str
    # The organisation record this profile links to (rooms.organisations), kept by the store that writes it.
    organisation_id: int | None = None


class DirectoryEntry(msgspec.Struct, frozen=True):
    """A profile as seen in one mission: with that mission's role and side."""

    profile: Profile
    role: Role
    side: Side | None


class DirectoryQuery(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    q: Annotated[str, msgspec.Meta(max_length=100)] = ""
    org_type: list[OrgType] = msgspec.field(default_factory=list)
    sector: Annotated[str, msgspec.Meta(max_length=60)] = ""
    country: Annotated[str, msgspec.Meta(max_length=2)] = ""
    side: Side | None = None
    page: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1
    page_size: Annotated[int, msgspec.Meta(ge=1, le=MAX_PAGE_SIZE)] = 24

    def terms(self) -> list[str]:
        """Free-text terms, case-folded; every term must match somewhere."""
        return [t.casefold() for t in self.q.split()][:8]


class Facet(msgspec.Struct, frozen=True):
    value: str
    count: int


class DirectoryPage(msgspec.Struct, frozen=True):
    entries: list[DirectoryEntry]
    total: int
    page: int
    page_size: int
    facets: dict[str, list[Facet]]


def search_text(profile: Profile) -> str:
    """What free-text search looks through: name, organisation, offers and seeks, case-folded."""
    return "\n".join((profile.name, profile.organisation, profile.offers, profile.seeks)).casefold()


def adopt_invitation(profile: Profile, invitation: Invitation) -> Profile:
    """What the organiser wrote in an invitation fills the blanks of the profile of whoever accepts it, but never
    overrides what the person said themselves."""
    return msgspec.structs.replace(
        profile,
        organisation=profile.organisation or invitation.organisation,
        org_type=invitation.org_type if profile.org_type is OrgType.OTHER and invitation.org_type else
        profile.org_type,
        sectors=profile.sectors or ([invitation.sector] if invitation.sector else []),
        languages=profile.languages or ([invitation.language] if invitation.language else []),
    )
