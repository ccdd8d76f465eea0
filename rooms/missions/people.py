"""People, their roles in a mission, and invitations."""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Annotated

import msgspec

from rooms.core.cards import OrgType, Side
from rooms.core.errors import Invalid
from rooms.mail.templates import LANGUAGES

# Ids are positive and fit a 32-bit SQL INTEGER on every backend.
MAX_ID = 2**31 - 1
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
Password = Annotated[str, msgspec.Meta(min_length=10, max_length=200)]

# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is proven by the link itself.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(value: str, field: str = "email") -> str:
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise Invalid(code="invalid-email", message="This is not a valid e-mail address.", field=field)
    return email


def clean_name(value: str, field: str = "name") -> str:
    name = " ".join(value.split())
    if not name:
        raise Invalid(code="required", message="A name is required.", field=field)
    return name


class Role(enum.StrEnum):
    """A person's role in one mission. Ordered from most to least powerful."""

    ORGANISER = "organiser"
    HOST = "host"
    MODERATOR = "moderator"
    SPEAKER = "speaker"
    VIP = "vip"  # a minister or dignitary: shown as such; who may ask them for a meeting is the organisers' call
    PARTICIPANT = "participant"


class ItemRole(enum.StrEnum):
    """A role granted for one programme item (a webinar) on top of the mission role."""

    HOST = "host"
    MODERATOR = "moderator"
    SPEAKER = "speaker"


class User(msgspec.Struct, frozen=True):
    id: int
    email: str
    name: str
    can_create_missions: bool
    has_password: bool
    created_at: dt.datetime


class Membership(msgspec.Struct, frozen=True):
    mission_id: int
    user_id: int
    role: Role
    side: Side | None


class Sender(msgspec.Struct, frozen=True):
    """What a chat message needs to know of its author, read at once: whether the mission exists, the author's
    membership in it, and the organisation their messages are signed with."""

    mission_found: bool
    membership: Membership | None
    organisation: str


class Suspension(msgspec.Struct, frozen=True):
    """A member an organiser suspended: no member while suspended; reinstating gives back this role and side."""

    mission_id: int
    user_id: int
    name: str
    role: Role
    side: Side | None
    suspended_at: dt.datetime


class InvitationDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    email: Email
    name: Name
    role: Role = Role.PARTICIPANT
    side: Side | None = None
    organisation: Annotated[str, msgspec.Meta(max_length=120)] = ""
    # What a roster (rooms.missions.roster) may say besides; each fills a blank of the profile on acceptance.
    org_type: OrgType | None = None
    sector: Annotated[str, msgspec.Meta(max_length=60)] = ""
    language: Annotated[str, msgspec.Meta(max_length=3)] = ""  # the mail's language (en | nl); blank: en

    def validated(self) -> InvitationDraft:
        side = self.side
        if self.role is Role.PARTICIPANT and side is None:
            raise Invalid(code="side-required", message="A participant is on a side: delegation or partner.",
                          field="side")
        language = self.language.strip().lower()
        if language and language not in LANGUAGES:
            raise Invalid(code="invalid-language", message="Mail is written in en or nl.", field="language")
        return msgspec.structs.replace(
            self,
            language=language,
            sector=" ".join(self.sector.split()),
            email=normalise_email(self.email),
            name=clean_name(self.name),
            organisation=" ".join(self.organisation.split()),
        )


class Invitation(msgspec.Struct, frozen=True):
    id: int
    mission_id: int
    email: str
    name: str
    role: Role
    side: Side | None
    organisation: str
    invited_by: int
    created_at: dt.datetime
    expires_at: dt.datetime
    accepted_at: dt.datetime | None
    accepted_by: int | None
    org_type: OrgType | None = None
    sector: str = ""
    language: str = ""
    opened_at: dt.datetime | None = None  # when its link was first opened (the invitation page peeked at it)
    revoked_at: dt.datetime | None = None  # an organiser withdrew it: its link no longer works

    def status(self, now: dt.datetime) -> str:
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if now >= self.expires_at else "pending"
