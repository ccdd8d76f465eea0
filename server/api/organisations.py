"""A mission's organisations: its people grouped by organisation with the figure "companies taking part", and an
organiser's corrections (rename, registration number, merge). docs/organisations.md."""

from __future__ import annotations

from rooms.organisations.records import (
    MergeRequest,
    Organisation,
    OrganisationEdit,
    OrganisationQuery,
    OrganisationsPage,
)
from server.api.core import Context, Endpoint


async def mission_organisations(ctx: Context, query: OrganisationQuery) -> OrganisationsPage:
    mid = ctx.path_id("mission_id")
    return await ctx.services.organisations.of_mission(await ctx.user_in(mid), mid, query)


async def edit_organisation(ctx: Context, body: OrganisationEdit) -> Organisation:
    mid = ctx.path_id("mission_id")
    org = ctx.path_id("organisation_id")
    return await ctx.services.organisations.edit(await ctx.user_in(mid), mid, org, body)


async def merge_organisations(ctx: Context, body: MergeRequest) -> Organisation:
    mid = ctx.path_id("mission_id")
    return await ctx.services.organisations.merge(await ctx.user_in(mid), mid, body)


def endpoints() -> list[Endpoint]:
    m = "/api/missions/{mission_id:int}/organisations"
    return [
        Endpoint("GET", m, mission_organisations, "The mission's people grouped by organisation, filtered as the "
                 "directory is, with the figure 'companies taking part'", "directory", query=OrganisationQuery,
                 returns=OrganisationsPage, errors=("invalid-country",)),
        Endpoint("PUT", f"{m}/{{organisation_id:int}}", edit_organisation, "Correct an organisation's name, type, "
                 "website or registration number (organisers; one with people in this mission)", "directory",
                 body=OrganisationEdit, returns=Organisation,
                 errors=("organisation-not-found", "registration-taken", "organisation-exists",
                         "invalid-registration", "invalid-website")),
        Endpoint("POST", f"{m}/merge", merge_organisations, "Merge two records of one organisation: the source's "
                 "people join the target (organisers; both with people in this mission)", "directory",
                 body=MergeRequest, returns=Organisation, errors=("organisation-not-found", "merge-same")),
    ]
