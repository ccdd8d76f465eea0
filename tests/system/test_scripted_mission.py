"""Issue 14's scripted mission on SQLite and PostgreSQL: what the script did is what the server recorded
(tests/support/scripted_mission.py says how and why the app runs in this process)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

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


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_the_scripted_mission_is_recorded_as_it_happened(kind: str, tmp_path: Path,
                                                               request: pytest.FixtureRequest) -> None:
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'scripted.db'}"
        upgrade(url)
    else:
        url = request.getfixturevalue("postgres_url")
    async with serving(url) as s:
        facts = await run_mission(s)
        await _check(s, facts)
