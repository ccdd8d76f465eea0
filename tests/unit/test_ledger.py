"""The ledger's sums and its lag rule (rooms/ledger/ledger.py, docs/ledger.md), on facts made here."""

from __future__ import annotations

import datetime as dt

from rooms.ledger.ledger import MissionFacts, Range, Status, compute, expected_by, period_of, status_of
from rooms.ledger.records import Activity, ActivityKind, Correction, Figure, MissionRole, Plan, Team
from rooms.ledger.sheet import ledger_table, plan_cell
from rooms.missions.mission import Direction

NOW = dt.datetime(2018, 7, 2, 12, 0, tzinfo=dt.UTC)
TEAM = Team(id=1, name="Regio Oost", created_at=NOW)


def _mission(mid: int, start: dt.date, orgs: set[int], held: dict[int, int] | None = None,
             direction: Direction = Direction.OUTGOING, role: MissionRole = MissionRole.LEAD_PARTNER) -> MissionFacts:
    return MissionFacts(mission_id=mid, title=f"Mission {mid}", direction=direction, role=role, start_date=start,
                        end_date=start + dt.timedelta(days=4), organisations=frozenset(orgs),
                        held_by_year=held or {}, webinars_by_year={}, visits_by_year={})


def _plan(figure: Figure, first: int, last: int, low: int | None, high: int | None) -> Plan:
    return Plan(figure=figure, first_year=first, last_year=last, low=low, high=high, updated_by=1, updated_at=NOW)


def _activity(n: int, kind: ActivityKind, on: dt.date, count: int = 1) -> Activity:
    return Activity(id=n, team_id=1, kind=kind, on=on, title=f"A{n}", count=count, company="", notes="",
                    created_by=1, created_at=NOW)


def test_the_share_due_grows_through_the_year() -> None:
    assert expected_by(300, 2017, NOW.date()) == 300  # a year gone by: all of it
    assert expected_by(300, 2019, NOW.date()) == 0  # a year to come: nothing yet
    assert expected_by(365, 2018, dt.date(2018, 1, 1)) == 1
    assert expected_by(300, 2018, dt.date(2018, 7, 2)) == 300 * 183 // 365  # 2 July is day 183
    assert expected_by(366, 2020, dt.date(2020, 12, 31)) == 366  # a leap year counts its 366 days


def test_status_met_on_track_lagging_no_plan() -> None:
    today = dt.date(2018, 7, 2)
    assert status_of(6, Range(6, 8), 2018, today) == (Status.MET, 3)
    assert status_of(3, Range(6, 8), 2018, today) == (Status.ON_TRACK, 3)
    assert status_of(2, Range(6, 8), 2018, today) == (Status.LAGGING, 3)
    assert status_of(5, Range(6, 8), 2017, today) == (Status.LAGGING, 6)  # the year is over, the plan not met
    assert status_of(9, Range(None, None), 2018, today) == (Status.NO_PLAN, None)  # "not defined"
    assert status_of(9, None, 2018, today) == (Status.NO_PLAN, None)


def test_the_period_is_the_multi_year_plan_most_figures_share() -> None:
    plans = [_plan(Figure.MISSIONS, 2017, 2020, 24, 32), _plan(Figure.MATCHMAKING, 2017, 2020, 1200, 1200),
             _plan(Figure.COMPANIES, 2018, 2019, 240, 240), _plan(Figure.MISSIONS, 2018, 2018, 6, 8)]
    assert period_of(plans, 2018) == (2017, 2020)
    assert period_of(plans, 2021) == (2021, 2021)  # no multi-year plan holds it: the year alone


