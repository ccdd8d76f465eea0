"""Issue 14's scripted mission on SQLite and PostgreSQL: what the script did is what the server recorded
(tests/support/scripted_mission.py says how and why the app runs in this process)."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from rooms.missions.accounts import AccountService
from server.db.migrate import upgrade
from tests.support.scripted_mission import Scripted, ScriptedFacts, run_mission, serving

SETTLE_SECONDS = 40.0  # the meeting clock ticks every 15 s in real time


async def _settled(s: Scripted, facts: ScriptedFacts) -> list[dict[str, Any]]:
    """Every meeting of the mission, once the meeting clock has settled all of them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_SECONDS
    while True:
        meetings: list[dict[str, Any]] = await s.api("olga", "GET",
                                                     f"/api/missions/{facts.mission_id}/matchmaking/meetings")
        if all(m["status"] != "booked" for m in meetings) or loop.time() > deadline:
            return meetings
        await asyncio.sleep(1.0)


async def _check(s: Scripted, facts: ScriptedFacts) -> None:
    mid, ids = facts.mission_id, facts.ids
    names = {v: k for k, v in ids.items()}
    # The webinar: viewers, seconds watched while live, questions.
    seen = await s.api("olga", "GET", f"/api/missions/{mid}/programme/{facts.items['webinar']}/attendance")
    watched = {names[p["person"]["user_id"]]: p["seconds"] for p in seen["people"] if p["attended"]}
    assert watched == facts.seconds_watched
    assert seen["unique"] == facts.viewers
    assert seen["questions"] == facts.questions_asked
    assert [names[p["person"]["user_id"]] for p in seen["staff"]] == ["hank"]
    # Meetings: what each ended as.
    meetings = await _settled(s, facts)
    outcome = {"-".join(sorted((names[m["a"]["user_id"]], names[m["b"]["user_id"]]))): m["status"]
               for m in meetings}
    assert outcome == {"-".join(sorted(k.split("-"))): v for k, v in facts.meetings.items()}
    held = next(m for m in meetings if m["status"] == "held")
    assert held["quality"]["media_seconds"] == facts.held_media_seconds
    # Requests: as each side sees them.
    asked = await s.api("dirk", "GET", f"/api/missions/{mid}/meetings/requests")
    assert [r["status"] for r in asked if r["from"]["user_id"] == ids["dirk"]] == ["pending"]
    # Leads: the held meeting's two, the lounge's mutual pairs, the answered question, one by hand.
    leads: dict[str, list[tuple[str, str]]] = {}
    statuses: dict[str, int] = {}
    for owner in ids:
        for lead in (await s.api(owner, "GET", f"/api/leads?mission_id={mid}"))["leads"]:
            entry = lead["entry"]
            person = entry["lead"]["person"]
            leads.setdefault(owner, []).append(
                (entry["lead"]["source"], names[person] if person is not None else entry["contact"]["name"]))
            statuses[entry["status"]] = statuses.get(entry["status"], 0) + 1
    assert {k: sorted(v) for k, v in leads.items()} == facts.leads
    assert statuses == facts.lead_statuses
    await _check_results(s, facts)


