"""Bulk onboarding's store methods on every store (memory, SQLite, PostgreSQL): many invitations and their mails in
one transaction, which e-mails are members, a link noted as opened, and revoking (rooms/missions/ports.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from rooms.catalog import Store
from rooms.core.cards import OrgType, Side
from rooms.core.errors import Gone, NotFound
from rooms.mail.outbox import MailDraft
from rooms.missions.mission import Mission, MissionDraft
from rooms.missions.people import InvitationDraft, Role, User
from rooms.missions.profile import DirectoryQuery

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=14)


async def _mission(store: Store) -> tuple[User, Mission]:
    owner = await store.create_user("org@example.org", "Olga Organiser", NOW, can_create_missions=True)
    mission = await store.create_mission(MissionDraft(
        title="EV charging to Boston", destination="Boston", timezone="America/New_York",
        start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12), sectors=["Water"]).validated(), owner.id, NOW)
    return owner, mission


def _pair(n: int, mission_id: int) -> tuple[InvitationDraft, MailDraft]:
    draft = InvitationDraft(email=f"p{n}@example.org", name=f"Person {n}", role=Role.PARTICIPANT, side=Side.PARTNER,
                            organisation=f"Org {n}", org_type=OrgType.SME, sector="Water", language="nl")
    mail = MailDraft(template="invitation", to_addr=draft.email, to_name=draft.name, lang="nl",
                     sender_name="Olga (EV)", params={"n": str(n)}, mission_id=mission_id)
    return draft, mail


async def test_many_invitations_come_with_their_mails_in_one_go(store: Store) -> None:
    owner, mission = await _mission(store)
    made = await store.create_invitations(mission.id, [_pair(n, mission.id) for n in range(300)], owner.id, NOW,
                                          LATER)
    assert [i.email for i in made] == [f"p{n}@example.org" for n in range(300)]
    assert made[7].org_type is OrgType.SME and made[7].sector == "Water" and made[7].language == "nl"
    assert {i.id for i in await store.invitations(mission.id)} == {i.id for i in made}
    mails = await store.outbox(mission.id, limit=1000)
    by_ref = {m.draft.ref_id: m.draft.to_addr for m in mails}
    assert by_ref == {i.id: i.email for i in made}  # each mail names its own invitation
    assert await store.create_invitations(mission.id, [], owner.id, NOW, LATER) == []


async def test_an_unknown_mission_writes_nothing(store: Store) -> None:
    owner, mission = await _mission(store)
    with pytest.raises(NotFound):
        await store.create_invitations(999_999, [_pair(1, mission.id)], owner.id, NOW, LATER)
    assert await store.outbox(None) == []


async def test_which_emails_are_members(store: Store) -> None:
    _, mission = await _mission(store)
    other = await store.create_user("x@example.org", "X", NOW)
    await store.create_user("outside@example.org", "Out", NOW)
    await store.set_membership(mission.id, other.id, Role.PARTICIPANT, Side.PARTNER)
    many = [f"n{i}@example.org" for i in range(1200)]  # beyond one IN list
    assert await store.member_emails(mission.id, ["org@example.org", "x@example.org", "outside@example.org",
                                                  *many]) == {"org@example.org", "x@example.org"}
    assert await store.member_emails(mission.id, []) == set()


async def test_opened_then_revoked_and_a_revoked_invitation_cannot_be_accepted(store: Store) -> None:
    owner, mission = await _mission(store)
    first, second = await store.create_invitations(mission.id, [_pair(1, mission.id), _pair(2, mission.id)],
                                                   owner.id, NOW, LATER)
    await store.open_invitation(first.id, NOW + dt.timedelta(hours=1))
    await store.open_invitation(first.id, NOW + dt.timedelta(hours=2))  # the first opening is kept
    opened = await store.get_invitation(first.id)
    assert opened is not None and opened.opened_at == NOW + dt.timedelta(hours=1)

    revoked = await store.revoke_invitation(first.id, NOW + dt.timedelta(hours=3))
    assert revoked is not None and revoked.revoked_at == NOW + dt.timedelta(hours=3)
    assert revoked.status(NOW + dt.timedelta(hours=3)) == "revoked"
    with pytest.raises(Gone) as gone:
        await store.accept_invitation(first.id, NOW + dt.timedelta(hours=4), "Person 1", None)
    assert gone.value.code == "token-revoked"
    assert await store.revoke_invitation(999_999, NOW) is None

    # Accepted: revoking changes nothing, and the roster's organisation type, sector and language fill the profile.
    user, _ = await store.accept_invitation(second.id, NOW + dt.timedelta(hours=5), "Person 2", None)
    kept = await store.revoke_invitation(second.id, NOW + dt.timedelta(hours=6))
    assert kept is not None and kept.revoked_at is None and kept.status(NOW) == "accepted"
    profile = await store.get_profile(user.id)
    assert profile is not None
    assert (profile.organisation, profile.org_type, profile.sectors, profile.languages) == (
        "Org 2", OrgType.SME, ["Water"], ["nl"])
    found = await store.search_directory(mission.id, DirectoryQuery(sector="Water"))
    assert user.id in {e.profile.user_id for e in found.entries}  # the sector is searchable, not only shown
