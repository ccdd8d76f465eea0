"""Issue 10, part 5: the lounge without dead ends, in real browsers (nobody sits with anyone else: no call
between two browsers on the host; calls are tests/browser/test_lounge.py's, in a network namespace).

- A repeat "have a word" tells the sender it was already sent.
- Someone invited twice accepts one invitation: the other inviter is told they went into a side room with someone
  else (no dialog is left to accept that could only fail).
- The organiser runs mixing rounds from outside them (opting in is a choice); a round that does not move you does
  not say "you moved"; stopping the rounds leaves no "minutes left" behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from rooms.core.cards import Side
from server.demo import mission1_members
from tests.browser.conftest import Browsers, Server

pytestmark = pytest.mark.browser

ORGANISER = "organiser@roundtable.example"
# People no other browser test uses in the lounge.
_DELEGATION = [m for m in mission1_members() if m.side is Side.DELEGATION]
_PARTNERS = [m for m in mission1_members() if m.side is Side.PARTNER]
ASKER, OTHER_ASKER, ASKED = _DELEGATION[-2], _DELEGATION[-3], _PARTNERS[-2]


def _toasts(page: Any) -> Any:
    return page.locator("#l-toasts")


def test_invitations_and_rounds_leave_no_dead_ends(server: Server, browsers: Browsers,
                                                   sign_in: Callable[[Any, str], Any]) -> None:
    base = server.base
    pages = {m.email: sign_in(browsers.new(), m.email) for m in (ASKER, OTHER_ASKER, ASKED)}
    organiser = sign_in(browsers.new(), ORGANISER)
    asker, other, asked = pages[ASKER.email], pages[OTHER_ASKER.email], pages[ASKED.email]
    items = asker.request.get(f"{base}/api/missions/1/programme").json()
    lounge = f"{base}/m/1/lounge/" + str(next(i["id"] for i in items if i["kind"] == "networking"))
    for page in (asker, other, asked, organiser):
        page.goto(lounge)
        expect(page.locator("#l-tables .l-table").first).to_be_visible()
    name = ASKED.profile.name
    for page in (asker, other):
        expect(page.locator("#l-people .l-person", has_text=name)).to_be_visible()

    # The people standing around can be filtered by sector: one of the invited person's keeps them, one of the
    # sectors nobody here shares with them leaves them out.
    theirs = ASKED.profile.sectors[0]
    other_sectors = {s for m in (ASKER, OTHER_ASKER) for s in m.profile.sectors} - set(ASKED.profile.sectors)
    sector = asker.locator("#lp-sector")
    expect(sector.locator("option", has_text=theirs)).to_have_count(1)
    sector.select_option(theirs)
    expect(asker.locator("#l-people .l-person", has_text=name)).to_be_visible()
    if other_sectors:
        sector.select_option(sorted(other_sectors)[0])
        expect(asker.locator("#l-people .l-person", has_text=name)).to_have_count(0)
    sector.select_option("")
    expect(asker.locator("#l-people .l-person", has_text=name)).to_be_visible()

    # A repeat invitation says it was already sent; the invited person has one dialog, not two.
    word = asker.locator("#l-people .l-person", has_text=name).get_by_role("button", name=f"Have a word with {name}")
    word.click()
    expect(_toasts(asker)).to_contain_text(f"Your invitation went to {name}.")
    word.click()
    expect(_toasts(asker)).to_contain_text(f"You already invited {name}; wait for their answer.")
    expect(asked.locator("dialog.l-word-dialog .l-invite")).to_have_count(1)

    # Invited twice: accepting one closes the other, and its sender is told so.
    other.locator("#l-people .l-person", has_text=name).get_by_role(
        "button", name=f"Have a word with {name}").click()
    invites = asked.locator("dialog.l-word-dialog .l-invite")
    expect(invites).to_have_count(2)  # in one dialog, each answerable
    asker.goto(f"{base}/m/1")  # away from the lounge, so that no call starts between two browsers here
    invites.filter(has_text=ASKER.profile.name).get_by_role(
        "button", name=f"Accept {ASKER.profile.name}").click()
    asked.wait_for_url(f"{base}/m/1/meeting/*")
    expect(_toasts(other)).to_contain_text(f"{name} is in a side room with someone else now.")
    expect(other.locator("dialog.l-word-dialog")).to_have_count(0)

    # The organiser runs rounds without being placed unless they opt in; the one participant left sits alone.
    mix = organiser.get_by_label("Take part in the rounds myself (camera on)")
    expect(mix).not_to_be_checked()
    other.locator("#l-tables .l-table").nth(2).locator(".l-sit").first.click()
    expect(other.locator("#l-stage-h")).to_have_text("You are at Table 3")
    organiser.locator("#lr-rounds").fill("2")
    organiser.locator("#lr-minutes").fill("3")
    organiser.locator("#l-rounds-start").click()
    for page in (other, organiser):
        expect(page.locator("#l-round")).to_have_attribute("data-state", "round")
    # Nobody moved: a round needs two people to place; nobody is told they moved.
    expect(_toasts(other)).to_contain_text("Mixing round 1 has started.")
    expect(_toasts(other)).not_to_contain_text("you moved")
    expect(other.locator("#l-stage-h")).to_have_text("You are at Table 3")
    expect(_toasts(organiser)).to_contain_text("Mixing round 1 has started.")
    expect(organiser.locator("#table-stage")).to_be_hidden()
    status = other.locator("#l-round [role=status]")
    expect(status).to_have_text("3 minutes left in this round")

    # Stopping the rounds: free seating again, and no "minutes left" lingers.
    organiser.locator("#l-rounds-stop").click()
    for page in (other, organiser):
        expect(page.locator("#l-round")).to_have_attribute("data-state", "free")
        expect(page.locator("#l-round [role=status]")).to_have_text("")
        expect(page.locator("#l-countdown")).to_have_text("")
    expect(_toasts(other)).to_contain_text("The mixing rounds are over")
