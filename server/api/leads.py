"""The leads workspace over HTTP (docs/leads.md): my leads across missions, one lead, leads added by hand, edits,
targets, leads carried over to a mission's market, and the CSV and vCard files. Every lead is its owner's alone:
another person's lead answers 404 `lead-not-found`, as an unknown id does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import msgspec

from rooms.leads.export import leads_csv, leads_vcard
from rooms.leads.records import LeadEdit, ManualLead
from rooms.leads.service import LeadService, LeadsFilter, MyLead, MyLeads, Progress
from rooms.missions.people import User
from server.api.core import Context, Endpoint, decode_query
from server.api.downloads import Download, DownloadEndpoint
from server.api.errors import ApiError


class TargetBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    target: Annotated[int, msgspec.Meta(ge=-(2**31), le=2**31)]  # the range is the domain's (`bad-target`)


def _service(ctx: Context) -> LeadService:
    return ctx.services.leads


async def _me(ctx: Context, where: LeadsFilter | None = None) -> tuple[User, LeadsFilter | None]:
    """The caller, and the filter a bearer token scoped to one mission narrows to that mission."""
    found = await ctx.identity()
    if found.scope is None:
        return found.user, where
    if where is not None and where.mission_id not in (None, found.scope):
        raise ApiError(status=403, code="token-scope", message="This token is for another mission.")
    return found.user, msgspec.structs.replace(where or LeadsFilter(), mission_id=found.scope)


async def _lead(ctx: Context) -> tuple[User, MyLead]:
    user, scoped = await _me(ctx)
    view = await _service(ctx).lead(user, ctx.path_id("lead_id"))
    if scoped is not None and view.mission.id != scoped.mission_id:
        raise ApiError(status=403, code="token-scope", message="This token is for another mission.")
    return user, view


async def my_leads(ctx: Context, where: LeadsFilter) -> MyLeads:
    user, scoped = await _me(ctx, where)
    return await _service(ctx).my_leads(user, scoped)


async def add_lead(ctx: Context, body: ManualLead) -> MyLead:
    return await _service(ctx).add(await ctx.user_in(body.mission_id), body)


async def get_lead(ctx: Context, _: Any) -> MyLead:
    return (await _lead(ctx))[1]


async def edit_lead(ctx: Context, body: LeadEdit) -> MyLead:
    user, view = await _lead(ctx)
    return await _service(ctx).edit(user, view.entry.lead.id, body)


async def set_target(ctx: Context, body: TargetBody) -> Progress:
    mission_id = ctx.path_id("mission_id")
    return await _service(ctx).set_target(await ctx.user_in(mission_id), mission_id, body.target)


async def carried_over(ctx: Context, _: Any) -> list[MyLead]:
    mission_id = ctx.path_id("mission_id")
    return await _service(ctx).carried_over(await ctx.user_in(mission_id), mission_id)


async def _filtered(ctx: Context) -> Sequence[MyLead]:
    user, scoped = await _me(ctx, decode_query(ctx.request, LeadsFilter))
    return (await _service(ctx).my_leads(user, scoped)).leads


async def csv_file(ctx: Context, _: Any) -> Download:
    return Download(leads_csv(await _filtered(ctx)), "text/csv; charset=utf-8", "leads.csv")


async def vcard_file(ctx: Context, _: Any) -> Download:
    return Download(leads_vcard(await _filtered(ctx)), "text/vcard; charset=utf-8", "leads.vcf")


async def one_vcard(ctx: Context, _: Any) -> Download:
    _, view = await _lead(ctx)
    return Download(leads_vcard([view]), "text/vcard; charset=utf-8", f"lead-{view.entry.lead.id}.vcf")


def endpoints() -> list[Endpoint]:
    one = "/api/leads/{lead_id:int}"
    m = "/api/missions/{mission_id:int}"
    return [
        Endpoint("GET", "/api/leads", my_leads, "My leads of every mission (filter by mission, market, status), "
                 "with my progress towards each mission's target", "leads", query=LeadsFilter, returns=MyLeads),
        Endpoint("POST", "/api/leads", add_lead, "Add a lead by hand (a company visit, a business card)", "leads",
                 body=ManualLead, returns=MyLead, status=201,
                 errors=("lead-name-missing", "lead-person-unknown", "mission-not-found")),
        Endpoint("GET", one, get_lead, "One of my leads", "leads", returns=MyLead, errors=("lead-not-found",)),
        Endpoint("PUT", one, edit_lead, "Save a lead's status, next step, notes and contact details (sent in full)",
                 "leads", body=LeadEdit, returns=MyLead, errors=("lead-not-found",)),
        DownloadEndpoint("GET", f"{one}.vcf", one_vcard, "One of my leads as a vCard 3.0 file", "leads",
                         errors=("lead-not-found",)),
        DownloadEndpoint("GET", "/api/leads.csv", csv_file, "My leads as CSV (UTF-8 with BOM, formula cells "
                         "neutralised); the same filters as GET /api/leads", "leads", query=LeadsFilter),
        DownloadEndpoint("GET", "/api/leads.vcf", vcard_file, "My leads as vCard 3.0 cards; the same filters as "
                         "GET /api/leads", "leads", query=LeadsFilter),
        Endpoint("PUT", f"{m}/lead-target", set_target, "Set my own lead target for the mission (default 30)",
                 "leads", body=TargetBody, returns=Progress, errors=("bad-target", "mission-not-found")),
        Endpoint("GET", f"{m}/carried-leads", carried_over, "My leads from earlier missions to this mission's "
                 "market (its destination)", "leads", returns=list[MyLead], errors=("mission-not-found",)),
    ]
