"""The matchmaking page, the schedule and the meeting room at desktop (1280×800) and phone (390×844) size, in
English and Dutch, saved to /tmp/rt-shots/mm-*.png for people to look at.

Nothing may stick out sideways and no page may throw. Anna (delegation) asks Mike (partner) for a meeting through
the API, so Mike has an incoming request to show; he accepts it and both have a meeting on their schedule.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, SHOTS, Browsers, Server

pytestmark = pytest.mark.browser

ANNA = "anna@voltera.example"
MIKE = "mike@bayfleet.example"
SIZES = {"desktop": DESKTOP, "phone": PHONE}
OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


def _shoot(page: Any, name: str) -> None:
    """Asserts the page fits its width and saves a full-page screenshot at every size, in the current language."""
    lang = page.evaluate("document.documentElement.lang") or "en"
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.evaluate("document.fonts.ready")
        overflow = page.evaluate(OVERFLOW)
        assert overflow <= 0, f"{name} ({lang}) is {overflow}px too wide at {size}"
        page.screenshot(path=str(SHOTS / f"mm-{name}-{lang}-{size}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def _json(response: Any) -> Any:
    assert response.ok, f"{response.status} {response.text()}"
    return response.json()


def _book(anna: Any, mike: Any, server: Server) -> int:
    """Anna asks Mike for two free future slots; returns Mike's id. The request stays pending."""
    mike_id = int(_json(mike.request.get(f"{server.base}/api/me"))["user"]["id"])
    slots = _json(anna.request.get(f"{server.base}/api/missions/1/matchmaking/slots"))
    starts = [(x.get("slot") or x)["starts_at"] for x in slots if x.get("meeting_id") is None][:2]
    assert starts, slots
    _json(anna.request.post(f"{server.base}/api/missions/1/meetings/requests", data={
        "to": mike_id, "message": "Shall we talk about charging depots for your delivery fleet in the Bay Area?",
        "slots": starts}))
    return mike_id


def _accept(mike: Any, mike_id: int, server: Server) -> int:
    requests = _json(mike.request.get(f"{server.base}/api/missions/1/meetings/requests"))
    pending = [r for r in requests if r["status"] == "pending" and r["to"]["user_id"] == mike_id]
    assert pending, requests
    meeting = _json(mike.request.post(f"{server.base}/api/meeting-requests/{pending[0]['id']}/accept",
                                      data={"slot": pending[0]["slots"][0]}))
    return int(meeting["id"])


def _pages(page: Any, server: Server, meeting_id: int, lang: str) -> None:
    page.goto(f"{server.base}/m/1/matchmaking")
    expect(page.locator("#mm-recs .rec-card, #mm-recs .empty").first).to_be_visible()
    expect(page.locator("#mm-availability")).to_be_visible()
    _shoot(page, "matchmaking-anna")

    page.locator(".rec-request").first.click()
    dialog = page.locator("dialog.mm-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("input[name=slot]:not([disabled])").first.check()
    _shoot(page, "request-dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    page.goto(f"{server.base}/m/1/schedule")
    expect(page.locator(".sched-entry.is-meeting").first).to_be_visible()
    _shoot(page, "schedule")

    page.goto(f"{server.base}/m/1/meeting/{meeting_id}")
    expect(page.locator("#meet-presence")).to_be_visible()
    expect(page.locator("#meet-mic")).not_to_be_empty()
    _shoot(page, "meeting")


def test_matchmaking_schedule_and_meeting_fit_every_size(server: Server, browsers: Browsers, sign_in: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    anna = sign_in(browsers.new(), ANNA)
    mike = sign_in(browsers.new(), MIKE)
    mike.evaluate("localStorage.setItem('rt.lang', 'nl')")
    mike_id = _book(anna, mike, server)

    # Mike (in Dutch) sees Anna's request waiting for him, then accepts it.
    mike.goto(f"{server.base}/m/1/matchmaking")
    expect(mike.locator("#mm-incoming .req-card").first).to_be_visible()
    _shoot(mike, "matchmaking-mike")
    meeting_id = _accept(mike, mike_id, server)

    _pages(anna, server, meeting_id, "en")
    _pages(mike, server, meeting_id, "nl")
