"""The webinar page in real browsers, without cameras: Q&A with moderation and upvotes in the same order on every
page, raised hands in order, a poll opened, voted and closed, a greeting on everyone's screen, and Dutch."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, SHOTS, Browsers, Server
from tests.browser.test_web import api

pytestmark = pytest.mark.browser

ANNA = "anna@voltera.example"
MIKE = "mike@bayfleet.example"
ORGANISER = "organiser@roundtable.example"
MODERATOR = "moderator@roundtable.example"  # granted moderator on the demo's webinars


def first_webinar(page: Any) -> dict[str, Any]:
    items = api(page, "/api/missions/1/programme")
    webinars = [i for i in items if i["kind"] == "webinar"]
    assert webinars, "the demo mission has webinars"
    item: dict[str, Any] = webinars[0]
    return item


def enter_webinar(page: Any, server: Server, item: dict[str, Any], by_link: bool = True) -> Any:
    """Open the webinar (by its "Join webinar" link on the programme, or by address) and wait for its state."""
    if by_link:
        page.locator(f"#item-{item['id']} a.join-webinar").click()
        page.wait_for_url(f"**/m/1/webinar/{item['id']}")
    else:
        page.goto(f"{server.base}/m/1/webinar/{item['id']}")
    expect(page.get_by_role("heading", name=item["title"], level=1)).to_be_visible()
    expect(page.locator("#q-list")).to_be_attached()  # the snapshot is in
    return page


def ids(page: Any, selector: str) -> list[str]:
    found = page.eval_on_selector_all(selector, "els => els.map(e => e.dataset.id || e.dataset.userId)")
    return [str(x) for x in found]


def question(page: Any, text: str) -> Any:
    return page.locator("#q-list .question", has=page.locator(".q-text", has_text=text))


def test_webinar_qa_hands_polls_and_greeting(server: Server, browsers: Browsers, sign_in: Any) -> None:
    anna = sign_in(browsers.new(), ANNA)
    item = first_webinar(anna)
    enter_webinar(anna, server, item)
    mike = enter_webinar(sign_in(browsers.new(timezone_id="America/Los_Angeles"), MIKE), server, item)
    org = enter_webinar(sign_in(browsers.new(), MODERATOR), server, item)
    expect(org.locator(".w-role")).to_have_text("Moderator")
    expect(mike.locator(".w-role")).to_have_text("Attendee")
    # Attendees and speakers have no moderation controls, no poll form and no console.
    for page in (anna, mike):
        expect(page.locator("#qa-mode")).to_have_count(0)
        expect(page.locator(".poll-create")).to_have_count(0)
        expect(page.get_by_role("tab", name=re.compile("^People"))).to_have_count(0)
    token = secrets.token_hex(3)

    # The moderator asks for approval first: Anna's question waits in the moderator's queue only.
    org.locator("#qa-mode").select_option("pre-approved")
    expect(org.locator("#qa-mode")).to_have_value("pre-approved")
    anna.locator("#ask-input").fill(f"<b>How</b> do you size depots? {token}")
    anna.get_by_role("button", name="Ask", exact=True).click()
    expect(anna.locator("#ask-note")).to_have_text("Sent. It appears once a moderator approves it.")
    pending = org.locator("#q-pending .question", has_text=token)
    expect(pending).to_contain_text("Anna de Vries")
    expect(question(mike, token)).to_have_count(0)
    pending.get_by_role("button", name="Approve").click()
    expect(question(mike, token).locator(".q-text")).to_have_text(f"<b>How</b> do you size depots? {token}")
    expect(mike.locator("#q-list b")).to_have_count(0)
    expect(question(mike, token).locator(".q-author")).to_contain_text("Anna de Vries")

    # Back to open questions: Mike asks without his name; the room sees it as anonymous, the moderator sees him.
    org.locator("#qa-mode").select_option("open")
    mike.locator("#ask-input").fill(f"Who pays for the grid upgrade? {token}")
    mike.locator("#ask-anon").check()
    mike.get_by_role("button", name="Ask", exact=True).click()
    expect(question(anna, "grid upgrade").locator(".q-author")).to_have_text("Anonymous")
    expect(question(org, "grid upgrade").locator(".q-author")).to_contain_text("Mike Alvarez")

    # Anna upvotes Mike's question: it moves to the top, in the same order on every page; her vote is marked.
    expect(question(anna, "grid upgrade").locator(".q-votes")).to_have_text("0")
    question(anna, "grid upgrade").locator(".q-vote").click()
    for page in (anna, mike, org):
        expect(question(page, "grid upgrade").locator(".q-votes")).to_have_text("1")
    expect(question(anna, "grid upgrade").locator(".q-vote")).to_have_attribute("aria-pressed", "true")
    # Nobody is offered an upvote on their own question: Mike sees the count of his (anonymous) one, no button,
    # after a reload too (the snapshot's my_questions); Anna likewise on hers.
    for own in (question(mike, "grid upgrade"), question(anna, "size depots")):
        expect(own.locator("button.q-vote")).to_have_count(0)
        expect(own.locator(".q-vote.is-own")).to_have_attribute("aria-label", re.compile("^Your question: "))
    mike.reload()
    expect(question(mike, "grid upgrade").locator(".q-vote.is-own .q-votes")).to_have_text("1")
    expect(question(mike, "size depots").locator("button.q-vote")).to_have_count(1)
    order = ids(anna, "#q-list .question")
    assert len(order) == 2
    assert ids(mike, "#q-list .question") == order
    assert ids(org, "#q-list .question") == order
    assert "grid upgrade" in anna.locator("#q-list .question").first.inner_text()
    # The moderator pins Anna's question: pinned comes first everywhere.
    question(org, "size depots").get_by_role("button", name="Pin", exact=True).click()
    expect(mike.locator("#q-list .question").first).to_contain_text("size depots")
    expect(anna.locator("#q-list .question").first).to_contain_text("size depots")
    assert ids(mike, "#q-list .question") == ids(anna, "#q-list .question") == ids(org, "#q-list .question")
    # Taking the vote back.
    question(anna, "grid upgrade").locator(".q-vote").click()
    expect(question(mike, "grid upgrade").locator(".q-votes")).to_have_text("0")

    # Hands: Mike first, then Anna; the same queue on every page; the moderator lowers Mike's.
    mike.get_by_role("tab", name=re.compile("^Hands")).click()
    anna.get_by_role("tab", name=re.compile("^Hands")).click()
    org.get_by_role("tab", name=re.compile("^Hands")).click()
    mike.locator("#hand-toggle").click()
    expect(org.locator("#hand-list .hand")).to_have_count(1)
    anna.locator("#hand-toggle").click()
    expect(org.locator("#hand-list .hand")).to_have_count(2)
    expect(anna.locator("#hand-toggle")).to_have_attribute("aria-pressed", "true")
    queue = [re.compile("^Mike Alvarez"), re.compile("^Anna de Vries")]
    for page in (anna, mike, org):
        expect(page.locator("#hand-list .hand-name")).to_have_text(queue)
    org.get_by_role("button", name="Lower the hand of Mike Alvarez").click()
    for page in (anna, mike):
        expect(page.locator("#hand-list .hand-name")).to_have_text([re.compile("^Anna de Vries")])
    expect(mike.locator("#hand-toggle")).to_have_attribute("aria-pressed", "false")

    # A poll: created and opened by the moderator, voted by both, a vote changed, results live, then closed.
    org.locator(".poll-create summary").click()
    org.get_by_label("Question", exact=True).fill(f"Which charging standard? {token}")
    org.get_by_label("Option 1", exact=True).fill("CCS")
    org.get_by_label("Option 2", exact=True).fill("NACS")
    org.get_by_role("button", name="Create poll").click()
    poll = org.locator("#poll-list .poll", has_text=token)
    expect(poll).to_have_attribute("data-status", "draft")
    expect(anna.locator("#poll-list .poll", has_text=token)).to_have_count(0)
    poll.get_by_role("button", name="Open poll").click()
    anna_poll = anna.locator("#poll-list .poll", has_text=token)
    mike_poll = mike.locator("#poll-list .poll", has_text=token)
    expect(anna_poll).to_have_attribute("data-status", "open")
    anna_poll.get_by_label(re.compile("^NACS")).check()
    anna_poll.get_by_role("button", name="Vote").click()
    mike_poll.get_by_label(re.compile("^CCS")).check()
    mike_poll.get_by_role("button", name="Vote").click()
    expect(poll.locator(".poll-option[data-index='0']")).to_have_attribute("data-count", "1")
    expect(poll.locator(".poll-option[data-index='1']")).to_have_attribute("data-count", "1")
    mike_poll.get_by_label(re.compile("^NACS")).check()
    mike_poll.get_by_role("button", name="Change my vote").click()
    expect(anna_poll.locator(".poll-option[data-index='1']")).to_have_attribute("data-count", "2")
    expect(anna_poll.locator(".poll-option[data-index='0']")).to_have_attribute("data-count", "0")
    expect(anna_poll.locator(".poll-option[data-index='1'] .poll-figure")).to_have_text("100% · 2")
    expect(mike_poll.locator(".poll-option[data-index='1']")).to_have_class(re.compile(r"\bis-mine\b"))
    poll.get_by_role("button", name="Close poll").click()
    expect(anna_poll).to_have_attribute("data-status", "closed")
    expect(anna_poll.get_by_role("button", name=re.compile("^(Vote|Change my vote)$"))).to_have_count(0)
    expect(anna_poll.locator(".poll-option[data-index='1'] .poll-figure")).to_have_text("100% · 2")

    # Mike reads in Dutch.
    mike.evaluate("localStorage.setItem('rt.lang', 'nl')")
    mike.reload()
    expect(mike.get_by_role("tab", name=re.compile("^Vragen"))).to_be_visible()
    expect(mike.locator(".w-role")).to_have_text("Deelnemer")
    expect(mike.locator("#polls-h")).to_have_text("Peilingen")
    expect(mike.locator("#poll-list .poll", has_text=token).locator(".badge")).to_have_text("Gesloten")

    # The console: who is here, with a filter; a greeting reaches everyone, each in their own language.
    org.get_by_role("tab", name=re.compile("^People")).click()
    expect(org.locator("#att-list .att", has_text="Anna de Vries")).to_contain_text("Voltera")
    expect(org.locator("#att-list .att", has_text="Mike Alvarez")).to_be_visible()
    org.locator("#att-filter").fill("bayfleet")
    expect(org.locator("#att-list .att")).to_have_count(1)
    org.locator("#att-filter").fill("")
    # Anna and Mike (and attendees of other tests): the moderator is staff, listed but not counted.
    expect(org.locator(".w-stat[data-key='now'] dd")).to_have_text(re.compile(r"^[2-9]$"))
    org.get_by_role("button", name="Greet Anna de Vries on everyone’s screen").click()
    expect(anna.locator("#w-toasts")).to_contain_text("Welcome, Anna de Vries from Voltera!")
    expect(mike.locator("#w-toasts")).to_contain_text("Welkom, Anna de Vries van Voltera!")
    # Anna leaves: the console says so.
    anna.goto(f"{server.base}/m/1")
    expect(org.locator("#att-list .att", has_text="Anna de Vries")).to_have_count(0)
    expect(org.locator("#join-feed")).to_contain_text("Anna de Vries left")


def test_webinar_reactions_and_keyboard(server: Server, browsers: Browsers, sign_in: Any) -> None:
    anna = sign_in(browsers.new(), ANNA)
    item = first_webinar(anna)
    enter_webinar(anna, server, item, by_link=False)
    mike = enter_webinar(sign_in(browsers.new(), MIKE), server, item, by_link=False)
    # A click on 👏 reaches the other page as a counted burst.
    anna.get_by_role("button", name="React with applause").click()
    expect(mike.locator(".react-btn[data-emoji='👏'] .react-tally")).to_have_text(re.compile(r"^[1-9]"))
    # The side panel's tabs work with the arrow keys.
    tab = anna.get_by_role("tab", name=re.compile("^Q&A"))
    tab.focus()
    anna.keyboard.press("ArrowRight")
    expect(anna.get_by_role("tab", name=re.compile("^Hands"))).to_be_focused()
    expect(anna.locator("#hand-toggle")).to_be_visible()


def test_webinar_start_and_graceful_end_back_to_the_lobby(server: Server, browsers: Browsers, sign_in: Any) -> None:
    mike = sign_in(browsers.new(), MIKE)
    items = [i for i in api(mike, "/api/missions/1/programme") if i["kind"] == "webinar"]
    item = items[-1]  # not the one the other tests use: this one ends
    enter_webinar(mike, server, item, by_link=False)
    mod = enter_webinar(sign_in(browsers.new(), MODERATOR), server, item, by_link=False)
    expect(mike.get_by_role("button", name="Start webinar")).to_have_count(0)
    mod.get_by_role("button", name="Start webinar").click()
    mod.get_by_role("button", name="Start now").click()  # days before its scheduled start: asked first
    expect(mike.locator(".timebox")).to_have_attribute("data-status", "live")
    expect(mike.locator(".tb-label")).to_have_text("Time left")
    end = mod.get_by_role("button", name="End webinar")
    end.click()
    mod.get_by_role("button", name="Click again to end for everyone").click()
    for page in (mike, mod):
        page.wait_for_url("**/m/1/lobby")
        expect(page.locator("#ended-card")).to_contain_text(f"“{item['title']}” has ended")
    expect(mike.locator("#ended-card")).to_contain_text(re.compile("Next on the programme|That was the last item"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_webinar_screenshots(size: str, server: Server, browsers: Browsers, sign_in: Any) -> None:
    viewport = DESKTOP if size == "desktop" else PHONE
    anna = sign_in(browsers.new(viewport=viewport), ANNA)
    item = first_webinar(anna)
    enter_webinar(anna, server, item, by_link=False)
    org = enter_webinar(sign_in(browsers.new(viewport=viewport), ORGANISER), server, item, by_link=False)
    expect(org.locator(".w-role")).to_have_text("Moderator")  # an organiser without a grant moderates
    anna.locator("#ask-input").fill("What does a depot for 100 buses need from the grid?")
    anna.get_by_role("button", name="Ask", exact=True).click()
    expect(org.locator("#q-list .question, #q-pending .question").first).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    anna.screenshot(path=str(SHOTS / f"webinar-attendee-{size}.png"), full_page=True)
    org.get_by_role("tab", name=re.compile("^People")).click()
    expect(org.locator("#att-list .att").first).to_be_visible()
    org.screenshot(path=str(SHOTS / f"webinar-host-{size}.png"), full_page=True)
