"""The mission lobby in real browsers: presence, chat, announcements, moderation, direct messages, and a
connection that drops and comes back without losing or doubling a message."""

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
MODERATOR = "moderator@roundtable.example"


def enter_lobby(page: Any, server: Server, test_hook: bool = False) -> Any:
    """Go to the lobby (by its tab, or by address with the test hook) and wait until it is live."""
    if test_hook:
        page.goto(f"{server.base}/m/1/lobby?test")
    else:
        page.get_by_role("link", name=re.compile(r"^Lobby")).click()
        page.wait_for_url("**/m/1/lobby")
    expect(page.get_by_role("heading", name="Lobby", level=1)).to_be_visible()
    expect(page.locator("#conn-pill")).to_have_text("Live")
    expect(page.locator(".chat-log[data-ready]")).to_have_count(1)  # the history is in
    return page


def chat(page: Any, text: str) -> None:
    box = page.locator("#chat-input")
    box.fill(text)
    box.press("Enter")


def message(page: Any, text: str) -> Any:
    return page.locator("#chat-list .msg", has=page.locator(".msg-text", has_text=text))


def person(page: Any, name: str) -> Any:
    return page.locator("#here-list .here-person", has_text=name)


def seqs(page: Any) -> list[int]:
    return [int(s) for s in page.eval_on_selector_all("#chat-list .msg", "els => els.map(e => e.dataset.seq)")]


