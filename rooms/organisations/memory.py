"""The organisations in memory, mixed into rooms.missions.memory.MemoryMissions (which owns the profiles): no
method awaits, so each is atomic under asyncio."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection

import msgspec

from rooms.core.errors import NotFound
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


class MemoryOrganisations:
    _profiles: dict[int, Profile]

    def __init__(self) -> None:
        super().__init__()
        self._organisations: dict[int, Organisation] = {}
        self._next_organisation_id = itertools.count(1)

    def _link(self, previous: Profile | None, profile: Profile, registration: str = "") -> Profile:
        """Stores the profile linked to its organisation (found or made; `registration`: its registration number,
        where the person gave one), then forgets the one it left if that is left empty."""
        if keeps_link(previous, profile) and previous is not None and previous.organisation_id in self._organisations:
            linked = msgspec.structs.replace(profile, organisation_id=previous.organisation_id)
        else:
            claim = claim_of(profile, registration)
            linked = msgspec.structs.replace(profile, organisation_id=None if claim is None else self._match(claim))
        self._profiles[linked.user_id] = linked
        if previous is not None and previous.organisation_id not in (None, linked.organisation_id):
            self._forget_if_empty(previous.organisation_id)
        return linked

    def _match(self, claim: Claim) -> int:
        same_country = [o for o in self._organisations.values() if o.country == claim.country]
        by_registration = next((o for o in same_country if claim.registration
                                and o.registration_number == claim.registration), None)
        match decide(claim, by_registration, [o for o in same_country if o.name_key == claim.key]):
            case UseExisting(organisation_id=found):
                return found
            case AdoptRegistration(organisation_id=found, registration=registration):
                self._organisations[found] = msgspec.structs.replace(
                    self._organisations[found], registration_number=registration)
                return found
            case CreateNew():
                made = Organisation(
                    id=next(self._next_organisation_id), name=claim.name, name_key=claim.key, country=claim.country,
                    org_type=claim.org_type, registration_number=claim.registration, website=claim.website,
                    created_at=dt.datetime.now(dt.UTC))
                self._organisations[made.id] = made
                return made.id

    def _forget_if_empty(self, organisation_id: int | None) -> None:
        org = self._organisations.get(organisation_id) if organisation_id is not None else None
        if org is None or org.registration_number:
            return
        if not any(p.organisation_id == org.id for p in self._profiles.values()):
            del self._organisations[org.id]

    async def organisations(self, ids: Collection[int]) -> list[Organisation]:
        return [self._organisations[i] for i in sorted(set(ids)) if i in self._organisations]

    async def update_organisation(self, organisation_id: int, edit: OrganisationEdit) -> Organisation:
        current = self._organisations.get(organisation_id)
        if current is None:
            raise NotFound(code="organisation-not-found", message="Organisation not found.")
        key = name_key(edit.name)
        others = [o for o in self._organisations.values() if o.id != organisation_id]
        if (refusal := conflict_of(others, current.country, key, edit.registration_number)) is not None:
            raise refusal
        updated = msgspec.structs.replace(current, name=edit.name, name_key=key, org_type=edit.org_type,
                                          registration_number=edit.registration_number, website=edit.website)
        self._organisations[organisation_id] = updated
        return updated

    async def merge_organisations(self, source_id: int, target_id: int) -> Organisation:
        source, target = self._organisations.get(source_id), self._organisations.get(target_id)
        if source is None or target is None:
            raise NotFound(code="organisation-not-found", message="Organisation not found.")
        for user_id, profile in list(self._profiles.items()):
            if profile.organisation_id == source_id:
                self._profiles[user_id] = msgspec.structs.replace(profile, organisation_id=target_id)
        del self._organisations[source_id]
        self._organisations[target_id] = merged(target, source)
        return self._organisations[target_id]
