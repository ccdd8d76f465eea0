"""The ledger computed: per figure, plan range | year plan | realised | realised cumulative, and whether the figure
lags its plan (docs/ledger.md). Pure: the service gathers the facts, this sums them."""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections import Counter
from collections.abc import Sequence

import msgspec

from rooms.ledger.records import FIGURE_OF_ACTIVITY, Activity, Correction, Figure, MissionRole, Plan, Team
from rooms.missions.mission import Direction


class Range(msgspec.Struct, frozen=True):
    low: int | None  # None: "not defined"
    high: int | None


class Status(enum.StrEnum):
    NO_PLAN = "no-plan"  # no year plan, or one "not defined"
    MET = "met"  # realised reached the plan's low end
    ON_TRACK = "on-track"  # below the plan, but not below the share of the year gone by
    LAGGING = "lagging"  # below that share (or the year is over and the plan was not reached)


class MissionFacts(msgspec.Struct, frozen=True):
    """What one linked mission contributes, gathered by the service."""

    mission_id: int
    title: str
    direction: Direction
    role: MissionRole
    start_date: dt.date
    end_date: dt.date
    organisations: frozenset[int]  # of members with a side
    held_by_year: dict[int, int]  # matchmaking meetings held, by the year they were held
    webinars_by_year: dict[int, int]  # webinars that went live with at least one viewer
    visits_by_year: dict[int, int]  # company visits in the programme that have ended

    @property
    def year(self) -> int:
        return self.start_date.year


class LedgerRow(msgspec.Struct, frozen=True):
    figure: Figure
    period_plan: Range | None  # the multi-year plan for the ledger's period
    year_plan: Range | None
    computed: int  # from missions and activities
    corrections: int  # the sum of the year's logged corrections
    realised: int  # computed + corrections
    realised_cumulative: int  # from the period's first year up to the ledger's year
    expected: int | None  # the share of the year plan's low end due by today (None: no plan)
    status: Status
    detail: dict[str, int]  # e.g. missions by direction and role; company visits by where they were counted


class LedgerMission(msgspec.Struct, frozen=True):
    mission_id: int
    title: str
    direction: Direction
    role: MissionRole
    start_date: dt.date
    end_date: dt.date
    companies: int
    held: int


class Ledger(msgspec.Struct, frozen=True):
    team: Team
    year: int
    period_first: int  # the multi-year plan's period that holds `year` (the year alone without one)
    period_last: int
    computed_at: dt.datetime
    rows: list[LedgerRow]
    missions: list[LedgerMission]  # the team's missions that started in `year`


def period_of(plans: Sequence[Plan], year: int) -> tuple[int, int]:
    """The multi-year period holding `year` that most figures plan for (the longest, then the earliest, on a tie);
    the year alone when no multi-year plan holds it."""
    periods = Counter((p.first_year, p.last_year) for p in plans
                      if not p.annual and p.first_year <= year <= p.last_year)
    if not periods:
        return year, year
    return max(periods, key=lambda k: (periods[k], k[1] - k[0], -k[0]))


def expected_by(low: int, year: int, today: dt.date) -> int:
    """How much of a year plan's low end is due by `today`: all of it once the year is over, none before it
    starts, in between the share of the year's days gone by (rounded down)."""
    if year < today.year:
        return low
    if year > today.year:
        return 0
    start = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - start).days
    return math.floor(low * ((today - start).days + 1) / days)


def status_of(realised: int, plan: Range | None, year: int, today: dt.date) -> tuple[Status, int | None]:
    if plan is None or plan.low is None:
        return Status.NO_PLAN, None
    due = expected_by(plan.low, year, today)
    if realised >= plan.low:
        return Status.MET, due
    return (Status.LAGGING if realised < due else Status.ON_TRACK), due


def _yearly(missions: Sequence[MissionFacts], activities: Sequence[Activity], year: int
            ) -> tuple[dict[Figure, int], dict[Figure, dict[str, int]]]:
    """Each figure's computed value for one year, with its detail (companies apart: they are de-duplicated)."""
    of_year = [m for m in missions if m.year == year]
    done = [a for a in activities if a.on.year == year]
    counted = Counter[Figure]()
    for a in done:
        counted[FIGURE_OF_ACTIVITY[a.kind]] += a.count
    activity_visits = counted[Figure.COMPANY_VISITS]
    activity_sessions = counted[Figure.INFO_SESSIONS]
    webinars = sum(m.webinars_by_year.get(year, 0) for m in missions)
    programme_visits = sum(m.visits_by_year.get(year, 0) for m in missions)
    counted[Figure.MISSIONS] = len(of_year)
    counted[Figure.MATCHMAKING] = sum(m.held_by_year.get(year, 0) for m in missions)
    counted[Figure.INFO_SESSIONS] += webinars
    counted[Figure.COMPANY_VISITS] += programme_visits
    detail = {
        Figure.MISSIONS: {
            "incoming": sum(1 for m in of_year if m.direction is Direction.INCOMING),
            "outgoing": sum(1 for m in of_year if m.direction is Direction.OUTGOING),
            "lead_partner": sum(1 for m in of_year if m.role is MissionRole.LEAD_PARTNER),
            "partner": sum(1 for m in of_year if m.role is MissionRole.PARTNER)},
        Figure.INFO_SESSIONS: {"activities": activity_sessions, "webinars": webinars},
        Figure.COMPANY_VISITS: {"activities": activity_visits, "in_missions": programme_visits},
    }
    return dict(counted), detail


def _companies(missions: Sequence[MissionFacts], first: int, last: int) -> int:
    """Companies that took part in the team's missions starting first..last, each counted once."""
    return len({org for m in missions if first <= m.year <= last for org in m.organisations})


def compute(team: Team, year: int, today: dt.date, now: dt.datetime, missions: Sequence[MissionFacts],
            activities: Sequence[Activity], plans: Sequence[Plan], corrections: Sequence[Correction]) -> Ledger:
    first, last = period_of(plans, year)
    by_year = {y: _yearly(missions, activities, y) for y in range(first, year + 1)}
    corrected = Counter[tuple[Figure, int]]()
    for c in corrections:
        corrected[(c.figure, c.year)] += c.delta
    rows = []
    planned = {(p.figure, p.first_year, p.last_year): Range(low=p.low, high=p.high) for p in plans}
    for figure in Figure:
        if figure is Figure.COMPANIES:
            computed = _companies(missions, year, year)
            cumulative = _companies(missions, first, year)
        else:
            computed = by_year[year][0].get(figure, 0)
            cumulative = sum(by_year[y][0].get(figure, 0) for y in range(first, year + 1))
        fix = corrected[(figure, year)]
        realised = computed + fix
        year_plan = planned.get((figure, year, year))
        status, due = status_of(realised, year_plan, year, today)
        rows.append(LedgerRow(
            figure=figure, period_plan=planned.get((figure, first, last)) if last > first else None,
            year_plan=year_plan,
            computed=computed, corrections=fix, realised=realised,
            realised_cumulative=cumulative + sum(corrected[(figure, y)] for y in range(first, year + 1)),
            expected=due, status=status, detail=by_year[year][1].get(figure, {})))
    listed = [LedgerMission(mission_id=m.mission_id, title=m.title, direction=m.direction, role=m.role,
                            start_date=m.start_date, end_date=m.end_date, companies=len(m.organisations),
                            held=sum(m.held_by_year.values()))
              for m in sorted(missions, key=lambda m: (m.start_date, m.mission_id)) if m.year == year]
    return Ledger(team=team, year=year, period_first=first, period_last=last, computed_at=now, rows=rows,
                  missions=listed)
