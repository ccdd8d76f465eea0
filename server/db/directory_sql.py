"""Directory search in SQL: filters on indexed columns, free text over a case-folded search column."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.missions.people import Role
from rooms.missions.profile import DirectoryEntry, DirectoryPage, DirectoryQuery, Facet
from server.db import rows
from server.db.models import MembershipRow, ProfileRow, ProfileSectorRow, UserRow


def _like(term: str) -> ColumnElement[bool]:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return ProfileRow.search_text.like(f"%{escaped}%", escape="\\")


def _text_filters(mission_id: int, query: DirectoryQuery) -> list[ColumnElement[bool]]:
    return [MembershipRow.mission_id == mission_id, *(_like(t) for t in query.terms())]


def _structured_filters(query: DirectoryQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.org_type:
        where.append(ProfileRow.org_type.in_([t.value for t in query.org_type]))
    if query.country:
        where.append(ProfileRow.country == query.country)
    if query.side is not None:
        where.append(MembershipRow.side == query.side.value)
    if query.sector:
        where.append(exists().where(
            ProfileSectorRow.user_id == ProfileRow.user_id,
            ProfileSectorRow.sector_key == query.sector.strip().casefold(),
        ))
    return where


def _members() -> Select[ProfileRow, str, str, str | None]:
    return (
        select(ProfileRow, UserRow.name, MembershipRow.role, MembershipRow.side)
        .join(MembershipRow, MembershipRow.user_id == ProfileRow.user_id)
        .join(UserRow, UserRow.id == ProfileRow.user_id)
    )


def _entry(profile: ProfileRow, name: str, role: str, side: str | None) -> DirectoryEntry:
    return DirectoryEntry(profile=rows.profile(profile, name), role=Role(role), side=rows.side(side))


def _sorted(found: list[tuple[str, int]]) -> list[Facet]:
    found.sort(key=lambda vn: (-vn[1], vn[0]))
    return [Facet(value, n) for value, n in found]


async def _facet(s: AsyncSession, column: Any, base: list[ColumnElement[bool]]) -> list[Facet]:
    stmt = (
        select(column, func.count()).select_from(ProfileRow)
        .join(MembershipRow, MembershipRow.user_id == ProfileRow.user_id)
        .where(*base, column.is_not(None), column != "").group_by(column)
    )
    return _sorted([(str(v), int(n)) for v, n in (await s.execute(stmt)).all()])


async def _sector_facet(s: AsyncSession, base: list[ColumnElement[bool]]) -> list[Facet]:
    # Spellings differ between profiles ("EV charging", "EV Charging"): group by the case-folded key and
    # show the smallest spelling, byte-wise on every backend (the column has collation "C" on PostgreSQL).
    stmt = (
        select(func.min(ProfileSectorRow.sector), func.count()).select_from(ProfileRow)
        .join(MembershipRow, MembershipRow.user_id == ProfileRow.user_id)
        .join(ProfileSectorRow, ProfileSectorRow.user_id == ProfileRow.user_id)
        .where(*base).group_by(ProfileSectorRow.sector_key)
    )
    return _sorted([(str(v), int(n)) for v, n in (await s.execute(stmt)).all()])


async def search_directory(s: AsyncSession, mission_id: int, query: DirectoryQuery) -> DirectoryPage:
    base = _text_filters(mission_id, query)
    where = and_(*base, *_structured_filters(query))
    total = (await s.execute(
        select(func.count()).select_from(ProfileRow)
        .join(MembershipRow, MembershipRow.user_id == ProfileRow.user_id).where(where)
    )).scalar_one()
    found = await s.execute(
        _members().where(where)
        .order_by(ProfileRow.sort_org, ProfileRow.sort_name, ProfileRow.user_id)
        .offset((query.page - 1) * query.page_size).limit(query.page_size)
    )
    facets = {
        "org_type": await _facet(s, ProfileRow.org_type, base),
        "side": await _facet(s, MembershipRow.side, base),
        "country": await _facet(s, ProfileRow.country, base),
        "sector": await _sector_facet(s, base),
    }
    return DirectoryPage(
        entries=[_entry(*r) for r in found.all()], total=total, page=query.page, page_size=query.page_size,
        facets=facets,
    )


async def mission_directory(s: AsyncSession, mission_id: int,
                            user_ids: Collection[int] | None = None) -> list[DirectoryEntry]:
    query = _members().where(MembershipRow.mission_id == mission_id)
    if user_ids is not None:
        query = query.where(MembershipRow.user_id.in_(sorted(set(user_ids))))
    found = await s.execute(query.order_by(ProfileRow.user_id))
    return [_entry(*r) for r in found.all()]


async def directory_entry(s: AsyncSession, mission_id: int, user_id: int) -> DirectoryEntry | None:
    found = (await s.execute(
        _members().where(MembershipRow.mission_id == mission_id, MembershipRow.user_id == user_id)
    )).one_or_none()
    return None if found is None else _entry(*found)