def test_lobby_presence_chat_announcements_moderation_and_direct_messages(
    server: Server, browsers: Browsers, sign_in: Any
) -> None:
    anna = enter_lobby(sign_in(browsers.new(), ANNA), server)
    mike = enter_lobby(sign_in(browsers.new(timezone_id="America/Los_Angeles"), MIKE), server)
    anna_id = api(anna, "/api/me")["user"]["id"]
    mike_id = api(mike, "/api/me")["user"]["id"]

    # Both see each other here now, with organisation, side and status.
    expect(person(anna, "Mike Alvarez")).to_be_visible()
    expect(person(mike, "Anna de Vries")).to_be_visible()
    expect(person(mike, "Anna de Vries").locator(".badge-side-delegation")).to_have_text("Delegation")
    expect(person(anna, "Mike Alvarez").locator(".badge-side-partner")).to_have_text("Partner")
    expect(person(anna, "Mike Alvarez")).to_have_attribute("data-status", "available")

    # Anna writes markup: Mike sees it as the literal text, not as bold.
    token = secrets.token_hex(3)
    chat(anna, f"<b>bold</b> {token}")
    expect(message(mike, token).locator(".msg-text")).to_have_text(f"<b>bold</b> {token}")
    expect(mike.locator("#chat-list b")).to_have_count(0)
    expect(message(mike, token).locator(".msg-author")).to_have_text("Anna de Vries")
    expect(message(mike, token).locator(".msg-org")).to_have_text("Voltera")
    # Her own message is marked as hers, and no longer "sending".
    expect(message(anna, token)).to_have_class(re.compile(r"\bis-mine\b"))
    expect(message(mike, token)).not_to_have_class(re.compile(r"\bis-mine\b"))
    expect(anna.locator(".chat-outbox .msg")).to_have_count(0)
    # Shift+Enter makes a new line; Enter sends.
    box = anna.locator("#chat-input")
    box.fill(f"two lines {token}")
    box.press("Shift+Enter")
    box.press_sequentially("second line")
    box.press("Enter")
    expect(message(mike, f"two lines {token}").locator(".msg-text")).to_have_text(
        f"two lines {token}\nsecond line")

    # Mike filters who is here by side, then by organisation type.
    filters = mike.locator(".here-filters")
    filters.locator("label.chip-option", has_text="Delegation").click()
    expect(person(mike, "Anna de Vries")).to_be_visible()
    expect(person(mike, "Mike Alvarez")).to_have_count(0)
    expect(mike.locator("#here-list .here-person[data-side=partner]")).to_have_count(0)
    filters.locator("label.chip-option", has_text="Partner").click()
    expect(person(mike, "Mike Alvarez")).to_be_visible()
    expect(person(mike, "Anna de Vries")).to_have_count(0)
    filters.locator("label.chip-option", has_text="Everyone").click()
    anna_org_type = api(mike, f"/api/missions/1/people/{anna_id}")["profile"]["org_type"]
    mike.locator("#here-org").select_option(anna_org_type)
    expect(person(mike, "Anna de Vries")).to_be_visible()
    for row in mike.locator("#here-list .here-person").all():
        assert row.get_attribute("data-user-id")
    mike.locator("#here-org").select_option("")

    # Mike changes his status: Anna sees it. Her keyboard focus on his "Message" button stays put.
    message_mike = anna.get_by_role("button", name="Message to Mike Alvarez")
    message_mike.focus()
    mike.get_by_label("My status").select_option("in-meeting")
    expect(person(anna, "Mike Alvarez")).to_have_attribute("data-status", "in-meeting")
    expect(person(anna, "Mike Alvarez").locator(".here-status")).to_have_text("In a meeting")
    expect(message_mike).to_be_focused()

    # Invisible: gone from Mike's list, still listed (as invisible) for Anna herself; then back.
    anna.get_by_label("My status").select_option("invisible")
    expect(person(mike, "Anna de Vries")).to_have_count(0)
    expect(person(anna, "Anna de Vries")).to_have_attribute("data-status", "invisible")
    anna.get_by_label("My status").select_option("available")
    expect(person(mike, "Anna de Vries")).to_have_attribute("data-status", "available")

    # An organiser posts an announcement: the banner shows it for Anna.
    organiser = enter_lobby(sign_in(browsers.new(), ORGANISER), server)
    expect(person(anna, "Eva Jansen")).to_be_visible()
    expect(message_mike).to_be_focused()
    news = f"The matchmaking round starts in 10 minutes <i>{token}</i>"
    organiser.get_by_role("button", name="Post announcement").click()
    organiser.get_by_label("New announcement").fill(news)
    organiser.get_by_role("button", name="Post", exact=True).click()
    expect(anna.locator(".announce-text")).to_have_text(news)
    expect(anna.locator(".announce-meta")).to_contain_text("Eva Jansen")
    expect(anna.locator(".announce i")).to_have_count(0)
    expect(anna.get_by_role("button", name="Post announcement")).to_have_count(0)
    # ...and someone who opens the lobby afresh gets it with their join.
    mike.reload()
    expect(mike.locator(".announce-text")).to_have_text(news)
    expect(mike.locator("#conn-pill")).to_have_text("Live")

    # A moderator removes Anna's message: it disappears for Anna and Mike. Anna has no remove buttons.
    expect(anna.get_by_role("button", name=re.compile("^Remove message"))).to_have_count(0)
    moderator = enter_lobby(sign_in(browsers.new(), MODERATOR), server)
    target = message(moderator, f"<b>bold</b> {token}")
    target.get_by_role("button", name="Remove message from Anna de Vries").click()
    target.get_by_role("button", name="Remove", exact=True).click()
    expect(message(anna, f"<b>bold</b> {token}")).to_have_count(0)
    expect(message(mike, f"<b>bold</b> {token}")).to_have_count(0)
    expect(message(anna, f"two lines {token}")).to_have_count(1)

    # Anna sends Mike a direct message from "Here now"; Mike sees the unread count, then the message.
    expect(mike.locator(".tab-lobby .unread")).to_be_hidden()
    person(anna, "Mike Alvarez").get_by_role("button", name="Message to Mike Alvarez").click()
    expect(anna.locator("#dm-input")).to_be_focused()
    dm = f"Shall we talk about V2G for your fleet? <script>{token}</script>"
    anna.locator("#dm-input").fill(dm)
    anna.locator("#dm-input").press("Enter")
    expect(anna.locator("#dm-list .dm.is-mine .dm-text")).to_have_text([dm])
    expect(mike.locator(".tab-lobby .unread-count")).to_have_text("1")
    expect(mike.locator("#tab-dm .unread-count")).to_have_text("1")
    expect(mike.locator(".tab-lobby .unread")).to_contain_text("1 unread message")
    # With the keyboard: from "Here now" to "Messages" with the arrow key, then into the thread.
    mike.get_by_role("tab", name=re.compile("^Here now")).focus()
    mike.keyboard.press("ArrowRight")
    expect(mike.get_by_role("tab", name=re.compile("^Messages"))).to_be_focused()
    expect(mike.get_by_role("tab", name=re.compile("^Messages"))).to_have_attribute("aria-selected", "true")
    thread = mike.locator(f".thread-btn[data-user-id='{anna_id}']")
    expect(thread).to_contain_text("Anna de Vries")
    thread.focus()
    mike.keyboard.press("Enter")
    expect(mike.locator("#dm-list .dm .dm-text")).to_have_text([dm])
    expect(mike.locator(".tab-lobby .unread")).to_be_hidden()
    assert mike.evaluate("document.querySelectorAll('#dm-list script').length") == 0

    # Mike answers from Anna's profile page; Anna, with the thread open, reads it at once.
    mike.goto(f"{server.base}/m/1/people/{anna_id}")
    mike.get_by_role("link", name="Send a message").click()
    mike.wait_for_url(f"**/m/1/lobby?dm={anna_id}")
    expect(mike.locator("#dm-input")).to_be_visible()
    mike.locator("#dm-input").fill("Yes! Tomorrow at 9 my time?")
    mike.locator("#dm-input").press("Enter")
    expect(anna.locator("#dm-list .dm:not(.is-mine) .dm-text")).to_have_text(["Yes! Tomorrow at 9 my time?"])
    expect(anna.locator(".tab-lobby .unread")).to_be_hidden()

    # While Mike reads the programme, a message from Anna shows up on his Lobby tab.
    mike.get_by_role("link", name="Programme").click()
    mike.wait_for_url("**/m/1")
    anna.locator("#dm-input").fill("9 works. See you!")
    anna.locator("#dm-input").press("Enter")
    expect(mike.locator(".tab-lobby .unread-count")).to_have_text("1")
    assert mike_id != anna_id


