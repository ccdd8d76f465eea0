"""What a registration is: the organiser's settings, the intake a registrant sends, and the record it becomes.

Pure data and validation; the public form is `RegistrationDraft`, checked field by field so the page can show
each error next to its field."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import msgspec

from rooms.core.cards import OrgType, Side
from rooms.core.errors import Invalid
from rooms.mail.templates import LANGUAGES
from rooms.missions.people import Email, Name, clean_name, normalise_email
from rooms.missions.profile import Profile, ProfileDraft

Short = Annotated[str, msgspec.Meta(max_length=120)]
Long = Annotated[str, msgspec.Meta(max_length=1000)]
SectorName = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]


class RegistrationStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the organiser
    APPROVED = "approved"  # an invitation was made (and mailed)
    REJECTED = "rejected"  # the registrant was told why


class RegistrationSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Whether the mission's public registration page takes registrations, and until which day (inclusive, in the
    mission's time zone; None: until the organiser switches it off)."""

    open: bool = False
    closes_on: dt.date | None = None

    def is_open(self, today: dt.date) -> bool:
        return self.open and (self.closes_on is None or today <= self.closes_on)


def _squash(value: str) -> str:
    return " ".join(value.split())


class RegistrationDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What someone sends on the public registration page."""

    name: Name
    email: Email
    organisation: Short
    side: Side
    country: Annotated[str, msgspec.Meta(max_length=2)]
    language: Annotated[str, msgspec.Meta(max_length=3)] = "en"
    org_type: OrgType = OrgType.OTHER
    registration_number: Annotated[str, msgspec.Meta(max_length=40)] = ""  # Chamber of Commerce (KvK) or other
    website: Annotated[str, msgspec.Meta(max_length=200)] = ""
    sectors: Annotated[list[SectorName], msgspec.Meta(max_length=10)] = msgspec.field(default_factory=list)
    offers: Long = ""
    seeks: Long = ""

    def validated(self, mission_sectors: list[str]) -> RegistrationDraft:
        organisation = _squash(self.organisation)
        if not organisation:
            raise Invalid(code="required", message="Your organisation is required.", field="organisation")
        language = self.language.strip().lower()
        if language not in LANGUAGES:
            raise Invalid(code="invalid-language", message="Choose en or nl.", field="language")
        # The profile's own rules for country and website (one wording of each error everywhere).
        profile = ProfileDraft(name=self.name, country=self.country, website=self.website).validated()
        if not profile.country:
            raise Invalid(code="required", message="Your country is required.", field="country")
        known = {s.casefold(): s for s in mission_sectors}
        sectors: list[str] = []
        for raw in self.sectors:
            clean = _squash(raw)
            if known and clean.casefold() not in known:
                raise Invalid(code="unknown-sector", message=f"“{clean}” is not one of the mission's sectors.",
                              field="sectors")
            chosen = known.get(clean.casefold(), clean)
            if chosen and chosen not in sectors:
                sectors.append(chosen)
        return msgspec.structs.replace(
            self, name=clean_name(self.name), email=normalise_email(self.email), organisation=organisation,
            country=profile.country, website=profile.website, language=language, sectors=sectors,
            registration_number=_squash(self.registration_number), offers=self.offers.strip(),
            seeks=self.seeks.strip())


class Registration(msgspec.Struct, frozen=True):
    id: int
    mission_id: int
    draft: RegistrationDraft
    status: RegistrationStatus
    created_at: dt.datetime
    reason: str = ""  # why it was rejected (the registrant reads it)
    decided_at: dt.datetime | None = None
    decided_by: int | None = None
    invitation_id: int | None = None  # the invitation an approval made


class Rejection(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=1000)]

    def validated(self) -> Rejection:
        reason = self.reason.strip()
        if not reason:
            raise Invalid(code="reason-required", message="Say why, in a sentence the registrant will read.",
                          field="reason")
        return Rejection(reason)


def adopt_registration(profile: Profile, registration: Registration) -> Profile:
    """What someone said when registering fills the blanks of their profile when they accept the invitation
    its approval made — as an invitation's own fields do (rooms.missions.profile.adopt_invitation): never over
    what the person wrote in their profile themselves."""
    d = registration.draft
    return msgspec.structs.replace(
        profile,
        organisation=profile.organisation or d.organisation,
        org_type=d.org_type if profile.org_type is OrgType.OTHER else profile.org_type,
        sectors=profile.sectors or list(d.sectors),
        country=profile.country or d.country,
        website=profile.website or d.website,
        offers=profile.offers or d.offers,
        seeks=profile.seeks or d.seeks,
        languages=profile.languages or [d.language],
    )
