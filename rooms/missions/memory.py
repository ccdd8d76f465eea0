"""The missions' ports in memory: plain dicts, for tests, demos and single-process development.

No method awaits anything, so under asyncio each call runs to completion before another starts. That alone
makes every method atomic, and single-use things (invitations, sign-in links) consumed at most once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import msgspec

from rooms.core.cards import OrgType, Side
from rooms.core.errors import Conflict, Gone, NotFound
from rooms.mail.memory import MemoryOutbox
from rooms.mail.outbox import MailDraft
from rooms.missions.accounts import session_handle
from rooms.missions.audience_memory import MemoryAudience
from rooms.missions.item_roles_memory import MemoryItemRoles
from rooms.missions.mission import ItemDraft, Mission, MissionDraft, ProgrammeItem
from rooms.missions.people import Invitation, InvitationDraft, Membership, Role, Sender, Suspension, User
from rooms.missions.profile import (
    DirectoryEntry,
    DirectoryPage,
    DirectoryQuery,
    Facet,
    NewMember,
    Profile,
    ProfileDraft,
    adopt_invitation,
    search_text,
)
from rooms.organisations.memory import MemoryOrganisations
from rooms.recordings.memory import MemoryRecordings
from rooms.signups.memory import MemorySignups


@dataclass
class _UserRecord:
    email: str
    name: str
    can_create_missions: bool
    password_hash: str | None
    created_at: dt.datetime

    def public(self, user_id: int) -> User:
        return User(
            id=user_id, email=self.email, name=self.name, can_create_missions=self.can_create_missions,
            has_password=self.password_hash is not None, created_at=self.created_at,
        )


@dataclass
class _SignInLink:
    user_id: int
    mission_id: int | None
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


@dataclass
class _Session:
    user_id: int
    expires_at: dt.datetime
    ended: bool = False


# Returned structs are frozen but their lists are not: hand out copies, as a database round trip would, so a
# caller mutating a result cannot change what is stored.

def _copy_profile(profile: Profile) -> Profile:
    return msgspec.structs.replace(profile, sectors=list(profile.sectors), languages=list(profile.languages))


def _copy_mission(mission: Mission) -> Mission:
    return msgspec.structs.replace(mission, sectors=list(mission.sectors))


def _empty_profile(user_id: int, name: str) -> Profile:
    return Profile(
        user_id=user_id, name=name, organisation="", org_type=OrgType.OTHER, job_title="", sectors=[], country="",
        city="", offers="", seeks="", languages=[], bio="", website="",
    )


def _profile_from(user_id: int, draft: ProfileDraft) -> Profile:
    return _copy_profile(Profile(user_id=user_id, **{f: getattr(draft, f) for f in draft.__struct_fields__}))


def _mission_from(mission_id: int, draft: MissionDraft, created_by: int, created_at: dt.datetime) -> Mission:
    return _copy_mission(Mission(
        id=mission_id, created_by=created_by, created_at=created_at,
        **{f: getattr(draft, f) for f in draft.__struct_fields__},
    ))


def _item_from(item_id: int, mission_id: int, draft: ItemDraft) -> ProgrammeItem:
    return ProgrammeItem(id=item_id, mission_id=mission_id, **{f: getattr(draft, f) for f in draft.__struct_fields__})


# -- directory search ------------------------------------------------------------------------------------------

class _Member(NamedTuple):
    profile: Profile
    membership: Membership


def _matches_text(member: _Member, terms: list[str]) -> bool:
    text = search_text(member.profile)
    return all(term in text for term in terms)


def _sector_spellings(profile: Profile) -> dict[str, str]:
    """The profile's sectors by case-folded key; the first spelling wins should a key repeat."""
    spellings: dict[str, str] = {}
    for sector in profile.sectors:
        spellings.setdefault(sector.casefold(), sector)
    return spellings


