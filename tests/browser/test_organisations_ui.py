"""The directory grouped by organisation in the browser: the organisations of the demo mission with their people,
the figure "companies taking part", the directory's filters, keyboard use, an organiser's edit and merge, Dutch."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import PHONE, SHOTS, Browsers, Server

pytestmark = pytest.mark.browser


SHOTS.mkdir(parents=True, exist_ok=True)


def _clean(page: Any, what: str) -> None:
    found = check(page)
    assert found == [], f"{what}: axe found\n{report(found)}"


def test_people_grouped_by_organisation(browsers: Browsers, sign_in: Any, server: Server) -> None:
    organiser = sign_in(browsers.new(), "organiser@roundtable.example")
    organiser.goto(f"{server.base}/m/1/directory")
    expect(organiser.locator(".person-card").first).to_be_visible()
    # The keyboard reaches the switch: focus the "Organisations" radio and pick it with the space bar.
    organiser.get_by_role("radio", name="Organisations").focus()
    organiser.keyboard.press("Space")
    organiser.wait_for_url(re.compile(r"view=organisations"))
    voltera = organiser.locator(".org-card", has=organiser.get_by_role("heading", name="Voltera"))
    expect(voltera).to_have_count(1)
    expect(voltera.locator(".org-people li")).to_have_count(2)  # Anna de Vries and Tom Hermans: one company
    expect(voltera).to_contain_text("Anna de Vries")
    expect(voltera).to_contain_text("SME")
    expect(organiser.locator("#org-figure")).to_contain_text(re.compile(r"\d+ companies taking part"))
    _clean(organiser, "the organisations view")
    organiser.screenshot(path=str(SHOTS / "directory-organisations-desktop.png"))

    # The directory's filters still hold: partners only.
    organiser.locator("label.chip-option", has_text="Partner").first.click()
    expect(voltera).to_have_count(0)
    expect(organiser.locator(".org-card").first).to_be_visible()
    expect(organiser).to_have_url(re.compile(r"side=partner"))

    # The organiser corrects an organisation (keyboard: the form's fields and its submit button).
    organiser.goto(f"{server.base}/m/1/directory?view=organisations")
    voltera.get_by_role("button", name="Edit Voltera").click()
    registration = voltera.get_by_label("Registration number")
    expect(voltera.get_by_label("Name")).to_be_focused()
    registration.fill("KvK 3012 3456")
    _clean(organiser, "the edit form")
    voltera.scroll_into_view_if_needed()
    organiser.screenshot(path=str(SHOTS / "directory-organisations-edit-desktop.png"))
    registration.press("Enter")
    expect(voltera).to_contain_text("Reg. no. 30123456")
    expect(organiser.locator("#org-figure")).to_be_focused()

    # ... and merges a record the rules did not catch into another.
    stroomwerk = organiser.locator(".org-card", has=organiser.get_by_role("heading", name="Stroomwerk Laadsystemen"))
    before = organiser.locator(".org-card").count()
    joining = stroomwerk.locator(".org-people li").count()
    stroomwerk.get_by_role("button", name=re.compile("^Merge Stroomwerk")).click()
    stroomwerk.get_by_label("Merge into").select_option(label="Voltera, Netherlands")
    stroomwerk.get_by_role("button", name="Merge", exact=True).click()
    expect(organiser.locator(".org-card")).to_have_count(before - 1)
    expect(voltera.locator(".org-people li")).to_have_count(2 + joining)
    expect(voltera).to_contain_text("Reg. no. 30123456")  # the target keeps its own details


def test_a_participant_sees_the_organisations_in_dutch_without_organiser_tools(
        browsers: Browsers, sign_in: Any, server: Server) -> None:
    anna = sign_in(browsers.new(viewport=PHONE), "anna@voltera.example")
    anna.evaluate("localStorage.setItem('rt.lang', 'nl')")
    anna.goto(f"{server.base}/m/1/directory?view=organisations")
    expect(anna.locator("#org-figure")).to_contain_text(re.compile(r"\d+ deelnemende bedrijven"))
    expect(anna.get_by_role("radio", name="Organisaties")).to_be_checked()
    expect(anna.locator(".org-tools")).to_have_count(0)
    _clean(anna, "the organisations view in Dutch")
    anna.screenshot(path=str(SHOTS / "directory-organisations-nl-phone.png"))
