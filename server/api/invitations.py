"""Accepting an invitation: public endpoints, authorised by the signed invitation token."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from rooms.core.cards import Side
from rooms.missions.people import Password, Role
from server.api.auth import SignedIn, TokenBody
from server.api.core import Context, Endpoint
from server.tokens import Purpose


class MissionSummary(msgspec.Struct, frozen=True):
    id: int
    title: str
    destination: str
    start_date: dt.date
    end_date: dt.date
    timezone: str


class InvitationInfo(msgspec.Struct, frozen=True):
    email: str
    name: str
    role: Role
    side: Side | None
    organisation: str
    status: str
    mission: MissionSummary


class Acceptance(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    password: Password | None = None


async def peek(ctx: Context, body: TokenBody) -> InvitationInfo:
    svc = ctx.services
    invitation = await svc.accounts.open_invitation(svc.tokens.row_id(Purpose.INVITATION, body.token))
    mission = await svc.store.get_mission(invitation.mission_id)
    assert mission is not None
    return InvitationInfo(
        email=invitation.email, name=invitation.name, role=invitation.role, side=invitation.side,
        organisation=invitation.organisation, status=invitation.status(svc.clock.now()),
        mission=MissionSummary(mission.id, mission.title, mission.destination, mission.start_date,
                               mission.end_date, mission.timezone),
    )


async def accept(ctx: Context, body: Acceptance) -> SignedIn:
    svc = ctx.services
    invitation_id = svc.tokens.row_id(Purpose.INVITATION, body.token)
    password_hash = None if body.password is None else svc.passwords.hash(body.password)
    user, membership = await svc.accounts.accept(invitation_id, body.name, password_hash)
    session_id, expires = await svc.accounts.start_session(user)
    ctx.start_session(session_id, expires)
    return SignedIn(user, membership.mission_id)


def endpoints() -> list[Endpoint]:
    errors = ("token-invalid", "token-expired", "token-used", "token-revoked")
    return [
        Endpoint("POST", "/api/invitations/peek", peek, "What an invitation is for (does not use it)",
                 "invitations", body=TokenBody, returns=InvitationInfo, public=True, errors=errors),
        Endpoint("POST", "/api/invitations/accept", accept, "Accept an invitation: creates the account if "
                 "needed and signs in", "invitations", body=Acceptance, returns=SignedIn, status=200,
                 public=True, errors=errors),
    ]
