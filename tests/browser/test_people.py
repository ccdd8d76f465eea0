"""Bulk onboarding in the browser: the organiser uploads a 300-row XLSX roster, sees the 3 rows with errors,
imports 297 people, and follows each invitation's status (the browser tests' server has no SMTP server: each is
'not sent', its link to be passed on), with copy link, resend and revoke; a CSV dropped on the page, in Dutch."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import Browsers, Server
from tests.support.rosters import XLSX, roster_xlsx

pytestmark = pytest.mark.browser


def _clean(page: Any, what: str) -> None:
    found = check(page)
    assert found == [], f"{what}: axe found\n{report(found)}"


def test_an_organiser_imports_a_roster_and_follows_the_invitations(browsers: Browsers, sign_in: Any,
                                                                   server: Server) -> None:
    domain = f"bulk{secrets.token_hex(3)}.example"
    organiser = sign_in(browsers.new(), "organiser@roundtable.example")
    organiser.goto(f"{server.base}/m/1/organise")
    organiser.get_by_role("link", name="Add people in bulk").click()
    organiser.wait_for_url("**/m/1/organise/people")
    expect(organiser.get_by_role("heading", name="Upload a list of people")).to_be_visible()

    chooser = organiser.get_by_label("Choose a file")
    chooser.focus()  # the file input itself: reachable with the keyboard
    expect(chooser).to_be_focused()
    chooser.set_input_files({"name": "roster.xlsx", "mimeType": XLSX,
                             "buffer": roster_xlsx(300, domain, first_name="Kees <b>Bold</b>")})
    expect(organiser.locator(".roster-summary")).to_have_text(
        "Ready to invite: 297. Rows with problems, left out: 3.")
    bad = organiser.locator(".roster-table tr[data-ok=false]")
    expect(bad).to_have_count(3)
    expect(bad.nth(0)).to_contain_text("E-mail: not a valid e-mail address")
    expect(bad.nth(1)).to_contain_text("E-mail: this address is already on an earlier row")
    expect(bad.nth(2)).to_contain_text("Organisation type: not a known organisation type")
    expect(organiser.locator(".roster-table")).to_contain_text("Kees <b>Bold</b>")  # text, never markup
    expect(organiser.locator(".roster-table b")).to_have_count(0)
    _clean(organiser, "the check of a roster")

    organiser.get_by_role("button", name="Import 297 people and send invitations").click()
    expect(organiser.get_by_text("297 people invited; the invitations are on their way.")).to_be_visible()
    mine = organiser.locator(".invitee-table tbody tr", has_text=domain)
    expect(mine).to_have_count(297)
    expect(mine.locator(".badge").first).to_have_text("Not sent (no mail server)")
    expect(organiser.get_by_text("This server sends no mail", exact=False)).to_be_visible()
    _clean(organiser, "the invitations")

    kees = organiser.locator(".invitee-table tbody tr", has_text=f"person0@{domain}")
    kees.get_by_role("button", name="Copy link: Kees <b>Bold</b>").click()
    expect(organiser.locator(".invitee-link")).to_have_value(re.compile(r"/invite#t=\S+"))
    kees.get_by_role("button", name=re.compile("^Resend")).click()
    expect(organiser.get_by_text("The invitation of Kees <b>Bold</b> is on its way again.")).to_be_visible()

    organiser.on("dialog", lambda dialog: dialog.accept())
    person5 = organiser.locator(".invitee-table tbody tr", has_text=f"person5@{domain}")
    person5.get_by_role("button", name=re.compile("^Revoke")).click()
    expect(person5.locator(".badge")).to_have_text("Revoked")
    expect(person5.get_by_role("button")).to_have_count(0)


def test_a_csv_dropped_on_the_page_is_checked_in_dutch(browsers: Browsers, sign_in: Any, server: Server) -> None:
    organiser = sign_in(browsers.new(), "organiser@roundtable.example")
    organiser.evaluate("localStorage.setItem('rt.lang', 'nl')")
    organiser.goto(f"{server.base}/m/1/organise/people")
    expect(organiser.get_by_role("heading", name="Een lijst met mensen uploaden")).to_be_visible()
    csv = "naam;e-mail;kant\nJan;jan@drop.example;partner\nPiet;=1+2;partner\n"
    organiser.evaluate("""csv => {
        const data = new DataTransfer();
        data.items.add(new File([csv], 'lijst.csv', { type: 'text/csv' }));
        document.querySelector('#roster-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: data,
          bubbles: true, cancelable: true }));
    }""", csv)
    expect(organiser.locator(".roster-summary")).to_contain_text("Klaar om uit te nodigen: 1.")
    expect(organiser.locator(".roster-table tr[data-ok=false]")).to_contain_text("E-mail: begint met = + - of @")
    expect(organiser.get_by_role("button", name="1 persoon importeren en de uitnodiging versturen")).to_be_enabled()
