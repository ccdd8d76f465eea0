"""Organisers plan the programme in the mission's local time; the browser converts it to UTC correctly."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Browsers, Server
from tests.browser.test_web import api

pytestmark = pytest.mark.browser

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC


def _utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_wall_clock_to_utc_across_daylight_saving(browsers: Browsers, server: Server) -> None:
    page = browsers.new().new_page()
    page.goto(f"{server.base}/signin")
    cases = [
        ("America/Los_Angeles", "2026-06-15", "09:00"),
        ("America/Los_Angeles", "2026-03-08", "02:30"),  # does not exist: clocks jump 02:00 → 03:00
        ("America/Los_Angeles", "2026-11-01", "01:30"),  # happens twice: the first one counts
        ("Europe/Amsterdam", "2026-03-29", "02:30"),
        ("Europe/Amsterdam", "2026-10-25", "02:30"),
        ("Europe/Amsterdam", "2026-12-31", "23:45"),
        ("Asia/Tokyo", "2026-07-01", "00:15"),
        ("Australia/Lord_Howe", "2026-10-04", "02:15"),  # a half-hour DST change
        ("Asia/Kathmandu", "2026-01-01", "12:00"),
    ]
    got = page.evaluate(
        """async (cases) => {
            const time = await import('/static/time.js');
            return cases.map(([zone, date, hm]) => time.zonedToUtc(date, hm, zone).toISOString());
        }""",
        cases,
    )
    for (zone, date, hm), iso in zip(cases, got, strict=True):
        wall = dt.datetime.fromisoformat(f"{date}T{hm}").replace(tzinfo=ZoneInfo(zone), fold=0)
        assert _utc(iso) == wall.astimezone(UTC), (zone, date, hm, iso)


def test_organiser_adds_edits_and_deletes_an_item(browsers: Browsers, sign_in: Any) -> None:
    page = sign_in(browsers.new(timezone_id="Asia/Tokyo"), "organiser@roundtable.example")
    mission = api(page, "/api/missions/1")["mission"]
    day = (dt.date.fromisoformat(mission["start_date"]) + dt.timedelta(days=2)).isoformat()

    page.get_by_role("button", name="Add programme item").click()
    form = page.locator("form.programme-form")
    form.get_by_label("Kind").select_option("networking")
    form.get_by_label("Title").fill("Breakfast with Portland investors")
    form.get_by_label("Date").fill(day)
    form.get_by_label("Starts").fill("07:30")
    form.get_by_label("Ends").fill("08:45")
    form.get_by_label("Track").select_option(mission["sectors"][0])
    form.get_by_label("Description").fill("Coffee, bagels and ten investors in e-mobility.")
    form.get_by_role("button", name="Add to programme").click()
    expect(page.get_by_role("status").filter(has_text="was added to the programme")).to_be_visible()

    items = [i for i in api(page, "/api/missions/1/programme") if i["title"] == "Breakfast with Portland investors"]
    assert len(items) == 1
    item = items[0]
    start = dt.datetime.fromisoformat(f"{day}T07:30").replace(tzinfo=LA)
    assert _utc(item["starts_at"]) == start.astimezone(UTC)
    assert _utc(item["ends_at"]) == (start + dt.timedelta(minutes=75)).astimezone(UTC)
    assert item["track"] == mission["sectors"][0]
    card = page.locator(f"#item-{item['id']}")
    tokyo = start.astimezone(ZoneInfo("Asia/Tokyo"))
    expect(card.locator(".when-primary time").first).to_have_text(tokyo.strftime("%H:%M"))
    expect(card.locator(".when-secondary")).to_have_text("07:30 Los Angeles")

    # Edit: the form shows the mission's local times; move it an hour later.
    card.get_by_role("button", name=re.compile("^Edit")).click()
    edit = page.locator("form.programme-form")
    expect(edit.get_by_label("Starts")).to_have_value("07:30")
    edit.get_by_label("Starts").fill("08:30")
    edit.get_by_label("Ends").fill("09:30")
    edit.get_by_role("button", name="Save").click()
    expect(page.locator(f"#item-{item['id']} .when-secondary")).to_have_text("08:30 Los Angeles")
    moved = api(page, f"/api/programme/{item['id']}")
    assert _utc(moved["starts_at"]) == (start + dt.timedelta(hours=1)).astimezone(UTC)

    # A server-side rule (webinars last at most an hour here) is shown at the field it names.
    page.locator(f"#item-{item['id']}").get_by_role("button", name=re.compile("^Edit")).click()
    edit = page.locator("form.programme-form")
    edit.get_by_label("Kind").select_option("webinar")
    edit.get_by_label("Ends").fill("10:30")
    edit.get_by_role("button", name="Save").click()
    expect(edit.locator(".field[data-field=ends_at] .field-error")).to_be_visible()
    edit.get_by_role("button", name="Cancel").click()

    # Delete, after confirming.
    page.locator(f"#item-{item['id']}").get_by_role("button", name=re.compile("^Delete")).click()
    page.get_by_role("button", name="Yes, delete").click()
    expect(page.locator(f"#item-{item['id']}")).to_have_count(0)
    assert all(i["id"] != item["id"] for i in api(page, "/api/missions/1/programme"))
