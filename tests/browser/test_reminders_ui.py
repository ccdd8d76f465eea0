"""Reminder preferences on the profile page (per kind: e-mail, in the app), in English and Dutch, with the
keyboard; and the one-click unsubscribe page a reminder mail links to: what it turned off, undo, a forged link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from server.tokens import Purpose, Tokens
from tests.browser.axe import check, report
from tests.browser.conftest import Browsers, Server

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _clean(page: Any, what: str) -> None:
    found = check(page)
    assert found == [], f"{what}: axe found\n{report(found)}"


def test_preferences_on_the_profile_and_one_click_unsubscribe(browsers: Browsers, sign_in: Any,
                                                              server: Server) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = sign_in(browsers.new(), "mike@bayfleet.example")
    page.goto(f"{server.base}/profile#reminders")
    card = page.locator("#reminders")
    expect(card.get_by_role("heading", name="Reminders and notifications")).to_be_visible()
    digest_mail = card.get_by_label("Today's programme, every morning: E-mail")
    expect(digest_mail).to_be_checked()
    digest_mail.focus()
    page.keyboard.press("Space")
    expect(card.get_by_role("status")).to_have_text("Today's programme, every morning: E-mail off.")
    card.get_by_label("A webinar starts in 10 minutes: In the app").uncheck()
    expect(card.get_by_role("status")).to_have_text("A webinar starts in 10 minutes: In the app off.")
    _clean(page, "profile with reminder preferences")
    card.screenshot(path=str(SHOTS / "reminders-preferences.png"))

    page.reload()
    expect(page.locator("#reminders").get_by_label("Today's programme, every morning: E-mail")).not_to_be_checked()
    expect(page.locator("#reminders").get_by_label("Today's programme, every morning: In the app")).to_be_checked()
    user_id = page.evaluate("fetch('/api/me').then(r => r.json()).then(m => m.user.id)")

    # The link from a reminder mail, opened in another browser: no session needed.
    token = Tokens(server.env["ROUNDTABLE_SECRET_KEY"]).sign(Purpose.UNSUBSCRIBE, [user_id, "meeting-starting"])
    anon = browsers.new().new_page()
    anon.goto(f"{server.base}/unsubscribe?t={token}")
    expect(anon.get_by_role("heading", name="Unsubscribed")).to_be_visible()
    expect(anon.get_by_text("You will no longer get e-mails about “A meeting of mine starts in 10 minutes”"))\
        .to_be_visible()
    _clean(anon, "unsubscribe page")
    anon.screenshot(path=str(SHOTS / "reminders-unsubscribed.png"), full_page=True)
    anon.get_by_role("button", name="Undo").click()
    expect(anon.get_by_role("heading", name="Subscribed again")).to_be_visible()

    anon.goto(f"{server.base}/unsubscribe?t={token[:-4]}AAAA")
    expect(anon.get_by_role("heading", name="This unsubscribe link does not work")).to_be_visible()

    page.evaluate("localStorage.setItem('rt.lang', 'nl')")
    page.reload()
    nl = page.locator("#reminders")
    expect(nl.get_by_role("heading", name="Herinneringen en meldingen")).to_be_visible()
    expect(nl.get_by_label("Het programma van vandaag, elke ochtend: E-mail")).not_to_be_checked()
    nl.screenshot(path=str(SHOTS / "reminders-preferences-nl.png"))
    page.evaluate("localStorage.setItem('rt.lang', 'en')")
