"""Mail on a server without SMTP (the browser tests' server has none): nothing claims a mail is on its way; the
invitation waits in the organisers' outbox, readable with the keyboard, in English and Dutch."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Browsers, Server

pytestmark = pytest.mark.browser


def test_asking_for_a_link_says_no_mail_is_sent(browsers: Browsers, server: Server) -> None:
    page = browsers.new().new_page()
    page.goto(f"{server.base}/signin")
    page.get_by_label("E-mail address").last.fill("anna@voltera.example")
    page.get_by_role("button", name=re.compile("sign-in link", re.I)).click()
    expect(page.get_by_text(re.compile("This server sends no mail"))).to_be_visible()
    expect(page.get_by_text(re.compile("on its way"))).to_have_count(0)


def test_an_invitation_waits_unsent_in_the_outbox(browsers: Browsers, sign_in: Any, server: Server) -> None:
    organiser = sign_in(browsers.new(), "organiser@roundtable.example")
    organiser.goto(f"{server.base}/m/1/organise")
    email = f"kees.{secrets.token_hex(4)}@outbox.example"
    organiser.get_by_label("E-mail address").fill(email)
    organiser.get_by_label("Name").fill("Kees <b>de Boer</b>")
    organiser.get_by_role("radio", name=re.compile("^Delegation")).check()
    organiser.get_by_role("button", name="Create invitation").click()
    expect(organiser.get_by_text(f"This server sends no mail, so send this link to {email} yourself.",
                                 exact=False)).to_be_visible()
    link = organiser.get_by_label("Invitation link").input_value()

    organiser.get_by_role("link", name="Outbox").click()
    organiser.wait_for_url("**/m/1/organise/outbox")
    expect(organiser.get_by_role("heading", name="Mail is not sent from this server")).to_be_visible()
    mail = organiser.locator(".outbox-mail[data-template=invitation]", has_text=email).first
    expect(mail.locator(".badge")).to_have_text("Not sent")
    expect(mail).to_contain_text("Kees <b>de Boer</b>")  # as text, never as markup
    expect(mail.locator("b")).to_have_count(0)
    summary = mail.get_by_text("Read the mail")
    summary.focus()
    organiser.keyboard.press("Enter")
    # The same invitation's link: made again when the mail was composed, so its signature's time may be a second on.
    stem = link[:link.rindex(".", 0, link.rindex("."))]
    expect(mail.locator(".outbox-text")).to_contain_text(re.compile(re.escape(stem) + r"\.[\w-]+\.[\w-]+"))

    organiser.evaluate("localStorage.setItem('rt.lang', 'nl')")
    organiser.reload()
    expect(organiser.get_by_role("heading", name="Deze server verstuurt geen mail")).to_be_visible()
    expect(organiser.locator(".outbox-mail", has_text=email).first.locator(".badge")).to_have_text("Niet verstuurd")
