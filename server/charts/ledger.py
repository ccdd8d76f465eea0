"""The ledger as a bar chart: per figure, what was realised this year against the year plan (a band from its low
to its high end) and the share of it due by today (a tick). Each figure has its own scale: 300 matchmaking
conversations and 4 partner scans share no axis."""

from __future__ import annotations

from rooms.ledger.ledger import Ledger, Status
from rooms.ledger.sheet import figure_label, plan_cell
from server.charts.svg import GRID, INK, LAG, MET, MUTED, PLAN, PRIMARY, document, rect, text

WIDTH = 640
ROW = 58
TOP = 34
BAR_X = 16
BAR_W = WIDTH - 2 * BAR_X - 110

_WORDS = {
    "en": {"title": "{team}: realised against plan, {year}", "plan": "plan", "none": "no plan", "due": "due by now",
           "desc": "One bar per figure: realised in {year}, over the year plan's range (grey) and what is due by "
                   "today (tick)."},
    "nl": {"title": "{team}: realisatie tegen plan, {year}", "plan": "plan", "none": "geen plan",
           "due": "verwacht tot nu", "desc": "Eén balk per KPI: de realisatie in {year}, over de bandbreedte van het "
                                          "jaarplan (grijs) en wat tot vandaag verwacht wordt (streepje)."},
}


def ledger_chart(ledger: Ledger, lang: str = "en") -> str:
    words = _WORDS.get(lang, _WORDS["en"])
    body: list[str] = []
    summary: list[str] = []
    for i, row in enumerate(ledger.rows):
        top = TOP + i * ROW
        plan = row.year_plan
        high = plan.high if plan is not None and plan.high is not None else 0
        scale = max(row.realised, high, row.expected or 0, 1) * 1.1
        px = BAR_W / scale
        label = figure_label(row.figure, lang)
        body.append(text(BAR_X, top + 14, label, size=13, weight=600))
        body.append(rect(BAR_X, top + 22, BAR_W, 18, GRID, rx=4))
        if plan is not None and plan.low is not None and plan.high is not None:
            body.append(rect(BAR_X + plan.low * px, top + 20, max((plan.high - plan.low) * px, 3), 22, PLAN, rx=2,
                             title=f"{words['plan']} {plan_cell(plan, lang)}"))
        colour = LAG if row.status is Status.LAGGING else MET if row.status is Status.MET else PRIMARY
        body.append(rect(BAR_X, top + 25, row.realised * px, 12, colour, rx=3, title=f"{label}: {row.realised}"))
        if row.expected:
            x = BAR_X + row.expected * px
            body.append(f'<line x1="{x:.1f}" y1="{top + 18}" x2="{x:.1f}" y2="{top + 44}" stroke="{INK}" '
                        f'stroke-width="2"><title>{words["due"]}: {row.expected}</title></line>')
        planned = plan_cell(plan, lang) if plan is not None else words["none"]
        body.append(text(WIDTH - BAR_X, top + 36, f"{row.realised} / {planned}", size=13, anchor="end",
                         fill=INK if plan is not None else MUTED))
        summary.append(f"{label} {row.realised} / {planned}")
    height = TOP + len(ledger.rows) * ROW + 4
    title = words["title"].format(team=ledger.team.name, year=ledger.year)
    name = ledger.team.name if len(ledger.team.name) <= 40 else ledger.team.name[:39].rstrip() + "…"
    head = [text(BAR_X, 20, words["title"].format(team=name, year=ledger.year), size=15, weight=700)]
    return document(WIDTH, height, title, words["desc"].format(year=ledger.year) + " " + "; ".join(summary),
                    head + body)
