"""The organisations of a mission: who works where, "companies taking part", and an organiser's corrections.

Organisations are shared by every mission (a person belongs to one across missions), so an organiser may correct
only organisations that have people in a mission they organise (rooms.policy.require_organisation_in_mission).
"""

from __future__ import annotations

from typing import Protocol

from rooms.core.errors import Invalid
from rooms.missions.people import User
from rooms.missions.ports import DirectoryStore
from rooms.missions.service import MissionService
from rooms.organisations.ports import OrganisationStore
from rooms.organisations.records import (
    MergeRequest,
    Organisation,
    OrganisationEdit,
    OrganisationQuery,
    OrganisationsPage,
    group,
)
from rooms.policy import Action, require, require_organisation_in_mission


class OrganisationServiceStore(DirectoryStore, OrganisationStore, Protocol):
    """What the organisation use cases use of the store."""


class OrganisationService:
    def __init__(self, store: OrganisationServiceStore, missions: MissionService) -> None:
        self._store = store
        self._missions = missions  # who the caller is in the mission, checked by the policy

    async def of_mission(self, user: User, mission_id: int, query: OrganisationQuery) -> OrganisationsPage:
        """The mission's people grouped by organisation, filtered as the directory is; with the figure
        "companies taking part" over every member."""
        require((await self._missions.actor(user, mission_id))[0], Action.VIEW_DIRECTORY)
        if query.country and not (len(query.country) == 2 and query.country.isalpha()):
            raise Invalid(code="invalid-country", message="Use a two-letter country code such as NL or US.",
                          field="country")
        members = await self._store.mission_directory(mission_id)
        ids = {e.profile.organisation_id for e in members if e.profile.organisation_id is not None}
        known = {o.id: o for o in await self._store.organisations(ids)}
        return group(members, known, query)

    async def _in_mission(self, user: User, mission_id: int, *organisation_ids: int) -> None:
        require((await self._missions.actor(user, mission_id))[0], Action.MANAGE_ORGANISATIONS)
        members = await self._store.mission_directory(mission_id)
        present = {e.profile.organisation_id for e in members}
        for organisation_id in organisation_ids:
            require_organisation_in_mission(organisation_id in present)

    async def edit(self, user: User, mission_id: int, organisation_id: int, edit: OrganisationEdit
                   ) -> Organisation:
        clean = edit.validated()
        await self._in_mission(user, mission_id, organisation_id)
        return await self._store.update_organisation(organisation_id, clean)

    async def merge(self, user: User, mission_id: int, request: MergeRequest) -> Organisation:
        clean = request.validated()
        await self._in_mission(user, mission_id, clean.source, clean.target)
        return await self._store.merge_organisations(clean.source, clean.target)
