"""The OrganisationStore port in SQL, and the link every profile write makes to its organisation (`link`), in the
caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import msgspec
from sqlalchemy import delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.core.cards import OrgType
from rooms.core.errors import Conflict, NotFound
from rooms.missions.profile import Profile
from rooms.organisations.names import name_key
from rooms.organisations.records import (
    AdoptRegistration,
    Claim,
    CreateNew,
    Organisation,
    OrganisationEdit,
    UseExisting,
    claim_of,
    conflict_of,
    decide,
    keeps_link,
    merged,
)
from server.db.models import OrganisationRow, ProfileRow


def organisation(row: OrganisationRow) -> Organisation:
    return Organisation(id=row.id, name=row.name, name_key=row.name_key, country=row.country,
                        org_type=OrgType(row.org_type), registration_number=row.registration_number,
                        website=row.website, created_at=row.created_at)


async def _candidates(s: AsyncSession, claim: Claim) -> tuple[Organisation | None, list[Organisation]]:
    found = (await s.execute(select(OrganisationRow).where(
        OrganisationRow.country == claim.country,
        (OrganisationRow.name_key == claim.key) | (
            (OrganisationRow.registration_number == claim.registration) & (OrganisationRow.registration_number != "")),
    ).order_by(OrganisationRow.id))).scalars().all()
    orgs = [organisation(r) for r in found]
    by_registration = next((o for o in orgs if claim.registration and o.registration_number == claim.registration),
                           None)
    return by_registration, [o for o in orgs if o.name_key == claim.key]


async def _match(s: AsyncSession, claim: Claim) -> int:
    # Two people of one new organisation saving at once: the second INSERT conflicts on the unique key and does
    # nothing, and the second look-up finds the first one's record.
    for _ in range(2):
        by_registration, by_name = await _candidates(s, claim)
        match decide(claim, by_registration, by_name):
            case UseExisting(organisation_id=found):
                return found
            case AdoptRegistration(organisation_id=found, registration=registration):
                await s.execute(update(OrganisationRow).where(OrganisationRow.id == found)
                                .values(registration_number=registration))
                return found
            case CreateNew():
                dml = sqlite.insert if s.get_bind().dialect.name == "sqlite" else postgresql.insert
                made = (await s.execute(dml(OrganisationRow).values(
                    name=claim.name[:120], name_key=claim.key, country=claim.country, org_type=claim.org_type.value,
                    registration_number=claim.registration, website=claim.website,
                    created_at=dt.datetime.now(dt.UTC),
                ).on_conflict_do_nothing().returning(OrganisationRow.id))).scalar()
                if made is not None:
                    return made
    raise Conflict(code="organisation-exists", message="This organisation was changed meanwhile; try again.")


async def link(s: AsyncSession, previous: Profile | None, profile: Profile, registration: str = "") -> Profile:
    """The profile linked to its organisation (found or made; `registration`: the registration number the person
    gave, if any), in the caller's transaction; sets the profile row's
    organisation_id, and deletes the organisation it left if nobody else is in it and it has no registration
    number. The profile row must exist (flushed)."""
    if keeps_link(previous, profile) and previous is not None:
        organisation_id = previous.organisation_id
    else:
        claim = claim_of(profile, registration)
        organisation_id = None if claim is None else await _match(s, claim)
    await s.execute(update(ProfileRow).where(ProfileRow.user_id == profile.user_id)
                    .values(organisation_id=organisation_id))
    left = None if previous is None else previous.organisation_id
    if left is not None and left != organisation_id:
        await s.execute(delete(OrganisationRow).where(
            OrganisationRow.id == left, OrganisationRow.registration_number == "",
            ~exists().where(ProfileRow.organisation_id == left)))
    return msgspec.structs.replace(profile, organisation_id=organisation_id)


async def link_new(s: AsyncSession, profiles: Sequence[Profile]) -> None:
    """`link` for many new profiles at once (a bulk add): one match per distinct organisation."""
    matched: dict[tuple[str, str], int] = {}
    people: dict[int, list[int]] = {}
    for profile in profiles:
        claim = claim_of(profile)
        if claim is None:
            continue
        group = (claim.country, claim.key)
        if group not in matched:
            matched[group] = await _match(s, claim)
        people.setdefault(matched[group], []).append(profile.user_id)
    for organisation_id, user_ids in people.items():
        for start in range(0, len(user_ids), 500):
            await s.execute(update(ProfileRow).where(ProfileRow.user_id.in_(user_ids[start:start + 500]))
                            .values(organisation_id=organisation_id))


class _Sessions(Protocol):
    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


class SqlOrganisations:
    """Mixed into SqlStore, which provides the sessions."""

    async def organisations(self: _Sessions, ids: Collection[int]) -> list[Organisation]:
        wanted = sorted(set(ids))
        out: list[Organisation] = []
        async with self._read() as s:
            for start in range(0, len(wanted), 500):  # bound the IN list (SQLite's parameter limit)
                found = await s.execute(select(OrganisationRow).where(
                    OrganisationRow.id.in_(wanted[start:start + 500])).order_by(OrganisationRow.id))
                out.extend(organisation(r) for r in found.scalars())
        return out

    async def update_organisation(self: _Sessions, organisation_id: int, edit: OrganisationEdit) -> Organisation:
        key = name_key(edit.name)
        try:
            async with self._write() as s:
                row = await s.get(OrganisationRow, organisation_id, with_for_update=True)
                if row is None:
                    raise NotFound(code="organisation-not-found", message="Organisation not found.")
                others = (await s.execute(select(OrganisationRow).where(
                    OrganisationRow.country == row.country, OrganisationRow.id != organisation_id,
                    (OrganisationRow.name_key == key) | (
                        (OrganisationRow.registration_number == edit.registration_number)
                        & (OrganisationRow.registration_number != ""))))).scalars().all()
                refusal = conflict_of([organisation(o) for o in others], row.country, key, edit.registration_number)
                if refusal is not None:
                    raise refusal
                row.name, row.name_key, row.org_type = edit.name, key, edit.org_type.value
                row.registration_number, row.website = edit.registration_number, edit.website
                await s.flush()
                return organisation(row)
        except IntegrityError as exc:  # a concurrent edit took the name or number first
            raise Conflict(code="organisation-exists", field="name",
                           message="Another organisation has this name or number: merge the two instead.") from exc

    async def merge_organisations(self: _Sessions, source_id: int, target_id: int) -> Organisation:
        async with self._write() as s:
            found = {r.id: r for r in (await s.execute(
                select(OrganisationRow).where(OrganisationRow.id.in_([source_id, target_id]))
                .order_by(OrganisationRow.id).with_for_update())).scalars()}
            if source_id not in found or target_id not in found:
                raise NotFound(code="organisation-not-found", message="Organisation not found.")
            source, target = organisation(found[source_id]), organisation(found[target_id])
            await s.execute(update(ProfileRow).where(ProfileRow.organisation_id == source_id)
                            .values(organisation_id=target_id))
            await s.execute(delete(OrganisationRow).where(OrganisationRow.id == source_id))
            await s.flush()
            result = merged(target, source)
            row = found[target_id]
            row.registration_number, row.website = result.registration_number, result.website
            await s.flush()
            return result
