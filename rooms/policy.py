"""Who may do what. Every permission decision in Roundtable is made here.

An Actor is a signed-in user as seen from one mission: their membership there (or none). Non-members learn
nothing about a mission: they get NotFound, as if it did not exist.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import msgspec

from rooms.errors import NotAllowed, NotFound
from rooms.people import Membership, Role, User


class Action(enum.StrEnum):
    CREATE_MISSION = "create-mission"
    VIEW_MISSION = "view-mission"
    EDIT_MISSION = "edit-mission"
    MANAGE_PROGRAMME = "manage-programme"
    VIEW_DIRECTORY = "view-directory"
    INVITE = "invite"
    MANAGE_MEMBERS = "manage-members"
    JOIN_LOBBY = "join-lobby"
    CHAT = "chat"
    DIRECT_MESSAGE = "direct-message"
    MODERATE_CHAT = "moderate-chat"
    ANNOUNCE = "announce"


_EVERY_ROLE = frozenset(Role)
_ORGANISERS = frozenset({Role.ORGANISER})

# Mission-scoped actions and the roles that may take them.
RULES: Mapping[Action, frozenset[Role]] = {
    Action.VIEW_MISSION: _EVERY_ROLE,
    Action.VIEW_DIRECTORY: _EVERY_ROLE,
    Action.EDIT_MISSION: _ORGANISERS,
    Action.MANAGE_PROGRAMME: _ORGANISERS,
    Action.INVITE: _ORGANISERS,
    Action.MANAGE_MEMBERS: _ORGANISERS,
    Action.JOIN_LOBBY: _EVERY_ROLE,
    Action.CHAT: _EVERY_ROLE,
    Action.DIRECT_MESSAGE: _EVERY_ROLE,
    Action.MODERATE_CHAT: frozenset({Role.ORGANISER, Role.HOST, Role.MODERATOR}),
    Action.ANNOUNCE: _ORGANISERS,
}


class Actor(msgspec.Struct, frozen=True):
    user: User
    membership: Membership | None = None

    @property
    def role(self) -> Role | None:
        return self.membership.role if self.membership else None


def allowed(actor: Actor, action: Action) -> bool:
    if action is Action.CREATE_MISSION:
        return actor.user.can_create_missions
    role = actor.role
    return role is not None and role in RULES[action]


def require(actor: Actor, action: Action) -> None:
    if allowed(actor, action):
        return
    if action is not Action.CREATE_MISSION and actor.membership is None:
        raise NotFound("Mission", "mission-not-found")
    raise NotAllowed(f"Your role may not {action.value.replace('-', ' ')}.")


def permissions(actor: Actor) -> list[str]:
    """The actions this actor may take, for clients to show or hide controls (the server still checks)."""
    return sorted(a.value for a in Action if allowed(actor, a))
