"""Every main page checked with axe-core for WCAG 2.1 A and AA (tests/browser/axe.py), in English at desktop size
and in Dutch on a phone; and two layout promises: the meeting's controls stay above the fold at 1366×800, and the
phone's strip of mission tabs shows the current tab whole.

The pages are as people see them: the programme with its webinars and lounge, a directory with request buttons,
a person, recommendations, a schedule with a meeting, that meeting's room, a lounge where someone else is present
and the viewer sits at a table, a webinar, the organiser's pages, and the pages before signing in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from rooms.core.cards import Side
from server.demo import mission1_members
from tests.browser.axe import check, report
from tests.browser.conftest import DESKTOP, PHONE, Browsers, Server

pytestmark = pytest.mark.browser

ORGANISER = "organiser@roundtable.example"
ANNA = "anna@voltera.example"
MIKE = "mike@bayfleet.example"
# A pair no other browser test uses: they book a meeting here for the schedule and the meeting room.
_DELEGATION = [m.email for m in mission1_members() if m.side is Side.DELEGATION]
_PARTNERS = [m.email for m in mission1_members() if m.side is Side.PARTNER]
ASKER, ASKED = _DELEGATION[-1], _PARTNERS[-1]
LAPTOP = {"width": 1366, "height": 800}


def _json(response: Any) -> Any:
    assert response.ok, f"{response.status} {response.text()}"
    return response.json()


def _clean(page: Any, what: str) -> None:
    page.evaluate("document.fonts.ready")
    found = check(page)
    assert found == [], f"{what}: axe found\n{report(found)}"


def _meeting(asker: Any, asked: Any, base: str) -> int:
    """Their meeting: the one they have, or the asker requests the first free slot and the asked accepts it."""
    asked_id = _json(asked.request.get(f"{base}/api/me"))["user"]["id"]
    mine = _json(asker.request.get(f"{base}/api/missions/1/meetings"))
    found = [m["id"] for m in mine if asked_id in (m["a"]["user_id"], m["b"]["user_id"]) and m["status"] == "booked"]
    if found:
        return int(found[0])
    slots = _json(asker.request.get(f"{base}/api/missions/1/matchmaking/slots"))
    start = next(x["slot"]["starts_at"] for x in slots if x["meeting_id"] is None)
    request = _json(asker.request.post(f"{base}/api/missions/1/meetings/requests",
                                       data={"to": asked_id, "slots": [start]}))
    meeting = _json(asked.request.post(f"{base}/api/meeting-requests/{request['id']}/accept", data={"slot": start}))
    return int(meeting["id"])


def _items(page: Any, base: str) -> dict[str, int]:
    items = _json(page.request.get(f"{base}/api/missions/1/programme"))
    return {kind: next(i["id"] for i in items if i["kind"] == kind) for kind in ("webinar", "networking")}


@pytest.mark.parametrize(("lang", "viewport"), [("en", DESKTOP), ("nl", PHONE)], ids=["en-desktop", "nl-phone"])
def test_every_main_page_is_clean(server: Server, browsers: Browsers, sign_in: Callable[[Any, str], Any],
                                  lang: str, viewport: dict[str, int]) -> None:
    base = server.base
    # Before signing in.
    stranger = browsers.new(viewport=viewport).new_page()
    stranger.goto(f"{base}/signin")
    stranger.evaluate(f"localStorage.setItem('rt.lang', '{lang}')")
    for path in ("/signin", "/link#t=not-a-token", "/invite#t=not-a-token"):
        stranger.goto(base + path)
        expect(stranger.locator("main h1")).to_be_visible()
        _clean(stranger, path)

    people = {}
    for email in (ANNA, MIKE, ORGANISER):
        people[email] = sign_in(browsers.new(viewport=viewport), email)
        people[email].evaluate(f"localStorage.setItem('rt.lang', '{lang}')")  # the next page is in this language
    anna, mike, organiser = people[ANNA], people[MIKE], people[ORGANISER]
    items = _items(anna, base)
    mike_id = _json(mike.request.get(f"{base}/api/me"))["user"]["id"]

    pages: list[tuple[Any, str, str]] = [
        (anna, "/", ".mission-card"),
        (anna, "/m/1", ".programme .item"),
        (anna, "/m/1/lobby", ".chat-log"),
        (anna, "/m/1/directory", ".person-card .rq-btn"),
        (anna, f"/m/1/people/{mike_id}", ".profile-hero .rq-btn"),
        (anna, "/profile", "form"),
        (anna, "/m/1/matchmaking", "#mm-recs .rec-card"),
        (anna, "/m/1/schedule", ".sched-entry"),
        (anna, f"/m/1/webinar/{items['webinar']}", "main h1"),
        (organiser, "/m/1/organise", "main h1"),
        (organiser, "/m/1/organise/meetings", "main h1"),
        (organiser, "/m/1/organise/outbox", "main h1"),
        (organiser, "/m/1/organise/results", ".results-tiles"),
        (organiser, "/m/1/organise/people", "main h1"),
        (organiser, "/m/1/organise/matchmaking", "form"),
        (organiser, f"/m/1/organise/webinar/{items['webinar']}", ".roles-list"),
        (organiser, f"/m/1/people/{mike_id}", "#role-form"),
        (organiser, "/missions/new", "form"),
        (organiser, "/teams", "#team-create"),
    ]
    for page, path, ready in pages:
        page.goto(base + path)
        expect(page.locator(ready).first).to_be_visible()
        _clean(page, f"{path} ({lang})")

    # A meeting room (of two people no other test books).
    asker, asked = (sign_in(browsers.new(viewport=viewport), email) for email in (ASKER, ASKED))
    meeting = _meeting(asker, asked, base)
    asker.evaluate(f"localStorage.setItem('rt.lang', '{lang}')")
    asker.goto(f"{base}/m/1/meeting/{meeting}")
    expect(asker.locator("#meet-presence")).to_be_visible()
    _clean(asker, f"meeting ({lang})")

    # The lounge: Mike is there too; Anna sits at a table of her own (no call between two browsers on the host).
    lounge = f"{base}/m/1/lounge/{items['networking']}"
    mike.goto(lounge)
    anna.goto(lounge)
    expect(anna.locator("#l-people .l-person")).to_have_count(2)
    anna.locator("#l-tables .l-table").nth(4 if lang == "en" else 5).locator(".l-sit").first.click()
    expect(anna.locator("#table-stage")).to_be_visible()
    _clean(anna, f"lounge ({lang})")
    anna.goto(f"{base}/m/1")  # leaves the table and the lounge
    organiser.goto(lounge)
    expect(organiser.locator("#l-organiser")).to_be_visible()
    _clean(organiser, f"lounge as its organiser ({lang})")


def test_meeting_controls_and_the_current_tab_are_in_view(server: Server, browsers: Browsers,
                                                          sign_in: Callable[[Any, str], Any]) -> None:
    asker = sign_in(browsers.new(viewport=LAPTOP), ASKER)
    asked = sign_in(browsers.new(), ASKED)
    asker.goto(f"{server.base}/m/1/meeting/{_meeting(asker, asked, server.base)}")
    expect(asker.locator("#meet-end")).to_be_visible()
    # However the page's side column comes and goes, the controls stay above the fold at 1366×800.
    for side in ("as it is", "without a side column"):
        if side != "as it is":
            asker.evaluate("document.querySelector('#meet-prompt').replaceChildren()")
        bottom = asker.evaluate("document.querySelector('.meet-controls').getBoundingClientRect().bottom")
        assert bottom <= LAPTOP["height"], f"the meeting's controls end at {bottom}px ({side})"

    # On a phone the current tab of the mission's strip is whole on screen, wherever it is in the strip.
    phone = sign_in(browsers.new(viewport=PHONE), ANNA)
    for path, tab in (("/m/1/schedule", ".tab-schedule"), ("/m/1/matchmaking", ".tab-matchmaking"),
                      ("/m/1", ".tab-programme")):
        phone.goto(server.base + path)
        current = phone.locator(f".tabs {tab}")
        expect(current).to_have_attribute("aria-current", "page")
        box, strip = current.bounding_box(), phone.locator(".tabs").bounding_box()
        assert box is not None and strip is not None
        assert strip["x"] - 1 <= box["x"] and box["x"] + box["width"] <= strip["x"] + strip["width"] + 1, (path, box)
