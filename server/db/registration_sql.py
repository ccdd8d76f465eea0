"""The RegistrationStore port in SQL: one row per registration, its mails through `add_mail` in the same
transaction (server/db/outbox_sql.py)."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.core.cards import OrgType, Side
from rooms.core.errors import Conflict, Invalid, NotFound
from rooms.mail.outbox import MailDraft
from rooms.missions.people import InvitationDraft
from rooms.missions.profile import Profile
from rooms.registration.records import (
    Registration,
    RegistrationDraft,
    RegistrationSettings,
    RegistrationStatus,
    adopt_registration,
)
from server.db.models import InvitationRow, MissionRow, RegistrationRow, RegistrationSettingsRow
from server.db.outbox_sql import add_mail


class _Sessions(Protocol):
    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


def _registration(row: RegistrationRow) -> Registration:
    draft = RegistrationDraft(
        name=row.name, email=row.email, organisation=row.organisation, side=Side(row.side), country=row.country,
        language=row.language, org_type=OrgType(row.org_type), registration_number=row.registration_number,
        website=row.website, sectors=list(row.sectors), offers=row.offers, seeks=row.seeks)
    return Registration(id=row.id, mission_id=row.mission_id, draft=draft, status=RegistrationStatus(row.status),
                        created_at=row.created_at, reason=row.reason, decided_at=row.decided_at,
                        decided_by=row.decided_by, invitation_id=row.invitation_id)


async def _decide(s: AsyncSession, registration_id: int, status: RegistrationStatus, decided_by: int,
                  now: dt.datetime, reason: str = "") -> RegistrationRow:
    """Marks a pending registration decided; of racing deciders one matches the row, the others raise (and their
    transaction, with whatever it would have written, rolls back)."""
    done = await s.execute(
        update(RegistrationRow)
        .where(RegistrationRow.id == registration_id, RegistrationRow.status == RegistrationStatus.PENDING.value)
        .values(status=status.value, decided_at=now, decided_by=decided_by, reason=reason))
    row = await s.get(RegistrationRow, registration_id)
    if row is None:
        raise NotFound(code="registration-not-found", message="Registration not found.")
    assert isinstance(done, CursorResult)
    if done.rowcount != 1:
        raise Invalid(code="registration-decided", message=f"This registration was {row.status} already.")
    await s.refresh(row)
    return row


async def with_registration(s: AsyncSession, invitation_id: int, profile: Profile) -> tuple[Profile, str]:
    """The profile of whoever accepts an invitation, its blanks filled by the registration whose approval made
    the invitation (if one did), and the registration number it gave (for the organisation): called in
    accept_invitation's transaction."""
    found = (await s.execute(select(RegistrationRow).where(RegistrationRow.invitation_id == invitation_id))
             ).scalar_one_or_none()
    if found is None:
        return profile, ""
    return adopt_registration(profile, _registration(found)), found.registration_number


class SqlRegistrations:
    """Mixed into SqlStore, which provides the sessions."""

    async def registration_settings(self: _Sessions, mission_id: int) -> RegistrationSettings:
        async with self._read() as s:
            row = await s.get(RegistrationSettingsRow, mission_id)
            return RegistrationSettings() if row is None else RegistrationSettings(row.open, row.closes_on)

    async def set_registration_settings(self: _Sessions, mission_id: int, settings: RegistrationSettings) -> None:
        async with self._write() as s:
            if await s.get(MissionRow, mission_id) is None:
                raise NotFound(code="mission-not-found", message="Mission not found.")
            row = await s.get(RegistrationSettingsRow, mission_id)
            if row is None:
                s.add(RegistrationSettingsRow(mission_id=mission_id, open=settings.open,
                                              closes_on=settings.closes_on))
            else:
                row.open, row.closes_on = settings.open, settings.closes_on

    async def create_registration(self: _Sessions, mission_id: int, draft: RegistrationDraft, now: dt.datetime,
                                  mail: MailDraft) -> Registration:
        try:
            async with self._write() as s:
                row = RegistrationRow(
                    mission_id=mission_id, email=draft.email, name=draft.name, organisation=draft.organisation,
                    side=draft.side.value, country=draft.country, language=draft.language,
                    org_type=draft.org_type.value, registration_number=draft.registration_number,
                    website=draft.website, sectors=list(draft.sectors), offers=draft.offers, seeks=draft.seeks,
                    status=RegistrationStatus.PENDING.value, reason="", created_at=now)
                s.add(row)
                await s.flush()  # the unique (mission, e-mail) speaks here, before the mail is queued
                add_mail(s, mail, now, row.id)
                return _registration(row)
        except IntegrityError as exc:
            raise Conflict(code="already-registered",
                           message="This address registered for the mission already.") from exc

    async def get_registration(self: _Sessions, registration_id: int) -> Registration | None:
        async with self._read() as s:
            row = await s.get(RegistrationRow, registration_id)
            return None if row is None else _registration(row)

    async def registrations(self: _Sessions, mission_id: int) -> list[Registration]:
        async with self._read() as s:
            found = await s.execute(select(RegistrationRow).where(RegistrationRow.mission_id == mission_id)
                                    .order_by(RegistrationRow.created_at.desc(), RegistrationRow.id.desc()))
            return [_registration(r) for r in found.scalars()]

    async def approve_registration(
        self: _Sessions, registration_id: int, invitation: InvitationDraft, decided_by: int, now: dt.datetime,
        expires_at: dt.datetime, mail: MailDraft,
    ) -> Registration:
        async with self._write() as s:
            row = await _decide(s, registration_id, RegistrationStatus.APPROVED, decided_by, now)
            d = invitation
            made = InvitationRow(
                mission_id=row.mission_id, email=d.email, name=d.name, role=d.role.value,
                side=None if d.side is None else d.side.value, organisation=d.organisation, invited_by=decided_by,
                created_at=now, expires_at=expires_at, org_type=None if d.org_type is None else d.org_type.value,
                sector=d.sector, language=d.language)
            s.add(made)
            await s.flush()
            add_mail(s, mail, now, made.id)
            row.invitation_id = made.id
            await s.flush()
            return _registration(row)

    async def reject_registration(self: _Sessions, registration_id: int, reason: str, decided_by: int,
                                  now: dt.datetime, mail: MailDraft) -> Registration:
        async with self._write() as s:
            row = await _decide(s, registration_id, RegistrationStatus.REJECTED, decided_by, now, reason)
            add_mail(s, mail, now, registration_id)
            await s.flush()
            return _registration(row)
