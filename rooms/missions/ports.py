"""Ports to the missions' durable storage: people, profiles, missions and their programme, memberships, the
directory, invitations, sign-in and roles per programme item. `server/db` implements them with SQLAlchemy,
`rooms.missions.memory` in memory; rooms.catalog.Store bundles them with every other context's ports.

Guarantees every implementation keeps (the contract tests in tests/contract/test_store_contract.py prove them):
- a method either fully happens or not at all; methods that say "atomically" do several writes as one;
- e-mail addresses are unique (case-insensitively: callers pass them normalised);
- a person has at most one membership per mission;
- single-use things (invitations, sign-in links) are consumed at most once, even under concurrent calls;
- lists come back in a stable order named in the method's docstring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

from rooms.core.cards import Side
from rooms.mail.outbox import MailDraft
from rooms.missions.mission import ItemDraft, Mission, MissionDraft, ProgrammeItem
from rooms.missions.people import (
    Invitation,
    InvitationDraft,
    ItemRole,
    Membership,
    Role,
    Sender,
    Suspension,
    User,
)
from rooms.missions.profile import DirectoryEntry, DirectoryPage, DirectoryQuery, NewMember, Profile, ProfileDraft


class UserStore(Protocol):
    async def get_user(self, user_id: int) -> User | None: ...

    async def get_user_by_email(self, email: str) -> User | None: ...

    async def create_user(
        self, email: str, name: str, now: dt.datetime, *, can_create_missions: bool = False,
        password_hash: str | None = None,
    ) -> User:
        """Creates a user with an empty profile carrying `name`. Raises Conflict('email-taken')."""
        ...

    async def set_password_hash(self, user_id: int, password_hash: str | None) -> None: ...

    async def get_password_hash(self, user_id: int) -> str | None: ...

    async def set_can_create_missions(self, user_id: int, allowed: bool) -> None: ...

    async def mission_creators(self) -> list[User]:
        """Everyone who may create missions, by name then id."""
        ...

    async def withdraw_mission_creator(self, user_id: int, keep: int) -> tuple[bool, int]:
        """Atomically (two withdrawals racing cannot both pass the check): withdraws the user's right to create
        missions unless fewer than `keep` others would still hold it. Returns whether the user held it and how many
        others hold it."""
        ...


class ProfileStore(Protocol):
    async def get_profile(self, user_id: int) -> Profile | None: ...

    async def save_profile(self, user_id: int, draft: ProfileDraft) -> Profile:
        """Replaces the profile (and the user's display name) with a validated draft."""
        ...


class MissionStore(Protocol):
    async def create_mission(self, draft: MissionDraft, created_by: int, now: dt.datetime) -> Mission:
        """Atomically creates the mission and makes `created_by` its organiser."""
        ...

    async def get_mission(self, mission_id: int) -> Mission | None: ...

    async def update_mission(self, mission_id: int, draft: MissionDraft) -> Mission: ...

    async def find_mission_by_title(self, title: str) -> Mission | None: ...

    async def missions_of(self, user_id: int) -> list[tuple[Mission, Membership]]:
        """The missions a user belongs to, by start date then id."""
        ...

    async def add_item(self, mission_id: int, draft: ItemDraft) -> ProgrammeItem: ...

    async def update_item(self, item_id: int, draft: ItemDraft) -> ProgrammeItem: ...

    async def delete_item(self, item_id: int) -> None: ...

    async def get_item(self, item_id: int) -> ProgrammeItem | None: ...

    async def programme(self, mission_id: int) -> list[ProgrammeItem]:
        """A mission's items by start time then id."""
        ...


class MembershipStore(Protocol):
    async def get_membership(self, mission_id: int, user_id: int) -> Membership | None: ...

    async def sender(self, mission_id: int, user_id: int) -> Sender:
        """The mission's existence, the membership and the profile's organisation in one read (chat's write path
        asks for all three with every message)."""
        ...

    async def set_membership(self, mission_id: int, user_id: int, role: Role, side: Side | None) -> Membership:
        """Creates or replaces the one membership of this user in this mission."""
        ...

    async def remove_membership(self, mission_id: int, user_id: int) -> None:
        """Ends the membership, and a suspension of it."""
        ...

    async def suspend_membership(self, mission_id: int, user_id: int, now: dt.datetime) -> None:
        """Atomically: the membership ends and is kept as a suspension (get_membership says None meanwhile).
        Raises NotFound('person-not-found') when there is no membership."""
        ...

    async def reinstate_membership(self, mission_id: int, user_id: int) -> Membership:
        """Atomically: the suspension ends and its role and side are the membership again (a membership made
        meanwhile is kept as it is). Raises NotFound('person-not-found') when there is no suspension."""
        ...

    async def suspensions(self, mission_id: int) -> list[Suspension]:
        """The mission's suspended people, by name then user id."""
        ...

    async def member_emails(self, mission_id: int, emails: Collection[str]) -> set[str]:
        """Which of these (normalised) e-mails belong to members of the mission: one read, for a roster."""
        ...

    async def add_members(self, mission_id: int, people: Sequence[NewMember], now: dt.datetime) -> int:
        """Atomically creates each user with their profile and makes them a member of the mission; e-mails that
        already exist are skipped (their profile and membership untouched), as is an e-mail repeated in `people`
        after its first occurrence. Users are created in the order given, without a password and unable to
        create missions, named after their profile. Returns how many were added.
        Raises NotFound('mission-not-found') for an unknown mission (unless `people` is empty)."""
        ...


class DirectoryStore(Protocol):
    async def search_directory(self, mission_id: int, query: DirectoryQuery) -> DirectoryPage:
        """Members matching every filter, by organisation, name, then user id; facets over all members."""
        ...

    async def directory_entry(self, mission_id: int, user_id: int) -> DirectoryEntry | None: ...

    async def mission_directory(self, mission_id: int, user_ids: Collection[int] | None = None
                                ) -> list[DirectoryEntry]:
        """Every member of the mission (organisers too) — or only those of `user_ids` who are members — by user
        id, in one read: what recommendations score, the people a round places, the cards a list names."""
        ...


class InvitationStore(Protocol):
    async def create_invitation(
        self, mission_id: int, draft: InvitationDraft, invited_by: int, now: dt.datetime, expires_at: dt.datetime,
        mail: MailDraft | None = None,
    ) -> Invitation:
        """Creates the invitation and, in the same transaction, queues `mail` about it (its ref_id the new
        invitation's id)."""
        ...

    async def create_invitations(
        self, mission_id: int, invitations: Sequence[tuple[InvitationDraft, MailDraft]], invited_by: int,
        now: dt.datetime, expires_at: dt.datetime,
    ) -> list[Invitation]:
        """Creates every invitation, each with its mail queued (ref_id its invitation's id), in one transaction:
        all or none. Returns them in the order given. Raises NotFound('mission-not-found') (unless empty)."""
        ...

    async def open_invitation(self, invitation_id: int, now: dt.datetime) -> None:
        """Notes when the invitation's link was first opened (later openings change nothing)."""
        ...

    async def revoke_invitation(self, invitation_id: int, now: dt.datetime) -> Invitation | None:
        """Withdraws an invitation not yet accepted (its link stops working); an accepted or already revoked one
        is left as it is. None if there is no such invitation."""
        ...

    async def get_invitation(self, invitation_id: int) -> Invitation | None: ...

    async def invitations(self, mission_id: int) -> list[Invitation]:
        """A mission's invitations, newest first."""
        ...

    async def accept_invitation(
        self, invitation_id: int, now: dt.datetime, name: str, password_hash: str | None
    ) -> tuple[User, Membership]:
        """Atomically: marks the invitation used, finds or creates the user by the invited e-mail, and gives
        them the invited role and side. Raises Gone('token-used'), Gone('token-expired') or Gone('token-revoked')."""
        ...


class SignInStore(Protocol):
    async def create_sign_in_link(
        self, user_id: int, mission_id: int | None, now: dt.datetime, expires_at: dt.datetime,
        mail: MailDraft | None = None,
    ) -> int:
        """Creates the link and, in the same transaction, queues `mail` with it (its ref_id the link's id)."""
        ...

    async def consume_sign_in_link(self, link_id: int, now: dt.datetime) -> tuple[int, int | None]:
        """Marks a sign-in link used; returns (user id, mission id).
        Raises Gone('token-used'), Gone('token-expired') or NotFound."""
        ...

    async def peek_sign_in_link(self, link_id: int, now: dt.datetime) -> tuple[int, int | None]:
        """As consume, without consuming."""
        ...

    async def create_session(self, user_id: int, now: dt.datetime, expires_at: dt.datetime) -> str:
        """A new browser session; returns its opaque id."""
        ...

    async def session_user(self, session_id: str, now: dt.datetime) -> int | None:
        """The user of a live session, or None when unknown, ended or expired."""
        ...

    async def end_session(self, session_id: str) -> None: ...

    async def live_session(self, handle: str, now: dt.datetime) -> int | None:
        """As session_user, for a session named by its handle (`accounts.session_handle` of its id), which is
        what bearer tokens carry: a token that leaks does not leak the session."""
        ...

    async def end_session_by_handle(self, handle: str) -> None:
        """As end_session, for a session named by its handle."""
        ...

    async def end_sessions(self, user_id: int, now: dt.datetime) -> None:
        """Ends every session of the user (signing out everywhere)."""
        ...


class ItemRoleStore(Protocol):
    async def item_roles(self, item_id: int) -> dict[int, ItemRole]:
        """The roles granted for one programme item, by user id."""
        ...

    async def set_item_roles(self, item_id: int, roles: Mapping[int, ItemRole]) -> None:
        """Atomically replaces every grant of the item. Raises NotFound('item-not-found') for an unknown item,
        NotFound('person-not-found') when a user is not a member of the item's mission."""
        ...
