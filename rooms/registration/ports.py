"""The registrations' port. `server/db/registration_sql.py` implements it in SQL, `rooms.registration.memory` in
memory.

Guarantees every implementation keeps (tests/contract/test_registration_contract.py proves them):
- one registration per (mission, e-mail): a second raises Conflict('already-registered') and writes nothing;
- a registration and its confirmation mail are written together or not at all, as are a decision, its
  invitation (on approval) and its mail;
- a registration is decided at most once, even under concurrent calls (the loser gets
  Invalid('registration-decided') and nothing it would have written is written).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from rooms.mail.outbox import MailDraft
from rooms.missions.people import InvitationDraft
from rooms.registration.records import Registration, RegistrationDraft, RegistrationSettings


class RegistrationStore(Protocol):
    async def registration_settings(self, mission_id: int) -> RegistrationSettings:
        """The mission's settings; closed (the default) when the organiser never set any."""
        ...

    async def set_registration_settings(self, mission_id: int, settings: RegistrationSettings) -> None: ...

    async def create_registration(self, mission_id: int, draft: RegistrationDraft, now: dt.datetime,
                                  mail: MailDraft) -> Registration:
        """Writes the registration and queues `mail` (ref_id the registration's id) in one transaction.
        Raises Conflict('already-registered') when the (normalised) e-mail registered for the mission before."""
        ...

    async def get_registration(self, registration_id: int) -> Registration | None: ...

    async def registrations(self, mission_id: int) -> list[Registration]:
        """A mission's registrations, newest first."""
        ...

    async def approve_registration(
        self, registration_id: int, invitation: InvitationDraft, decided_by: int, now: dt.datetime,
        expires_at: dt.datetime, mail: MailDraft,
    ) -> Registration:
        """Atomically: a pending registration becomes approved, an invitation is made from `invitation` (invited by
        `decided_by`) and its mail queued (ref_id the invitation's id). Raises Invalid('registration-decided')
        when it was decided already, NotFound('registration-not-found') when there is none."""
        ...

    async def reject_registration(self, registration_id: int, reason: str, decided_by: int, now: dt.datetime,
                                  mail: MailDraft) -> Registration:
        """Atomically: a pending registration becomes rejected with `reason`, and `mail` is queued (ref_id the
        registration's id). Raises as approve_registration."""
        ...
