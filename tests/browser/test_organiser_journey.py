"""The organiser's journey end to end, as people do it, against a server that sends real mail to a real SMTP
server on loopback (aiosmtpd): the organiser uploads a 300-row XLSX with 3 bad rows, sees the row errors and
imports 297; the 297 invitations arrive; one invitee opens the link from the mail they received, completes their
profile and appears in the directory; the organiser makes her a webinar's moderator on screen and she has the
moderator console; the organiser books a meeting for her and a delegate on screen, and both are told, by mail and
in the app."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import Browsers, Server, start_server
from tests.browser.organiser_steps import free_slot, json_of, pick
from tests.support.procs import free_port
from tests.support.rosters import XLSX, roster_xlsx
from tests.support.smtp import Catcher, smtp_server

pytestmark = pytest.mark.browser

ORGANISER = "organiser@roundtable.example"
TOM = "tom.hermans@voltera.example"  # a delegate in the demo mission
DOMAIN = "journey.example"



@pytest.fixture(scope="module")
def smtp_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def catcher(smtp_port: int) -> Iterator[Catcher]:
    with smtp_server(smtp_port, Catcher()) as caught:
        yield caught


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, catcher: Catcher, smtp_port: int) -> Iterator[Server]:
    """This module's own server: it sends its mail to `catcher`."""
    port = smtp_port
    with start_server(tmp_path_factory.mktemp("journey"), ROUNDTABLE_SMTP_URL=f"smtp://127.0.0.1:{port}",
                      ROUNDTABLE_MAIL_FROM="noreply@roundtable.example") as started:
        yield started


def _clean(page: Any, what: str) -> None:
    found = check(page)
    assert found == [], f"{what}: axe found\n{report(found)}"


