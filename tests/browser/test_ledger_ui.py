"""Teams and their KPI ledger in Chromium (docs/ledger.md): the organiser opens Teams from the header, starts a team,
counts mission 1 as lead partner, plans, records an activity and a correction, and sees each in the ledger table;
the server's refusal (another team already leads mission 1) is shown next to the control; the table downloads as
XLSX and CSV (both parsed here); the page passes axe in English on a desktop and in Dutch on a phone, where nothing
scrolls sideways but the tables in their own boxes; a participant who types the team's address learns nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import secrets
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import PHONE, Browsers, Server

pytestmark = pytest.mark.browser

ORGANISER = "organiser@roundtable.example"
ANNA = "anna@voltera.example"
SHOTS = os.environ.get("ROUNDTABLE_SHOTS")  # a folder to keep screenshots in, to look at


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _download(page: Any, link: Any) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def _json(response: Any) -> Any:
    assert response.ok, f"{response.status} {response.text()}"
    return response.json()


def _clean(page: Any, what: str) -> None:
    page.evaluate("document.fonts.ready")
    found = check(page)
    assert found == [], f"{what}: axe found\n{report(found)}"


def _row(page: Any, figure: str) -> Any:
    return page.locator(f'#ledger-table tr[data-figure="{figure}"]')


def _chart_loaded(page: Any) -> None:
    expect(page.locator("#ledger-chart")).to_be_visible()
    page.wait_for_function("() => { const i = document.querySelector('#ledger-chart');"
                           " return i !== null && i.complete && i.naturalWidth > 0; }")


def test_the_organiser_keeps_a_team_ledger(browsers: Browsers, sign_in: Any, server: Server, tmp_path: Path) -> None:
    page = sign_in(browsers.new(), ORGANISER)
    me = _json(page.request.get(f"{server.base}/api/me"))["user"]
    year = dt.date.today().year
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    page.wait_for_url("**/teams")
    expect(page.get_by_role("heading", name="Teams", level=1)).to_be_visible()

    name = f"Regional team East {secrets.token_hex(3)}"
    page.get_by_label("Team name").fill(name)
    page.get_by_role("button", name="Start the team").click()
    page.wait_for_url("**/teams/*")
    team = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams")).to_have_attribute(
        "aria-current", "page")
    expect(page.locator("#ledger-table tbody tr[data-figure]")).to_have_count(7)
    _chart_loaded(page)

    # Count mission 1 as its lead partner.
    linkable = page.locator('#linkable-missions li[data-mission="1"]')
    linkable.get_by_label("Role").select_option("lead_partner")
    linkable.get_by_role("button", name="Count this mission").click()
    counted = page.locator('#counted-missions li[data-mission="1"]')
    expect(counted).to_be_visible()
    expect(counted.get_by_label("Role")).to_have_value("lead_partner")
    expect(page.locator("#team-missions")).to_contain_text("Now counted")

    # A year plan for matchmaking: 5.
    form = page.locator("#plan-form")
    form.get_by_label("Figure").select_option("matchmaking")
    expect(form.locator('label[for="plan-low"]')).to_contain_text("From")
    expect(form.locator('label[for="plan-high"]')).to_contain_text("To")
    form.locator("#plan-low").fill("5")
    form.locator("#plan-high").fill("5")
    form.get_by_role("button", name="Save plan").click()
    expect(form.get_by_role("status")).to_have_text("Saved.")
    expect(_row(page, "matchmaking").locator(".year-plan")).to_have_text("5")
    ledger = _json(page.request.get(f"{server.base}/api/teams/{team}/ledger?year={year}"))
    matchmaking = next(r for r in ledger["rows"] if r["figure"] == "matchmaking")
    if matchmaking["status"] == "lagging":  # most of the year: nothing held yet, some of the 5 due by now
        expect(_row(page, "matchmaking")).to_have_class("lagging")
        expect(_row(page, "matchmaking").locator(".status")).to_have_text(
            f"Behind plan: {matchmaking['expected']} expected by now")

    # Three company visits in one line.
    form = page.locator("#activity-form")
    form.get_by_label("Kind").select_option("company_visit")
    form.get_by_label("Title").fill("Company visits in week 49")
    form.get_by_label("Company").fill("Voltera B.V.")
    form.get_by_label("Count").fill("3")
    form.get_by_role("button", name="Record activity").click()
    expect(form.get_by_role("status")).to_have_text("Recorded.")
    expect(_row(page, "company_visits").locator(".realised")).to_have_text("3")
    expect(page.locator("#activities tbody tr").filter(has_text="Company visits in week 49")).to_contain_text("Voltera")

    # A correction needs a reason (said at the field), then adds 2 partner scans and is logged with its author.
    form = page.locator("#correction-form")
    form.get_by_label("Figure").select_option("partner_scans")
    form.get_by_label("Change").fill("2")
    form.get_by_role("button", name="Add correction").click()
    expect(form.locator('.field[data-field="reason"] .field-error')).to_have_text("Say why, in 1–500 characters.")
    form.get_by_label("Reason").fill("Two scans done on paper in January")
    form.get_by_role("button", name="Add correction").click()
    expect(form.get_by_role("status")).to_have_text("Correction added.")
    expect(_row(page, "partner_scans").locator(".realised")).to_have_text("2")
    logged = page.locator('#corrections tbody tr[data-figure="partner_scans"]')
    expect(logged.locator(".correction-who")).to_have_text(me["name"])
    expect(logged.locator(".correction-delta")).to_have_text("+2")

    # The table holds what the API computes.
    ledger = _json(page.request.get(f"{server.base}/api/teams/{team}/ledger?year={year}"))
    for row in ledger["rows"]:
        expect(_row(page, row["figure"]).locator(".realised")).to_have_text(str(row["realised"]))
        expect(_row(page, row["figure"]).locator(".cumulative")).to_have_text(str(row["realised_cumulative"]))
    _chart_loaded(page)
    # Loaded anew after each of the four changes: the address carries a version the server ignores.
    expect(page.locator("#ledger-chart")).to_have_attribute(
        "src", f"/api/teams/{team}/ledger.svg?year={year}&lang=en&v=4")

    # Rename in place.
    page.get_by_role("button", name="Rename the team").click()
    page.locator("#rename-form").get_by_label("Team name").fill(f"{name} (renamed)")
    page.locator("#rename-form").get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=f"{name} (renamed)", level=1)).to_be_visible()

    # The XLSX and the CSV, in the team's layout.
    filename, body = _download(page, page.get_by_role("link", name="Download XLSX"))
    assert filename == f"ledger-{team}-{year}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[0] == "Figure" and f"Plan {year}" in header and f"Realised {year}" in header, header
    sheet = {r[0]: r for r in rows[1:]}
    assert sheet["Matchmaking conversations"][header.index(f"Plan {year}")] == 5
    assert sheet["Company visits"][header.index(f"Realised {year}")] == 3
    book.close()
    filename, body = _download(page, page.get_by_role("link", name="Download CSV"))
    assert filename == f"ledger-{team}-{year}.csv" and body.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    by_label = {r[0]: r for r in table[1:]}
    assert table[0][0] == "Figure"
    assert by_label["Partner scans"][table[0].index(f"Realised {year}")] == "2"
    assert by_label["Matchmaking conversations"][table[0].index(f"Plan {year}")] == "5"

    # A second team may not lead mission 1 too: the server's refusal is said next to the control.
    other = _json(page.request.post(f"{server.base}/api/teams", data={"name": f"{name} West"}))
    page.goto(f"{server.base}/teams/{other['id']}")
    linkable = page.locator('#linkable-missions li[data-mission="1"]')
    linkable.get_by_label("Role").select_option("lead_partner")
    linkable.get_by_role("button", name="Count this mission").click()
    expect(linkable.get_by_role("status")).to_contain_text("Another team is already this mission's lead partner")
    linkable.scroll_into_view_if_needed()
    page.screenshot(path=str(Path(SHOTS or tmp_path) / "ledger-refused-en.png"))
    linkable.get_by_label("Role").select_option("partner")
    linkable.get_by_role("button", name="Count this mission").click()
    expect(page.locator('#counted-missions li[data-mission="1"]').get_by_label("Role")).to_have_value("partner")

    page.goto(f"{server.base}/teams/{team}")
    expect(_row(page, "company_visits").locator(".realised")).to_have_text("3")
    _chart_loaded(page)
    _clean(page, "team page (en, desktop)")
    _shot(page, tmp_path, "ledger-desktop-en")
    page.get_by_role("link", name="All teams").click()
    expect(page.locator(".team-card").filter(has_text=f"{name} (renamed)")).to_be_visible()
    _clean(page, "teams (en, desktop)")
    _shot(page, tmp_path, "teams-desktop-en")


def test_the_ledger_in_dutch_on_a_phone_and_hidden_from_others(browsers: Browsers, sign_in: Any, server: Server,
                                                               tmp_path: Path) -> None:
    page = sign_in(browsers.new(viewport=PHONE), ORGANISER)
    year = dt.date.today().year
    team = _json(page.request.post(f"{server.base}/api/teams", data={"name": "Regionaal team Oost"}))["id"]
    base = f"{server.base}/api/teams/{team}"
    for figure, first, last, low, high in (("missions", year, year, 6, 8), ("matchmaking", year, year, 300, 300),
                                           ("company_visits", year, year, None, None),
                                           ("missions", year - 1, year + 2, 24, 32),
                                           ("matchmaking", year - 1, year + 2, 1200, 1200)):
        _json(page.request.put(f"{base}/plans", data={"figure": figure, "first_year": first, "last_year": last,
                                                      "low": low, "high": high}))
    _json(page.request.post(f"{base}/activities", data={"kind": "info_session", "on": dt.date.today().isoformat(),
                                                        "title": "Webinar exportkansen Duitsland", "count": 1}))
    page.evaluate("localStorage.setItem('rt.lang', 'nl')")
    page.goto(f"{server.base}/teams/{team}")  # a full load: the page reads the language anew
    expect(page.get_by_role("heading", name=f"KPI-overzicht {year}")).to_be_visible()
    head = page.locator("#ledger-table thead th")
    expect(head.nth(0)).to_have_text("KPI")
    expect(head.nth(1)).to_have_text(f"MJP {year - 1}–{year + 2}")
    expect(head.nth(2)).to_have_text(f"Jaarplan {year}")
    expect(_row(page, "missions").locator(".period-plan")).to_have_text("24–32")
    expect(_row(page, "missions").locator(".year-plan")).to_have_text("6–8")
    expect(_row(page, "matchmaking").locator(".period-plan")).to_have_text("1.200")
    expect(_row(page, "company_visits").locator(".year-plan")).to_have_text("Niet gedefinieerd")
    expect(_row(page, "info_sessions").locator(".realised")).to_have_text("1")
    ledger = _json(page.request.get(f"{base}/ledger?year={year}"))
    lagging = [r for r in ledger["rows"] if r["status"] == "lagging"]
    for r in lagging:
        expect(_row(page, r["figure"])).to_have_class("lagging")
        expect(_row(page, r["figure"]).locator(".status")).to_have_text(
            f"Loopt achter: tot nu {r['expected']} verwacht")
    expect(page.get_by_role("link", name="XLSX downloaden")).to_have_attribute(
        "href", f"/api/teams/{team}/ledger.xlsx?year={year}&lang=nl")
    _chart_loaded(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _clean(page, "team page (nl, phone)")
    _shot(page, tmp_path, "ledger-phone-nl")

    # The year before: the link keeps the year in the address.
    page.get_by_role("link", name=f"Vorig jaar: {year - 1}").click()
    page.wait_for_url(f"**/teams/{team}?year={year - 1}")
    expect(page.get_by_role("heading", name=f"KPI-overzicht {year - 1}")).to_be_visible()
    page.reload()  # the server answers /teams/… with the app, and the year stays
    expect(page.get_by_role("heading", name=f"KPI-overzicht {year - 1}")).to_be_visible()

    page.get_by_role("link", name="Alle teams").click()
    expect(page.get_by_role("heading", name="Teams", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _clean(page, "teams (nl, phone)")
    _shot(page, tmp_path, "teams-phone-nl")

    # A participant learns nothing of the team: the page says it is not found, the API the same.
    anna = sign_in(browsers.new(), ANNA)
    anna.goto(f"{server.base}/teams/{team}")
    expect(anna.locator("#team-not-found")).to_contain_text("not found")
    _shot(anna, tmp_path, "team-not-found-en")
    assert anna.request.get(f"{server.base}/api/teams/{team}").status == 404
    anna.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    expect(anna.get_by_role("heading", name="You are not in a team yet")).to_be_visible()
    expect(anna.get_by_role("button", name="Start the team")).to_have_count(0)
    _shot(anna, tmp_path, "teams-participant-en")