async def _check_results(s: Scripted, facts: ScriptedFacts) -> None:
    """The organiser's results (docs/results.md) hold exactly what the script did; so do the CSV and XLSX."""
    mid = facts.mission_id
    r = await s.api("olga", "GET", f"/api/missions/{mid}/results")
    p = r["participation"]
    assert p["people"] == sum(facts.people_by_side.values())
    assert p["by_side"] == facts.people_by_side
    assert p["companies"]["total"] == facts.companies
    assert p["by_org_type"] == [{"key": k, "count": n} for k, n in sorted(
        facts.people_by_org_type.items(), key=lambda kv: (-kv[1], kv[0]))]
    i = r["invitations"]
    assert (i["invited"], i["accepted"], i["pending"]) == (
        facts.invitations_sent, facts.invitations_accepted, facts.invitations_sent - facts.invitations_accepted)
    [w] = r["webinars"]
    seconds = sum(facts.seconds_watched.values())
    assert w == {**w, "unique_viewers": facts.viewers, "peak": facts.peak, "minutes_watched": seconds // 60,
                 "average_minutes": round(seconds / 60 / facts.viewers, 1),
                 "questions_asked": facts.questions_asked, "questions_answered": facts.questions_answered,
                 "polls": 1, "poll_voters": facts.poll_voters,
                 "poll_participation": round(facts.poll_voters / facts.viewers, 2)}
    mm = r["matchmaking"]
    statuses = list(facts.meetings.values())
    assert mm == {**mm, "requests_sent": facts.requests_sent, "requests_accepted": facts.requests_accepted,
                  "requests_declined": facts.requests_declined, "requests_pending": facts.requests_pending,
                  "meetings_booked": len(facts.meetings), "held": statuses.count("held"),
                  "no_show": statuses.count("no-show"), "failed_to_connect": statuses.count("failed-to-connect"),
                  "ahead": 0, "ratings": len(facts.ratings),
                  "average_rating": round(sum(facts.ratings) / len(facts.ratings), 2)}
    assert [x["status"] for x in r["meetings"]] == statuses  # by start: the held call, the one-way, the no-show
    assert "notes" not in str(r["meetings"]).lower()
    [lounge] = r["lounges"]
    assert (lounge["connects"], lounge["one_sided"]) == (facts.mutual_connects, facts.one_sided_connects)
    le = r["leads"]
    assert le["total"] == sum(len(v) for v in facts.leads.values())
    assert le["by_status"] == facts.lead_statuses
    assert {x["person"]["user_id"]: x["total"] for x in le["participants"]} == {
        facts.ids[k]: len(v) for k, v in facts.leads.items()}
    assert "quay" not in str(r)  # private notes stay private
    [visit] = r["company_visits"]
    assert visit["item_id"] == facts.items["visit"] and visit["attendance"] == facts.visit_attendance == 2
    # The same numbers in the files.
    got = await s.http.get(f"/api/missions/{mid}/results/matchmaking.csv",
                           headers={"authorization": f"Bearer {s.tokens['olga']}"})
    assert got.status_code == 200 and got.content.startswith(b"\xef\xbb\xbf")
    rows = dict(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows["held"] == str(mm["held"]) and rows["requests_sent"] == str(facts.requests_sent)
    got = await s.http.get(f"/api/missions/{mid}/results.xlsx",
                           headers={"authorization": f"Bearer {s.tokens['olga']}"})
    book = openpyxl.load_workbook(io.BytesIO(got.content), read_only=True)
    sheet = {row[0]: row[1] for row in book["matchmaking"].iter_rows(min_row=2, values_only=True)}
    assert sheet["held"] == mm["held"] and sheet["no_show"] == mm["no_show"]
    webinar_sheet = list(book["webinars"].iter_rows(min_row=2, values_only=True))
    assert webinar_sheet[0][3] == facts.viewers
    # Nobody but the mission's organisers.
    for who in ("anna", "hank"):
        refused = await s.http.get(f"/api/missions/{mid}/results",
                                   headers={"authorization": f"Bearer {s.tokens[who]}"})
        assert refused.status_code == 403, refused.text


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_the_scripted_mission_is_recorded_as_it_happened(kind: str, tmp_path: Path,
                                                               request: pytest.FixtureRequest) -> None:
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'scripted.db'}"
        upgrade(url)
    else:
        url = request.getfixturevalue("postgres_url")
    async with serving(url) as s:
        team = await _team_with_a_plan(s)
        facts = await run_mission(s)
        await _check(s, facts)
        await _check_ledger(s, facts, team)


async def _team_with_a_plan(s: Scripted) -> int:
    """Before the mission: Olga's team, with year plans for 2026 (the scripted mission's year)."""
    store = s.root.services.store
    olga = await AccountService(store, s.clock).ensure_user("olga@scripted.example", "Olga Organiser",
                                                            can_create_missions=True)
    await s.token("olga-team", olga.id, None)  # a team spans missions: a token for no one mission
    team: int = (await s.api("olga-team", "POST", "/api/teams", {"name": "Regio Oost"}, 201))["id"]
    for figure, low, high in (("missions", 6, 8), ("matchmaking", 3, 3), ("companies", 60, 60),
                              ("info_sessions", 3, 4)):
        await s.api("olga-team", "PUT", f"/api/teams/{team}/plans",
                    {"figure": figure, "first_year": 2026, "last_year": 2026, "low": low, "high": high})
    await s.api("olga-team", "PUT", f"/api/teams/{team}/plans",
                {"figure": "matchmaking", "first_year": 2025, "last_year": 2028, "low": 1200, "high": 1200})
    return team


