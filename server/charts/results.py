"""A mission's results as charts (docs/results.md, "Charts"): the matchmaking funnel from requests to meetings held,
and each webinar's viewers against its peak. One scale per chart, numbers written on every bar."""

from __future__ import annotations

from rooms.results.records import MissionResults
from server.charts.svg import GRID, MUTED, PLAN, PRIMARY, document, rect, text

WIDTH = 640
LABEL_W = 230
BAR_X = LABEL_W + 16
BAR_W = WIDTH - BAR_X - 60
ROW = 34
TOP = 36

CHARTS = ("matchmaking", "webinars")

_WORDS = {
    "en": {"funnel": "Matchmaking: from request to meeting held", "sent": "Requests sent",
           "accepted": "Requests accepted", "booked": "Meetings booked", "held": "Meetings held",
           "no_show": "No-show", "failed": "Didn't connect",
           "webinars": "Webinars: people who watched, and most at once", "viewers": "watched", "peak": "most at once",
           "none": "No webinars yet.",
           "desc_funnel": "Bars for each step of matchmaking, on one scale.",
           "desc_webinars": "For each webinar two bars: how many watched, and the most at once."},
    "nl": {"funnel": "Matchmaking: van verzoek tot gevoerd gesprek", "sent": "Verzoeken verstuurd",
           "accepted": "Verzoeken geaccepteerd", "booked": "Gesprekken geboekt", "held": "Gesprekken gevoerd",
           "no_show": "Niet verschenen", "failed": "Geen verbinding",
           "webinars": "Webinars: kijkers, en het meeste tegelijk", "viewers": "keken", "peak": "meeste tegelijk",
           "none": "Nog geen webinars.",
           "desc_funnel": "Een balk per stap van de matchmaking, op één schaal.",
           "desc_webinars": "Per webinar twee balken: hoeveel mensen keken, en het meeste tegelijk."},
}


def _bars(rows: list[tuple[str, int, str]], top: int) -> list[str]:
    scale = max([n for _, n, _ in rows] + [1])
    body = []
    for i, (label, n, colour) in enumerate(rows):
        y = top + i * ROW
        body.append(text(LABEL_W, y + 17, label, anchor="end"))
        body.append(rect(BAR_X, y + 4, BAR_W, 18, GRID, rx=4))
        body.append(rect(BAR_X, y + 4, BAR_W * n / scale, 18, colour, rx=4, title=f"{label}: {n}"))
        body.append(text(BAR_X + BAR_W + 8, y + 17, str(n), weight=600))
    return body


def _short(title: str, limit: int = 30) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def matchmaking_chart(r: MissionResults, lang: str = "en") -> str:
    w = _WORDS.get(lang, _WORDS["en"])
    mm = r.matchmaking
    rows = [(w["sent"], mm.requests_sent, PLAN), (w["accepted"], mm.requests_accepted, PLAN),
            (w["booked"], mm.meetings_booked, PRIMARY), (w["held"], mm.held, PRIMARY),
            (w["no_show"], mm.no_show, MUTED), (w["failed"], mm.failed_to_connect, MUTED)]
    body = [text(16, 22, w["funnel"], size=15, weight=700), *_bars(rows, TOP)]
    summary = "; ".join(f"{label} {n}" for label, n, _ in rows)
    return document(WIDTH, TOP + len(rows) * ROW + 6, w["funnel"], f"{w['desc_funnel']} {summary}", body)


def webinars_chart(r: MissionResults, lang: str = "en") -> str:
    w = _WORDS.get(lang, _WORDS["en"])
    body = [text(16, 22, w["webinars"], size=15, weight=700)]
    if not r.webinars:
        body.append(text(16, TOP + 18, w["none"], fill=MUTED))
        return document(WIDTH, TOP + 30, w["webinars"], w["none"], body)
    rows: list[tuple[str, int, str]] = []
    for x in r.webinars:
        rows += [(_short(x.title), x.unique_viewers, PRIMARY), (w["peak"], x.peak, PLAN)]
    body += _bars(rows, TOP)
    summary = "; ".join(f"{x.title}: {x.unique_viewers} {w['viewers']}, {x.peak} {w['peak']}" for x in r.webinars)
    return document(WIDTH, TOP + len(rows) * ROW + 6, w["webinars"], f"{w['desc_webinars']} {summary}", body)


def chart(name: str, r: MissionResults, lang: str) -> str:
    return matchmaking_chart(r, lang) if name == "matchmaking" else webinars_chart(r, lang)

