"""The web client in a real browser: sign-in links, time zones, the directory, profiles, invitations, language."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Browsers, Server

pytestmark = pytest.mark.browser

LA = ZoneInfo("America/Los_Angeles")


def api(page: Any, path: str) -> Any:
    """GET the API with the page's own session cookie."""
    origin = "/".join(page.url.split("/")[:3])
    response = page.request.get(origin + path)
    assert response.ok, f"{path}: {response.status} {response.text()}"
    return response.json()


def query_of(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_sign_in_with_a_link_and_it_works_only_once(server: Server, browsers: Browsers) -> None:
    link = server.sign_in_link("anna@voltera.example")
    context = browsers.new()
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_text("anna@voltera.example")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Continue as ")).click()

    page.wait_for_url(f"{server.base}/m/1")
    programme = api(page, "/api/missions/1/programme")
    assert programme, "the demo mission has a programme"
    expect(page.get_by_role("heading", name="Programme")).to_be_visible()
    for item in programme[:3]:
        expect(page.locator(f"#item-{item['id']} .item-title")).to_have_text(item["title"])
    mission = api(page, "/api/missions/1")["mission"]
    expect(page.locator("h1")).to_have_text(mission["title"])

    # The same link a second time (even signed in, even in another browser) says it was used.
    page.goto(link)
    expect(page.get_by_role("heading", name="This link has already been used")).to_be_visible()
    other = browsers.new().new_page()
    other.goto(link)
    expect(other.get_by_role("heading", name="This link has already been used")).to_be_visible()
    expect(other.get_by_role("button", name=re.compile("Continue as"))).to_have_count(0)


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "Europe/Amsterdam"])
def test_programme_in_the_viewers_time_zone_beside_the_missions(
    zone: str, browsers: Browsers, sign_in: Any
) -> None:
    page = sign_in(browsers.new(timezone_id=zone), "mike@bayfleet.example")
    expect(page.locator("#zone-select")).to_have_value(zone)
    programme = api(page, "/api/missions/1/programme")
    checked = 0
    for item in programme:
        start = dt.datetime.fromisoformat(item["starts_at"].replace("Z", "+00:00"))
        mine = start.astimezone(ZoneInfo(zone))
        there = start.astimezone(LA)
        card = page.locator(f"#item-{item['id']}")
        expect(card.locator(".when-primary time").first).to_have_text(mine.strftime("%H:%M"))
        expect(card.locator(".when-label")).to_have_text("your time")
        expect(card.locator(".when-secondary")).to_have_text(f"{there.strftime('%H:%M')} Los Angeles")
        if mine.date() != there.date():
            # Another calendar day here than in Los Angeles: the day is shown with the time.
            expect(card.locator(".when-day")).to_have_text(mine.strftime("%a %-d %b"))
        checked += 1
    assert checked == len(programme) > 0

    # Choosing the mission's own zone shows Los Angeles times only; the choice is remembered.
    page.locator("#zone-select").select_option("America/Los_Angeles")
    first = programme[0]
    there = dt.datetime.fromisoformat(first["starts_at"].replace("Z", "+00:00")).astimezone(LA)
    expect(page.locator(f"#item-{first['id']} .when-primary time").first).to_have_text(there.strftime("%H:%M"))
    expect(page.locator(f"#item-{first['id']} .when-secondary")).to_have_count(0)
    page.reload()
    expect(page.locator("#zone-select")).to_have_value("America/Los_Angeles")


