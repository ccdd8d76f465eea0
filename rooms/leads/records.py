"""Lead workspace records: the pipeline status, the owner's contact details and notes, the next step."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import msgspec

from rooms.matchmaking.records import Lead

DEFAULT_TARGET = 30  # "zeker dertig leads": the target per mission until the person sets their own
MAX_TARGET = 10_000
MAX_NOTES = 4000
MAX_LINE = 200

Line = Annotated[str, msgspec.Meta(max_length=MAX_LINE)]
Notes = Annotated[str, msgspec.Meta(max_length=MAX_NOTES)]


class LeadStatus(enum.StrEnum):
    """The pipeline, in order. Any status may follow any other (people correct mistakes); each change is kept."""

    NEW = "new"
    CONTACTED = "contacted"
    IN_DISCUSSION = "in-discussion"
    PROPOSAL = "proposal"
    WON = "won"
    NOT_RELEVANT = "not-relevant"


class Origin(enum.StrEnum):
    """Where a lead added by hand was met."""

    COMPANY_VISIT = "company-visit"
    BUSINESS_CARD = "business-card"
    OTHER = "other"


class Contact(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What the owner wrote down about the person: for a lead added by hand all there is, for a platform user's
    lead what the owner adds to the card (an e-mail address from a business card, a phone number)."""

    name: Line = ""
    organisation: Line = ""
    email: Line = ""
    phone: Annotated[str, msgspec.Meta(max_length=60)] = ""


class StatusChange(msgspec.Struct, frozen=True):
    status: LeadStatus
    at: dt.datetime


class LeadEdit(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The owner's whole editable state of a lead (sent in full: what is left out is cleared)."""

    status: LeadStatus = LeadStatus.NEW
    next_step_on: dt.date | None = None
    next_step_note: Line = ""
    notes: Notes = ""
    contact: Contact = msgspec.field(default_factory=Contact)


class ManualLead(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A lead added by hand: met at a company visit, from a business card. `person` when they are on the platform."""

    mission_id: int
    contact: Contact
    origin: Origin = Origin.OTHER
    person: int | None = None
    notes: Notes = ""


class LeadEntry(msgspec.Struct, frozen=True):
    """A lead with the owner's workspace around it."""

    lead: Lead
    status: LeadStatus
    changes: list[StatusChange]  # oldest first; empty while still new
    next_step_on: dt.date | None
    next_step_note: str
    notes: str
    contact: Contact
    origin: Origin | None  # leads added by hand only
    meeting_notes: str  # the owner's private notes of the held meeting the lead came from
    reminded_on: dt.date | None  # the next-step date a reminder was sent for
    updated_at: dt.datetime


def counts_towards_target(entry: LeadEntry) -> bool:
    """Every lead counts except one the owner marked not relevant."""
    return entry.status is not LeadStatus.NOT_RELEVANT
