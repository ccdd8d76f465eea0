"""Issue 14's ledger done-when in Chromium: an organiser starts her team and enters a year plan on screen, then sees
realised-vs-plan move as the scripted mission runs (tests/support/scripted_mission.py: the real app on loopback,
real WebSocket clients): the mission counted once it exists, the webinar as an information session once someone
watched it live, matchmaking lagging its plan until a call is held and then on track. The CSV and XLSX she
downloads from the page open (csv, openpyxl) and hold the numbers the API gives.

Playwright's async API here (not the sync fixtures of conftest.py): the app, the script and the browser share one
event loop, so the page is looked at between the script's phases."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.async_api import Page, async_playwright, expect

from rooms.missions.accounts import SESSION_TTL, AccountService
from server.api.credentials import SESSION_COOKIE
from server.db.migrate import upgrade
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.support.scripted_mission import Scripted, ScriptedFacts, run_mission, serving

pytestmark = pytest.mark.browser

SETTLE_SECONDS = 45.0  # the meeting clock ticks every 15 s in real time


async def _row(page: Page, figure: str) -> Any:
    return page.locator(f'#ledger-table tr[data-figure="{figure}"]')


async def _reload_until(page: Page, figure: str, realised: str, status: str | None = None) -> None:
    """Reloads the team page until the figure's row shows `realised` (the page reads the ledger when it opens)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_SECONDS
    while True:
        await page.reload()
        row = await _row(page, figure)
        await expect(row).to_be_visible()
        shown = (await row.locator(".realised").inner_text()).strip()
        state = await row.get_attribute("data-status")
        if shown == realised and (status is None or state == status):
            return
        assert loop.time() < deadline, f"{figure}: shows {shown} ({state}), expected {realised} ({status})"
        await asyncio.sleep(1.5)


async def _download(page: Page, name: str) -> bytes:
    async with page.expect_download() as info:
        await page.get_by_role("link", name=name).click()
    download = await info.value
    return await asyncio.to_thread(Path(await download.path()).read_bytes)


async def test_the_ledger_moves_as_the_mission_runs(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ledger.db'}"
    upgrade(url)
    async with serving(url) as s, async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = await browser.new_context(viewport={"width": DESKTOP["width"], "height": DESKTOP["height"]},
                                            locale="en-GB", timezone_id="Europe/Amsterdam", accept_downloads=True)
        context.set_default_timeout(15_000)
        page = await _signed_in(s, context)
        try:
            team = await _start_team_with_a_plan(s, page)
        except BaseException:
            await page.screenshot(path=str(tmp_path / "ledger-live-failed.png"), full_page=True)
            raise

        async def look(phase: str, facts: ScriptedFacts) -> None:
            if phase == "invited":
                await page.goto(f"{s.url}/teams/{team}?year=2026")
                linkable = page.locator(f'li.team-mission[data-mission="{facts.mission_id}"]')
                await linkable.get_by_label("Role").select_option("lead_partner")
                await linkable.get_by_role("button", name="Count this mission").click()
                await expect(page.locator(f'#counted-missions li[data-mission="{facts.mission_id}"]')).to_be_visible()
                await _reload_until(page, "missions", "1")
                await _reload_until(page, "matchmaking", "0", "lagging")  # 15 June: 1 of the 3 planned is due
            elif phase == "webinar":
                await _reload_until(page, "info_sessions", "1")
            elif phase == "matchmaking":
                await _reload_until(page, "matchmaking", "1", "on-track")
                row = await _row(page, "matchmaking")
                await expect(row).not_to_have_class("lagging")
                await expect(row.locator(".year-plan")).to_have_text("3")

        try:
            facts = await run_mission(s, look)
            await _check_downloads(s, page, team, facts)
        except BaseException:
            await page.screenshot(path=str(tmp_path / "ledger-live-failed.png"), full_page=True)
            raise
        await context.close()
        await browser.close()


async def _signed_in(s: Scripted, context: Any) -> Page:
    """Olga, signed in by a session cookie the app itself would set (the sign-in flow has tests of its own)."""
    store = s.root.services.store
    olga = await AccountService(store, s.clock).ensure_user("olga@scripted.example", "Olga Organiser",
                                                            can_create_missions=True)
    session_id = await store.create_session(olga.id, s.clock.now(), s.clock.now() + SESSION_TTL)
    await context.add_cookies([{"name": SESSION_COOKIE, "value": session_id, "url": s.url, "httpOnly": True,
                                "sameSite": "Lax"}])
    page: Page = await context.new_page()
    return page


async def _start_team_with_a_plan(s: Scripted, page: Page) -> int:
    await page.goto(f"{s.url}/")
    await page.get_by_role("navigation").get_by_role("link", name="Teams", exact=True).click()
    await page.get_by_label("Team name").fill("Regio Oost")
    await page.get_by_role("button", name="Start the team").click()
    await page.wait_for_url("**/teams/*")
    team = int(page.url.rsplit("/", 1)[1].split("?")[0])
    await page.goto(f"{s.url}/teams/{team}?year=2026")
    form = page.locator("#plan-form")
    await form.locator("#plan-figure").select_option("matchmaking")
    await form.locator("#plan-period").select_option("year")
    await form.locator("#plan-low").fill("3")
    await form.locator("#plan-high").fill("3")
    await form.get_by_role("button", name="Save plan").click()
    await expect(form.get_by_role("status")).to_have_text("Saved.")
    await expect((await _row(page, "matchmaking")).locator(".year-plan")).to_have_text("3")
    return team


async def _check_downloads(s: Scripted, page: Page, team: int, facts: ScriptedFacts) -> None:
    response = await page.request.get(f"{s.url}/api/teams/{team}/ledger?year=2026")
    rows = {r["figure"]: r for r in (await response.json())["rows"]}
    held = list(facts.meetings.values()).count("held")
    assert (rows["matchmaking"]["realised"], rows["missions"]["realised"], rows["companies"]["realised"]) == (
        held, 1, facts.companies)
    body = await _download(page, "Download CSV")
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    by_label = {row[0]: row for row in table[1:]}
    assert by_label["Matchmaking conversations"][1:3] == ["3", str(held)]
    assert by_label["Companies that took part in missions"][2] == str(facts.companies)
    body = await _download(page, "Download XLSX")
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    sheet = {row[0]: row for row in book["ledger-2026"].iter_rows(min_row=2, values_only=True)}
    assert sheet["Matchmaking conversations"][1:3] == (3, held)
    assert sheet["Trade missions (incoming and outgoing)"][2] == 1
