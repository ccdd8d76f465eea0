"""Issue 10, part 4: a meeting can be requested wherever a person appears, not only among the top 20 recommended.

Tom (delegation) asks two partners who are not among his 20 recommendations: one from a directory card, one from
a profile page; each of them finds the request waiting on their matchmaking page. Where a request would be
refused, the pages say why instead of offering it: the same side, a request already sent.
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

TOM = "tom.hermans@voltera.example"


def _json(response: Any) -> Any:
    assert response.ok, f"{response.status} {response.text()}"
    return response.json()


def _partners_beyond_the_top_20(tom: Any, base: str) -> list[tuple[str, str]]:
    """(name, e-mail) of partners Tom's recommendations leave out."""
    recommended = {r["person"]["profile"]["name"] for r in
                   _json(tom.request.get(f"{base}/api/missions/1/matchmaking/recommendations?limit=20"))}
    partners = [(m.profile.name, m.email) for m in mission1_members() if m.side is Side.PARTNER]
    beyond = [p for p in partners if p[0] not in recommended]
    assert len(beyond) >= 2, (recommended, partners)
    return beyond


def _request_in_dialog(page: Any) -> None:
    dialog = page.locator("dialog.mm-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#mm-message").fill("Your depots and our software: shall we talk?")
    dialog.locator("input[name=slot]:not([disabled])").first.check()
    dialog.locator("#mm-send").click()
    expect(dialog).to_have_count(0)


def _receives(browsers: Browsers, sign_in: Callable[[Any, str], Any], base: str, email: str) -> None:
    page = sign_in(browsers.new(), email)
    page.goto(f"{base}/m/1/matchmaking")
    expect(page.locator("#mm-incoming .req-card", has_text="Tom Hermans")).to_be_visible()


def test_request_a_meeting_from_the_directory_and_a_profile(server: Server, browsers: Browsers,
                                                            sign_in: Callable[[Any, str], Any]) -> None:
    base = server.base
    tom = sign_in(browsers.new(), TOM)
    (first, first_email), (second, second_email) = _partners_beyond_the_top_20(tom, base)[:2]

    # From a directory card.
    tom.goto(f"{base}/m/1/directory?q={first.split()[-1]}")
    card = tom.locator(".person-card", has_text=first)
    card.get_by_role("button", name=f"Request a meeting with {first}").click()
    _request_in_dialog(tom)
    expect(card.locator(".rq-requested")).to_be_visible()
    # It stays said after a reload: the server knows where Tom stands with them.
    tom.reload()
    expect(tom.locator(".person-card", has_text=first).locator(".rq-requested")).to_be_visible()
    expect(tom.locator(".person-card", has_text=first).get_by_role("button", name="Request a meeting")).to_have_count(0)
    _receives(browsers, sign_in, base, first_email)

    # From a profile page.
    tom.goto(f"{base}/m/1/directory?q={second.split()[-1]}")
    tom.locator(".person-card", has_text=second).get_by_role("link", name=second).click()
    expect(tom.get_by_role("heading", name=second, level=1)).to_be_visible()
    tom.locator(".profile-hero").get_by_role("button", name=f"Request a meeting with {second}").click()
    _request_in_dialog(tom)
    expect(tom.locator(".profile-hero .rq-requested")).to_be_visible()
    _receives(browsers, sign_in, base, second_email)

    # The other person's page offers no second request either: Tom asked them, they may answer.
    second_page = sign_in(browsers.new(), second_email)
    tom_id = _json(tom.request.get(f"{base}/api/me"))["user"]["id"]
    second_page.goto(f"{base}/m/1/people/{tom_id}")
    expect(second_page.locator(".profile-hero .rq-asked")).to_be_visible()
    second_page.locator(".profile-hero .rq-asked").click()
    expect(second_page.locator("#mm-incoming .req-card", has_text="Tom Hermans")).to_be_visible()

    # Someone of his own side: the rules pair the delegation with the partners, and the profile says so.
    anna_id = next(e["profile"]["user_id"] for e in
                   _json(tom.request.get(f"{base}/api/missions/1/directory?q=Anna"))["entries"])
    tom.goto(f"{base}/m/1/people/{anna_id}")
    expect(tom.locator(".profile-hero .rq-note")).to_have_text("Meetings here pair the delegation with the partners")
    expect(tom.locator(".profile-hero .rq-btn")).to_have_count(0)


def test_request_a_meeting_with_someone_who_asked_in_a_webinar(server: Server, browsers: Browsers,
                                                               sign_in: Callable[[Any, str], Any]) -> None:
    from tests.browser.test_webinar_lifecycle import new_webinar
    from tests.browser.test_webinar_ui import ORGANISER, enter_webinar, question

    base = server.base
    tom = sign_in(browsers.new(), TOM)
    asker, asker_email = _partners_beyond_the_top_20(tom, base)[2]
    # A webinar of its own (open questions, the default): the other webinar tests count the questions in theirs.
    item = new_webinar(sign_in(browsers.new(), ORGANISER), server, "Depots and charging", {})
    partner = enter_webinar(sign_in(browsers.new(), asker_email), server, item, by_link=False)
    partner.locator("#ask-input").fill("Which depots charge overnight?")
    partner.get_by_role("button", name="Ask", exact=True).click()
    enter_webinar(tom, server, item, by_link=False)
    asked = question(tom, "Which depots charge overnight?")
    expect(asked.locator(".q-author")).to_contain_text(asker)
    # Nobody is offered a meeting with themselves.
    expect(question(partner, "Which depots charge overnight?").locator(".rq-btn")).to_have_count(0)
    asked.get_by_role("button", name=f"Request a meeting with {asker}").click()
    _request_in_dialog(tom)
    expect(asked.locator(".rq-btn")).to_have_count(0)
    _receives(browsers, sign_in, base, asker_email)
