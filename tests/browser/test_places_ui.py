"""Places and check-in on screen (docs/programme.md, "Places" and "Check-in on site"). As setup, through the API: a
hybrid mission whose days include today, Anna and Mike invited to it, and a company visit happening now with one
place. Then on screen: Anna signs up and has place 1; Mike finds it full and joins the waiting list (number 1); Anna
gives up her place, so Mike (after a reload) has place 1 and his notifications say so. The organiser opens the
visit's "Sign-ups and check-in" page and its code; Mike opens the check-in link with the code on his phone and checks
in; the organiser's page shows him checked in and "1 checked in". A wrong code is refused with its message, and
Anna, with the right code but no place, is told she has none. The organiser takes Anna off the waiting list, checks
her in by hand from the directory, and adds a roundtable with ten places through the programme form.

The server's clock is real, hence a mission of its own around today (the demo's mission 1 need not include today).
Screenshots go to /tmp/rt-shots/places-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import DESKTOP, PHONE, SHOTS, Browsers, Server
from tests.browser.organiser_steps import json_of, pick

pytestmark = pytest.mark.browser

ORGANISER = "organiser@roundtable.example"
ANNA = "anna@voltera.example"
MIKE = "mike@bayfleet.example"
ZONE = "Europe/Amsterdam"
VISIT = "Visit to the Port of Rotterdam control room"
ROUNDTABLE = "Roundtable with the port director"


def _clean(page: Any, what: str) -> None:
    found = check(page)
    assert found == [], f"{what}: axe found\n{report(found)}"


def _shoot(page: Any, name: str, *, top: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    if top:
        page.evaluate("window.scrollTo(0, 0)")
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px too wide"
    page.screenshot(path=str(SHOTS / f"places-{name}.png"), full_page=top)


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _join(page: Any, server: Server, token: str, name: str) -> None:
    """Accept the invitation to the new mission in this person's browser (they already have an account)."""
    json_of(page.request.post(f"{server.base}/api/invitations/accept", data={"token": token, "name": name}))


