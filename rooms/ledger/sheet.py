"""The ledger laid out as teams keep it (seed 003): a row per figure; the multi-year plan, the year plan, realised
and realised cumulative; then the missions of the year with their direction and role. In English or Dutch: this
table goes to the ministry, the province or the agency as it is."""

from __future__ import annotations

from rooms.core.sheets import Cell, Table
from rooms.ledger.ledger import Ledger, LedgerRow, Range, Status
from rooms.ledger.records import Figure, MissionRole
from rooms.missions.mission import Direction

LANGS = ("en", "nl")

_FIGURES = {
    "en": {
        Figure.MISSIONS: "Trade missions (incoming and outgoing)",
        Figure.INFO_SESSIONS: "Information sessions",
        Figure.COMPANIES: "Companies that took part in missions",
        Figure.MATCHMAKING: "Matchmaking conversations",
        Figure.COMPANY_VISITS: "Company visits",
        Figure.PARTNER_SCANS: "Partner scans",
        Figure.REGISTERED_SERVICES: "Registered services",
    },
    "nl": {
        Figure.MISSIONS: "Aantal handelsmissies (in- en uitgaand)",
        Figure.INFO_SESSIONS: "Aantal informatiebijeenkomsten",
        Figure.COMPANIES: "Aantal bedrijven dat heeft deelgenomen aan missies",
        Figure.MATCHMAKING: "Aantal matchmakingsgesprekken",
        Figure.COMPANY_VISITS: "Aantal bedrijfsbezoeken",
        Figure.PARTNER_SCANS: "Aantal zakenpartnerscans",
        Figure.REGISTERED_SERVICES: "Aantal geregistreerde services",
    },
}

_WORDS = {
    "en": {"figure": "Figure", "period": "Plan {a}–{b}", "plan": "Plan {y}", "realised": "Realised {y}",
           "cumulative": "Realised cumulative {a}–{y}", "status": "Status", "corrections": "Of which corrections",
           "undefined": "Not defined", Status.MET: "Met", Status.ON_TRACK: "On track", Status.LAGGING: "Behind plan",
           Status.NO_PLAN: "", "mission": "Mission", "direction": "Direction",
           "role": "Role", "dates": "Dates", "companies": "Companies", "held": "Matchmaking conversations",
           Direction.INCOMING: "incoming", Direction.OUTGOING: "outgoing", MissionRole.LEAD_PARTNER: "lead partner",
           MissionRole.PARTNER: "partner", "ledger": "ledger", "missions": "missions"},
    "nl": {"figure": "KPI", "period": "MJP {a}–{b}", "plan": "JP {y}", "realised": "Realisatie {y}",
           "cumulative": "Realisatie cumulatief {a}–{y}", "status": "Status", "corrections": "Waarvan correcties",
           "undefined": "Niet gedefinieerd", Status.MET: "Behaald", Status.ON_TRACK: "Op schema",
           Status.LAGGING: "Loopt achter", Status.NO_PLAN: "", "mission": "Missie", "direction": "Richting",
           "role": "Rol", "dates": "Data", "companies": "Bedrijven",
           "held": "Matchmakingsgesprekken", Direction.INCOMING: "inkomend", Direction.OUTGOING: "uitgaand",
           MissionRole.LEAD_PARTNER: "lead-partner", MissionRole.PARTNER: "partner", "ledger": "kpi",
           "missions": "missies"},
}

# The missions row's detail (its keys are those of LedgerRow.detail), kept apart from _WORDS: "incoming" and
# "partner" are also a Direction's and a MissionRole's values there.
_DETAIL = {
    "en": {"incoming": "of which incoming", "outgoing": "of which outgoing", "lead_partner": "as lead partner",
           "partner": "as partner"},
    "nl": {"incoming": "waarvan inkomend", "outgoing": "waarvan uitgaand", "lead_partner": "als lead-partner",
           "partner": "als partner"},
}


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "en"


def plan_cell(plan: Range | None, lang: str) -> Cell:
    """A plan as teams write it: a number, a range "24–32", "not defined", or empty when there is no plan."""
    if plan is None:
        return ""
    if plan.low is None or plan.high is None:
        return _WORDS[_lang(lang)]["undefined"]
    return plan.low if plan.low == plan.high else f"{plan.low}–{plan.high}"


def figure_label(figure: Figure, lang: str) -> str:
    return _FIGURES[_lang(lang)][figure]


def _row(r: LedgerRow, lang: str, with_period: bool) -> list[Cell]:
    words = _WORDS[lang]
    period: list[Cell] = [plan_cell(r.period_plan, lang)] if with_period else []
    return [figure_label(r.figure, lang), *period, plan_cell(r.year_plan, lang), r.realised, r.realised_cumulative,
            words[r.status], r.corrections or ""]


def ledger_table(ledger: Ledger, lang: str = "en") -> Table:
    lang = _lang(lang)
    words = _WORDS[lang]
    a, b, y = ledger.period_first, ledger.period_last, ledger.year
    with_period = b > a
    header = [words["figure"], *([words["period"].format(a=a, b=b)] if with_period else []),
              words["plan"].format(y=y), words["realised"].format(y=y), words["cumulative"].format(a=a, y=y),
              words["status"], words["corrections"]]
    rows: list[list[Cell]] = []
    blank: list[Cell] = [""] * (2 if with_period else 1)
    for r in ledger.rows:
        rows.append(_row(r, lang, with_period))
        if r.figure is Figure.MISSIONS:
            for key, label in _DETAIL[lang].items():
                rows.append([f"  {label}", *blank, r.detail.get(key, 0), "", "", ""])
    return Table(f"{words['ledger']}-{y}", header, rows)


def missions_table(ledger: Ledger, lang: str = "en") -> Table:
    lang = _lang(lang)
    words = _WORDS[lang]
    return Table(f"{words['missions']}-{ledger.year}",
                 [words["mission"], words["direction"], words["role"], words["dates"], words["companies"],
                  words["held"]],
                 [[m.title, words[m.direction], words[m.role], f"{m.start_date.isoformat()} – {m.end_date.isoformat()}",
                   m.companies, m.held] for m in ledger.missions])
