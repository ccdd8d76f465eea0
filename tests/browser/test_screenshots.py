"""Every page at desktop (1280×800) and phone (390×844) size, saved to /tmp/rt-shots/ for people to look at.

Each page must fit the phone's width: nothing may stick out sideways.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, SHOTS, Browsers, Server

pytestmark = pytest.mark.browser


def _shoot(page: Any, name: str, size: str) -> None:
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    page.evaluate("window.scrollTo(0, 0)")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px too wide at {size}"
    page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)


def _invitation_link(page: Any, server: Server) -> str:
    made = page.request.post(f"{server.base}/api/missions/1/invitations", data={
        "email": f"sam.{secrets.token_hex(4)}@portland-transit.example", "name": "Sam Okafor",
        "organisation": "Portland Transit Lab", "role": "participant", "side": "partner",
    })
    assert made.status == 201, made.text()
    link: str = made.json()["link"]
    return link


def _roster_checked(page: Any, server: Server, choose: str, summary: str) -> None:
    """Bulk onboarding with a small roster checked: good rows and rows with errors (nothing imported)."""
    page.goto(f"{server.base}/m/1/organise/people")
    roster = ("name;e-mail;organisation;organisation type;side;role;language\n"
              "Sam Okafor;sam@transit.example;Portland Transit Lab;knowledge institution;partner;participant;en\n"
              "Eva de Wit;eva@voltera.example;Voltera;sme;delegation;participant;nl\n"
              "Ben Stone;ben@@nowhere;Stone & Co;castle;middle;participant;fr\n"
              "Kim Lee;=HYPERLINK(1);Lee Labs;startup;partner;speaker;en\n")
    page.get_by_label(choose).set_input_files({"name": "roster.csv", "mimeType": "text/csv",
                                               "buffer": roster.encode()})
    expect(page.locator(".roster-summary")).to_contain_text(summary)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots_of_every_page(size: str, server: Server, browsers: Browsers, sign_in: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    viewport = DESKTOP if size == "desktop" else PHONE
    options: dict[str, Any] = {"viewport": viewport, "timezone_id": "Europe/Amsterdam"}
    if size == "phone":
        options.update(device_scale_factor=1, is_mobile=True, has_touch=True)

    # Signed out: the sign-in page, a sign-in link, a used link, an invitation.
    guest = browsers.new(**options).new_page()
    guest.goto(f"{server.base}/signin")
    expect(guest.get_by_role("heading", name="Sign in to Roundtable")).to_be_visible()
    _shoot(guest, "signin", size)
    link = server.sign_in_link("organiser@roundtable.example")
    guest.goto(link)
    expect(guest.get_by_role("button", name=re.compile("Continue as"))).to_be_visible()
    _shoot(guest, "link", size)

    organiser = sign_in(browsers.new(**options), "organiser@roundtable.example")
    outside = browsers.playwright.request.new_context()
    used = outside.post(f"{server.base}/api/auth/link/use", data={"token": link.split("#t=", 1)[1]})
    assert used.ok, used.text()
    outside.dispose()
    guest.goto(link)
    expect(guest.get_by_role("heading", name="This link has already been used")).to_be_visible()
    _shoot(guest, "link-used", size)
    guest.goto(_invitation_link(organiser, server))
    expect(guest.get_by_role("button", name="Accept and join")).to_be_visible()
    _shoot(guest, "invite", size)

    # Signed in as the organiser.
    pages = {
        "missions": ("/", "My missions"),
        "mission": ("/m/1", None),
        "directory": ("/m/1/directory", "People"),
        "directory-filtered": ("/m/1/directory?org_type=startup&org_type=sme&side=partner", "People"),
        "person": ("/m/1/people/4", None),
        "profile": ("/profile", "My profile"),
        "profile-welcome": ("/profile?welcome=1", "My profile"),
        "organise": ("/m/1/organise", "Organise"),
        "new-mission": ("/missions/new", "New mission"),
    }
    for name, (path, heading) in pages.items():
        organiser.goto(server.base + path)
        if heading:
            expect(organiser.get_by_role("heading", name=heading, exact=True, level=1)).to_be_visible()
        else:
            expect(organiser.locator("h1")).to_be_visible()
        _shoot(organiser, name, size)

    # The programme with the add form open, and an organiser's fresh invitation.
    organiser.goto(f"{server.base}/m/1")
    organiser.get_by_role("button", name="Add programme item").click()
    expect(organiser.get_by_role("heading", name="New programme item")).to_be_visible()
    _shoot(organiser, "programme-add", size)
    organiser.goto(f"{server.base}/m/1/organise")
    organiser.get_by_label("E-mail address").fill(f"lee.{secrets.token_hex(4)}@seattle-ev.example")
    organiser.get_by_label("Name").fill("Lee Chen")
    organiser.get_by_role("radio", name=re.compile("^Partner")).check()
    organiser.get_by_role("button", name="Create invitation").click()
    expect(organiser.get_by_label("Invitation link")).to_be_visible()
    _shoot(organiser, "organise-invited", size)
    _roster_checked(organiser, server, "Choose a file", "Ready to invite")
    _shoot(organiser, "organise-people", size)

    # Dutch, and the profile form showing an error.
    organiser.goto(f"{server.base}/m/1")
    organiser.get_by_role("button", name=re.compile("Nederlands")).click()
    expect(organiser.get_by_role("heading", name="Programma", exact=True)).to_be_visible()
    _shoot(organiser, "mission-nl", size)
    organiser.goto(f"{server.base}/profile")
    organiser.get_by_label("Website").fill("geen website")
    organiser.get_by_role("button", name="Profiel opslaan").click()
    expect(organiser.locator(".field[data-field=website] .field-error")).to_be_visible()
    _shoot(organiser, "profile-error-nl", size)
    _roster_checked(organiser, server, "Kies een bestand", "Klaar om uit te nodigen")
    _shoot(organiser, "organise-people-nl", size)
    organiser.get_by_role("button", name=re.compile("English")).click()
