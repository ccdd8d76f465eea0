"""An organiser runs missions from screens: edits the mission's settings, copies it as the template for the next,
and lets a colleague create missions — who then does. Keyboard and axe-checked; screenshots under the test's
tmp_path (and ROUNDTABLE_SCREENSHOTS, when set)."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import Browsers, Server

pytestmark = pytest.mark.browser


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("ROUNDTABLE_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    found = check(page)
    assert found == [], f"{name}: axe found\n{report(found)}"


def test_settings_template_and_a_colleague(browsers: Browsers, sign_in: Any, server: Server, tmp_path: Path) -> None:
    organiser = sign_in(browsers.new(), "organiser@roundtable.example")
    organiser.goto(f"{server.base}/m/1/organise")
    organiser.get_by_role("link", name="Mission settings").click()
    organiser.wait_for_url("**/m/1/organise/settings")
    expect(organiser.get_by_role("heading", name="Mission settings")).to_be_visible()
    _shot(organiser, tmp_path, "mission-settings")
    # A zone that does not exist is refused at its field; then a real one, found by typing.
    zone = organiser.get_by_label("The delegation's time zone")
    zone.fill("Europe/Atlantis")
    organiser.get_by_role("button", name="Save").click()
    expect(organiser.locator("[data-field=delegation_timezone] .field-error")).to_have_text(
        "Choose a time zone from the list.")
    zone.fill("Asia/Tokyo")
    organiser.get_by_label("Format").select_option("physical")
    organiser.get_by_label("Longest webinar (minutes)").fill("90")
    organiser.get_by_role("button", name="Save").click()
    expect(organiser.get_by_text("Settings saved.")).to_be_visible()
    organiser.reload()
    expect(organiser.get_by_label("Format")).to_have_value("physical")
    expect(organiser.get_by_label("The delegation's time zone")).to_have_value("Asia/Tokyo")
    # Put the shared demo mission back as the other browser tests expect it.
    organiser.get_by_label("The delegation's time zone").fill("Europe/Amsterdam")
    organiser.get_by_label("Format").select_option("online")
    organiser.get_by_label("Longest webinar (minutes)").fill("60")
    organiser.get_by_role("button", name="Save").click()
    expect(organiser.get_by_text("Settings saved.")).to_be_visible()

    organiser.goto(f"{server.base}/m/1/organise")
    organiser.get_by_role("link", name="Use as template").click()
    organiser.wait_for_url("**/m/1/organise/template")
    title = f"Next year {secrets.token_hex(3)}"
    organiser.get_by_label("Title of the new mission").fill(title)
    start = organiser.get_by_label("First day of the new mission")
    start.fill("2030-05-06")
    _shot(organiser, tmp_path, "mission-template")
    start.press("Enter")  # submits from the keyboard
    organiser.wait_for_url(re.compile(r".*/m/\d+/organise/settings$"))
    expect(organiser.get_by_label("Title", exact=True)).to_have_value(title)
    expect(organiser.get_by_label("First day")).to_have_value("2030-05-06")
    new_id = organiser.url.split("/m/")[1].split("/")[0]
    organiser.goto(f"{server.base}/m/{new_id}")
    expect(organiser.locator(".programme .item").first).to_be_visible()

    organiser.goto(f"{server.base}/")
    card = organiser.locator(".creators-card")
    expect(card.get_by_role("heading", name="Colleagues who may create missions")).to_be_visible()
    email = f"colleague.{secrets.token_hex(3)}@agency.example"
    card.get_by_label("Colleague's e-mail address").fill(email)
    card.get_by_label("Name").fill("Cora Colleague")
    card.get_by_role("button", name="Add colleague").click()
    expect(card.get_by_text("Cora Colleague may now create missions.")).to_be_visible()
    expect(card.locator(f"li[data-email='{email}']")).to_be_visible()
    _shot(organiser, tmp_path, "mission-creators")

    colleague = browsers.new().new_page()
    colleague.goto(server.sign_in_link(email, mission=None))
    colleague.get_by_role("button", name="Continue as").click()
    colleague.get_by_role("link", name="New mission").first.click()
    colleague.wait_for_url("**/missions/new")
    colleague.get_by_label("Title").fill("Cora's first mission")
    colleague.get_by_label("Destination").fill("Osaka")
    colleague.get_by_label("Local time zone").fill("Asia/Tokyo")
    colleague.get_by_label("First day").fill("2030-09-01")
    colleague.get_by_label("Last day").fill("2030-09-04")
    colleague.get_by_role("button", name="Create mission").click()
    colleague.wait_for_url(re.compile(r".*/m/\d+$"))
    expect(colleague.get_by_role("heading", name="Cora's first mission")).to_be_visible()