async def _check_ledger(s: Scripted, facts: ScriptedFacts, team: int) -> None:
    """The team's ledger (docs/ledger.md) counts the scripted mission once it is linked: one held meeting (not the
    one-way call, not the no-show), the webinar that went live, the companies once, the company visit once it has
    ended; a correction is added and logged; CSV and XLSX hold the same numbers."""
    t = f"/api/teams/{team}"
    olga = await s.root.services.store.get_user_by_email("olga@scripted.example")
    await s.token("olga-team", olga.id, None)  # the script's clock has moved past the first one's life
    before = await s.api("olga-team", "GET", f"{t}/ledger?year=2026")
    assert all(r["realised"] == 0 for r in before["rows"])
    await s.api("olga-team", "PUT", f"{t}/missions/{facts.mission_id}", {"role": "lead_partner"})
    s.at(dt.datetime(2026, 6, 16, 18, 0, tzinfo=dt.UTC))  # the company visit has ended
    await s.token("olga-team", olga.id, None)
    ledger = await s.api("olga-team", "GET", f"{t}/ledger?year=2026")
    rows = {r["figure"]: r for r in ledger["rows"]}
    held = list(facts.meetings.values()).count("held")
    assert {f: r["realised"] for f, r in rows.items()} == {
        "missions": 1, "info_sessions": 1, "companies": facts.companies, "matchmaking": held,
        "company_visits": 1, "partner_scans": 0, "registered_services": 0}
    assert rows["missions"]["detail"] == {"incoming": 0, "outgoing": 1, "lead_partner": 1, "partner": 0}
    assert (ledger["period_first"], ledger["period_last"]) == (2025, 2028)
    assert rows["matchmaking"]["period_plan"] == {"low": 1200, "high": 1200}
    # 16 June: 167 of 365 days gone. Plan 3 → 1 due (on track with 1); missions 6 → 2 due (1 lags).
    assert (rows["matchmaking"]["expected"], rows["matchmaking"]["status"]) == (1, "on-track")
    assert (rows["missions"]["expected"], rows["missions"]["status"]) == (2, "lagging")
    assert rows["partner_scans"]["status"] == "no-plan"
    await s.api("olga-team", "POST", f"{t}/corrections",
                {"figure": "missions", "year": 2026, "delta": 2, "reason": "Two missions run before Roundtable"}, 201)
    fixed = {r["figure"]: r for r in (await s.api("olga-team", "GET", f"{t}/ledger?year=2026"))["rows"]}
    assert (fixed["missions"]["computed"], fixed["missions"]["corrections"], fixed["missions"]["realised"],
            fixed["missions"]["status"]) == (1, 2, 3, "on-track")
    [logged] = await s.api("olga-team", "GET", f"{t}/corrections")
    assert (logged["author_name"], logged["delta"]) == ("Olga Organiser", 2)
    auth = {"authorization": f"Bearer {s.tokens['olga-team']}"}
    got = await s.http.get(f"{t}/ledger.csv?year=2026&lang=nl", headers=auth)
    table = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert table[0] == ["KPI", "MJP 2025–2028", "JP 2026", "Realisatie 2026", "Realisatie cumulatief 2025–2026",
                        "Status", "Waarvan correcties"]
    by_label = {row[0]: row for row in table[1:]}
    assert by_label["Aantal matchmakingsgesprekken"][1:5] == ["1200", "3", str(held), str(held)]
    assert by_label["Aantal handelsmissies (in- en uitgaand)"][3:7] == ["3", "3", "Op schema", "2"]
    got = await s.http.get(f"{t}/ledger.xlsx?year=2026", headers=auth)
    book = openpyxl.load_workbook(io.BytesIO(got.content), read_only=True)
    sheet = {row[0]: row for row in book["ledger-2026"].iter_rows(min_row=2, values_only=True)}
    assert sheet["Matchmaking conversations"][1:4] == (1200, 3, held)
    assert sheet["Information sessions"][2:4] == ("3–4", 1)
    [mission] = list(book["missions-2026"].iter_rows(min_row=2, values_only=True))
    assert mission[:3] == ("Scripted mission to Portland", "outgoing", "lead partner")
    # Another team's organiser never sees it, nor its mission's results.
    otto = await AccountService(s.root.services.store, s.clock).ensure_user(
        "otto@other.example", "Otto Other", can_create_missions=True)
    await s.token("otto", otto.id, None)
    await s.api("otto", "POST", "/api/teams", {"name": "Another agency"}, 201)
    for path in (t, f"{t}/ledger", f"/api/missions/{facts.mission_id}/results"):
        refused = await s.http.get(path, headers={"authorization": f"Bearer {s.tokens['otto']}"})
        assert refused.status_code == 404, refused.text
