"""A team's KPI ledger (docs/ledger.md): teams, the missions they run, activities outside missions, plans per
period, logged corrections, and the ledger computed from them."""

from __future__ import annotations

import datetime as dt
import enum

import msgspec

from rooms.core.errors import Invalid

TEAM_NAME_MAX = 120
ACTIVITY_TITLE_MAX = 200
ACTIVITY_COUNT_MAX = 1000  # one line may stand for several alike (e.g. 12 company visits in one week)
PLAN_MAX = 1_000_000
CORRECTION_MAX = 100_000
REASON_MAX = 500
FIRST_YEAR, LAST_YEAR = 2000, 2100
PERIOD_YEARS_MAX = 10


class Figure(enum.StrEnum):
    """The rows of the table teams keep (seed 003), in its order."""

    MISSIONS = "missions"  # trade missions, incoming and outgoing
    INFO_SESSIONS = "info_sessions"
    COMPANIES = "companies"  # companies that took part in missions, de-duplicated
    MATCHMAKING = "matchmaking"  # matchmaking conversations held
    COMPANY_VISITS = "company_visits"
    PARTNER_SCANS = "partner_scans"
    REGISTERED_SERVICES = "registered_services"


class ActivityKind(enum.StrEnum):
    """What a team records outside missions; each counts towards the figure of the same name."""

    INFO_SESSION = "info_session"
    COMPANY_VISIT = "company_visit"
    PARTNER_SCAN = "partner_scan"
    REGISTERED_SERVICE = "registered_service"


FIGURE_OF_ACTIVITY = {
    ActivityKind.INFO_SESSION: Figure.INFO_SESSIONS,
    ActivityKind.COMPANY_VISIT: Figure.COMPANY_VISITS,
    ActivityKind.PARTNER_SCAN: Figure.PARTNER_SCANS,
    ActivityKind.REGISTERED_SERVICE: Figure.REGISTERED_SERVICES,
}


class MissionRole(enum.StrEnum):
    LEAD_PARTNER = "lead_partner"  # the main organiser
    PARTNER = "partner"  # supports the lead partner, recruits companies and does their intake


class Team(msgspec.Struct, frozen=True):
    id: int
    name: str
    created_at: dt.datetime


class TeamMember(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    email: str


class TeamMission(msgspec.Struct, frozen=True):
    mission_id: int
    role: MissionRole


class TeamDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str

    def validated(self) -> TeamDraft:
        name = " ".join(self.name.split())
        if not name or len(name) > TEAM_NAME_MAX:
            raise Invalid(code="bad-team-name", message=f"A team needs a name of 1–{TEAM_NAME_MAX} characters.",
                          field="name")
        return TeamDraft(name=name)


class ActivityDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    kind: ActivityKind
    on: dt.date
    title: str
    count: int = 1
    company: str = ""  # the company visited or served, if any
    notes: str = ""

    def validated(self) -> ActivityDraft:
        title = " ".join(self.title.split())
        if not title or len(title) > ACTIVITY_TITLE_MAX:
            raise Invalid(code="bad-activity", message=f"An activity needs a title of 1–{ACTIVITY_TITLE_MAX} "
                          "characters.", field="title")
        if not 1 <= self.count <= ACTIVITY_COUNT_MAX:
            raise Invalid(code="bad-activity", message=f"An activity counts 1–{ACTIVITY_COUNT_MAX}.", field="count")
        if not FIRST_YEAR <= self.on.year <= LAST_YEAR:
            raise Invalid(code="bad-activity", message=f"An activity's date lies in {FIRST_YEAR}–{LAST_YEAR}.",
                          field="on")
        if len(self.company) > ACTIVITY_TITLE_MAX or len(self.notes) > REASON_MAX * 4:
            raise Invalid(code="bad-activity", message="The company or the notes are too long.", field="notes")
        return ActivityDraft(kind=self.kind, on=self.on, title=title, count=self.count,
                             company=" ".join(self.company.split()), notes=self.notes.strip())


class Activity(msgspec.Struct, frozen=True):
    id: int
    team_id: int
    kind: ActivityKind
    on: dt.date
    title: str
    count: int
    company: str
    notes: str
    created_by: int | None
    created_at: dt.datetime


class PlanDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A plan for one figure over a period: one year (the annual plan) or several (a multi-year plan). `low` and
    `high` give a range ("24–32"); equal for one number; both None for "not defined"."""

    figure: Figure
    first_year: int
    last_year: int
    low: int | None
    high: int | None

    def validated(self) -> PlanDraft:
        if not (FIRST_YEAR <= self.first_year <= self.last_year <= LAST_YEAR
                and self.last_year - self.first_year < PERIOD_YEARS_MAX):
            raise Invalid(code="bad-plan", message=f"A plan covers one to {PERIOD_YEARS_MAX} years in "
                          f"{FIRST_YEAR}–{LAST_YEAR}, the first not after the last.", field="first_year")
        low, high = self.low, self.high
        if low is None and high is not None:
            low = high
        if high is None and low is not None:
            high = low
        if low is not None and high is not None and not 0 <= low <= high <= PLAN_MAX:
            raise Invalid(code="bad-plan", message=f"A planned range runs from low to high, within 0–{PLAN_MAX}.",
                          field="low")
        return PlanDraft(figure=self.figure, first_year=self.first_year, last_year=self.last_year, low=low,
                         high=high)


class Plan(msgspec.Struct, frozen=True):
    figure: Figure
    first_year: int
    last_year: int
    low: int | None
    high: int | None
    updated_by: int | None
    updated_at: dt.datetime

    @property
    def annual(self) -> bool:
        return self.first_year == self.last_year


class CorrectionDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A manual correction to a realised figure of one year (e.g. a mission run before the platform was used):
    added to what is computed, never replacing it, and logged with its author."""

    figure: Figure
    year: int
    delta: int
    reason: str

    def validated(self) -> CorrectionDraft:
        reason = self.reason.strip()
        if not reason or len(reason) > REASON_MAX:
            raise Invalid(code="reason-required", message=f"Say why, in 1–{REASON_MAX} characters.", field="reason")
        if self.delta == 0 or abs(self.delta) > CORRECTION_MAX:
            raise Invalid(code="bad-correction", message=f"A correction adds or takes away 1–{CORRECTION_MAX}.",
                          field="delta")
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise Invalid(code="bad-correction", message=f"A correction's year lies in {FIRST_YEAR}–{LAST_YEAR}.",
                          field="year")
        return CorrectionDraft(figure=self.figure, year=self.year, delta=self.delta, reason=reason)


class Correction(msgspec.Struct, frozen=True):
    id: int
    figure: Figure
    year: int
    delta: int
    reason: str
    author_id: int | None
    author_name: str
    at: dt.datetime