def test_lobby_catches_up_after_losing_the_connection(server: Server, browsers: Browsers, sign_in: Any) -> None:
    anna_ctx = browsers.new()
    anna = enter_lobby(sign_in(anna_ctx, ANNA), server, test_hook=True)
    mike = enter_lobby(sign_in(browsers.new(), MIKE), server)
    token = secrets.token_hex(3)
    chat(mike, f"before {token}")
    expect(message(anna, f"before {token}")).to_have_count(1)
    anna.evaluate("""() => {
        window.__states = [];
        window.__roundtable.live.addEventListener('state', () => window.__states.push(window.__roundtable.live.state));
    }""")

    # The network goes: Anna sees that she is reconnecting.
    pill = anna.locator("#conn-pill")
    anna_ctx.set_offline(True)
    anna.evaluate("window.__roundtable.drop()")  # and the socket is gone (a no-op if going offline dropped it)
    expect(pill).to_have_text("Reconnecting…")
    expect(anna.locator(".composer-note").first).to_contain_text("Not connected")

    # Meanwhile Mike talks, and Anna writes something that waits for the connection.
    away = [f"while you were away {token} #{i}" for i in range(3)]
    for text in away:
        chat(mike, text)
    expect(message(mike, away[-1])).to_have_count(1)
    chat(anna, f"written offline {token}")
    expect(anna.locator(".chat-outbox .msg .msg-sending")).to_have_text("Sending…")
    _shoot(anna, "lobby-reconnecting-desktop")

    # The network is back: live again, every message of Mike's exactly once, Anna's sent exactly once.
    anna_ctx.set_offline(False)
    expect(pill).to_have_text("Live")
    for text in away:
        expect(message(anna, text)).to_have_count(1)
    expect(message(anna, f"written offline {token}")).to_have_count(1)
    expect(message(mike, f"written offline {token}")).to_have_count(1)
    expect(anna.locator(".chat-outbox .msg")).to_have_count(0)
    expect(person(mike, "Anna de Vries")).to_be_visible()
    expect(person(anna, "Mike Alvarez")).to_be_visible()
    assert len(seqs(anna)) == len(set(seqs(anna)))
    # ...and in the order Mike wrote them.
    order = [int(message(anna, text).get_attribute("data-seq") or 0) for text in away]
    assert order == sorted(order), order
    states = anna.evaluate("window.__states")
    assert "reconnecting" in states and states[-1] == "open", states

    # A dropped socket with the network up: back within moments, still no duplicates.
    anna.evaluate("window.__states = []; window.__roundtable.drop()")
    chat(mike, f"right after the drop {token}")
    expect(pill).to_have_text("Live")
    expect(message(anna, f"right after the drop {token}")).to_have_count(1)
    chat(mike, f"after the reconnect {token}")
    expect(message(anna, f"after the reconnect {token}")).to_have_count(1)
    assert anna.evaluate("window.__states")[0] == "reconnecting"
    assert len(seqs(anna)) == len(set(seqs(anna)))


