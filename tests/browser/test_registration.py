"""Public registration in the browser: the organiser opens the mission's public page, someone without an account
registers on it (errors at their field, in English and Dutch), and the organiser approves them in the queue."""

from __future__ import annotations

import os
import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import Browsers, Server

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("ROUNDTABLE_SHOTS")  # a directory: screenshots of the two screens, to look at


def _clean(page: Any, what: str) -> None:
    found = check(page)
    assert found == [], f"{what}: axe found\n{report(found)}"


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_someone_registers_and_the_organiser_approves(browsers: Browsers, sign_in: Any, server: Server) -> None:
    organiser = sign_in(browsers.new(), "organiser@roundtable.example")
    organiser.goto(f"{server.base}/m/1/organise")
    organiser.get_by_role("link", name="Registrations").click()
    organiser.wait_for_url("**/m/1/organise/registrations")
    switch = organiser.get_by_label("Take registrations on the public page")
    switch.focus()
    organiser.keyboard.press("Space")
    expect(switch).to_be_checked()
    organiser.get_by_role("button", name="Save").click()
    expect(organiser.get_by_text("Saved. The public page takes registrations.")).to_be_visible()
    _clean(organiser, "the registrations page")

    guest = browsers.new().new_page()
    guest.goto(f"{server.base}/register/1")
    expect(guest.get_by_role("heading", name="Register to take part")).to_be_visible()
    expect(guest.get_by_text(re.compile("^Organised by "))).to_be_visible()
    _clean(guest, "the public registration page")
    guest.get_by_role("button", name="Register").click()
    expect(guest.get_by_label("Your name")).to_be_focused()  # the first missing field, named at it
    expect(guest.locator(".field[data-field=name] .field-error")).to_have_text("Please fill this in.")

    email = f"renee.{secrets.token_hex(4)}@register.example"
    guest.get_by_label("Your name").fill("Renée <b>de Vries</b>")
    guest.get_by_label("E-mail address").fill(email)
    guest.get_by_label("Organisation", exact=True).fill("Laadpaal BV")
    guest.get_by_label("Chamber of Commerce or other registration number").fill("12345678")
    guest.get_by_label("Website").fill("laadpaal.example")  # no scheme: the server names the field
    guest.get_by_label("Country", exact=True).select_option("NL")
    guest.get_by_role("radio", name=re.compile("^Delegation")).check()
    guest.get_by_label("What you offer").fill("Fast chargers")
    guest.get_by_role("button", name="Register").click()
    expect(guest.locator(".field[data-field=website] .field-error")).to_have_text(
        "A website starts with https:// or http://.")
    guest.get_by_label("Website").fill("https://laadpaal.example")
    _shot(guest, "register-public")
    guest.get_by_label("Website").press("Enter")
    expect(guest.get_by_role("heading", name="Thank you — check your mail")).to_be_focused()
    _clean(guest, "the thank-you panel")

    organiser.reload()
    item = organiser.locator(".reg-item", has_text=email)
    expect(item).to_contain_text("Renée <b>de Vries</b>")  # as text, never as markup
    expect(item.locator("b")).to_have_count(0)
    expect(item).to_contain_text("Fast chargers")
    _shot(organiser, "register-queue")
    _clean(organiser, "the queue with a registration")
    item.get_by_role("button", name=re.compile("^Approve and invite")).click()
    expect(organiser.locator(".reg-decided[data-status=approved]", has_text=email)).to_be_visible()
    expect(organiser.locator(".reg-item", has_text=email)).to_have_count(0)

    organiser.get_by_role("link", name="Back to invitations").click()
    organiser.wait_for_url("**/m/1/organise")
    organiser.goto(f"{server.base}/m/1/organise/outbox")
    expect(organiser.locator(".outbox-mail[data-template=invitation]", has_text=email)).to_have_count(1)
    expect(organiser.locator(".outbox-mail[data-template=registration-received]", has_text=email)).to_have_count(1)

    guest.evaluate("localStorage.setItem('rt.lang', 'nl')")
    guest.reload()
    expect(guest.get_by_role("heading", name="Meld je aan om mee te doen")).to_be_visible()
    _clean(guest, "the public page in Dutch")


def test_a_page_without_registration_says_so_without_a_form(browsers: Browsers, server: Server) -> None:
    guest = browsers.new().new_page()
    guest.goto(f"{server.base}/register/99999")
    expect(guest.get_by_role("heading", name="Registration is closed")).to_be_visible()
    expect(guest.locator("form")).to_have_count(0)
    _clean(guest, "the closed page")
