"""Registration use cases: the public page and form (no account needed), the organiser's settings and queue.

The public answer to a registration is the same whether the address registered before or not (the mail it gets
says which), and nothing here looks at accounts: the form reveals nothing about who has one."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import msgspec

from rooms.core.clock import Clock
from rooms.core.errors import Conflict, Invalid, NotFound
from rooms.core.timezones import local_date, zone
from rooms.mail.drafts import invitation_mail
from rooms.mail.ports import OutboxStore
from rooms.missions.mission import Mission
from rooms.missions.people import InvitationDraft, Role, User
from rooms.missions.ports import MembershipStore, MissionStore, ProfileStore, UserStore
from rooms.missions.service import INVITATION_TTL
from rooms.policy import Action, Actor, require
from rooms.registration.mails import registration_mail
from rooms.registration.ports import RegistrationStore
from rooms.registration.records import (
    Registration,
    RegistrationDraft,
    RegistrationSettings,
    RegistrationStatus,
    Rejection,
)


class RegistrationServiceStore(RegistrationStore, MissionStore, MembershipStore, UserStore, ProfileStore,
                               OutboxStore, Protocol):
    """What the registration use cases use of the store."""


class RegistrationPage(msgspec.Struct, frozen=True):
    """What the public page shows: the mission, who organises it, whether it takes registrations now."""

    mission_id: int
    title: str
    destination: str
    start_date: dt.date
    end_date: dt.date
    organiser: str
    sectors: list[str]
    open: bool
    closes_on: dt.date | None


_CLOSED = "This mission takes no registrations."


class RegistrationService:
    def __init__(self, store: RegistrationServiceStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # -- public ----------------------------------------------------------------------------------------------

    async def _public(self, mission_id: int) -> tuple[Mission, RegistrationSettings, bool]:
        """A mission whose organiser switched registration on (else, unknown or off alike: registration-closed,
        so the page tells nothing about missions that never opened it)."""
        mission = await self._store.get_mission(mission_id)
        settings = await self._store.registration_settings(mission_id)
        if mission is None or not settings.open:
            raise NotFound(code="registration-closed", message=_CLOSED)
        today = local_date(self._clock.now(), zone(mission.timezone))
        return mission, settings, settings.is_open(today)

    async def page(self, mission_id: int) -> RegistrationPage:
        mission, settings, is_open = await self._public(mission_id)
        organiser = await self._store.get_user(mission.created_by)
        return RegistrationPage(
            mission_id=mission.id, title=mission.title, destination=mission.destination,
            start_date=mission.start_date, end_date=mission.end_date,
            organiser=organiser.name if organiser else "", sectors=list(mission.sectors), open=is_open,
            closes_on=settings.closes_on)

    async def register(self, mission_id: int, draft: RegistrationDraft) -> None:
        """Records the registration with its confirmation mail; a second one for the address records nothing
        and queues a mail saying so. The caller answers both alike."""
        mission, _, is_open = await self._public(mission_id)
        if not is_open:
            raise Invalid(code="registration-closed", message="Registration for this mission has closed.")
        clean = draft.validated(mission.sectors)
        organiser = await self._store.get_user(mission.created_by)
        now = self._clock.now()
        try:
            await self._store.create_registration(
                mission_id, clean, now, registration_mail("registration-received", clean, mission, organiser))
        except Conflict:
            await self._store.enqueue_mail(registration_mail("registration-again", clean, mission, organiser), now)

    # -- the organiser ---------------------------------------------------------------------------------------

    async def _require(self, user: User, mission_id: int) -> Mission:
        mission = await self._store.get_mission(mission_id)
        if mission is None:
            raise NotFound(code="mission-not-found", message="Mission not found.")
        require(Actor(user, await self._store.get_membership(mission_id, user.id)), Action.MANAGE_REGISTRATIONS)
        return mission

    async def settings(self, user: User, mission_id: int) -> RegistrationSettings:
        await self._require(user, mission_id)
        return await self._store.registration_settings(mission_id)

    async def set_settings(self, user: User, mission_id: int, settings: RegistrationSettings) -> RegistrationSettings:
        await self._require(user, mission_id)
        await self._store.set_registration_settings(mission_id, settings)
        return settings

    async def queue(self, user: User, mission_id: int) -> list[Registration]:
        """Every registration of the mission, newest first (the page splits pending from decided)."""
        await self._require(user, mission_id)
        return await self._store.registrations(mission_id)

    async def _registration(self, mission_id: int, registration_id: int) -> Registration:
        found = await self._store.get_registration(registration_id)
        if found is None or found.mission_id != mission_id:
            raise NotFound(code="registration-not-found", message="Registration not found.")
        if found.status is not RegistrationStatus.PENDING:
            raise Invalid(code="registration-decided", message=f"This registration was {found.status} already.")
        return found

    async def approve(self, user: User, mission_id: int, registration_id: int) -> Registration:
        """Invites the registrant (the mission's invitation and its mail): they become a member on accepting,
        with their intake filling the blanks of their profile as an invitation's roster columns do."""
        mission = await self._require(user, mission_id)
        found = await self._registration(mission_id, registration_id)
        d = found.draft
        existing = await self._store.get_user_by_email(d.email)
        if existing is not None and await self._store.get_membership(mission_id, existing.id) is not None:
            raise Invalid(code="already-member", message="This person already takes part in the mission.")
        invitation = InvitationDraft(email=d.email, name=d.name, role=Role.PARTICIPANT, side=d.side,
                                     organisation=d.organisation, org_type=d.org_type,
                                     sector=d.sectors[0] if d.sectors else "", language=d.language).validated()
        now = self._clock.now()
        expires = now + INVITATION_TTL
        profile = None if existing is None else await self._store.get_profile(existing.id)
        mail = invitation_mail(invitation, mission, user, profile, expires)
        return await self._store.approve_registration(registration_id, invitation, user.id, now, expires, mail)

    async def reject(self, user: User, mission_id: int, registration_id: int, rejection: Rejection) -> Registration:
        mission = await self._require(user, mission_id)
        found = await self._registration(mission_id, registration_id)
        reason = rejection.validated().reason
        mail = registration_mail("registration-rejected", found.draft, mission, user, reason)
        return await self._store.reject_registration(registration_id, reason, user.id, self._clock.now(), mail)
