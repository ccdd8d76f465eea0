"""The mission's results in Chromium: the organiser opens "Results" from the organiser's page, sees the figures
the API computes, downloads a table as CSV and everything as XLSX (both parsed here); a participant who types the
address is told the page is for organisers; the page passes axe in English on a desktop and Dutch on a phone."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import Browsers, Server

pytestmark = pytest.mark.browser

ORGANISER = "organiser@roundtable.example"
SHOTS = os.environ.get("ROUNDTABLE_SHOTS")  # a folder to keep screenshots in, to look at


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _download(page: Any, link: Any) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def test_the_organiser_reads_and_downloads_the_results(browsers: Browsers, sign_in: Any, server: Server,
                                                      tmp_path: Path) -> None:
    page = sign_in(browsers.new(), ORGANISER)
    page.goto(f"{server.base}/m/1/organise")
    page.get_by_role("link", name="Results", exact=True).click()
    page.wait_for_url("**/m/1/organise/results")
    expect(page.get_by_role("heading", name="Results", level=1)).to_be_visible()
    figures = page.request.get(f"{server.base}/api/missions/1/results").json()

    tiles = page.locator(".results-tile")
    expect(tiles.filter(has_text="People taking part").locator(".results-value")).to_have_text(
        str(figures["participation"]["people"]))
    expect(tiles.filter(has_text="Companies").locator(".results-value")).to_have_text(
        str(figures["participation"]["companies"]["total"]))
    for name in ("Who took part", "Invitations", "Webinars", "Matchmaking", "Every meeting", "Networking lounge",
                 "Leads", "Company visits"):
        expect(page.get_by_role("heading", name=name, level=2, exact=True)).to_be_visible()
    charts = page.locator("#results-charts img")
    expect(charts).to_have_count(2)
    for chart in charts.all():  # drawn on the server; loaded, not broken
        chart.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    svg = page.request.get(f"{server.base}/api/missions/1/results/charts/matchmaking.svg?lang=nl")
    assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml")
    assert "Gesprekken gevoerd" in svg.text() and "<script" not in svg.text()
    webinars = page.locator('.table-wrap[aria-label="Webinars"]')
    expect(webinars.locator("tbody tr")).to_have_count(max(1, len(figures["webinars"])))

    name, body = _download(page, page.locator("#res-participation").locator("xpath=..").get_by_role(
        "link", name="CSV"))
    assert name == "mission-1-participation.csv" and body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    people = next(r for r in rows if r["figure"] == "people")
    assert int(people["count"]) == figures["participation"]["people"]

    name, body = _download(page, page.get_by_role("link", name="Download all (XLSX)"))
    assert name == "mission-1-results.xlsx"
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        workbook = book.read("xl/workbook.xml").decode()
    for sheet in ("participation", "webinars", "matchmaking", "company_visits"):
        assert f'name="{sheet}"' in workbook

    found = check(page)
    assert found == [], f"axe found\n{report(found)}"
    _shot(page, tmp_path, "results-desktop-en")


def test_the_results_in_dutch_on_a_phone_and_refused_to_a_participant(browsers: Browsers, sign_in: Any,
                                                                      server: Server, tmp_path: Path) -> None:
    page = sign_in(browsers.new(viewport={"width": 390, "height": 844}), ORGANISER)
    page.evaluate("localStorage.setItem('rt.lang', 'nl')")
    page.goto(f"{server.base}/m/1/organise/results")
    expect(page.get_by_role("heading", name="Resultaten", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Alles downloaden (XLSX)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    found = check(page)
    assert found == [], f"axe found\n{report(found)}"
    _shot(page, tmp_path, "results-phone-nl")

    anna = sign_in(browsers.new(), "anna@voltera.example")
    anna.goto(f"{server.base}/m/1/organise/results")
    expect(anna.locator(".notice")).to_contain_text("organisers")
    assert anna.request.get(f"{server.base}/api/missions/1/results").status == 403
