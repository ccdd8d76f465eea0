"""The LeadBook port in SQL (rooms/leads/ports.py): the workspace columns of `leads`, their status changes and
the owners' targets (migration 0013)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.leads.records import Contact, LeadEdit, LeadEntry, LeadStatus, ManualLead, Origin, StatusChange
from rooms.matchmaking.records import Lead, LeadSource
from server.db.meetings_sql import _Sessions
from server.db.models import LeadRow, LeadStatusChangeRow, LeadTargetRow, MeetingNotesRow

_NOTES = MeetingNotesRow.notes.label("meeting_notes")


def _entries_query() -> Any:
    return (select(LeadRow, _NOTES)
            .outerjoin(MeetingNotesRow, and_(MeetingNotesRow.meeting_id == LeadRow.meeting_id,
                                             MeetingNotesRow.user_id == LeadRow.owner)))


async def _entries(s: AsyncSession, query: Any) -> list[LeadEntry]:
    found = (await s.execute(query)).all()
    ids = [row.id for row, _ in found]
    changes: dict[int, list[StatusChange]] = {}
    if ids:
        rows = await s.execute(select(LeadStatusChangeRow).where(LeadStatusChangeRow.lead_id.in_(ids))
                               .order_by(LeadStatusChangeRow.at, LeadStatusChangeRow.id))
        for c in rows.scalars():
            changes.setdefault(c.lead_id, []).append(StatusChange(LeadStatus(c.status), c.at))
    return [_entry(row, notes or "", changes.get(row.id, [])) for row, notes in found]


def _entry(row: LeadRow, meeting_notes: str, changes: list[StatusChange]) -> LeadEntry:
    lead = Lead(id=row.id, mission_id=row.mission_id, owner=row.owner, person=row.person,
                source=LeadSource(row.source), meeting_id=row.meeting_id, created_at=row.created_at)
    contact = Contact(name=row.contact_name, organisation=row.contact_organisation, email=row.contact_email,
                      phone=row.contact_phone)
    return LeadEntry(lead=lead, status=LeadStatus(row.status), changes=changes, next_step_on=row.next_step_on,
                     next_step_note=row.next_step_note, notes=row.notes, contact=contact,
                     origin=None if row.origin is None else Origin(row.origin), meeting_notes=meeting_notes,
                     reminded_on=row.reminded_on, updated_at=row.updated_at or row.created_at)


def _edited(edit: LeadEdit) -> dict[str, Any]:
    c = edit.contact
    return {"status": edit.status.value, "next_step_on": edit.next_step_on, "next_step_note": edit.next_step_note,
            "notes": edit.notes, "contact_name": c.name, "contact_organisation": c.organisation,
            "contact_email": c.email, "contact_phone": c.phone}


_NEWEST = (LeadRow.created_at.desc(), LeadRow.id.desc())


class SqlLeads:
    """Mixed into SqlStore, which provides the sessions."""

    async def lead_entries(self: _Sessions, owner: int) -> list[LeadEntry]:
        async with self._read() as s:
            return await _entries(s, _entries_query().where(LeadRow.owner == owner).order_by(*_NEWEST))

    async def lead_entry(self: _Sessions, lead_id: int) -> LeadEntry | None:
        async with self._read() as s:
            found = await _entries(s, _entries_query().where(LeadRow.id == lead_id))
            return found[0] if found else None

    async def add_manual_lead(self: _Sessions, owner: int, draft: ManualLead, now: dt.datetime) -> LeadEntry:
        async with self._write() as s:
            row = LeadRow(mission_id=draft.mission_id, owner=owner, person=draft.person,
                          source=LeadSource.MANUAL.value, meeting_id=None, meeting_key=0, created_at=now,
                          origin=draft.origin.value, updated_at=now,
                          **_edited(LeadEdit(notes=draft.notes, contact=draft.contact)))
            s.add(row)
            await s.flush()
            return _entry(row, "", [])

    async def edit_lead(self: _Sessions, lead_id: int, edit: LeadEdit, now: dt.datetime) -> LeadEntry | None:
        async with self._write() as s:
            row = (await s.execute(select(LeadRow).where(LeadRow.id == lead_id).with_for_update())).scalar()
            if row is None:
                return None
            if row.status != edit.status.value:
                await s.execute(insert(LeadStatusChangeRow), [{"lead_id": lead_id, "status": edit.status.value,
                                                               "at": now}])
            if row.next_step_on != edit.next_step_on:
                row.reminded_on = None  # a new date is reminded of again
            for name, value in _edited(edit).items():
                setattr(row, name, value)
            row.updated_at = now
            await s.flush()
            found = await _entries(s, _entries_query().where(LeadRow.id == lead_id))
            return found[0]

    async def due_leads(self: _Sessions, on: dt.date) -> list[LeadEntry]:
        async with self._read() as s:
            remindable = (LeadRow.reminded_on.is_(None)) | (LeadRow.reminded_on != LeadRow.next_step_on)
            return await _entries(s, _entries_query().where(LeadRow.next_step_on <= on, remindable)
                                  .order_by(LeadRow.next_step_on, LeadRow.id))

    async def mark_reminded(self: _Sessions, lead_id: int, next_step_on: dt.date) -> bool:
        async with self._write() as s:
            # One conditional UPDATE: of several nodes racing, one changes the row.
            done = await s.execute(update(LeadRow).where(
                LeadRow.id == lead_id, LeadRow.next_step_on == next_step_on,
                (LeadRow.reminded_on.is_(None)) | (LeadRow.reminded_on != next_step_on))
                .values(reminded_on=next_step_on))
            return bool(getattr(done, "rowcount", 0))

    async def lead_targets(self: _Sessions, owner: int) -> dict[int, int]:
        async with self._read() as s:
            rows = await s.execute(select(LeadTargetRow).where(LeadTargetRow.owner == owner))
            return {r.mission_id: r.target for r in rows.scalars()}

    async def set_lead_target(self: _Sessions, owner: int, mission_id: int, target: int) -> None:
        async with self._write() as s:
            await s.execute(delete(LeadTargetRow).where(LeadTargetRow.owner == owner,
                                                        LeadTargetRow.mission_id == mission_id))
            await s.execute(insert(LeadTargetRow), [{"owner": owner, "mission_id": mission_id, "target": target}])

