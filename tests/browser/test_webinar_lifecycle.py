"""A webinar's life in real browsers (issue 10): the green room and its countdown, a rehearsal that leaves no
trace, the early-start question, the state badge apart from the connection pill, the end, the programme after
it, and reopening by the host. Each state is photographed on desktop (1366×800) and phone (390×844), in English
and Dutch, under SHOTS/webinar-lifecycle."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, SHOTS, Browsers, Server
from tests.browser.test_web import api

pytestmark = pytest.mark.browser

DESKTOP_1366 = {"width": 1366, "height": 800}
ANNA = "anna@voltera.example"
MIKE = "mike@bayfleet.example"
HOST = "host@roundtable.example"
MODERATOR = "moderator@roundtable.example"
ORGANISER = "organiser@roundtable.example"
OUT = SHOTS / "webinar-lifecycle"
STATE = {"en": {"scheduled": "Not started", "live": "Live", "ended": "Ended",
                "took_part": "1 person took part, at most 1 at once."},
         "nl": {"scheduled": "Nog niet begonnen", "live": "Live", "ended": "Afgelopen",
                "took_part": "1 persoon deed mee, hooguit 1 tegelijk."}}


def new_webinar(org: Any, server: Server, title: str, roles: dict[int, str]) -> dict[str, Any]:
    """A webinar of its own on the mission's first day, with these grants."""
    first = api(org, "/api/missions/1/programme")[0]
    starts = dt.datetime.fromisoformat(first["starts_at"]) + dt.timedelta(hours=9)
    made = org.request.post(f"{server.base}/api/missions/1/programme", data={
        "kind": "webinar", "title": title, "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(minutes=45)).isoformat()})
    assert made.ok, made.text()
    item: dict[str, Any] = made.json()
    granted = org.request.put(f"{server.base}/api/missions/1/programme/{item['id']}/roles",
                              data={"roles": [{"user_id": u, "role": r} for u, r in roles.items()]})
    assert granted.ok, granted.text()
    return item


def user_id(page: Any) -> int:
    return int(api(page, "/api/me")["user"]["id"])


def open_webinar(page: Any, server: Server, item: dict[str, Any], lang: str, at: dt.datetime | None = None) -> Any:
    page.evaluate(f"localStorage.setItem('rt.lang', '{lang}')")
    if at is not None:
        page.clock.set_fixed_time(at)
    page.goto(f"{server.base}/m/1/webinar/{item['id']}")
    expect(page.get_by_role("heading", name=item["title"], level=1)).to_be_visible()
    expect(page.locator("#q-list")).to_be_attached()
    return page


def shot(page: Any, name: str, lang: str, size: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}-{lang}-{size}.png"), full_page=False)


@pytest.mark.parametrize(("size", "lang"), [("desktop", "en"), ("phone", "en"), ("desktop", "nl"), ("phone", "nl")])
def test_green_room_rehearsal_early_start_end_and_reopen(size: str, lang: str, server: Server, browsers: Browsers,
                                                         sign_in: Any) -> None:
    viewport = DESKTOP_1366 if size == "desktop" else PHONE
    org = sign_in(browsers.new(viewport=viewport), ORGANISER)
    host = sign_in(browsers.new(viewport=viewport), HOST)
    anna = sign_in(browsers.new(viewport=viewport), ANNA)
    item = new_webinar(org, server, f"Lifecycle {lang} {size}", {user_id(host): "host"})
    starts = dt.datetime.fromisoformat(item["starts_at"])
    words = STATE[lang]

    # Twelve minutes before the start (by the pages' clocks): attendees wait, the host is in the green room.
    soon = starts - dt.timedelta(minutes=12)
    open_webinar(anna, server, item, lang, soon)
    open_webinar(host, server, item, lang, soon)
    badge = anna.locator("#w-state")
    expect(badge).to_have_attribute("data-status", "scheduled")
    expect(badge).to_have_text(words["scheduled"])
    # The connection pill says connected, never "Live": that is the badge's to say.
    expect(anna.locator("#conn-pill")).to_have_attribute("data-state", "open")
    expect(anna.locator("#conn-pill")).not_to_have_text(re.compile("Live"))
    expect(anna.locator(".tb-time")).to_have_text(re.compile(r"\(\D*12\D*min\)"))
    expect(anna.locator(".stage-empty")).to_have_attribute("data-status", "scheduled")
    expect(anna.locator("#w-green")).to_be_hidden()
    expect(host.locator("#w-green")).to_be_visible()
    shot(anna, "1-attendee-not-started", lang, size)

    # A rehearsal: the host's test question is the staff's only, and goes when the rehearsal stops.
    host.locator(".tb-rehearse").click()
    expect(host.locator("#w-green")).to_have_attribute("data-rehearsal", "true")
    expect(anna.locator(".timebox")).to_have_attribute("data-rehearsal", "true")
    host.locator("#ask-input").fill("Rehearsal: can you hear me?")
    host.locator(".ask-form button[type=submit]").click()
    tried = host.locator("#q-list .question", has_text="can you hear me")
    expect(tried.locator(".badge-status-pending")).to_be_visible()
    anna.locator("#ask-input").fill("Will the slides be shared?")
    anna.locator(".ask-form button[type=submit]").click()
    expect(anna.locator("#q-list .question", has_text="slides")).to_be_visible()
    expect(anna.locator("#q-list .question", has_text="can you hear me")).to_have_count(0)
    shot(host, "2-host-rehearsal", lang, size)
    host.locator(".tb-rehearse").click()
    expect(host.locator("#w-green")).to_have_attribute("data-rehearsal", "false")
    expect(tried).to_have_count(0)
    shot(host, "3-host-green-room", lang, size)

    # Starting 12 minutes early is fine by the page's clock, but the server's says days: it asks first.
    host.locator(".tb-start").click()
    dialog = host.locator("dialog.early-start")
    expect(dialog).to_be_visible()
    expect(host.locator("#early-no")).to_be_focused()
    shot(host, "4-host-early-start", lang, size)
    host.keyboard.press("Escape")  # "not yet"
    expect(dialog).to_have_count(0)
    expect(host.locator("#w-state")).to_have_attribute("data-status", "scheduled")
    host.locator(".tb-start").click()
    host.locator("#early-yes").click()
    for page in (anna, host):  # from here on the pages' clocks agree with the server's: it runs from now
        page.clock.set_fixed_time(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    expect(badge).to_have_attribute("data-status", "live")
    expect(anna.locator(".tb-time")).to_have_text(re.compile(r"^4[45]:\d\d$"))
    expect(badge).to_have_text(words["live"])
    expect(anna.locator("#q-list .question", has_text="slides")).to_be_visible()  # carried over
    shot(anna, "5-attendee-live", lang, size)

    # Ended by mistake: everyone goes to the lobby; the programme stops offering to join.
    host.locator(".tb-end").click()
    host.locator(".tb-end").click()
    for page in (anna, host):
        page.wait_for_url("**/m/1/lobby")
        expect(page.locator("#ended-card")).to_be_visible()
    expect(anna.locator("#ended-card")).to_contain_text(words["took_part"])  # Anna alone: the staff do not count
    shot(anna, "6-attendee-ended-lobby", lang, size)
    anna.goto(f"{server.base}/m/1")
    card = anna.locator(f"#item-{item['id']}")
    expect(card.locator(".item-over .badge")).to_have_text(words["ended"])
    expect(card.locator("a.join-webinar")).to_have_count(0)
    expect(card.locator(".reopen-webinar")).to_have_count(0)  # not Anna's to reopen
    card.scroll_into_view_if_needed()
    shot(anna, "7-programme-ended", lang, size)

    # The host reopens it from the programme: the page says Ended (not "starts in a moment") until then.
    host.goto(f"{server.base}/m/1")
    host.locator(f"#item-{item['id']} .reopen-webinar").click()
    expect(host.locator("#w-state")).to_have_attribute("data-status", "ended")
    expect(host.locator("#w-state")).to_have_text(words["ended"])
    expect(host.locator(".stage-empty")).to_have_attribute("data-status", "ended")
    expect(host.locator("#ask-input")).to_be_hidden()
    shot(host, "8-host-ended-reopen", lang, size)
    host.locator(".tb-reopen").click()
    expect(host.locator("#w-state")).to_have_attribute("data-status", "live")
    anna.reload()
    expect(card.locator("a.join-webinar")).to_be_visible()
    expect(card.locator(".badge-live")).to_be_visible()


def test_hands_reactions_askers_and_dutch_texts(server: Server, browsers: Browsers, sign_in: Any) -> None:
    mod = sign_in(browsers.new(viewport=DESKTOP_1366), MODERATOR)
    org = sign_in(browsers.new(viewport=DESKTOP_1366), ORGANISER)
    anna = sign_in(browsers.new(viewport=DESKTOP_1366), ANNA)
    mike = sign_in(browsers.new(viewport=DESKTOP_1366), MIKE)
    item = new_webinar(org, server, "Hands and reactions", {user_id(mod): "moderator"})
    for page in (mod, anna):
        open_webinar(page, server, item, "en")
    open_webinar(mike, server, item, "nl")

    # The moderator's hand list at 1366 px: every name and organisation is shown whole, tools on their own line.
    for page in (anna, mike):
        page.locator("#wtab-hands").click()
        page.locator("#hand-toggle").click()
    mod.locator("#wtab-hands").click()
    expect(mod.locator("#hand-list .hand")).to_have_count(2)
    cut = mod.eval_on_selector_all(
        "#hand-list .hand-name, #hand-list .hand-org",
        "els => els.filter(e => e.scrollWidth > e.clientWidth || e.getBoundingClientRect().width < 40)"
        ".map(e => e.textContent)")
    assert cut == [], cut
    expect(mod.locator("#hand-list .hand-name").first).to_contain_text("Anna de Vries")
    OUT.mkdir(parents=True, exist_ok=True)
    mod.locator(".w-side").screenshot(path=str(OUT / "hands-moderator-en-desktop.png"))

    # Reactions are drawn as SVG icons, on the buttons and in the bursts: no emoji glyph is needed.
    buttons = anna.locator(".react-btn")
    expect(buttons).to_have_count(6)
    expect(anna.locator(".react-btn .react-emoji svg")).to_have_count(6)
    assert not re.search(r"[\U0001F300-\U0001FAFF\u2764\u270B]", anna.locator(".react-bar").inner_text())
    anna.get_by_role("button", name="React with applause").click()
    expect(anna.locator(".floater svg").first).to_be_attached()
    assert not re.search(r"[\U0001F300-\U0001FAFF\u270B]", anna.locator("#hand-toggle").inner_text())

    # The asker of a question that is not anonymous is named with their user id (the "request a meeting" hook);
    # an anonymous one is not, not even for the moderator.
    anna.locator("#wtab-qa").click()
    anna.locator("#ask-input").fill("Who maintains the chargers?")
    anna.locator(".ask-form button[type=submit]").click()
    expect(anna.locator("#ask-input")).to_have_value("")
    anna.locator("#ask-input").fill("And who pays?")
    anna.locator("#ask-anon").check()
    anna.locator(".ask-form button[type=submit]").click()
    mod.locator("#wtab-qa").click()
    named = mod.locator("#q-list .question", has_text="maintains").locator(".q-author")
    expect(named).to_have_attribute("data-user-id", str(user_id(anna)))
    expect(mod.locator("#q-list .question", has_text="who pays").locator(".q-author")).not_to_have_attribute(
        "data-user-id", re.compile(".*"))

    # Dutch: the ask button and the questions heading say different things.
    ask = mike.locator(".ask-form button[type=submit]").inner_text().strip()
    heading = mike.locator(".qa > h3.w-subhead").inner_text().strip()
    assert ask == "Vraag stellen" and heading == "Vragen uit de zaal", (ask, heading)

    # "Next … at 16:30" names the day when it is not today.
    texts = anna.evaluate("""async () => {
      const { nextWhen } = await import('/static/webinar/ended.js');
      const now = new Date('2026-06-15T10:00:00Z');
      return [nextWhen({ kind: 'webinar', starts_at: '2026-06-15T14:30:00Z' }, 'UTC', now),
              nextWhen({ kind: 'webinar', starts_at: '2026-06-16T14:30:00Z' }, 'UTC', now)];
    }""")
    assert texts[0] == "Webinar at 14:30", texts
    assert re.fullmatch(r"Webinar on Tue 16 Jun at 14:30", texts[1]), texts


def test_attendance_keeps_staff_apart(server: Server, browsers: Browsers, sign_in: Any) -> None:
    org = sign_in(browsers.new(), ORGANISER)
    mod = sign_in(browsers.new(), MODERATOR)
    anna = sign_in(browsers.new(), ANNA)
    item = new_webinar(org, server, "Counted webinar", {user_id(mod): "moderator"})
    open_webinar(mod, server, item, "en")
    open_webinar(anna, server, item, "en")
    mod.locator(".tb-start").click()
    mod.locator("#early-yes").click()
    expect(anna.locator("#w-state")).to_have_attribute("data-status", "live")
    mod.locator("#wtab-people").click()
    expect(mod.locator(".w-stat[data-key='now'] dd")).to_have_text("1")  # Anna; not the moderator
    expect(mod.locator(f"#att-list .att[data-user-id='{user_id(mod)}'] .badge-role")).to_have_text("Staff")
    figures = api(org, f"/api/missions/1/programme/{item['id']}/attendance")
    assert [p["person"]["name"] for p in figures["people"]] == ["Anna de Vries"]
    assert figures["unique"] == 1 and [p["person"]["staff"] for p in figures["staff"]] == [True]