def _matches_filters(member: _Member, query: DirectoryQuery) -> bool:
    profile, membership = member
    if query.org_type and profile.org_type not in query.org_type:
        return False
    if query.sector and query.sector.strip().casefold() not in _sector_spellings(profile):
        return False
    if query.country and profile.country != query.country:
        return False
    return query.side is None or membership.side == query.side


def _directory_order(member: _Member) -> tuple[str, str, int]:
    return member.profile.organisation.casefold(), member.profile.name.casefold(), member.profile.user_id


def _by_count(counts: Counter[str]) -> list[Facet]:
    return [Facet(value, n) for value, n in sorted(counts.items(), key=lambda vn: (-vn[1], vn[0]))]


def _sector_facet(members: list[_Member]) -> list[Facet]:
    # People spell a sector differently ("EV charging", "EV Charging"): count by case-folded key and show the
    # smallest spelling, a choice every store can make identically whatever order it meets the members in.
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for member in members:
        for key, spelling in _sector_spellings(member.profile).items():
            counts[key] += 1
            shown[key] = min(spelling, shown.get(key, spelling))
    return _by_count(Counter({shown[key]: n for key, n in counts.items()}))


def _facets(members: list[_Member]) -> dict[str, list[Facet]]:
    def count(values: Iterable[str]) -> list[Facet]:
        return _by_count(Counter(value for value in values if value))

    return {
        "org_type": count(m.profile.org_type.value for m in members),
        "side": count(m.membership.side.value for m in members if m.membership.side is not None),
        "country": count(m.profile.country for m in members),
        "sector": _sector_facet(members),
    }


def _search(members: Iterable[_Member], query: DirectoryQuery) -> DirectoryPage:
    terms = query.terms()
    # Facets ignore the structured filters: they show what each filter would find within the text search.
    texted = [m for m in members if _matches_text(m, terms)]
    found = sorted((m for m in texted if _matches_filters(m, query)), key=_directory_order)
    start = (query.page - 1) * query.page_size
    entries = [
        DirectoryEntry(_copy_profile(m.profile), m.membership.role, m.membership.side)
        for m in found[start:start + query.page_size]
    ]
    return DirectoryPage(
        entries=entries, total=len(found), page=query.page, page_size=query.page_size, facets=_facets(texted)
    )


