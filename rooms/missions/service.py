"""The mission service: every mission-scoped use case, each one checked by the policy first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol

import msgspec

from rooms.core.cards import Side
from rooms.core.clock import Clock
from rooms.core.errors import Invalid, NotFound
from rooms.mail.drafts import invitation_mail
from rooms.mail.outbox import OutboxEntry
from rooms.mail.ports import OutboxStore
from rooms.missions.audience import AudienceStore
from rooms.missions.mission import ItemDraft, Mission, MissionDraft, ProgrammeItem
from rooms.missions.people import Invitation, InvitationDraft, Membership, Role, Suspension, User
from rooms.missions.ports import DirectoryStore, InvitationStore, MembershipStore, MissionStore, ProfileStore, UserStore
from rooms.missions.profile import DirectoryEntry, DirectoryPage, DirectoryQuery, Profile, ProfileDraft
from rooms.missions.roster import MAX_COLUMNS, Roster, normalise_or_blank, rows_from_cells
from rooms.policy import Action, Actor, may_see_item, permissions, require, require_item_visible


class MissionServiceStore(UserStore, ProfileStore, MissionStore, MembershipStore, DirectoryStore, InvitationStore,
                          OutboxStore, AudienceStore, Protocol):
    """What the mission and profile use cases use of the store."""


INVITATION_TTL = dt.timedelta(days=14)
# The mails read to find each invitation's latest (a mission of a few thousand people, each mailed a few times).
MAX_MAILS_READ = 20_000


class MissionView(msgspec.Struct, frozen=True):
    mission: Mission
    role: Role
    side: Side | None
    permissions: list[str]


class MemberChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    role: Role
    side: Side | None = None


class MissionService:
    def __init__(self, store: MissionServiceStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def actor(self, user: User, mission_id: int) -> tuple[Actor, Mission]:
        mission = await self._store.get_mission(mission_id)
        if mission is None:
            raise NotFound(code="mission-not-found", message="Mission not found.")
        membership = await self._store.get_membership(mission_id, user.id)
        return Actor(user, membership), mission

    async def _require(self, user: User, mission_id: int, action: Action) -> tuple[Actor, Mission]:
        actor, mission = await self.actor(user, mission_id)
        require(actor, action)
        return actor, mission

    # -- missions ------------------------------------------------------------------------------------------

    async def my_missions(self, user: User) -> list[MissionView]:
        return [
            MissionView(m, ms.role, ms.side, permissions(Actor(user, ms)))
            for m, ms in await self._store.missions_of(user.id)
        ]

    async def create_mission(self, user: User, draft: MissionDraft) -> MissionView:
        require(Actor(user), Action.CREATE_MISSION)
        mission = await self._store.create_mission(draft.validated(), user.id, self._clock.now())
        membership = Membership(mission.id, user.id, Role.ORGANISER, None)
        return MissionView(mission, Role.ORGANISER, None, permissions(Actor(user, membership)))

    async def view(self, user: User, mission_id: int) -> MissionView:
        actor, mission = await self._require(user, mission_id, Action.VIEW_MISSION)
        assert actor.membership is not None
        return MissionView(mission, actor.membership.role, actor.membership.side, permissions(actor))

    async def update_mission(self, user: User, mission_id: int, draft: MissionDraft) -> Mission:
        _, current = await self._require(user, mission_id, Action.EDIT_MISSION)
        clean = draft.validated()
        # Moving the dates must not strand programme items outside the mission.
        moved = msgspec.structs.replace(
            current, start_date=clean.start_date, end_date=clean.end_date, timezone=clean.timezone,
            format=clean.format, webinar_max_minutes=clean.webinar_max_minutes, sectors=clean.sectors,
        )
        tracks = await self._track_names(mission_id)
        for item in await self._store.programme(mission_id):
            try:
                _item_draft(item).validated(moved, tracks)
            except Invalid as exc:
                raise Invalid(code="programme-conflict",
                              message=f"The programme item “{item.title}” would no longer fit: {exc.message}") from exc
        return await self._store.update_mission(mission_id, clean)

    # -- programme -----------------------------------------------------------------------------------------

    async def programme(self, user: User, mission_id: int) -> list[ProgrammeItem]:
        """The items this person may see, by start."""
        actor, _ = await self._require(user, mission_id, Action.VIEW_MISSION)
        audience = await self._store.mission_audience(mission_id)
        return [i for i in await self._store.programme(mission_id) if may_see_item(actor.membership, i, audience)]

    async def _track_names(self, mission_id: int) -> list[str]:
        return [t.name for t in await self._store.tracks(mission_id)]

    async def add_item(self, user: User, mission_id: int, draft: ItemDraft) -> ProgrammeItem:
        _, mission = await self._require(user, mission_id, Action.MANAGE_PROGRAMME)
        return await self._store.add_item(mission_id, draft.validated(mission, await self._track_names(mission_id)))

    async def _item(self, user: User, item_id: int, action: Action) -> tuple[ProgrammeItem, Mission]:
        item = await self._store.get_item(item_id)
        if item is None:
            raise NotFound(code="item-not-found", message="Programme item not found.")
        try:
            actor, mission = await self._require(user, item.mission_id, action)
        except NotFound as exc:
            raise NotFound(code="item-not-found", message="Programme item not found.") from exc
        require_item_visible(actor.membership, item, await self._store.mission_audience(item.mission_id))
        return item, mission

    async def get_item(self, user: User, item_id: int) -> ProgrammeItem:
        item, _ = await self._item(user, item_id, Action.VIEW_MISSION)
        return item

    async def update_item(self, user: User, item_id: int, draft: ItemDraft) -> ProgrammeItem:
        item, mission = await self._item(user, item_id, Action.MANAGE_PROGRAMME)
        return await self._store.update_item(item.id, draft.validated(mission, await self._track_names(mission.id)))

    async def delete_item(self, user: User, item_id: int) -> None:
        item, _ = await self._item(user, item_id, Action.MANAGE_PROGRAMME)
        await self._store.delete_item(item.id)

    # -- directory -----------------------------------------------------------------------------------------

    async def directory(self, user: User, mission_id: int, query: DirectoryQuery) -> DirectoryPage:
        await self._require(user, mission_id, Action.VIEW_DIRECTORY)
        if query.country and not (len(query.country) == 2 and query.country.isalpha()):
            raise Invalid(code="invalid-country", message="Use a two-letter country code such as NL or US.",
                          field="country")
        return await self._store.search_directory(mission_id, msgspec.structs.replace(
            query, country=query.country.upper()))

    async def directory_entry(self, user: User, mission_id: int, member_id: int) -> DirectoryEntry:
        await self._require(user, mission_id, Action.VIEW_DIRECTORY)
        entry = await self._store.directory_entry(mission_id, member_id)
        if entry is None:
            raise NotFound(code="person-not-found", message="Person not found.")
        return entry

    async def change_member(self, user: User, mission_id: int, member_id: int, change: MemberChange) -> Membership:
        await self._require(user, mission_id, Action.MANAGE_MEMBERS)
        if await self._store.get_membership(mission_id, member_id) is None:
            raise NotFound(code="person-not-found", message="Person not found.")
        if change.role is Role.PARTICIPANT and change.side is None:
            raise Invalid(code="side-required", message="A participant is on a side: delegation or partner.",
                          field="side")
        if member_id == user.id and change.role is not Role.ORGANISER:
            raise Invalid(code="last-organiser", message="You cannot step down as organiser yourself.", field="role")
        return await self._store.set_membership(mission_id, member_id, change.role, change.side)

    async def remove_member(self, user: User, mission_id: int, member_id: int) -> None:
        """Ends the person's part in the mission (suspended or not)."""
        await self._require(user, mission_id, Action.MANAGE_MEMBERS)
        suspended = any(s.user_id == member_id for s in await self._store.suspensions(mission_id))
        if await self._store.get_membership(mission_id, member_id) is None and not suspended:
            raise NotFound(code="person-not-found", message="Person not found.")
        if member_id == user.id:
            raise Invalid(code="last-organiser", message="You cannot remove yourself from the mission.")
        await self._store.remove_membership(mission_id, member_id)

    async def suspend_member(self, user: User, mission_id: int, member_id: int) -> None:
        """The person is no member until reinstated: refused everywhere in the mission, as an outsider is."""
        await self._require(user, mission_id, Action.MANAGE_MEMBERS)
        if member_id == user.id:
            raise Invalid(code="last-organiser", message="You cannot suspend yourself.")
        await self._store.suspend_membership(mission_id, member_id, self._clock.now())

    async def reinstate_member(self, user: User, mission_id: int, member_id: int) -> Membership:
        await self._require(user, mission_id, Action.MANAGE_MEMBERS)
        return await self._store.reinstate_membership(mission_id, member_id)

    async def suspensions(self, user: User, mission_id: int) -> list[Suspension]:
        await self._require(user, mission_id, Action.MANAGE_MEMBERS)
        return await self._store.suspensions(mission_id)

    # -- invitations ---------------------------------------------------------------------------------------

    async def invite(self, user: User, mission_id: int, draft: InvitationDraft) -> Invitation:
        await self._require(user, mission_id, Action.INVITE)
        clean = draft.validated()
        existing = await self._store.get_user_by_email(clean.email)
        if existing is not None and await self._store.get_membership(mission_id, existing.id) is not None:
            raise Invalid(code="already-member", message="This person already takes part in the mission.",
                          field="email")
        now = self._clock.now()
        mission = await self._store.get_mission(mission_id)
        assert mission is not None  # _require found the caller's membership of it
        profile = None if existing is None else await self._store.get_profile(existing.id)
        mail = invitation_mail(clean, mission, user, profile, now + INVITATION_TTL)
        return await self._store.create_invitation(mission_id, clean, user.id, now, now + INVITATION_TTL, mail)

    async def invitations(self, user: User, mission_id: int) -> list[Invitation]:
        await self._require(user, mission_id, Action.INVITE)
        return await self._store.invitations(mission_id)

    # -- bulk onboarding (rooms.missions.roster) ------------------------------------------------------------

    async def may_invite(self, user: User, mission_id: int) -> None:
        """Refuses (NotAllowed, NotFound) whoever may not invite: checked before a roster file is even read."""
        await self._require(user, mission_id, Action.INVITE)

    async def check_roster(self, user: User, mission_id: int, cells: Iterable[Sequence[object]]) -> Roster:
        """Every row of a roster with its errors; nothing is written."""
        _, mission = await self._require(user, mission_id, Action.INVITE)
        rows = list(cells)
        emails = {normalise_or_blank(str(c)) for row in rows for c in row[:MAX_COLUMNS] if c is not None}
        emails.discard("")
        members = await self._store.member_emails(mission_id, emails)
        now = self._clock.now()
        invited = {i.email for i in await self._store.invitations(mission_id) if i.status(now) == "pending"}
        return rows_from_cells(rows, mission.sectors, members, invited)

    async def import_roster(self, user: User, mission_id: int, cells: Iterable[Sequence[object]]
                            ) -> tuple[Roster, list[Invitation]]:
        """Invites every good row of the roster, each invitation with its mail, in one transaction."""
        roster = await self.check_roster(user, mission_id, cells)
        mission = await self._store.get_mission(mission_id)
        assert mission is not None  # check_roster found it
        now = self._clock.now()
        expires = now + INVITATION_TTL
        drafts = [row.draft().validated() for row in roster.good]
        made = await self._store.create_invitations(
            mission_id, [(d, invitation_mail(d, mission, user, None, expires)) for d in drafts], user.id, now,
            expires)
        return roster, made

    async def invitees(self, user: User, mission_id: int) -> list[tuple[Invitation, OutboxEntry | None]]:
        """Each invitation with its latest mail (None: it had none), newest first: what the organiser follows."""
        await self._require(user, mission_id, Action.INVITE)
        invitations = await self._store.invitations(mission_id)
        latest: dict[int, OutboxEntry] = {}
        for entry in await self._store.outbox(mission_id, limit=MAX_MAILS_READ):
            ref = entry.draft.ref_id
            if entry.draft.template == "invitation" and ref is not None and ref not in latest:
                latest[ref] = entry  # the outbox is newest first
        return [(i, latest.get(i.id)) for i in invitations]

    async def _open_invitation(self, user: User, mission_id: int, invitation_id: int) -> tuple[Mission,
                                                                                                Invitation]:
        _, mission = await self._require(user, mission_id, Action.INVITE)
        invitation = await self._store.get_invitation(invitation_id)
        if invitation is None or invitation.mission_id != mission_id:
            raise NotFound(code="invitation-not-found", message="Invitation not found.")
        if invitation.status(self._clock.now()) != "pending":
            raise Invalid(code="invitation-closed", message="This invitation was accepted, revoked or has expired.",
                          field="invitation")
        return mission, invitation

    async def invitation_for_link(self, user: User, mission_id: int, invitation_id: int) -> Invitation:
        """An open invitation of the mission, for its organiser to copy the link of."""
        return (await self._open_invitation(user, mission_id, invitation_id))[1]

    async def resend(self, user: User, mission_id: int, invitation_id: int) -> Invitation:
        """Queues the invitation's mail again (the same link: the invitation is unchanged)."""
        mission, invitation = await self._open_invitation(user, mission_id, invitation_id)
        draft = InvitationDraft(email=invitation.email, name=invitation.name, role=invitation.role,
                                side=invitation.side, organisation=invitation.organisation,
                                language=invitation.language)
        mail = invitation_mail(draft, mission, user, None, invitation.expires_at)
        await self._store.enqueue_mail(msgspec.structs.replace(mail, ref_id=invitation.id), self._clock.now())
        return invitation

    async def revoke(self, user: User, mission_id: int, invitation_id: int) -> Invitation:
        await self._open_invitation(user, mission_id, invitation_id)
        revoked = await self._store.revoke_invitation(invitation_id, self._clock.now())
        assert revoked is not None  # found just now; invitations are never deleted but with their mission
        return revoked

    async def outbox(self, user: User, mission_id: int) -> list[OutboxEntry]:
        """The mission's mails, newest first: for those who invite (organisers), who see what went out."""
        await self._require(user, mission_id, Action.INVITE)
        return await self._store.outbox(mission_id)


class ProfileService:
    def __init__(self, store: MissionServiceStore) -> None:
        self._store = store

    async def mine(self, user: User) -> Profile:
        profile = await self._store.get_profile(user.id)
        if profile is None:
            raise NotFound(code="profile-not-found", message="Profile not found.")
        return profile

    async def save(self, user: User, draft: ProfileDraft) -> Profile:
        return await self._store.save_profile(user.id, draft.validated())


def _item_draft(item: ProgrammeItem) -> ItemDraft:
    return ItemDraft(
        kind=item.kind, title=item.title, starts_at=item.starts_at, ends_at=item.ends_at,
        description=item.description, address=item.address, track=item.track, audience=item.audience,
        city=item.city, venue=item.venue, timezone=item.timezone, capacity=item.capacity,
    )