def test_the_seed_table_computed() -> None:
    """Seed 003's shape: realised this year and cumulatively since the plan's first year; companies once."""
    missions = [
        _mission(1, dt.date(2017, 5, 1), {1, 2, 3}, {2017: 40}),
        _mission(2, dt.date(2018, 3, 5), {3, 4}, {2018: 7}, Direction.INCOMING, MissionRole.PARTNER),
        _mission(3, dt.date(2018, 9, 10), {4, 5}, {2018: 4}),
        _mission(4, dt.date(2019, 2, 1), {6}, {2019: 9}),  # next year: not in 2018's figures
    ]
    activities = [_activity(1, ActivityKind.COMPANY_VISIT, dt.date(2018, 2, 1), count=12),
                  _activity(2, ActivityKind.COMPANY_VISIT, dt.date(2017, 11, 1), count=20),
                  _activity(3, ActivityKind.PARTNER_SCAN, dt.date(2018, 6, 1)),
                  _activity(4, ActivityKind.INFO_SESSION, dt.date(2018, 4, 1), count=3)]
    plans = [_plan(Figure.MISSIONS, 2017, 2020, 24, 32), _plan(Figure.MISSIONS, 2018, 2018, 6, 8),
             _plan(Figure.MATCHMAKING, 2018, 2018, 300, 300), _plan(Figure.COMPANY_VISITS, 2017, 2020, None, None),
             _plan(Figure.COMPANY_VISITS, 2018, 2018, 30, 30)]
    corrections = [Correction(id=1, figure=Figure.MISSIONS, year=2018, delta=2, reason="Before Roundtable",
                              author_id=1, author_name="Olga", at=NOW),
                   Correction(id=2, figure=Figure.MISSIONS, year=2017, delta=1, reason="Paper", author_id=1,
                              author_name="Olga", at=NOW)]
    ledger = compute(TEAM, 2018, NOW.date(), NOW, missions, activities, plans, corrections)
    rows = {r.figure: r for r in ledger.rows}
    assert (ledger.period_first, ledger.period_last) == (2017, 2020)
    m = rows[Figure.MISSIONS]
    assert (m.computed, m.corrections, m.realised, m.realised_cumulative) == (2, 2, 4, 2 + 2 + 1 + 1)
    assert m.detail == {"incoming": 1, "outgoing": 1, "lead_partner": 1, "partner": 1}
    assert (m.period_plan, m.year_plan, m.status) == (Range(24, 32), Range(6, 8), Status.ON_TRACK)
    c = rows[Figure.COMPANIES]
    assert (c.realised, c.realised_cumulative) == (3, 5)  # {3,4,5} this year; {1..5} since 2017, 3 and 4 once
    mm = rows[Figure.MATCHMAKING]
    assert (mm.realised, mm.realised_cumulative, mm.expected, mm.status) == (11, 51, 150, Status.LAGGING)
    v = rows[Figure.COMPANY_VISITS]
    assert (v.realised, v.realised_cumulative, v.period_plan, v.expected, v.status) == (
        12, 32, Range(None, None), 15, Status.LAGGING)
    assert rows[Figure.PARTNER_SCANS].realised == 1 and rows[Figure.PARTNER_SCANS].status is Status.NO_PLAN
    assert rows[Figure.INFO_SESSIONS].detail == {"activities": 3, "webinars": 0}
    assert [x.mission_id for x in ledger.missions] == [2, 3]

    table = ledger_table(ledger, "nl")
    assert table.header[:3] == ["KPI", "MJP 2017–2020", "JP 2018"]
    first = {row[0]: row for row in table.rows}
    assert first["Aantal handelsmissies (in- en uitgaand)"][1:7] == ["24–32", "6–8", 4, 6, "Op schema", 2]
    assert first["  waarvan inkomend"][3] == 1
    assert first["Aantal bedrijfsbezoeken"][1:3] == ["Niet gedefinieerd", 30]


def test_plan_cells_as_teams_write_them() -> None:
    assert plan_cell(Range(300, 300), "en") == 300
    assert plan_cell(Range(24, 32), "en") == "24–32"
    assert plan_cell(Range(None, None), "nl") == "Niet gedefinieerd"
    assert plan_cell(None, "en") == ""
