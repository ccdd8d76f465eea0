"""A mission's results for its organisers (docs/results.md): JSON, each table as CSV, all of them as XLSX."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from rooms.core.errors import NotFound
from rooms.core.sheets import Table, csv_bytes
from rooms.results.records import MissionResults
from rooms.results.tables import TABLES, tables
from server.api.core import Context, Endpoint, decode_query
from server.api.downloads import CSV, XLSX, Download, DownloadEndpoint
from server.charts.results import CHARTS, chart
from server.xlsx import workbook


async def _results(ctx: Context) -> MissionResults:
    mission_id = ctx.path_id("mission_id")
    return await ctx.services.results.results(await ctx.user_in(mission_id), mission_id)


async def results(ctx: Context, _: Any) -> MissionResults:
    return await _results(ctx)


async def table_csv(ctx: Context, _: Any) -> Download:
    name: str = ctx.request.path_params["table"]
    found = await _results(ctx)  # first: who may not see the results learns nothing from a wrong name either
    if name not in TABLES:
        raise NotFound(code="results-table-not-found", message=f"There is no results table {name!r}.")
    table: Table = next(t for t in tables(found) if t.name == name)
    return Download(csv_bytes(table.header, table.rows), CSV, f"mission-{found.mission_id}-{name}.csv")


async def all_xlsx(ctx: Context, _: Any) -> Download:
    found = await _results(ctx)
    return Download(workbook(tables(found)), XLSX, f"mission-{found.mission_id}-results.xlsx")


class ChartQuery(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    lang: Literal["en", "nl"] = "en"


async def chart_svg(ctx: Context, _: Any) -> Download:
    name: str = ctx.request.path_params["chart"]
    lang = decode_query(ctx.request, ChartQuery).lang
    found = await _results(ctx)
    if name not in CHARTS:
        raise NotFound(code="results-chart-not-found", message=f"There is no results chart {name!r}.")
    return Download(chart(name, found, lang).encode(), "image/svg+xml; charset=utf-8",
                    f"mission-{found.mission_id}-{name}.svg", inline=True)


def endpoints() -> list[Endpoint]:
    base = "/api/missions/{mission_id:int}/results"
    return [
        Endpoint("GET", base, results, "The mission's results, computed from what was recorded (organisers)",
                 "results", returns=MissionResults),
        DownloadEndpoint("GET", base + "/{table:str}.csv", table_csv, "One table of the results as CSV (UTF-8 "
                         "with BOM, formula cells neutralised): " + ", ".join(TABLES), "results",
                         errors=("results-table-not-found",)),
        DownloadEndpoint("GET", base + "/charts/{chart:str}.svg", chart_svg, "A chart of the results (SVG, en or "
                         "nl): " + ", ".join(CHARTS), "results", query=ChartQuery,
                         errors=("results-chart-not-found",)),
        DownloadEndpoint("GET", base + ".xlsx", all_xlsx, "Every table of the results as one XLSX workbook, a "
                         "sheet each", "results"),
    ]
