"""The account-level right to create missions: who holds it, granting it to a colleague, withdrawing it.

Who may do this is rooms.policy's (`require_grant_mission_creators`, `require_creators_left`); an operator does the
same at the command line (`roundtable grant-organiser`), where `operator` is passed instead of a user.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from rooms.core.clock import Clock
from rooms.core.errors import NotFound
from rooms.missions.people import Email, User, clean_name, normalise_email
from rooms.missions.ports import UserStore
from rooms.policy import MIN_MISSION_CREATORS, require_creators_left, require_grant_mission_creators


class CreatorGrant(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Whom to give the right: an account is made for an unknown address (named `name`, else after the address),
    and its owner signs in by a mailed sign-in link."""

    email: Email
    name: Annotated[str, msgspec.Meta(max_length=120)] = ""


class MissionCreator(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    email: str


def _creator(user: User) -> MissionCreator:
    return MissionCreator(user.id, user.name, user.email)


class MissionCreators:
    def __init__(self, store: UserStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def list(self, user: User | None) -> list[MissionCreator]:
        """Everyone who may create missions, by name. `user` None: the operator."""
        if user is not None:
            require_grant_mission_creators(user)
        return [_creator(u) for u in await self._store.mission_creators()]

    async def grant(self, user: User | None, grant: CreatorGrant) -> MissionCreator:
        """Gives the right (idempotent), making the account when the address is unknown."""
        if user is not None:
            require_grant_mission_creators(user)
        email = normalise_email(grant.email)
        found = await self._store.get_user_by_email(email)
        if found is None:
            name = " ".join(grant.name.split()) or email.split("@", 1)[0]
            found = await self._store.create_user(email, clean_name(name), self._clock.now(),
                                                  can_create_missions=True)
        elif not found.can_create_missions:
            await self._store.set_can_create_missions(found.id, True)
        return _creator(found)

    async def revoke(self, user: User | None, target: int) -> None:
        """Withdraws the right (missions already made keep their organisers). Never from the last who holds it."""
        if user is not None:
            require_grant_mission_creators(user)
        held, others = await self._store.withdraw_mission_creator(target, keep=MIN_MISSION_CREATORS)
        if not held:
            raise NotFound(code="creator-not-found", message="This person may not create missions.")
        require_creators_left(others)  # the store kept the right when this refuses

    async def revoke_email(self, email: str) -> None:
        """The operator's revoke, by address."""
        found = await self._store.get_user_by_email(normalise_email(email))
        if found is None:
            raise NotFound(code="creator-not-found", message="This person may not create missions.")
        await self.revoke(None, found.id)
