"""Registration's store methods on every store (memory, SQLite, PostgreSQL): settings, one registration per address
with its mail, and decisions made once with what they cause (rooms/registration/ports.py)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from rooms.catalog import Store
from rooms.core.cards import OrgType, Side
from rooms.core.errors import Conflict, Invalid, NotFound
from rooms.mail.outbox import MailDraft
from rooms.missions.mission import Mission, MissionDraft
from rooms.missions.people import InvitationDraft, Role, User
from rooms.registration.records import RegistrationDraft, RegistrationSettings, RegistrationStatus

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=14)


async def _mission(store: Store) -> tuple[User, Mission]:
    owner = await store.create_user("org@example.org", "Olga Organiser", NOW, can_create_missions=True)
    mission = await store.create_mission(MissionDraft(
        title="EV charging to Boston", destination="Boston", timezone="America/New_York",
        start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12), sectors=["Water"]).validated(), owner.id, NOW)
    return owner, mission


def _draft(n: int = 1) -> RegistrationDraft:
    return RegistrationDraft(name=f"Reg {n}", email=f"r{n}@example.org", organisation="Acme BV", side=Side.DELEGATION,
                             country="NL", language="nl", org_type=OrgType.SME, registration_number="12345678",
                             website="https://acme.example", sectors=["Water"], offers="Pumps", seeks="Buyers")


def _invitation() -> InvitationDraft:
    return InvitationDraft(email="r1@example.org", name="Reg 1", role=Role.PARTICIPANT, side=Side.DELEGATION,
                           organisation="Acme BV", org_type=OrgType.SME, sector="Water", language="nl")


def _mail(template: str, to: str, mission_id: int) -> MailDraft:
    return MailDraft(template=template, to_addr=to, to_name="Reg", lang="nl", sender_name="Olga (EV)",
                     mission_id=mission_id)


async def test_settings_default_to_closed_and_are_kept(store: Store) -> None:
    _, mission = await _mission(store)
    assert await store.registration_settings(mission.id) == RegistrationSettings()
    chosen = RegistrationSettings(open=True, closes_on=dt.date(2027, 3, 1))
    await store.set_registration_settings(mission.id, chosen)
    assert await store.registration_settings(mission.id) == chosen
    await store.set_registration_settings(mission.id, RegistrationSettings(open=False))
    assert await store.registration_settings(mission.id) == RegistrationSettings(open=False)
    with pytest.raises(NotFound):
        await store.set_registration_settings(999_999, chosen)


async def test_a_registration_comes_with_its_mail_and_only_once_per_address(store: Store) -> None:
    _, mission = await _mission(store)
    made = await store.create_registration(mission.id, _draft(), NOW, _mail("registration-received", "r1@example.org",
                                                                              mission.id))
    assert made.draft == _draft() and made.status is RegistrationStatus.PENDING
    assert await store.get_registration(made.id) == made
    with pytest.raises(Conflict):
        await store.create_registration(mission.id, _draft(), NOW, _mail("registration-received", "r1@example.org",
                                                                          mission.id))
    mails = await store.outbox(mission.id)
    assert [(m.draft.template, m.draft.ref_id) for m in mails] == [("registration-received", made.id)]
    second = await store.create_registration(mission.id, _draft(2), NOW + dt.timedelta(seconds=1),
                                             _mail("registration-received", "r2@example.org", mission.id))
    assert [r.id for r in await store.registrations(mission.id)] == [second.id, made.id]  # newest first


async def test_approval_makes_the_invitation_with_its_mail_once(store: Store) -> None:
    owner, mission = await _mission(store)
    made = await store.create_registration(mission.id, _draft(), NOW, _mail("registration-received", "r1@example.org",
                                                                              mission.id))
    invitation = _invitation()

    async def approve() -> object:
        try:
            return await store.approve_registration(made.id, invitation, owner.id, NOW, LATER,
                                                    _mail("invitation", "r1@example.org", mission.id))
        except Invalid as exc:
            return exc.code

    results = await asyncio.gather(approve(), approve())
    assert sorted(map(str, results)).count("registration-decided") == 1
    approved = await store.get_registration(made.id)
    assert approved is not None and approved.status is RegistrationStatus.APPROVED
    invitations = await store.invitations(mission.id)
    assert [i.id for i in invitations] == [approved.invitation_id]
    assert invitations[0].org_type is OrgType.SME and invitations[0].language == "nl"
    mails = [(m.draft.template, m.draft.ref_id) for m in await store.outbox(mission.id)]
    assert ("invitation", approved.invitation_id) in mails and len(mails) == 2
    with pytest.raises(Invalid):
        await store.reject_registration(made.id, "no", owner.id, NOW, _mail("registration-rejected", "x", mission.id))
    assert len(await store.outbox(mission.id)) == 2  # the refused decision wrote nothing


async def test_rejection_keeps_its_reason_and_queues_its_mail(store: Store) -> None:
    owner, mission = await _mission(store)
    made = await store.create_registration(mission.id, _draft(), NOW, _mail("registration-received", "r1@example.org",
                                                                              mission.id))
    rejected = await store.reject_registration(made.id, "Full, sorry.", owner.id, NOW,
                                               _mail("registration-rejected", "r1@example.org", mission.id))
    assert rejected.status is RegistrationStatus.REJECTED and rejected.reason == "Full, sorry."
    assert rejected.decided_by == owner.id and rejected.invitation_id is None
    assert (await store.outbox(mission.id))[0].draft.template == "registration-rejected"
    with pytest.raises(NotFound):
        await store.reject_registration(999_999, "x", owner.id, NOW, _mail("registration-rejected", "x", mission.id))


async def test_accepting_the_invitation_fills_the_profile_from_the_intake(store: Store) -> None:
    owner, mission = await _mission(store)
    made = await store.create_registration(mission.id, _draft(), NOW, _mail("registration-received", "r1@example.org",
                                                                              mission.id))
    invitation = _invitation()
    approved = await store.approve_registration(made.id, invitation, owner.id, NOW, LATER,
                                                _mail("invitation", "r1@example.org", mission.id))
    assert approved.invitation_id is not None
    user, _ = await store.accept_invitation(approved.invitation_id, NOW, "Reg 1", None)
    profile = await store.get_profile(user.id)
    assert profile is not None
    assert (profile.organisation, profile.org_type, profile.sectors, profile.country, profile.website,
            profile.offers, profile.seeks) == ("Acme BV", OrgType.SME, ["Water"], "NL", "https://acme.example",
                                               "Pumps", "Buyers")
    entry = await store.directory_entry(mission.id, user.id)
    assert entry is not None and entry.profile.sectors == ["Water"]  # the directory reads the same
    # Her company is a record with the registration number she gave, in her country.
    assert profile.organisation_id is not None
    [company] = await store.organisations([profile.organisation_id])
    assert (company.name, company.country, company.registration_number) == ("Acme BV", "NL", "12345678")
