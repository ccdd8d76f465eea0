"""The LeadBook in memory, mixed into rooms.catalog.MemoryStore next to MemoryMeetings, whose leads it reads."""

from __future__ import annotations

import datetime as dt
import itertools

import msgspec

from rooms.leads.records import Contact, LeadEdit, LeadEntry, LeadStatus, ManualLead, Origin, StatusChange
from rooms.matchmaking.records import Lead, LeadSource, MeetingNotes


class _Track(msgspec.Struct):
    """What the owner added to a lead (absent: nothing yet)."""

    edit: LeadEdit
    changes: list[StatusChange]
    origin: Origin | None
    reminded_on: dt.date | None
    updated_at: dt.datetime


class MemoryLeads:
    # Provided by MemoryMeetings in the same store (rooms.catalog.MemoryStore).
    _leads: dict[int, Lead]
    _notes: dict[tuple[int, int], MeetingNotes]
    _next_lead_id: itertools.count[int]

    def __init__(self) -> None:
        super().__init__()
        self._tracks: dict[int, _Track] = {}
        self._targets: dict[tuple[int, int], int] = {}

    def _entry(self, lead: Lead) -> LeadEntry:
        track = self._tracks.get(lead.id)
        notes = self._notes.get((lead.meeting_id, lead.owner)) if lead.meeting_id is not None else None
        meeting_notes = notes.notes if notes is not None else ""
        if track is None:
            return LeadEntry(lead=lead, status=LeadStatus.NEW, changes=[], next_step_on=None, next_step_note="",
                             notes="", contact=Contact(), origin=None, meeting_notes=meeting_notes, reminded_on=None,
                             updated_at=lead.created_at)
        e = track.edit
        return LeadEntry(lead=lead, status=e.status, changes=list(track.changes), next_step_on=e.next_step_on,
                         next_step_note=e.next_step_note, notes=e.notes, contact=e.contact, origin=track.origin,
                         meeting_notes=meeting_notes, reminded_on=track.reminded_on, updated_at=track.updated_at)

    async def lead_entries(self, owner: int) -> list[LeadEntry]:
        mine = sorted((lead for lead in self._leads.values() if lead.owner == owner),
                      key=lambda lead: (lead.created_at, lead.id), reverse=True)
        return [self._entry(lead) for lead in mine]

    async def lead_entry(self, lead_id: int) -> LeadEntry | None:
        lead = self._leads.get(lead_id)
        return None if lead is None else self._entry(lead)

    async def add_manual_lead(self, owner: int, draft: ManualLead, now: dt.datetime) -> LeadEntry:
        lead = Lead(id=next(self._next_lead_id), mission_id=draft.mission_id, owner=owner, person=draft.person,
                    source=LeadSource.MANUAL, meeting_id=None, created_at=now)
        self._leads[lead.id] = lead
        self._tracks[lead.id] = _Track(LeadEdit(notes=draft.notes, contact=draft.contact), [], draft.origin, None,
                                       now)
        return self._entry(lead)

    async def edit_lead(self, lead_id: int, edit: LeadEdit, now: dt.datetime) -> LeadEntry | None:
        lead = self._leads.get(lead_id)
        if lead is None:
            return None
        old = self._entry(lead)
        changes = list(old.changes)
        if edit.status is not old.status:
            changes.append(StatusChange(edit.status, now))
        reminded = old.reminded_on if edit.next_step_on == old.next_step_on else None
        self._tracks[lead_id] = _Track(edit, changes, old.origin, reminded, now)
        return self._entry(lead)

    async def due_leads(self, on: dt.date) -> list[LeadEntry]:
        due = [e for e in map(self._entry, self._leads.values())
               if e.next_step_on is not None and e.next_step_on <= on and e.reminded_on != e.next_step_on]
        return sorted(due, key=lambda e: (e.next_step_on or on, e.lead.id))

    async def mark_reminded(self, lead_id: int, next_step_on: dt.date) -> bool:
        track = self._tracks.get(lead_id)
        if track is None or track.edit.next_step_on != next_step_on or track.reminded_on == next_step_on:
            return False
        track.reminded_on = next_step_on
        return True

    async def lead_targets(self, owner: int) -> dict[int, int]:
        return {mission: target for (who, mission), target in self._targets.items() if who == owner}

    async def set_lead_target(self, owner: int, mission_id: int, target: int) -> None:
        self._targets[owner, mission_id] = target