def _text(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    content: str = part.get_content()
    return content


def _mail_to(catcher: Catcher, address: str) -> EmailMessage:
    found = [m for m in catcher.mails if m["To"].addresses[0].addr_spec == address]
    assert len(found) == 1, f"{len(found)} mails to {address}"
    return found[0]


def test_an_organiser_brings_297_people_in_and_one_of_them_joins_from_the_mail(
        browsers: Browsers, sign_in: Any, server: Server, catcher: Catcher) -> None:
    organiser = sign_in(browsers.new(), ORGANISER)
    organiser.goto(f"{server.base}/m/1/organise/people")
    organiser.get_by_label("Choose a file").set_input_files(
        {"name": "delegation.xlsx", "mimeType": XLSX, "buffer": roster_xlsx(300, DOMAIN, first_name="Femke Jansen")})
    expect(organiser.locator(".roster-summary")).to_have_text(
        "Ready to invite: 297. Rows with problems, left out: 3.")
    bad = organiser.locator(".roster-table tr[data-ok=false]")
    expect(bad).to_have_count(3)
    expect(bad.nth(0)).to_contain_text("E-mail: not a valid e-mail address")
    organiser.get_by_role("button", name="Import 297 people and send invitations").click()
    expect(organiser.get_by_text("297 people invited; the invitations are on their way.")).to_be_visible()

    catcher.wait_for(297, timeout=120)
    time.sleep(1)  # a sender round later: still one mail each
    assert len(invited := [m for m in catcher.mails if m["To"].addresses[0].addr_spec.endswith(f"@{DOMAIN}")]) == 297
    assert len({m["To"].addresses[0].addr_spec for m in invited}) == 297
    # The organiser's screen follows the mail: every invitation is marked sent (after a reload, as people do).
    organiser.reload()
    mine = organiser.locator(".invitee-table tbody tr", has_text=DOMAIN)
    expect(mine).to_have_count(297)
    expect(organiser.locator(".invitee-table tbody tr", has_text=f"person0@{DOMAIN}").locator(".badge")
           ).to_have_text("Sent")

    # Femke opens the link in the mail she received (English: the roster's language column says so).
    mail = _mail_to(catcher, f"person0@{DOMAIN}")
    assert mail["Content-Language"] == "en"
    links = re.findall(r"https?://\S+/invite#t=\S+", _text(mail))
    assert len(links) == 1, _text(mail)
    invitee = browsers.new().new_page()
    invitee.goto(links[0])
    expect(invitee.get_by_role("heading", name="Accept the invitation")).to_be_visible()
    _clean(invitee, "the invitation")
    invitee.get_by_role("button", name="Accept and join").click()
    invitee.wait_for_url("**/profile?welcome=1")
    invitee.get_by_label("Job title").fill("Export manager")
    invitee.get_by_label("What you offer").fill("Hydrogen electrolysers for harbours")
    invitee.get_by_role("button", name="Save profile").click()
    expect(invitee.get_by_text("Your profile is saved.")).to_be_visible()

    # The organiser finds her in the directory, with what she offers.
    organiser.goto(f"{server.base}/m/1/directory")
    organiser.get_by_label("Search people").fill("electrolysers")
    found = organiser.locator(".person-card", has_text="Femke Jansen")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("Export manager")

    # The link in the mail worked once: opening it again says it was used.
    again = browsers.new().new_page()
    again.goto(links[0])
    expect(again.get_by_role("heading", name="This invitation has already been accepted")).to_be_visible()

    # -- the organiser makes Femke a webinar's moderator on screen; she opens it and has the moderator console ---
    api = f"{server.base}/api/missions/1"
    femke_id = json_of(organiser.request.get(f"{api}/directory?q=Femke%20Jansen"))["entries"][0]["profile"]["user_id"]
    webinar = next(i for i in json_of(organiser.request.get(f"{api}/programme")) if i["kind"] == "webinar")
    organiser.goto(f"{server.base}/m/1")
    organiser.get_by_role("link", name=f"Hosts, moderators and speakers of {webinar['title']}").click()
    organiser.wait_for_url(f"**/m/1/organise/webinar/{webinar['id']}")
    pick(organiser, "Add a person", "Femke Jansen")
    organiser.locator(".roles-row", has_text="Femke Jansen").get_by_role("combobox").select_option("moderator")
    organiser.get_by_role("button", name="Save roles").click()
    expect(organiser.get_by_text("Saved. Whoever lost a role has left the console.")).to_be_visible()
    invitee.goto(f"{server.base}/m/1/webinar/{webinar['id']}")
    expect(invitee.get_by_role("heading", name=webinar["title"], level=1)).to_be_visible()
    expect(invitee.locator(".w-role")).to_have_text("Moderator")
    invitee.get_by_role("tab", name=re.compile("^People")).click()
    expect(invitee.locator("#wpanel-people")).to_be_visible()

    # -- organisers may book for two (a rule, set on screen); she books Femke and Tom, and both are told ---------
    organiser.goto(f"{server.base}/m/1/organise/matchmaking")
    allowed = organiser.get_by_label("Organisers may book meetings for two people")
    if not allowed.is_checked():
        allowed.check()
        organiser.get_by_role("button", name="Save rules").click()
        expect(organiser.get_by_text("Rules saved.")).to_be_visible()
    tom_id = json_of(organiser.request.get(f"{api}/directory?q=Tom%20Hermans"))["entries"][0]["profile"]["user_id"]
    slot = free_slot(organiser, server, {femke_id, tom_id})
    organiser.goto(f"{server.base}/m/1/organise/meetings")
    pick(organiser, "First person", "Femke Jansen")
    pick(organiser, "Second person", "Tom Hermans")
    organiser.get_by_label(re.compile(r"^Time \(")).select_option(slot)
    organiser.get_by_role("button", name="Book the meeting").click()
    expect(organiser.get_by_text("Booked: Femke Jansen and Tom Hermans. Both have been told.")).to_be_visible()
    expect(organiser.get_by_text("Femke Jansen chosen.")).to_have_count(0)  # the form is ready for the next two

    # (A subject longer than a line is folded before its first word: the parsed value starts with a space.)
    booked = catcher.wait_for(299, timeout=60)[297:]
    assert [str(m["Subject"]).strip().split(":")[0] for m in booked] in (
        ["Meeting booked", "Afspraak ingepland"], ["Afspraak ingepland", "Meeting booked"])
    by_to = {m["To"].addresses[0].addr_spec: m for m in booked}
    assert set(by_to) == {f"person0@{DOMAIN}", TOM}
    assert "Tom Hermans" in str(by_to[f"person0@{DOMAIN}"]["Subject"])  # in her language, Tom's in his
    assert "Femke Jansen" in str(by_to[TOM]["Subject"]) and by_to[TOM]["Content-Language"] == "nl"
    assert "/m/1/schedule" in _text(by_to[TOM])
    invitee.goto(f"{server.base}/m/1/schedule")
    expect(invitee.locator(".sched-entry.is-meeting", has_text="Tom Hermans")).to_be_visible()
    notes = json_of(invitee.request.get(f"{server.base}/api/notifications?mission=1"))
    assert any(n["event"]["kind"] == "n-booked" for n in notes)