def test_places_waiting_list_and_check_in(browsers: Browsers, sign_in: Any, server: Server) -> None:
    org = sign_in(browsers.new(), ORGANISER)
    one = f"{server.base}/api/missions/1"
    names = {email: json_of(org.request.get(f"{one}/directory?q={q}"))["entries"][0]["profile"]["name"]
             for email, q in ((ANNA, "Anna%20de%20Vries"), (MIKE, "Mike"))}
    anna_name, mike_name = names[ANNA], names[MIKE]

    # -- setup: a hybrid mission around today, Anna and Mike in it, a company visit now with one place -------------
    today = dt.datetime.now(ZoneInfo(ZONE)).date()
    made = json_of(org.request.post(f"{server.base}/api/missions", data={
        "title": "Port logistics mission", "destination": "Rotterdam", "timezone": ZONE,
        "start_date": (today - dt.timedelta(days=1)).isoformat(),
        "end_date": (today + dt.timedelta(days=2)).isoformat(), "format": "hybrid",
        "sectors": ["Logistics"]}))
    mid = made["mission"]["id"]
    api = f"{server.base}/api/missions/{mid}"
    tokens = {}
    for email, name, side in ((ANNA, anna_name, "delegation"), (MIKE, mike_name, "partner")):
        link = json_of(org.request.post(f"{api}/invitations", data={
            "email": email, "name": name, "role": "participant", "side": side}))["link"]
        tokens[email] = link.split("#t=", 1)[1]
    now = dt.datetime.now(dt.UTC)
    visit = json_of(org.request.post(f"{api}/programme", data={
        "kind": "company_visit", "title": VISIT, "starts_at": _iso(now - dt.timedelta(minutes=10)),
        "ends_at": _iso(now + dt.timedelta(minutes=50)), "address": "Wilhelminakade 909, Rotterdam",
        "capacity": 1}))
    assert visit["capacity"] == 1
    vid = visit["id"]
    mission_url = f"{server.base}/m/{mid}"

    # -- Anna signs up: place 1 -------------------------------------------------------------------------------------
    anna = sign_in(browsers.new(), ANNA)
    _join(anna, server, tokens[ANNA], anna_name)
    anna.goto(mission_url)
    card = anna.locator(f"#item-{vid}")
    places = card.locator(".item-places")
    expect(places.locator(".places-count")).to_have_text("0 of 1 place taken")
    expect(card.get_by_role("link", name=re.compile("Sign-ups and check-in"))).to_have_count(0)
    places.get_by_role("button", name=f"Sign up for {VISIT}").click()
    expect(places.get_by_role("status")).to_have_text(f"Signed up: you have place 1 at “{VISIT}”.")
    expect(places.locator(".badge-place")).to_have_text("You have place 1")
    expect(places.locator(".places-count")).to_have_text("1 of 1 place taken")
    # Updated in place: the focus is on the new button, no reload.
    expect(places.get_by_role("button", name=f"Give up my place at {VISIT}")).to_be_focused()

    # -- Mike finds it full and joins the waiting list: number 1 -------------------------------------------------
    mike = sign_in(browsers.new(), MIKE)
    _join(mike, server, tokens[MIKE], mike_name)
    mike.goto(mission_url)
    mplaces = mike.locator(f"#item-{vid} .item-places")
    expect(mplaces.locator(".badge")).to_have_text("Full")
    mplaces.get_by_role("button", name=f"Join the waiting list for {VISIT}").click()
    expect(mplaces.get_by_role("status")).to_contain_text("you are number 1 on the waiting list")
    expect(mplaces.locator(".badge-waiting")).to_have_text("Waiting list: number 1")
    expect(mplaces.locator(".places-count")).to_have_text("1 of 1 place taken · 1 waiting")
    expect(mplaces.get_by_role("button", name=f"Leave the waiting list for {VISIT}")).to_be_focused()
    _clean(mike, "the programme with places")
    _shoot(mike, "mission-desktop")
    mike.set_viewport_size(PHONE)
    mike.locator(f"#item-{vid}").scroll_into_view_if_needed()
    _shoot(mike, "mission-phone")
    mike.set_viewport_size(DESKTOP)

    # -- Anna gives up her place: Mike moves up and is told ------------------------------------------------------
    places.get_by_role("button", name=f"Give up my place at {VISIT}").click()
    expect(places.get_by_role("status")).to_have_text(f"You gave up your place at “{VISIT}”.")
    expect(places.get_by_role("button", name=f"Join the waiting list for {VISIT}")).to_be_focused()
    mike.reload()
    expect(mplaces.locator(".badge-place")).to_have_text("You have place 1")
    expect(mplaces.get_by_role("button", name=f"Give up my place at {VISIT}")).to_be_visible()
    # In Dutch too.
    mike.evaluate("localStorage.setItem('rt.lang', 'nl')")
    mike.reload()
    expect(mplaces.locator(".badge-place")).to_have_text("Je hebt plaats 1")
    expect(mplaces.locator(".places-count")).to_have_text("1 van 1 plaats bezet")
    mike.evaluate("localStorage.setItem('rt.lang', 'en')")
    # His notifications hold the notice, leading to the item.
    mike.goto(f"{mission_url}/schedule")
    mike.locator("#mm-bell").click()
    note = mike.locator("#mm-notes .note a", has_text=f"you now have a place at {VISIT}")
    expect(note).to_be_visible()
    expect(note).to_have_attribute("href", f"/m/{mid}#item-{vid}")
    # Anna joins the waiting list again (the organiser takes her off it below).
    places.get_by_role("button", name=f"Join the waiting list for {VISIT}").click()
    expect(places.locator(".badge-waiting")).to_have_text("Waiting list: number 1")

    # -- the organiser's sign-ups and check-in page, and its code -------------------------------------------------
    org.goto(mission_url)
    org.get_by_role("link", name=f"Sign-ups and check-in: {VISIT}").click()
    org.wait_for_url(f"**/m/{mid}/organise/items/{vid}/door")
    expect(org.get_by_role("heading", name=f"Sign-ups and check-in: {VISIT}", level=1)).to_be_visible()
    code = json_of(org.request.get(f"{api}/programme/{vid}/checkin-code"))["code"]
    expect(org.locator("#door-code")).to_have_text(code)
    expect(org.locator("#door-count")).to_contain_text("0 checked in")
    holders = org.locator("section[aria-labelledby=door-holders]")
    expect(holders.locator(".door-row")).to_have_count(1)
    expect(holders.locator(".door-row")).to_contain_text(mike_name)
    expect(holders.locator(".door-row")).to_contain_text("Not checked in")
    waiting = org.locator("section[aria-labelledby=door-waiting]")
    expect(waiting.locator(".door-row")).to_contain_text(anna_name)
    _clean(org, "the sign-ups and check-in page")
    _shoot(org, "door-desktop")
    # Shown at the door: full screen, Escape closes it and gives the focus back.
    show = org.get_by_role("button", name="Show at the door")
    show.click()
    screen = org.get_by_role("dialog", name=VISIT)
    expect(screen).to_be_visible()
    expect(screen.locator(".door-screen-code")).to_have_text(code)
    expect(screen.locator(".door-screen-url")).to_have_text(re.compile(rf"/m/{mid}/checkin/{vid}$"))
    expect(screen.get_by_role("button", name="Close")).to_be_focused()
    _clean(org, "the door view")
    _shoot(org, "door-screen", top=False)
    org.keyboard.press("Escape")
    expect(screen).to_have_count(0)
    expect(show).to_be_focused()

    # -- Mike checks in on his phone with the link from the QR code -------------------------------------------------
    mike.set_viewport_size(PHONE)
    mike.goto(f"{mission_url}/checkin/{vid}#c={code}")
    expect(mike.get_by_role("heading", name="Check in", level=1)).to_be_visible()
    box = mike.get_by_label("Code shown at the door")
    expect(box).to_have_value(code)
    expect(mike.locator(".checkin-place")).to_have_text("You have place 1.")
    _clean(mike, "the check-in page")
    _shoot(mike, "checkin-phone")
    mike.get_by_role("button", name="Check in", exact=True).click()
    done = mike.locator(".checkin-done")
    expect(done.get_by_role("heading", name="You are checked in")).to_be_focused()
    expect(done).to_contain_text(f"for “{VISIT}”")
    _clean(mike, "checked in")
    _shoot(mike, "checkin-done-phone")
    assert json_of(mike.request.get(f"{api}/places"))[0]["checked_in"] is True

    # -- a wrong code, and the right one without a place (Anna waits) ---------------------------------------------
    anna.set_viewport_size(PHONE)
    anna.goto(f"{mission_url}/checkin/{vid}")
    abox = anna.get_by_label("Code shown at the door")
    expect(abox).to_have_value("")
    wrong = "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY"
    abox.fill(wrong)
    anna.get_by_role("button", name="Check in", exact=True).click()
    expect(anna.locator(".field[data-field=code] .field-error")).to_have_text(
        "That is not this item’s code: check it with the host.")
    expect(abox).to_be_focused()
    _shoot(anna, "checkin-wrong-phone")
    abox.fill(code.lower())
    anna.get_by_role("button", name="Check in", exact=True).click()
    expect(anna.get_by_role("status").filter(has_text="You do not hold a place on this item")).to_be_visible()

    # -- the organiser sees Mike checked in; takes Anna off the waiting list; checks her in by hand -----------------
    org.get_by_role("button", name="Refresh").click()
    expect(org.locator("#door-count")).to_contain_text("1 checked in")
    expect(holders.locator(".door-row")).to_contain_text("Checked in")
    waiting.get_by_role("button", name=f"Remove {anna_name}").click()
    expect(waiting).to_contain_text(f"Take {anna_name} off the waiting list?")
    waiting.get_by_role("button", name="Remove", exact=True).click()
    expect(org.get_by_text(f"{anna_name} removed.")).to_be_visible()
    expect(waiting).to_contain_text("Nobody is waiting.")
    pick(org, "Check in someone who did not sign up", anna_name)
    expect(org.get_by_text(f"{anna_name} checked in.")).to_be_visible()
    expect(org.locator("#door-count")).to_contain_text("2 checked in")
    expect(org.locator("section[aria-labelledby=door-walkins] .door-row")).to_contain_text(anna_name)
    _clean(org, "the sign-ups and check-in page, with people checked in")
    _shoot(org, "door-checked-in-desktop")
    org.set_viewport_size(PHONE)
    _shoot(org, "door-phone")
    org.set_viewport_size(DESKTOP)

    # -- the organiser adds a roundtable with ten places through the form -----------------------------------------
    org.goto(mission_url)
    org.get_by_role("button", name="Add programme item").click()
    form = org.locator("form.programme-form")
    form.get_by_label("Kind").select_option("webinar")
    expect(form.get_by_label("Places")).to_be_hidden()
    form.get_by_label("Kind").select_option("roundtable")
    expect(form.get_by_label("Kind").locator("option:checked")).to_have_text("Roundtable")
    form.get_by_label("Title").fill(ROUNDTABLE)
    form.get_by_label("Date").fill(today.isoformat())
    form.get_by_label("Starts").fill("23:00")
    form.get_by_label("Ends").fill("23:45")
    form.get_by_label("Places").fill("0")
    form.get_by_role("button", name="Add to programme").click()
    expect(form.locator(".field[data-field=capacity] .field-error")).to_have_text(
        "Enter a whole number from 1 to 5000, or leave it empty.")
    form.get_by_label("Places").fill("10")
    _clean(org, "the programme form with places")
    _shoot(org, "form-desktop", top=False)
    form.get_by_role("button", name="Add to programme").click()
    expect(org.get_by_role("status").filter(has_text=f"“{ROUNDTABLE}” was added to the programme.")).to_be_visible()
    table = next(i for i in json_of(org.request.get(f"{api}/programme")) if i["title"] == ROUNDTABLE)
    assert (table["kind"], table["capacity"]) == ("roundtable", 10)
    tcard = org.locator(f"#item-{table['id']}")
    expect(tcard.locator(".kind")).to_have_text("Roundtable")
    expect(tcard.locator(".places-count")).to_have_text("0 of 10 places taken")
    expect(tcard.get_by_role("link", name=f"Sign-ups and check-in: {ROUNDTABLE}")).to_be_visible()
    # Edited, the form shows its places.
    tcard.get_by_role("button", name=f"Edit “{ROUNDTABLE}”").click()
    expect(org.locator("form.programme-form").get_by_label("Places")).to_have_value("10")
    org.locator("form.programme-form").get_by_role("button", name="Cancel").click()
    _clean(org, "the organiser's programme with places")

    # Anna and Mike leave the mission again (the server is shared with the other browser tests).
    for email in (ANNA, MIKE):
        uid = json_of(org.request.get(f"{api}/directory?q={names[email].replace(' ', '%20')}"))["entries"][0]
        org.request.delete(f"{api}/people/{uid['profile']['user_id']}")