def test_filter_the_directory(browsers: Browsers, sign_in: Any) -> None:
    page = sign_in(browsers.new(), "anna@voltera.example")
    page.get_by_role("link", name="People", exact=True).click()
    page.wait_for_url("**/m/1/directory")
    count = page.locator("#dir-count")
    everyone = api(page, "/api/missions/1/directory")["total"]
    expect(count).to_have_attribute("data-total", str(everyone))
    expect(count).to_have_text(f"{everyone} people")

    # By organisation type.
    startups = api(page, "/api/missions/1/directory?org_type=startup")
    page.locator("label.chip-option", has_text="Start-up").click()
    expect(count).to_have_attribute("data-total", str(startups["total"]))
    assert query_of(page) == {"org_type": ["startup"]}
    expect(page.locator(".person-card")).to_have_count(min(startups["total"], 24))
    for entry in startups["entries"][:3]:
        expect(page.locator(".person-card", has_text=entry["profile"]["name"])).to_be_visible()

    # ...and by side.
    partners = api(page, "/api/missions/1/directory?org_type=startup&side=partner")
    page.locator("label.chip-option", has_text="Partner").click()
    expect(count).to_have_attribute("data-total", str(partners["total"]))
    assert query_of(page) == {"org_type": ["startup"], "side": ["partner"]}
    assert 0 < partners["total"] < startups["total"]

    # Free text, after clearing the filters.
    page.get_by_role("button", name="Clear filters").click()
    expect(count).to_have_attribute("data-total", str(everyone))
    found = api(page, "/api/missions/1/directory?q=charging")
    assert 0 < found["total"] < everyone
    page.get_by_label("Search people").fill("charging")
    expect(count).to_have_attribute("data-total", str(found["total"]))
    assert query_of(page) == {"q": ["charging"]}

    # A shared URL opens with its filters applied.
    page.goto(page.url.split("?")[0] + "?side=delegation&org_type=sme")
    both = api(page, "/api/missions/1/directory?side=delegation&org_type=sme")
    expect(count).to_have_attribute("data-total", str(both["total"]))
    expect(page.get_by_role("radio", name=re.compile("^Delegation"))).to_be_checked()
    expect(page.get_by_role("checkbox", name=re.compile("^SME"))).to_be_checked()


def test_filter_the_directory_with_the_keyboard_only(browsers: Browsers, sign_in: Any, server: Server) -> None:
    page = sign_in(browsers.new(), "anna@voltera.example")
    page.goto(f"{server.base}/m/1/directory")
    count = page.locator("#dir-count")
    everyone = api(page, "/api/missions/1/directory")["total"]
    expect(count).to_have_attribute("data-total", str(everyone))

    page.get_by_label("Search people").focus()
    page.keyboard.press("Tab")  # onto the side radio group ("Everyone")
    expect(page.get_by_role("radio", name=re.compile("^Everyone"))).to_be_focused()
    page.keyboard.press("ArrowRight")  # "Delegation"
    delegation = api(page, "/api/missions/1/directory?side=delegation")["total"]
    expect(count).to_have_attribute("data-total", str(delegation))
    page.keyboard.press("Tab")  # onto the first organisation type ("SME")
    expect(page.get_by_role("checkbox", name=re.compile("^SME"))).to_be_focused()
    page.keyboard.press("Space")
    both = api(page, "/api/missions/1/directory?side=delegation&org_type=sme")["total"]
    expect(count).to_have_attribute("data-total", str(both))
    assert query_of(page) == {"side": ["delegation"], "org_type": ["sme"]}

    # Enter on a focused person's name opens their profile.
    first = page.locator(".person-card a").first
    name = first.inner_text()
    first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    # Back returns to the filtered directory; back once more undoes the last filter.
    page.go_back()
    expect(count).to_have_attribute("data-total", str(both))
    page.go_back()
    expect(count).to_have_attribute("data-total", str(delegation))
    assert query_of(page) == {"side": ["delegation"]}


def test_edit_my_profile(browsers: Browsers, sign_in: Any, server: Server) -> None:
    page = sign_in(browsers.new(), "anna@voltera.example")
    page.get_by_role("link", name="My profile").click()
    page.wait_for_url("**/profile")
    before = api(page, "/api/me/profile")
    assert before["sectors"], "the demo profile has sectors"
    dropped = before["sectors"][0]
    offers = f"Bidirectional chargers for school buses (V2G), batch {secrets.token_hex(3)}."

    page.get_by_label("What you offer").fill(offers)
    page.get_by_role("button", name=f"Remove {dropped}").click()
    page.get_by_label("Sectors").fill("Hydrogen")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status").filter(has_text="Your profile is saved.")).to_be_visible()

    page.reload()
    expect(page.get_by_label("What you offer")).to_have_value(offers)
    tokens = page.locator(".field[data-field=sectors] .token")
    expect(tokens.filter(has_text="Hydrogen")).to_have_count(1)
    expect(tokens.filter(has_text=dropped)).to_have_count(0)
    after = api(page, "/api/me/profile")
    assert after["offers"] == offers
    assert "Hydrogen" in after["sectors"] and dropped not in after["sectors"]

    # A bad website: the server's error shows at the website field.
    website = page.get_by_label("Website")
    website.fill("my-site dot com")
    page.get_by_role("button", name="Save profile").click()
    error = page.locator(".field[data-field=website] .field-error")
    expect(error).to_have_text("A website starts with https:// or http://.")
    expect(website).to_have_attribute("aria-invalid", "true")
    expect(website).to_be_focused()
    assert api(page, "/api/me/profile")["website"] == after["website"]


