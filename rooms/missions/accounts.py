"""Accounts: one-time sign-in links, invitations being accepted, and browser sessions.

Secrets (token signatures, password hashes) are the server's business; this service sees ids and hashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Protocol

from rooms.core.clock import Clock
from rooms.core.errors import Invalid, NotFound
from rooms.mail.drafts import sign_in_mail
from rooms.missions.people import Invitation, Membership, User, clean_name, normalise_email
from rooms.missions.ports import InvitationStore, MembershipStore, ProfileStore, SignInStore, UserStore


class AccountStore(UserStore, ProfileStore, MembershipStore, InvitationStore, SignInStore, Protocol):
    """What accounts use of the store."""


SIGN_IN_LINK_TTL = dt.timedelta(minutes=30)
SESSION_TTL = dt.timedelta(days=14)


def session_handle(session_id: str) -> str:
    """What names a session outside its cookie (the store's key, a bearer token's claim): SHA-256 of its id, so
    neither a leaked database nor a bearer token hands out the session itself."""
    return hashlib.sha256(session_id.encode()).hexdigest()


class AccountService:
    def __init__(self, store: AccountStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def now(self) -> dt.datetime:
        return self._clock.now()

    async def user(self, user_id: int) -> User:
        user = await self._store.get_user(user_id)
        if user is None:
            raise NotFound(code="user-not-found", message="User not found.")
        return user

    async def ensure_user(self, email: str, name: str, *, can_create_missions: bool = False) -> User:
        """Finds or creates a user (operators and the demo seeding use this)."""
        email = normalise_email(email)
        user = await self._store.get_user_by_email(email)
        if user is None:
            user = await self._store.create_user(
                email, clean_name(name), self._clock.now(), can_create_missions=can_create_missions
            )
        elif can_create_missions and not user.can_create_missions:
            await self._store.set_can_create_missions(user.id, True)
            user = await self.user(user.id)
        return user

    async def sign_in_link(
        self, email: str, mission_id: int | None = None, ttl: dt.timedelta = SIGN_IN_LINK_TTL, *,
        mail: bool = False,
    ) -> tuple[int, User, dt.datetime] | None:
        """A new one-time link for a known address, or None (the caller must not reveal which). With `mail`,
        a mail carrying it is queued in the same transaction (an operator's `login-link` queues none)."""
        user = await self._store.get_user_by_email(normalise_email(email))
        if user is None:
            return None
        if mission_id is not None and await self._store.get_membership(mission_id, user.id) is None:
            raise Invalid(code="not-a-member", message="This person does not take part in that mission.",
                          field="mission")
        now = self._clock.now()
        draft = None
        if mail:
            draft = sign_in_mail(user, await self._store.get_profile(user.id), now + ttl, mission_id)
        link_id = await self._store.create_sign_in_link(user.id, mission_id, now, now + ttl, draft)
        return link_id, user, now + ttl

    async def peek_link(self, link_id: int) -> tuple[User, int | None]:
        user_id, mission_id = await self._store.peek_sign_in_link(link_id, self._clock.now())
        return await self.user(user_id), mission_id

    async def use_link(self, link_id: int) -> tuple[User, int | None]:
        user_id, mission_id = await self._store.consume_sign_in_link(link_id, self._clock.now())
        return await self.user(user_id), mission_id

    async def invitation(self, invitation_id: int) -> Invitation:
        invitation = await self._store.get_invitation(invitation_id)
        if invitation is None:
            raise NotFound(code="token-invalid", message="Invitation not found.")
        return invitation

    async def open_invitation(self, invitation_id: int) -> Invitation:
        """The invitation, its link noted as opened (the organiser sees 'opened')."""
        invitation = await self.invitation(invitation_id)
        if invitation.opened_at is None:
            await self._store.open_invitation(invitation_id, self._clock.now())
        return invitation

    async def accept(self, invitation_id: int, name: str, password_hash: str | None) -> tuple[User, Membership]:
        return await self._store.accept_invitation(
            invitation_id, self._clock.now(), clean_name(name), password_hash
        )

    async def start_session(self, user: User) -> tuple[str, dt.datetime]:
        now = self._clock.now()
        expires = now + SESSION_TTL
        return await self._store.create_session(user.id, now, expires), expires

    async def session_user(self, session_id: str) -> User | None:
        user_id = await self._store.session_user(session_id, self._clock.now())
        return None if user_id is None else await self._store.get_user(user_id)

    async def end_session(self, session_id: str) -> None:
        await self._store.end_session(session_id)

    async def end_session_by_handle(self, handle: str) -> None:
        await self._store.end_session_by_handle(handle)

    async def live_session(self, handle: str) -> int | None:
        """The user of the live session with this handle, or None when it ended or expired."""
        return await self._store.live_session(handle, self._clock.now())

    async def end_sessions(self, user_id: int) -> None:
        await self._store.end_sessions(user_id, self._clock.now())