class MemoryMissions(MemoryItemRoles, MemoryAudience, MemorySignups, MemoryRecordings, MemoryOutbox,
                     MemoryOrganisations):
    """The missions' ports (rooms.missions.ports); rooms.catalog.MemoryStore adds every other context's."""

    def __init__(self) -> None:
        super().__init__()
        self._users: dict[int, _UserRecord] = {}
        self._user_ids_by_email: dict[str, int] = {}
        self._profiles: dict[int, Profile] = {}
        self._missions: dict[int, Mission] = {}
        self._items: dict[int, ProgrammeItem] = {}
        self._memberships: dict[tuple[int, int], Membership] = {}
        self._suspensions: dict[tuple[int, int], Suspension] = {}
        self._invitations: dict[int, Invitation] = {}
        self._links: dict[int, _SignInLink] = {}
        self._sessions: dict[str, _Session] = {}
        # Ids start at 1 per table, like the SQL store's sequences.
        self._next_user_id = itertools.count(1)
        self._next_mission_id = itertools.count(1)
        self._next_item_id = itertools.count(1)
        self._next_invitation_id = itertools.count(1)
        self._next_link_id = itertools.count(1)

    # -- users ---------------------------------------------------------------------------------------------

    def _display_name(self, user_id: int) -> str | None:
        record = self._users.get(user_id)
        return None if record is None else record.name

    async def get_user(self, user_id: int) -> User | None:
        record = self._users.get(user_id)
        return None if record is None else record.public(user_id)

    async def get_user_by_email(self, email: str) -> User | None:
        user_id = self._user_ids_by_email.get(email)
        return None if user_id is None else self._users[user_id].public(user_id)

    async def create_user(
        self, email: str, name: str, now: dt.datetime, *, can_create_missions: bool = False,
        password_hash: str | None = None,
    ) -> User:
        return self._create_user(email, name, now, can_create_missions, password_hash)

    def _create_user(
        self, email: str, name: str, now: dt.datetime, can_create_missions: bool, password_hash: str | None
    ) -> User:
        if email in self._user_ids_by_email:
            raise Conflict(code="email-taken", message="Someone already uses this e-mail address.", field="email")
        user_id = next(self._next_user_id)
        self._users[user_id] = _UserRecord(email, name, can_create_missions, password_hash, now)
        self._user_ids_by_email[email] = user_id
        self._profiles[user_id] = _empty_profile(user_id, name)
        return self._users[user_id].public(user_id)

    async def set_password_hash(self, user_id: int, password_hash: str | None) -> None:
        # Like an SQL UPDATE, an unknown user is a no-op.
        if (record := self._users.get(user_id)) is not None:
            record.password_hash = password_hash

    async def get_password_hash(self, user_id: int) -> str | None:
        record = self._users.get(user_id)
        return None if record is None else record.password_hash

    async def set_can_create_missions(self, user_id: int, allowed: bool) -> None:
        if (record := self._users.get(user_id)) is not None:
            record.can_create_missions = allowed

    async def mission_creators(self) -> list[User]:
        found = [r.public(uid) for uid, r in self._users.items() if r.can_create_missions]
        return sorted(found, key=lambda u: (u.name, u.id))

    async def withdraw_mission_creator(self, user_id: int, keep: int) -> tuple[bool, int]:
        holders = {uid for uid, r in self._users.items() if r.can_create_missions}
        held = user_id in holders
        others = len(holders - {user_id})
        if held and others >= keep:
            self._users[user_id].can_create_missions = False
        return held, others

    # -- profiles ------------------------------------------------------------------------------------------

    async def get_profile(self, user_id: int) -> Profile | None:
        profile = self._profiles.get(user_id)
        return None if profile is None else _copy_profile(profile)

    async def save_profile(self, user_id: int, draft: ProfileDraft) -> Profile:
        if user_id not in self._profiles:
            raise NotFound(code="profile-not-found", message="Profile not found.")
        return _copy_profile(self._save_profile(user_id, draft))

    def _save_profile(self, user_id: int, draft: ProfileDraft) -> Profile:
        profile = self._link(self._profiles.get(user_id), _profile_from(user_id, draft))
        self._users[user_id].name = profile.name
        return profile

    # -- missions and programme ----------------------------------------------------------------------------

    async def create_mission(self, draft: MissionDraft, created_by: int, now: dt.datetime) -> Mission:
        self._require_user(created_by)
        mission = _mission_from(next(self._next_mission_id), draft, created_by, now)
        self._missions[mission.id] = mission
        self._memberships[mission.id, created_by] = Membership(mission.id, created_by, Role.ORGANISER, None)
        return _copy_mission(mission)

    async def get_mission(self, mission_id: int) -> Mission | None:
        mission = self._missions.get(mission_id)
        return None if mission is None else _copy_mission(mission)

    async def update_mission(self, mission_id: int, draft: MissionDraft) -> Mission:
        current = self._require_mission(mission_id)
        mission = _mission_from(mission_id, draft, current.created_by, current.created_at)
        self._missions[mission_id] = mission
        return _copy_mission(mission)

    async def find_mission_by_title(self, title: str) -> Mission | None:
        # Titles need not be unique: the oldest mission wins, as in the SQL store.
        found = min((m for m in self._missions.values() if m.title == title), key=lambda m: m.id, default=None)
        return None if found is None else _copy_mission(found)

    async def missions_of(self, user_id: int) -> list[tuple[Mission, Membership]]:
        mine = [(self._missions[ms.mission_id], ms) for ms in self._memberships.values() if ms.user_id == user_id]
        mine.sort(key=lambda pair: (pair[0].start_date, pair[0].id))
        return [(_copy_mission(m), ms) for m, ms in mine]

    async def add_item(self, mission_id: int, draft: ItemDraft) -> ProgrammeItem:
        self._require_mission(mission_id)
        item = _item_from(next(self._next_item_id), mission_id, draft)
        self._items[item.id] = item
        return item

    async def update_item(self, item_id: int, draft: ItemDraft) -> ProgrammeItem:
        current = self._items.get(item_id)
        if current is None:
            raise NotFound(code="item-not-found", message="Programme item not found.")
        item = _item_from(item_id, current.mission_id, draft)
        self._items[item_id] = item
        return item

    async def delete_item(self, item_id: int) -> None:
        if self._items.pop(item_id, None) is None:
            raise NotFound(code="item-not-found", message="Programme item not found.")
        self._drop_item_roles(item_id)
        self._drop_invitees(item_id)
        self._drop_signups(item_id)

    async def get_item(self, item_id: int) -> ProgrammeItem | None:
        return self._items.get(item_id)

    async def programme(self, mission_id: int) -> list[ProgrammeItem]:
        items = [item for item in self._items.values() if item.mission_id == mission_id]
        return sorted(items, key=lambda item: (item.starts_at, item.id))

    # -- memberships and directory -------------------------------------------------------------------------

    async def get_membership(self, mission_id: int, user_id: int) -> Membership | None:
        return self._memberships.get((mission_id, user_id))

    async def sender(self, mission_id: int, user_id: int) -> Sender:
        profile = self._profiles.get(user_id)
        return Sender(mission_id in self._missions, self._memberships.get((mission_id, user_id)),
                       profile.organisation if profile else "")

    async def set_membership(self, mission_id: int, user_id: int, role: Role, side: Side | None) -> Membership:
        return self._set_membership(mission_id, user_id, role, side)

    def _set_membership(self, mission_id: int, user_id: int, role: Role, side: Side | None) -> Membership:
        self._require_mission(mission_id)
        self._require_user(user_id)
        membership = Membership(mission_id, user_id, role, side)
        self._memberships[mission_id, user_id] = membership
        return membership

    async def remove_membership(self, mission_id: int, user_id: int) -> None:
        self._memberships.pop((mission_id, user_id), None)
        self._suspensions.pop((mission_id, user_id), None)

    async def suspend_membership(self, mission_id: int, user_id: int, now: dt.datetime) -> None:
        membership = self._memberships.pop((mission_id, user_id), None)
        if membership is None:
            raise NotFound(code="person-not-found", message="Person not found.")
        self._suspensions[mission_id, user_id] = Suspension(
            mission_id, user_id, self._users[user_id].name, membership.role, membership.side, now)

    async def reinstate_membership(self, mission_id: int, user_id: int) -> Membership:
        suspension = self._suspensions.pop((mission_id, user_id), None)
        if suspension is None:
            raise NotFound(code="person-not-found", message="Person not found.")
        current = self._memberships.get((mission_id, user_id))
        return current or self._set_membership(mission_id, user_id, suspension.role, suspension.side)

    async def suspensions(self, mission_id: int) -> list[Suspension]:
        found = [msgspec.structs.replace(s, name=self._users[s.user_id].name)
                 for (m, _), s in self._suspensions.items() if m == mission_id]
        return sorted(found, key=lambda s: (s.name, s.user_id))

    async def member_emails(self, mission_id: int, emails: Collection[str]) -> set[str]:
        return {e for e in emails
                if (uid := self._user_ids_by_email.get(e)) is not None and (mission_id, uid) in self._memberships}

    async def add_members(self, mission_id: int, people: Sequence[NewMember], now: dt.datetime) -> int:
        if not people:
            return 0
        self._require_mission(mission_id)  # before any write: all or nothing
        added = 0
        for person in people:
            if person.email in self._user_ids_by_email:
                continue
            user = self._create_user(person.email, person.profile.name, now, False, None)
            self._save_profile(user.id, person.profile)
            self._set_membership(mission_id, user.id, person.role, person.side)
            added += 1
        return added

    async def search_directory(self, mission_id: int, query: DirectoryQuery) -> DirectoryPage:
        return _search(self._members(mission_id), query)

    async def directory_entry(self, mission_id: int, user_id: int) -> DirectoryEntry | None:
        membership = self._memberships.get((mission_id, user_id))
        if membership is None:
            return None
        return DirectoryEntry(_copy_profile(self._profiles[user_id]), membership.role, membership.side)

    async def mission_directory(self, mission_id: int, user_ids: Collection[int] | None = None
                                ) -> list[DirectoryEntry]:
        wanted = None if user_ids is None else set(user_ids)
        return [DirectoryEntry(_copy_profile(m.profile), m.membership.role, m.membership.side)
                for m in sorted(self._members(mission_id), key=lambda m: m.membership.user_id)
                if wanted is None or m.membership.user_id in wanted]

    def _members(self, mission_id: int) -> Iterator[_Member]:
        for (member_mission_id, user_id), membership in self._memberships.items():
            if member_mission_id == mission_id:
                yield _Member(self._profiles[user_id], membership)

    # -- invitations ---------------------------------------------------------------------------------------

    async def create_invitation(
        self, mission_id: int, draft: InvitationDraft, invited_by: int, now: dt.datetime, expires_at: dt.datetime,
        mail: MailDraft | None = None,
    ) -> Invitation:
        self._require_mission(mission_id)
        invitation = Invitation(
            id=next(self._next_invitation_id), mission_id=mission_id, email=draft.email, name=draft.name,
            role=draft.role, side=draft.side, organisation=draft.organisation, invited_by=invited_by,
            created_at=now, expires_at=expires_at, accepted_at=None, accepted_by=None, org_type=draft.org_type,
            sector=draft.sector, language=draft.language,
        )
        self._invitations[invitation.id] = invitation
        if mail is not None:
            self._add_mail(mail, now, invitation.id)
        return invitation

    async def create_invitations(
        self, mission_id: int, invitations: Sequence[tuple[InvitationDraft, MailDraft]], invited_by: int,
        now: dt.datetime, expires_at: dt.datetime,
    ) -> list[Invitation]:
        if not invitations:
            return []
        self._require_mission(mission_id)  # before any write: all or nothing
        return [await self.create_invitation(mission_id, draft, invited_by, now, expires_at, mail)
                for draft, mail in invitations]

    async def open_invitation(self, invitation_id: int, now: dt.datetime) -> None:
        invitation = self._invitations.get(invitation_id)
        if invitation is not None and invitation.opened_at is None:
            self._invitations[invitation_id] = msgspec.structs.replace(invitation, opened_at=now)

    async def revoke_invitation(self, invitation_id: int, now: dt.datetime) -> Invitation | None:
        invitation = self._invitations.get(invitation_id)
        if invitation is not None and invitation.accepted_at is None and invitation.revoked_at is None:
            invitation = msgspec.structs.replace(invitation, revoked_at=now)
            self._invitations[invitation_id] = invitation
        return invitation

    async def get_invitation(self, invitation_id: int) -> Invitation | None:
        return self._invitations.get(invitation_id)

    async def invitations(self, mission_id: int) -> list[Invitation]:
        found = [inv for inv in self._invitations.values() if inv.mission_id == mission_id]
        return sorted(found, key=lambda inv: (inv.created_at, inv.id), reverse=True)

    async def accept_invitation(
        self, invitation_id: int, now: dt.datetime, name: str, password_hash: str | None
    ) -> tuple[User, Membership]:
        invitation = self._invitations.get(invitation_id)
        if invitation is None:
            raise NotFound(code="token-invalid", message="Invitation not found.")
        if invitation.accepted_at is not None:
            raise Gone(code="token-used", message="This invitation was already accepted.")
        if invitation.revoked_at is not None:
            raise Gone(code="token-revoked", message="This invitation was withdrawn by the organiser.")
        if now >= invitation.expires_at:
            raise Gone(code="token-expired", message="This invitation has expired; ask the organiser for a new one.")
        user_id = self._invited_user(invitation.email, name, now, password_hash)
        membership = self._set_membership(invitation.mission_id, user_id, invitation.role, invitation.side)
        self._link(self._profiles[user_id], adopt_invitation(self._profiles[user_id], invitation))
        self._invitations[invitation_id] = msgspec.structs.replace(invitation, accepted_at=now, accepted_by=user_id)
        return self._users[user_id].public(user_id), membership

    def _invited_user(self, email: str, name: str, now: dt.datetime, password_hash: str | None) -> int:
        """The id of the user with this e-mail, created if new; a first password is kept, never replaced."""
        user_id = self._user_ids_by_email.get(email)
        if user_id is None:
            return self._create_user(email, name, now, False, password_hash).id
        record = self._users[user_id]
        if password_hash is not None and record.password_hash is None:
            record.password_hash = password_hash
        return user_id

    # -- sign-in links and sessions ------------------------------------------------------------------------

    async def create_sign_in_link(
        self, user_id: int, mission_id: int | None, now: dt.datetime, expires_at: dt.datetime,
        mail: MailDraft | None = None,
    ) -> int:
        self._require_user(user_id)
        link_id = next(self._next_link_id)
        self._links[link_id] = _SignInLink(user_id, mission_id, expires_at)
        if mail is not None:
            self._add_mail(mail, now, link_id)
        return link_id

    async def consume_sign_in_link(self, link_id: int, now: dt.datetime) -> tuple[int, int | None]:
        link = self._live_link(link_id, now)
        link.used_at = now
        return link.user_id, link.mission_id

    async def peek_sign_in_link(self, link_id: int, now: dt.datetime) -> tuple[int, int | None]:
        link = self._live_link(link_id, now)
        return link.user_id, link.mission_id

    def _live_link(self, link_id: int, now: dt.datetime) -> _SignInLink:
        link = self._links.get(link_id)
        if link is None:
            raise NotFound(code="token-invalid", message="Sign-in link not found.")
        if link.used_at is not None:
            raise Gone(code="token-used", message="This sign-in link was already used.")
        if now >= link.expires_at:
            raise Gone(code="token-expired", message="This sign-in link has expired; ask for a new one.")
        return link

    async def create_session(self, user_id: int, now: dt.datetime, expires_at: dt.datetime) -> str:
        self._require_user(user_id)
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_handle(session_id)] = _Session(user_id, expires_at)  # by handle, as in SQL
        return session_id

    async def session_user(self, session_id: str, now: dt.datetime) -> int | None:
        return await self.live_session(session_handle(session_id), now)

    async def live_session(self, handle: str, now: dt.datetime) -> int | None:
        session = self._sessions.get(handle)
        if session is None or session.ended or now >= session.expires_at:
            return None
        return session.user_id

    async def end_session(self, session_id: str) -> None:
        await self.end_session_by_handle(session_handle(session_id))

    async def end_session_by_handle(self, handle: str) -> None:
        if (session := self._sessions.get(handle)) is not None:
            session.ended = True

    async def end_sessions(self, user_id: int, now: dt.datetime) -> None:
        for session in self._sessions.values():
            if session.user_id == user_id:
                session.ended = True

    # -- referential integrity (what foreign keys give the SQL store) --------------------------------------

    def _require_user(self, user_id: int) -> _UserRecord:
        record = self._users.get(user_id)
        if record is None:
            raise NotFound(code="user-not-found", message="User not found.")
        return record

    def _require_mission(self, mission_id: int) -> Mission:
        mission = self._missions.get(mission_id)
        if mission is None:
            raise NotFound(code="mission-not-found", message="Mission not found.")
        return mission