def test_invite_someone_who_accepts_and_appears(browsers: Browsers, sign_in: Any, server: Server) -> None:
    organiser_ctx = browsers.new(permissions=["clipboard-read", "clipboard-write"])
    organiser = sign_in(organiser_ctx, "organiser@roundtable.example")
    organiser.get_by_role("link", name="Organise").click()
    organiser.wait_for_url("**/m/1/organise")
    email = f"noor.{secrets.token_hex(4)}@visser-mobility.example"
    organiser.get_by_label("E-mail address").fill(email)
    organiser.get_by_label("Name").fill("Noor Visser")
    organiser.get_by_role("textbox", name=re.compile("^Organisation")).fill("Visser Mobility")
    organiser.get_by_label("Role").select_option("participant")
    organiser.get_by_role("radio", name=re.compile("^Delegation")).check()
    organiser.get_by_role("button", name="Create invitation").click()

    link_box = organiser.get_by_label("Invitation link")
    expect(link_box).to_have_value(re.compile(r"/invite#t="))
    link = link_box.input_value()
    assert link.startswith(server.base + "/invite#t=")
    organiser.get_by_role("button", name="Copy link").click()
    expect(organiser.get_by_text("The link is on your clipboard.")).to_be_visible()
    assert organiser.evaluate("navigator.clipboard.readText()") == link
    row = organiser.locator(f".invitation[data-email='{email}']")
    expect(row.locator(".badge-status-pending")).to_have_text("Pending")

    # Someone else, in their own browser, opens the link.
    guest = browsers.new(timezone_id="America/Chicago").new_page()
    guest.goto(link)
    mission = api(organiser, "/api/missions/1")["mission"]
    expect(guest.get_by_role("heading", level=1)).to_have_text(mission["title"])
    expect(guest.get_by_text(email)).to_be_visible()
    name_box = guest.get_by_label("Your name")
    expect(name_box).to_have_value("Noor Visser")
    name_box.fill("Noor Visser-Bakker")
    guest.get_by_role("button", name="Accept and join").click()
    guest.wait_for_url("**/profile?welcome=1")
    expect(guest.get_by_role("heading", name=f"Welcome to {mission['title']}!")).to_be_visible()

    guest.get_by_label("Job title").fill("Founder")
    guest.get_by_label("Type of organisation").select_option("startup")
    guest.get_by_label("Country").select_option("NL")
    guest.get_by_label("City").fill("Zwolle")
    guest.get_by_label("What you offer").fill("Cargo bikes with swappable batteries for city logistics.")
    guest.get_by_role("button", name="Save profile").click()
    guest.get_by_role("link", name=f"Continue to {mission['title']}").click()
    guest.wait_for_url("**/m/1")

    guest.get_by_role("link", name="People", exact=True).click()
    guest.get_by_label("Search people").fill("Visser-Bakker")
    card = guest.locator(".person-card", has_text="Noor Visser-Bakker")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Founder · Visser Mobility")
    expect(card).to_contain_text("Delegation")
    expect(card).to_contain_text("Zwolle, Netherlands")

    organiser.reload()
    expect(row.locator(".badge-status-accepted")).to_have_text("Accepted")


def test_switch_to_dutch_and_it_is_remembered(browsers: Browsers, sign_in: Any) -> None:
    page = sign_in(browsers.new(), "anna@voltera.example")
    expect(page.get_by_role("heading", name="Programme", exact=True)).to_be_visible()
    page.get_by_role("button", name=re.compile("Nederlands")).click()
    expect(page.get_by_role("heading", name="Programma", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Mijn missies")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name=re.compile("Nederlands"))).to_have_attribute("aria-pressed", "true")

    page.reload()
    expect(page.get_by_role("heading", name="Programma", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Deelnemers", exact=True)).to_be_visible()
    page.get_by_role("link", name="Deelnemers", exact=True).click()
    expect(page.get_by_role("heading", name="Deelnemers", level=1)).to_be_visible()
    expect(page.locator("#dir-count")).to_contain_text("personen")
