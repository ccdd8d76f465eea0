"""The organiser's control to remove someone from a mission, and "sign out everywhere", in real Chromium: the
other person's open lobby page is told at once that their session ended (close code 4401)."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Browsers, Server

pytestmark = [pytest.mark.browser, pytest.mark.security]

ENDED = "Your session has ended: sign in again."


def _guest(browsers: Browsers, organiser: Any, server: Server) -> tuple[Any, int, str]:
    """A new participant of mission 1 (invited by the organiser, accepted), with a page in the lobby."""
    email = f"guest-{secrets.token_hex(4)}@sessions.example"
    name = f"Guest {email[6:14]}"
    invited = organiser.request.post(f"{server.base}/api/missions/1/invitations",
                                     data={"email": email, "name": name, "role": "participant", "side": "partner"})
    assert invited.ok, invited.text()
    token = invited.json()["link"].split("#t=", 1)[1]
    page = browsers.new().new_page()
    accepted = page.request.post(f"{server.base}/api/invitations/accept", data={"token": token, "name": name})
    assert accepted.ok, accepted.text()
    page.goto(f"{server.base}/m/1/lobby")
    expect(page.get_by_role("status", name="Connection")).to_contain_text("Live")
    return page, int(accepted.json()["user"]["id"]), email


def test_organiser_removes_a_member_and_their_open_lobby_closes(browsers: Browsers, sign_in: Any,
                                                                 server: Server) -> None:
    organiser = sign_in(browsers.new(), "organiser@roundtable.example")
    guest, guest_id, _ = _guest(browsers, organiser, server)

    organiser.goto(f"{server.base}/m/1/people/{guest_id}")
    remove = organiser.get_by_role("button", name="Remove from the mission")
    expect(remove).to_be_visible()
    organiser.once("dialog", lambda dialog: dialog.accept())
    remove.focus()
    organiser.keyboard.press("Enter")  # keyboard only
    organiser.wait_for_url(f"{server.base}/m/1/directory")

    expect(guest.get_by_text(ENDED)).to_be_visible(timeout=3000)
    assert guest.request.get(f"{server.base}/api/missions/1").status == 404
    # Nobody but an organiser sees the control, and an organiser not on their own page.
    me = organiser.request.get(f"{server.base}/api/me").json()["user"]["id"]
    organiser.goto(f"{server.base}/m/1/people/{me}")
    expect(organiser.get_by_role("link", name="Edit my profile")).to_be_visible()
    expect(organiser.get_by_role("button", name="Remove from the mission")).to_have_count(0)
    mike = sign_in(browsers.new(), "mike@bayfleet.example")
    mike.goto(f"{server.base}/m/1/people/{me}")
    expect(mike.get_by_role("link", name="Send a message")).to_be_visible()
    expect(mike.get_by_role("button", name="Remove from the mission")).to_have_count(0)


def test_sign_out_everywhere_closes_every_page(browsers: Browsers, sign_in: Any, server: Server) -> None:
    organiser = sign_in(browsers.new(), "organiser@roundtable.example")
    guest, _, email = _guest(browsers, organiser, server)
    # The same person signed in in another browser: "sign out everywhere" there ends the first one too.
    other = sign_in(browsers.new(), email)
    other.goto(f"{server.base}/profile")
    other.once("dialog", lambda dialog: dialog.accept())
    other.get_by_role("button", name="Sign out everywhere").click()
    other.wait_for_url(re.compile(r"/signin"))
    expect(guest.get_by_text(ENDED)).to_be_visible(timeout=3000)
    assert guest.request.get(f"{server.base}/api/me").status == 401


def test_organiser_suspends_and_reinstates_a_member(browsers: Browsers, sign_in: Any, server: Server) -> None:
    organiser = sign_in(browsers.new(), "organiser@roundtable.example")
    guest, guest_id, _ = _guest(browsers, organiser, server)

    organiser.goto(f"{server.base}/m/1/people/{guest_id}")
    organiser.once("dialog", lambda dialog: dialog.accept())
    organiser.get_by_role("button", name="Suspend", exact=True).click()
    organiser.wait_for_url(f"{server.base}/m/1/directory")
    expect(guest.get_by_text(ENDED)).to_be_visible(timeout=3000)
    assert guest.request.get(f"{server.base}/api/missions/1").status == 404

    organiser.goto(f"{server.base}/m/1/organise")
    suspended = organiser.locator(f".suspended li[data-user='{guest_id}']")
    expect(suspended).to_be_visible()
    reinstate = suspended.get_by_role("button", name=re.compile(r"^Reinstate "))
    reinstate.focus()
    organiser.keyboard.press("Enter")
    expect(organiser.locator(f".suspended li[data-user='{guest_id}']")).to_have_count(0)
    assert guest.request.get(f"{server.base}/api/missions/1").status == 200
