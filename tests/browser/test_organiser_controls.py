"""The organiser's controls on screens (issue 13, item 5), in the browser: the matchmaking rules form (every rule,
errors per field, saved and read again); a webinar's moderator picked from the directory, who then opens the
webinar and has the moderator console; a meeting booked for two people, who both see it on their schedule and in
their notifications, with a mail to each in the outbox; a person's side changed on their page.

The server is shared with the other browser tests, so every change is put back at the end. Screenshots go to
/tmp/rt-shots/ctl-*.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import SHOTS, Browsers, Server
from tests.browser.organiser_steps import free_slot as _free_slot
from tests.browser.organiser_steps import json_of as _json
from tests.browser.organiser_steps import pick as _pick

pytestmark = pytest.mark.browser

ORGANISER = "organiser@roundtable.example"
TOM = "tom.hermans@voltera.example"  # delegation
MIKE = "mike@bayfleet.example"  # partner


def _clean(page: Any, what: str) -> None:
    found = check(page)
    assert found == [], f"{what}: axe found\n{report(found)}"


def _shoot(page: Any, name: str) -> None:
    lang = page.evaluate("document.documentElement.lang") or "en"
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky header is drawn over the middle of the full page
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} ({lang}) is {overflow}px too wide"
    page.screenshot(path=str(SHOTS / f"ctl-{name}-{lang}.png"), full_page=True)


def test_an_organiser_runs_webinar_roles_rules_bookings_and_sides_on_screen(browsers: Browsers, sign_in: Any,
                                                                            server: Server) -> None:
    api = f"{server.base}/api/missions/1"
    org = sign_in(browsers.new(), ORGANISER)
    rules_before = _json(org.request.get(f"{api}/matchmaking/rules"))

    # -- the matchmaking rules: each wrong field says so, then the rules are saved and read again ---------------
    org.goto(f"{server.base}/m/1/organise")
    org.get_by_role("link", name="Matchmaking rules").click()
    org.wait_for_url("**/m/1/organise/matchmaking")
    held = org.get_by_label("Held after (seconds of sound and picture both ways)")
    zone = org.get_by_label("The delegation's time zone")
    held.fill("2")
    zone.fill("Mars/Base")
    org.get_by_role("button", name="Save rules").click()
    expect(org.locator(".field[data-field=held_seconds] .field-error")).to_have_text(
        "Enter a whole number from 5 to 1800.")
    expect(held).to_have_attribute("aria-invalid", "true")
    expect(held).to_be_focused()
    expect(org.locator(".field[data-field=delegation_timezone] .field-error")).to_have_text(
        "Choose a time zone from the list.")
    _shoot(org, "rules-errors")
    held.fill("90")
    zone.fill("America/New_York")
    org.get_by_label("Meeting length (minutes)").fill(str(rules_before["meeting_minutes"]))
    booking = org.get_by_label("Organisers may book meetings for two people")
    booking.check()
    org.get_by_role("button", name="Save rules").click()
    expect(org.get_by_text("Rules saved.")).to_be_visible()
    saved = _json(org.request.get(f"{api}/matchmaking/rules"))
    assert saved["held_seconds"] == 90 and saved["delegation_timezone"] == "America/New_York"
    assert saved["organiser_booking"] is True
    org.reload()
    expect(org.get_by_label("Held after (seconds of sound and picture both ways)")).to_have_value("90")
    expect(org.get_by_label("The delegation's time zone")).to_have_value("America/New_York")
    expect(org.get_by_label("Organisers may book meetings for two people")).to_be_checked()
    _clean(org, "the matchmaking rules")
    _shoot(org, "rules")
    org.evaluate("localStorage.setItem('rt.lang', 'nl')")
    org.reload()
    expect(org.get_by_role("heading", name="Matchmakingregels", level=1)).to_be_visible()
    _shoot(org, "rules")
    org.evaluate("localStorage.setItem('rt.lang', 'en')")

    # -- a webinar's moderator, picked from the directory; they open the webinar and have the console -----------
    tom_id = _json(org.request.get(f"{api}/directory?q=Tom%20Hermans"))["entries"][0]["profile"]["user_id"]
    programme = _json(org.request.get(f"{api}/programme"))
    roles = {i["id"]: _json(org.request.get(f"{api}/programme/{i['id']}/roles"))["roles"]
             for i in programme if i["kind"] == "webinar"}
    # Tom speaks in the demo's webinars: on screen he is taken off, found again with the picker, made moderator.
    webinar = next(i for i in programme if i["id"] in roles
                   and all(g["user_id"] != tom_id or g["role"] == "speaker" for g in roles[i["id"]]))
    roles_before = roles[webinar["id"]]
    org.goto(f"{server.base}/m/1")
    org.get_by_role("link", name=f"Hosts, moderators and speakers of {webinar['title']}").click()
    org.wait_for_url(f"**/m/1/organise/webinar/{webinar['id']}")
    if any(g["user_id"] == tom_id for g in roles_before):
        org.get_by_role("button", name="Remove Tom Hermans").click()
        expect(org.get_by_text("Tom Hermans taken off; save to confirm.")).to_be_visible()
    _pick(org, "Add a person", "Tom Hermans")
    tom_row = org.locator(".roles-row", has_text="Tom Hermans")
    tom_row.get_by_role("combobox").select_option("moderator")
    org.get_by_role("button", name="Save roles").click()
    expect(org.get_by_text("Saved. Whoever lost a role has left the console.")).to_be_visible()
    _clean(org, "a webinar's roles")
    _shoot(org, "webinar-roles")
    granted = _json(org.request.get(f"{api}/programme/{webinar['id']}/roles"))["roles"]
    assert {"user_id": tom_id, "role": "moderator"} in [{"user_id": g["user_id"], "role": g["role"]} for g in granted]

    tom = sign_in(browsers.new(), TOM)
    tom.goto(f"{server.base}/m/1/webinar/{webinar['id']}")
    expect(tom.get_by_role("heading", name=webinar["title"], level=1)).to_be_visible()
    expect(tom.locator(".w-role")).to_have_text("Moderator")
    tom.get_by_role("tab", name=re.compile("^People")).click()
    expect(tom.locator("#wpanel-people")).to_be_visible()

    # -- a meeting booked for two: both see it, both are notified, a mail to each waits in the outbox -----------
    mike = sign_in(browsers.new(), MIKE)
    other = _json(mike.request.get(f"{server.base}/api/me"))["user"]
    other["user_id"] = other["id"]
    slot = _free_slot(org, server, {tom_id, other["user_id"]})
    org.goto(f"{server.base}/m/1/organise/meetings")
    expect(org.get_by_role("heading", name="Book a meeting for two people")).to_be_visible()
    _pick(org, "First person", "Tom Hermans")
    _pick(org, "Second person", other["name"])
    org.get_by_label(re.compile(r"^Time \(")).select_option(slot)
    org.get_by_role("button", name="Book the meeting").click()
    expect(org.get_by_text(f"Booked: Tom Hermans and {other['name']}. Both have been told.")).to_be_visible()
    _clean(org, "booking a meeting")
    _shoot(org, "book-meeting")
    meeting = next(m for m in _json(org.request.get(f"{api}/matchmaking/meetings"))
                   if {m["a"]["user_id"], m["b"]["user_id"]} == {tom_id, other["user_id"]} and m["status"] == "booked")
    expect(org.locator(f".om-row[data-id='{meeting['id']}']")).to_be_visible()

    for page in (tom, mike):
        page.goto(f"{server.base}/m/1/schedule")
        expect(page.locator(f".sched-entry.is-meeting[data-meeting-id='{meeting['id']}']")).to_be_visible()
        notes = _json(page.request.get(f"{server.base}/api/notifications?mission=1"))
        assert any(n["event"]["kind"] == "n-booked" and n["event"]["meeting_id"] == meeting["id"] for n in notes)
    _shoot(tom, "schedule-booked")
    mails = [m for m in _json(org.request.get(f"{api}/outbox"))["mails"] if m["template"] == "meeting-booked"
             and m["to_name"] in ("Tom Hermans", other["name"])][:2]  # newest first: this booking's two
    assert sorted(m["to_name"] for m in mails) == sorted(["Tom Hermans", other["name"]]), mails
    assert all("/m/1/schedule" in m["text"] for m in mails)
    tom_mail = next(m for m in mails if m["to_name"] == "Tom Hermans")
    assert other["name"] in tom_mail["subject"] and "(America/New_York)" in tom_mail["subject"]

    # -- a person's side, changed on their page ---------------------------------------------------------------
    org.goto(f"{server.base}/m/1/people/{other['user_id']}")
    form = org.locator("#role-form")
    expect(form.get_by_label("Role in this mission")).to_have_value("participant")
    expect(form.get_by_label("Side")).to_have_value("partner")
    form.get_by_label("Side").select_option("delegation")
    form.get_by_role("button", name="Save role and side").click()
    expect(org.get_by_text(f"{other['name']}'s role and side are saved.")).to_be_visible()
    _clean(org, "a person's page with the organiser's controls")
    _shoot(org, "person-role")
    org.reload()
    expect(org.locator(".profile-hero .badge", has_text="Delegation")).to_be_visible()
    assert _json(org.request.get(f"{api}/people/{other['user_id']}"))["side"] == "delegation"
    # A participant needs a side: the server's refusal is shown at the field.
    org.locator("#role-form").get_by_label("Side").select_option("")
    org.locator("#role-form").get_by_role("button", name="Save role and side").click()
    expect(org.locator("#role-form .field[data-field=side] .field-error")).to_be_visible()

    # -- put the shared demo back as it was ---------------------------------------------------------------------
    _json(org.request.put(f"{api}/people/{other['user_id']}", data={"role": "participant", "side": "partner"}))
    _json(org.request.post(f"{server.base}/api/meetings/{meeting['id']}/cancel"))
    _json(org.request.put(f"{api}/programme/{webinar['id']}/roles",
                          data={"roles": [{"user_id": g["user_id"], "role": g["role"]} for g in roles_before]}))
    _json(org.request.put(f"{api}/matchmaking/rules", data=rules_before))
