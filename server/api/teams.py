"""Teams and their KPI ledger over HTTP (docs/ledger.md): a team's members and missions, its activities outside
missions, plans, logged corrections, and the ledger as JSON, CSV, XLSX and an SVG chart. A team is its members'
alone: anyone else gets 404 `team-not-found`, the answer to an unknown id. A bearer token scoped to one mission
reaches no team (a team spans missions)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from rooms.core.sheets import csv_bytes
from rooms.ledger.ledger import Ledger
from rooms.ledger.records import Activity, ActivityDraft, Correction, CorrectionDraft, Plan, PlanDraft, Team, TeamDraft
from rooms.ledger.records import TeamMember as Member
from rooms.ledger.service import LedgerService, Link, NewMember, TeamView
from rooms.ledger.sheet import ledger_table, missions_table
from rooms.missions.people import User
from server.api.core import Context, Endpoint, decode_query
from server.api.downloads import CSV, XLSX, Download, DownloadEndpoint
from server.api.errors import ApiError
from server.charts.ledger import ledger_chart
from server.xlsx import workbook


class YearQuery(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    year: Annotated[int, msgspec.Meta(ge=0, le=9999)] | None = None  # default: this year


class SheetQuery(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    year: Annotated[int, msgspec.Meta(ge=0, le=9999)] | None = None
    lang: Literal["en", "nl"] = "en"  # the labels' language
    v: str = ""  # ignored: a page changes it to load the chart again after an edit


def _service(ctx: Context) -> LedgerService:
    return ctx.services.ledger


async def _me(ctx: Context) -> User:
    found = await ctx.identity()
    if found.scope is not None:
        raise ApiError(status=403, code="token-scope", message="This token is for one mission, not for teams.")
    return found.user


def _year(ctx: Context, year: int | None) -> int:
    return ctx.services.clock.now().year if year is None else year


async def my_teams(ctx: Context, _: Any) -> list[Team]:
    return await _service(ctx).teams(await _me(ctx))


async def create_team(ctx: Context, body: TeamDraft) -> Team:
    return await _service(ctx).create_team(await _me(ctx), body)


async def get_team(ctx: Context, _: Any) -> TeamView:
    return await _service(ctx).view(await _me(ctx), ctx.path_id("team_id"))


async def rename_team(ctx: Context, body: TeamDraft) -> Team:
    return await _service(ctx).rename(await _me(ctx), ctx.path_id("team_id"), body)


async def add_member(ctx: Context, body: NewMember) -> list[Member]:
    return await _service(ctx).add_member(await _me(ctx), ctx.path_id("team_id"), body)


async def remove_member(ctx: Context, _: Any) -> list[Member]:
    return await _service(ctx).remove_member(await _me(ctx), ctx.path_id("team_id"), ctx.path_id("user_id"))


async def link_mission(ctx: Context, body: Link) -> TeamView:
    return await _service(ctx).link(await _me(ctx), ctx.path_id("team_id"), ctx.path_id("mission_id"), body)


async def unlink_mission(ctx: Context, _: Any) -> TeamView:
    return await _service(ctx).unlink(await _me(ctx), ctx.path_id("team_id"), ctx.path_id("mission_id"))


async def activities(ctx: Context, query: YearQuery) -> list[Activity]:
    return await _service(ctx).activities(await _me(ctx), ctx.path_id("team_id"), _year(ctx, query.year))


async def add_activity(ctx: Context, body: ActivityDraft) -> Activity:
    return await _service(ctx).add_activity(await _me(ctx), ctx.path_id("team_id"), body)


async def delete_activity(ctx: Context, _: Any) -> None:
    await _service(ctx).delete_activity(await _me(ctx), ctx.path_id("team_id"), ctx.path_id("activity_id"))


async def plans(ctx: Context, _: Any) -> list[Plan]:
    return await _service(ctx).plans(await _me(ctx), ctx.path_id("team_id"))


async def set_plan(ctx: Context, body: PlanDraft) -> Plan:
    return await _service(ctx).set_plan(await _me(ctx), ctx.path_id("team_id"), body)


async def corrections(ctx: Context, _: Any) -> list[Correction]:
    return await _service(ctx).corrections(await _me(ctx), ctx.path_id("team_id"))


async def add_correction(ctx: Context, body: CorrectionDraft) -> Correction:
    return await _service(ctx).add_correction(await _me(ctx), ctx.path_id("team_id"), body)


async def _ledger(ctx: Context, year: int | None) -> Ledger:
    return await _service(ctx).ledger(await _me(ctx), ctx.path_id("team_id"), _year(ctx, year))


async def ledger(ctx: Context, query: YearQuery) -> Ledger:
    return await _ledger(ctx, query.year)


async def ledger_csv(ctx: Context, _: Any) -> Download:
    query = decode_query(ctx.request, SheetQuery)
    found = await _ledger(ctx, query.year)
    table = ledger_table(found, query.lang)
    return Download(csv_bytes(table.header, table.rows), CSV, f"ledger-{found.team.id}-{found.year}.csv")


async def ledger_xlsx(ctx: Context, _: Any) -> Download:
    query = decode_query(ctx.request, SheetQuery)
    found = await _ledger(ctx, query.year)
    return Download(workbook([ledger_table(found, query.lang), missions_table(found, query.lang)]), XLSX,
                    f"ledger-{found.team.id}-{found.year}.xlsx")


async def ledger_svg(ctx: Context, _: Any) -> Download:
    query = decode_query(ctx.request, SheetQuery)
    found = await _ledger(ctx, query.year)
    return Download(ledger_chart(found, query.lang).encode(), "image/svg+xml; charset=utf-8",
                    f"ledger-{found.team.id}-{found.year}.svg", inline=True)


def endpoints() -> list[Endpoint]:
    t = "/api/teams/{team_id:int}"
    return [
        Endpoint("GET", "/api/teams", my_teams, "My teams", "teams", returns=list[Team]),
        Endpoint("POST", "/api/teams", create_team, "Start a team (people who may create missions); I am its first "
                 "member", "teams", body=TeamDraft, returns=Team, status=201, errors=("bad-team-name",)),
        Endpoint("GET", t, get_team, "A team: its members, the missions it counts (and in what role), and the "
                 "missions I organise that it could count", "teams", returns=TeamView, errors=("team-not-found",)),
        Endpoint("PUT", t, rename_team, "Rename the team", "teams", body=TeamDraft, returns=Team,
                 errors=("team-not-found", "bad-team-name")),
        Endpoint("POST", t + "/members", add_member, "Add a colleague (who has an account) by e-mail", "teams",
                 body=NewMember, returns=list[Member], errors=("team-not-found", "user-not-found", "already-in-team")),
        Endpoint("DELETE", t + "/members/{user_id:int}", remove_member, "Remove a member (myself too; never the "
                 "last)", "teams", returns=list[Member], errors=("team-not-found", "user-not-found",
                                                                  "last-team-member")),
        Endpoint("PUT", t + "/missions/{mission_id:int}", link_mission, "Count a mission I organise in the team's "
                 "ledger, as lead partner or partner (again: change the role)", "teams", body=Link, returns=TeamView,
                 errors=("team-not-found", "mission-not-found", "lead-partner-taken")),
        Endpoint("DELETE", t + "/missions/{mission_id:int}", unlink_mission, "Stop counting a mission", "teams",
                 returns=TeamView, errors=("team-not-found", "mission-not-linked")),
        Endpoint("GET", t + "/activities", activities, "The team's activities outside missions in a year, newest "
                 "first", "teams", query=YearQuery, returns=list[Activity], errors=("team-not-found", "bad-year")),
        Endpoint("POST", t + "/activities", add_activity, "Record an information session, a company visit, a "
                 "partner scan or a registered service", "teams", body=ActivityDraft, returns=Activity, status=201,
                 errors=("team-not-found", "bad-activity")),
        Endpoint("DELETE", t + "/activities/{activity_id:int}", delete_activity, "Delete an activity recorded by "
                 "mistake", "teams", status=204, errors=("team-not-found", "activity-not-found")),
        Endpoint("GET", t + "/plans", plans, "Every plan of the team (annual and multi-year)", "teams",
                 returns=list[Plan], errors=("team-not-found",)),
        Endpoint("PUT", t + "/plans", set_plan, "Save the plan for one figure and period (first_year = last_year: "
                 "the annual plan; low and high null: not defined)", "teams", body=PlanDraft, returns=Plan,
                 errors=("team-not-found", "bad-plan")),
        Endpoint("GET", t + "/corrections", corrections, "The log of manual corrections, newest first", "teams",
                 returns=list[Correction], errors=("team-not-found",)),
        Endpoint("POST", t + "/corrections", add_correction, "Correct a realised figure of a year, with a reason "
                 "(logged with its author; added to what is computed)", "teams", body=CorrectionDraft,
                 returns=Correction, status=201, errors=("team-not-found", "bad-correction", "reason-required")),
        Endpoint("GET", t + "/ledger", ledger, "The ledger of a year: per figure plan range, year plan, realised, "
                 "realised cumulative and whether it lags; the team's missions of that year", "teams",
                 query=YearQuery, returns=Ledger, errors=("team-not-found", "bad-year")),
        DownloadEndpoint("GET", t + "/ledger.csv", ledger_csv, "The ledger as CSV, laid out as teams keep it (en "
                         "or nl labels)", "teams", query=SheetQuery, errors=("team-not-found", "bad-year")),
        DownloadEndpoint("GET", t + "/ledger.xlsx", ledger_xlsx, "The ledger as XLSX, laid out as teams keep it, "
                         "and the year's missions on a second sheet", "teams", query=SheetQuery,
                         errors=("team-not-found", "bad-year")),
        DownloadEndpoint("GET", t + "/ledger.svg", ledger_svg, "The ledger as a bar chart (SVG): realised against "
                         "the year plan per figure", "teams", query=SheetQuery, errors=("team-not-found", "bad-year")),
    ]
