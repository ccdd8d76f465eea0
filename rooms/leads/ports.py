"""The LeadBook port: the owner's workspace around each lead (status, next step, notes, contact), leads added by
hand, and targets per mission. `rooms.leads.memory` implements it in memory, `server/db/leads_sql.py` in SQL; both
over the same leads the matchmaking and lounge contexts make (MeetingStore.add_lead).

Guarantees (tests/contract/test_leads_contract.py, every implementation):
- a lead nobody edited yet reads as status `new` with the contact empty;
- every change of status is kept with its time, oldest first; saving the same status again adds none;
- changing the next-step date clears `reminded_on`, so the new date is reminded of again;
- `mark_reminded` succeeds once per lead and next-step date, however many nodes call it at once;
- lists come back newest lead first (created_at, then id).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from rooms.leads.records import LeadEdit, LeadEntry, ManualLead
from rooms.matchmaking.records import Lead, LeadSource


class LeadBook(Protocol):
    async def lead_entries(self, owner: int) -> list[LeadEntry]:
        """Every lead the person owns, of every mission, newest first."""
        ...

    async def lead_entry(self, lead_id: int) -> LeadEntry | None:
        """One lead, whoever owns it (the service checks the owner)."""
        ...

    async def add_manual_lead(self, owner: int, draft: ManualLead, now: dt.datetime) -> LeadEntry: ...

    async def edit_lead(self, lead_id: int, edit: LeadEdit, now: dt.datetime) -> LeadEntry | None:
        """Saves the owner's state; a new status is appended to the changes. None when the lead is gone."""
        ...

    async def due_leads(self, on: dt.date) -> list[LeadEntry]:
        """Leads whose next step is due on or before `on` and not reminded of for that date, oldest date first."""
        ...

    async def mark_reminded(self, lead_id: int, next_step_on: dt.date) -> bool:
        """True for the one call that marks the lead reminded of this next-step date (False: done already, or
        the date changed since)."""
        ...

    async def lead_targets(self, owner: int) -> dict[int, int]:
        """The targets the person set, by mission id (a mission absent has the default)."""
        ...

    async def set_lead_target(self, owner: int, mission_id: int, target: int) -> None: ...


class LeadMaker(Protocol):
    """What a context that makes leads needs (the webinar's stage and Q&A): MeetingStore.add_lead."""

    async def add_lead(self, mission_id: int, owner: int, person: int, source: LeadSource,
                       meeting_id: int | None, now: dt.datetime) -> Lead:
        """Idempotent per (owner, person, source, meeting)."""
        ...
