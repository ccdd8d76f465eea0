"""Conversions between ORM rows and the domain's value types (ORM objects stop here)."""

from __future__ import annotations

from rooms.core.cards import OrgType, Side
from rooms.missions.mission import Audience, Direction, Format, ItemKind, Mission, ProgrammeItem
from rooms.missions.people import Invitation, Membership, Role, User
from rooms.missions.profile import Profile
from server.db.models import InvitationRow, ItemRow, MembershipRow, MissionRow, ProfileRow, UserRow


def user(row: UserRow) -> User:
    return User(
        id=row.id, email=row.email, name=row.name, can_create_missions=row.can_create_missions,
        has_password=row.password_hash is not None, created_at=row.created_at,
    )


def profile(row: ProfileRow, name: str) -> Profile:
    return Profile(
        user_id=row.user_id, name=name, organisation=row.organisation, org_type=OrgType(row.org_type),
        job_title=row.job_title, sectors=list(row.sectors), country=row.country, city=row.city,
        offers=row.offers, seeks=row.seeks, languages=list(row.languages), bio=row.bio, website=row.website,
        organisation_id=row.organisation_id,
    )


def side(value: str | None) -> Side | None:
    return None if value is None else Side(value)


def membership(row: MembershipRow) -> Membership:
    return Membership(mission_id=row.mission_id, user_id=row.user_id, role=Role(row.role), side=side(row.side))


def mission(row: MissionRow) -> Mission:
    return Mission(
        id=row.id, title=row.title, destination=row.destination, timezone=row.timezone,
        start_date=row.start_date, end_date=row.end_date, direction=Direction(row.direction),
        format=Format(row.format), sectors=list(row.sectors), description=row.description,
        webinar_max_minutes=row.webinar_max_minutes, created_by=row.created_by, created_at=row.created_at,
    )


def item(row: ItemRow) -> ProgrammeItem:
    return ProgrammeItem(
        id=row.id, mission_id=row.mission_id, kind=ItemKind(row.kind), title=row.title,
        starts_at=row.starts_at, ends_at=row.ends_at, description=row.description, address=row.address,
        track=row.track, audience=Audience(row.audience), city=row.city, venue=row.venue, timezone=row.timezone,
        capacity=row.capacity,
    )


def invitation(row: InvitationRow) -> Invitation:
    return Invitation(
        id=row.id, mission_id=row.mission_id, email=row.email, name=row.name, role=Role(row.role),
        side=side(row.side), organisation=row.organisation, invited_by=row.invited_by,
        created_at=row.created_at, expires_at=row.expires_at, accepted_at=row.accepted_at,
        accepted_by=row.accepted_by, org_type=None if row.org_type is None else OrgType(row.org_type),
        sector=row.sector, language=row.language, opened_at=row.opened_at, revoked_at=row.revoked_at,
    )
