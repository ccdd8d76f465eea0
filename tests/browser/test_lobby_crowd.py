"""A lobby too large for one answer, in a real browser: "Here now" shows the server's counts and the first page of
people, "Show more" loads the rest, and arrivals and departures keep the list and its counts right."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Browsers, Server, start_server
from tests.browser.test_lobby import enter_lobby, person
from tests.support.crowd import CrowdThread, seed_crowd

pytestmark = pytest.mark.browser

ANNA = "anna@voltera.example"
CROWD = 130  # with Anna: 131 people, a first page of 100


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own: the crowd would change what the other browser tests count."""
    with start_server(tmp_path_factory.mktemp("roundtable-crowd")) as started:
        seed_crowd(started.env["ROUNDTABLE_DATABASE_URL"], CROWD)
        yield started


@pytest.fixture(scope="module")
def crowd(server: Server) -> Iterator[CrowdThread]:
    held = CrowdThread(server.base, server.env, CROWD, "lobby:1")
    try:
        yield held
    finally:
        held.close()


def test_a_large_lobby_shows_counts_and_loads_more_people_on_demand(
        server: Server, browsers: Browsers, sign_in: Any, crowd: CrowdThread) -> None:
    anna = enter_lobby(sign_in(browsers.new(), ANNA), server)
    rows = anna.locator("#here-list .here-person")
    expect(anna.locator("#here-count")).to_have_text("131 people here now")
    expect(rows).to_have_count(100)  # the first page, not the whole room
    expect(person(anna, "Anna de Vries")).to_be_visible()
    filters = anna.locator(".here-filters")
    # The side counts are the room's (65 partners, 65 + Anna delegation), not those of the loaded page.
    expect(filters.locator("label.chip-option", has_text="Partner").locator(".count")).to_have_text("65")
    expect(filters.locator("label.chip-option", has_text="Delegation").locator(".count")).to_have_text("66")

    more = anna.get_by_role("button", name="Show more (31 more here)")
    more.click()
    expect(rows).to_have_count(131)
    expect(anna.locator("#here-more")).to_be_hidden()
    expect(person(anna, "Crowd 129")).to_be_visible()

    # A departure: the count and the list follow.
    crowd.leave(len(crowd.clients) - 1)  # Crowd 129, a delegation SME
    expect(person(anna, "Crowd 129")).to_have_count(0)
    expect(anna.locator("#here-count")).to_have_text("130 people here now")
    expect(filters.locator("label.chip-option", has_text="Delegation").locator(".count")).to_have_text("65")
