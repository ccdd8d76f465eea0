"""The leads workspace in Chromium: a participant adds a lead by hand (from a business card), moves it through the
pipeline with the keyboard-reachable status select, sets a next step, and downloads the lead as vCard and all her
leads as CSV, which the test parses; the page passes axe, on a desktop and on a phone."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import Browsers, Server

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("ROUNDTABLE_SHOTS")  # a folder to keep screenshots in, to look at


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _download(page: Any, link: Any) -> bytes:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def test_a_participant_moves_a_lead_through_the_pipeline_and_exports_it(browsers: Browsers, sign_in: Any,
                                                                        server: Server, tmp_path: Path) -> None:
    page = sign_in(browsers.new(), "anna@voltera.example")
    page.get_by_role("link", name="My leads").click()
    page.wait_for_url("**/leads")
    expect(page.get_by_role("heading", name="My leads", level=1)).to_be_visible()

    page.get_by_text("Add a lead by hand").click()
    form = page.locator("#lead-add")
    form.get_by_label("Name").fill("Kim <b>Lee</b>")
    form.get_by_label("Organisation").fill("=HYPERLINK(\"http://evil\")")
    form.get_by_label("E-mail").fill("kim@harbour.example")
    form.get_by_label("Phone").fill("+1 503 555 0100")
    form.get_by_label("Where you met").select_option("business-card")
    form.get_by_label("Notes").fill("Met at the port; wants a demo, soon")
    form.get_by_role("button", name="Add lead").click()

    lead = page.locator(".lead-card", has_text="Kim <b>Lee</b>")
    expect(lead).to_have_count(1)
    expect(lead.locator("b")).to_have_count(0)  # text, never markup
    expect(lead).to_contain_text("Added by hand (business card)")
    lead_id = lead.get_attribute("data-id")
    select = lead.get_by_label("Status")
    for value in ("contacted", "in-discussion", "proposal", "won"):
        select.focus()
        select.select_option(value)
        expect(lead.get_by_role("status")).to_have_text("Saved.")
        expect(lead).to_have_attribute("data-status", value)
        lead.get_by_role("status").evaluate("el => { el.textContent = '' }")

    lead.get_by_text("Next step, notes and contact details").click()
    lead.get_by_label("Next step on").fill("2030-05-04")
    lead.get_by_label("Next step (optional)", exact=True).fill("Send the offer")
    lead.get_by_role("button", name="Save").click()
    expect(lead.get_by_role("status")).to_have_text("Saved.")

    page.reload()
    lead = page.locator(".lead-card", has_text="Kim <b>Lee</b>")
    expect(lead.get_by_label("Status")).to_have_value("won")
    expect(lead).to_contain_text("Next step Sat, 4 May 2030: Send the offer")
    expect(page.locator(".lead-progress progress").first).to_be_visible()
    found = check(page)
    assert found == [], f"axe found\n{report(found)}"
    _shot(page, tmp_path, "leads-desktop")

    card = _download(page, lead.get_by_role("link", name="Download as vCard")).decode()
    assert card.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and card.endswith("END:VCARD\r\n")
    unfolded = card.replace("\r\n ", "")
    assert f"UID:roundtable-lead-{lead_id}\r\n" in unfolded
    assert "FN:Kim <b>Lee</b>\r\n" in unfolded and "EMAIL;TYPE=INTERNET:kim@harbour.example\r\n" in unfolded
    assert "Met at the port\\; wants a demo\\, soon" in unfolded and "Status: won" in unfolded

    body = _download(page, page.get_by_role("link", name="Export CSV"))
    assert body.startswith(b"\xef\xbb\xbf")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}
    kim = rows["Kim <b>Lee</b>"]
    assert kim["organisation"] == "'=HYPERLINK(\"http://evil\")" and kim["phone"] == "'+1 503 555 0100"
    assert (kim["status"], kim["next_step_on"], kim["next_step"], kim["origin"]) == (
        "won", "2030-05-04", "Send the offer", "business-card")
    every = _download(page, page.get_by_role("link", name="Export vCard")).decode()
    assert every.count("BEGIN:VCARD") == len(rows)


def test_the_leads_page_on_a_phone(browsers: Browsers, sign_in: Any, server: Server, tmp_path: Path) -> None:
    page = sign_in(browsers.new(viewport={"width": 390, "height": 844}), "anna@voltera.example")
    page.goto(f"{server.base}/leads?mission=1")
    expect(page.get_by_role("heading", name="My leads", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    found = check(page)
    assert found == [], f"axe found\n{report(found)}"
    _shot(page, tmp_path, "leads-phone")
