"""Registrations in memory, mixed into rooms.catalog.MemoryStore (no method suspends, so each is atomic)."""

from __future__ import annotations

import datetime as dt
import itertools

import msgspec

from rooms.core.errors import Conflict, Invalid, NotFound
from rooms.mail.outbox import MailDraft
from rooms.missions.memory import MemoryMissions
from rooms.missions.people import InvitationDraft, Membership, User
from rooms.registration.records import (
    Registration,
    RegistrationDraft,
    RegistrationSettings,
    RegistrationStatus,
    adopt_registration,
)


class MemoryRegistrations(MemoryMissions):
    def __init__(self) -> None:
        super().__init__()
        self._registration_settings: dict[int, RegistrationSettings] = {}
        self._registrations: dict[int, Registration] = {}
        self._next_registration_id = itertools.count(1)

    async def registration_settings(self, mission_id: int) -> RegistrationSettings:
        return self._registration_settings.get(mission_id, RegistrationSettings())

    async def set_registration_settings(self, mission_id: int, settings: RegistrationSettings) -> None:
        if await self.get_mission(mission_id) is None:
            raise NotFound(code="mission-not-found", message="Mission not found.")
        self._registration_settings[mission_id] = settings

    async def create_registration(self, mission_id: int, draft: RegistrationDraft, now: dt.datetime,
                                  mail: MailDraft) -> Registration:
        if any(r.mission_id == mission_id and r.draft.email == draft.email for r in self._registrations.values()):
            raise Conflict(code="already-registered", message="This address registered for the mission already.")
        made = Registration(id=next(self._next_registration_id), mission_id=mission_id, draft=draft,
                            status=RegistrationStatus.PENDING, created_at=now)
        self._registrations[made.id] = made
        self._add_mail(mail, now, made.id)
        return made

    async def get_registration(self, registration_id: int) -> Registration | None:
        return self._registrations.get(registration_id)

    async def registrations(self, mission_id: int) -> list[Registration]:
        found = [r for r in self._registrations.values() if r.mission_id == mission_id]
        return sorted(found, key=lambda r: (r.created_at, r.id), reverse=True)

    def _undecided(self, registration_id: int) -> Registration:
        found = self._registrations.get(registration_id)
        if found is None:
            raise NotFound(code="registration-not-found", message="Registration not found.")
        if found.status is not RegistrationStatus.PENDING:
            raise Invalid(code="registration-decided", message=f"This registration was {found.status} already.")
        return found

    async def approve_registration(
        self, registration_id: int, invitation: InvitationDraft, decided_by: int, now: dt.datetime,
        expires_at: dt.datetime, mail: MailDraft,
    ) -> Registration:
        found = self._undecided(registration_id)
        made = await self.create_invitation(found.mission_id, invitation, decided_by, now, expires_at, mail)
        decided = msgspec.structs.replace(found, status=RegistrationStatus.APPROVED, decided_at=now,
                                          decided_by=decided_by, invitation_id=made.id)
        self._registrations[registration_id] = decided
        return decided

    async def reject_registration(self, registration_id: int, reason: str, decided_by: int, now: dt.datetime,
                                  mail: MailDraft) -> Registration:
        found = self._undecided(registration_id)
        decided = msgspec.structs.replace(found, status=RegistrationStatus.REJECTED, decided_at=now,
                                          decided_by=decided_by, reason=reason)
        self._registrations[registration_id] = decided
        self._add_mail(mail, now, registration_id)
        return decided

    async def accept_invitation(
        self, invitation_id: int, now: dt.datetime, name: str, password_hash: str | None
    ) -> tuple[User, Membership]:
        """As the missions' store, and the intake of the registration that made the invitation fills the blanks
        of the profile (no await between the two: one step)."""
        user, membership = await super().accept_invitation(invitation_id, now, name, password_hash)
        for r in self._registrations.values():
            if r.invitation_id == invitation_id:
                # Linked again: the intake may have filled the organisation, its country and registration number.
                before = self._profiles[user.id]
                self._link(before, adopt_registration(before, r), r.draft.registration_number)
        return user, membership