def test_lobby_says_when_the_server_will_not_have_it_and_reconnects_on_request(
    server: Server, browsers: Browsers, sign_in: Any
) -> None:
    anna = enter_lobby(sign_in(browsers.new(), ANNA), server, test_hook=True)
    pill = anna.locator("#conn-pill")
    # Flooding the server gets the socket closed with 4429: a close after which clients must not reconnect.
    anna.evaluate("""() => {
        const ws = window.__roundtable.conn.ws;
        for (let i = 0; i < 100; i++) ws.send(JSON.stringify({type: 'ping'}));
    }""")
    expect(pill).to_have_text("Disconnected")
    expect(anna.locator(".conn-why")).to_have_text("Too many messages at once.")
    anna.wait_for_timeout(1500)
    expect(pill).to_have_text("Disconnected")  # it stays down: no automatic reconnect
    _shoot(anna, "lobby-disconnected-desktop")
    anna.get_by_role("button", name="Reconnect").click()
    expect(pill).to_have_text("Live")
    expect(anna.get_by_role("button", name="Reconnect")).to_be_hidden()
    token = secrets.token_hex(3)
    chat(anna, f"back again {token}")
    expect(message(anna, f"back again {token}")).to_have_count(1)


def _shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.fonts.ready")
    page.evaluate("window.scrollTo(0, 0)")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px too wide"
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_lobby_screenshots(size: str, server: Server, browsers: Browsers, sign_in: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {"viewport": DESKTOP if size == "desktop" else PHONE}
    if size == "phone":
        options.update(device_scale_factor=1, is_mobile=True, has_touch=True)
    mike = enter_lobby(sign_in(browsers.new(), MIKE), server)
    anna = enter_lobby(sign_in(browsers.new(**options), ANNA), server)
    before = message(anna, "Good morning from Oakland!").count()
    mine_before = message(anna, "I'll send you a direct message.").count()
    chat(mike, "Good morning from Oakland! We run 140 electric delivery vans and are looking at bidirectional "
               "charging for the depot. Anyone here working on V2G?")
    expect(message(anna, "Good morning from Oakland!")).to_have_count(before + 1)
    chat(anna, "Morning Mike! That is exactly what Voltera does.\nI'll send you a direct message.")
    expect(message(anna, "I'll send you a direct message.")).to_have_count(mine_before + 1)
    _shoot(anna, f"lobby-{size}")

    person(anna, "Mike Alvarez").get_by_role("button", name="Message to Mike Alvarez").click()
    anna.locator("#dm-input").fill("Hi Mike, could we meet in the matchmaking round on Tuesday?")
    anna.locator("#dm-input").press("Enter")
    mike.get_by_role("tab", name=re.compile("^Messages")).click()
    mike.locator(".thread-btn", has_text="Anna de Vries").click()
    mike.locator("#dm-input").fill("Sure, Tuesday works. 9:00 Pacific?")
    mike.locator("#dm-input").press("Enter")
    expect(anna.locator("#dm-list .dm:not(.is-mine)").last).to_have_text(re.compile("Tuesday works"))
    _shoot(anna, f"lobby-dm-{size}")

    # The organiser's view: the announcement form open, and a removal about to be confirmed.
    organiser = enter_lobby(sign_in(browsers.new(**options), ORGANISER), server)
    organiser.get_by_role("button", name="Post announcement").click()
    organiser.get_by_label("New announcement").fill("Coffee break until 10:15; the pitch session starts after.")
    message(organiser, "I'll send you a direct message.").last.get_by_role(
        "button", name="Remove message from Anna de Vries").click()
    expect(organiser.get_by_role("button", name="Remove", exact=True)).to_be_focused()
    _shoot(organiser, f"lobby-organiser-{size}")
    organiser.get_by_role("button", name="Cancel").last.click()

    anna.get_by_role("button", name=re.compile("Nederlands")).click()
    expect(anna.get_by_role("heading", name="Lobby", level=1)).to_be_visible()
    expect(anna.locator("#conn-pill")).to_have_text("Live")
    expect(anna.get_by_role("tab", name=re.compile("^Nu hier"))).to_be_visible()
    _shoot(anna, f"lobby-nl-{size}")
    anna.get_by_role("button", name=re.compile("English")).click()
