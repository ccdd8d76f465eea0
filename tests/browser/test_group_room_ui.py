"""A group session's room in real browsers (docs/webinar.md, "Group rooms"): the chair and two members in the
demo's "Morning group session". The members turn their cameras on without an invitation, raise hands in a speaking
order every page shows alike; the chair gives the floor (the speaker's tile becomes the large one on the others'
pages, their name is shown), mutes a microphone (the muted person is told who did it and may unmute), takes the
floor back. Keyboard, English on a desktop and Dutch on a 390 px phone, both axe-clean; screenshots under tmp_path.

Media goes through the server's relay here (no Janus): the tiles exist, whether or not pictures flow. The pictures
themselves are tests/browser/test_group_room_media.py's.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import PHONE, Browsers, Server
from tests.browser.media_pages import RECORDER
from tests.browser.test_web import api
from tests.browser.test_webinar_ui import enter_webinar

pytestmark = pytest.mark.browser

ANNA = "anna@voltera.example"
MIKE = "mike@bayfleet.example"
ORGANISER = "organiser@roundtable.example"  # Eva Jansen: a moderator of every item unless granted otherwise
TITLE = "Morning group session"
# Whether each live microphone track the page opened is on.
MIC = ("() => window.__rt.streams.flatMap(s => s.getAudioTracks()).filter(t => t.readyState === 'live')"
       ".map(t => t.enabled)")


def group_session(page: Any, nth: int) -> dict[str, Any]:
    items = [i for i in api(page, "/api/missions/1/programme") if i["kind"] == "group_session" and i["title"] == TITLE]
    assert len(items) > nth, "the demo mission has a morning group session every day"
    item: dict[str, Any] = items[nth]
    return item


def enter(page: Any, server: Server, item: dict[str, Any], by_link: bool = False) -> Any:
    """Open the group room (by the programme's "Join" link, or by address), as a webinar's."""
    if by_link:
        link = page.locator(f"#item-{item['id']} a.join-webinar")
        expect(link).to_have_text("Join")
        expect(link).to_have_attribute("aria-label", f"Join “{item['title']}”")
    return enter_webinar(page, server, item, by_link)


def tile(page: Any, uid: int) -> Any:
    return page.locator(f"#stage-grid .tile[data-user-id='{uid}'][data-source='camera']")


def me(page: Any) -> int:
    return int(api(page, "/api/me")["user"]["id"])


def looked_at(tmp_path: Path, pages: dict[str, tuple[Any, str]]) -> None:
    """A full-page screenshot of each page under tmp_path/shots (file name → page, what it shows), then axe on each:
    no WCAG 2.1 A/AA violation."""
    shots = tmp_path / "shots"
    shots.mkdir(exist_ok=True)
    for name, (page, what) in pages.items():
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        found = check(page)
        assert found == [], f"{what}: axe found\n{report(found)}"


def test_chair_gives_the_floor_mutes_and_takes_it_back(server: Server, browsers: Browsers, sign_in: Any,
                                                        tmp_path: Path) -> None:
    chair = sign_in(browsers.new(), ORGANISER)
    item = group_session(chair, 1)
    enter(chair, server, item, by_link=True)
    anna_ctx = browsers.new()
    anna_ctx.add_init_script(RECORDER)  # records her getUserMedia streams, to read her microphone track's state
    anna = enter(sign_in(anna_ctx, ANNA), server, item)
    mike = enter(sign_in(browsers.new(timezone_id="America/Los_Angeles"), MIKE), server, item)
    ids = {"anna": me(anna), "mike": me(mike)}

    # Group wording, not a webinar's; the speaking order is the first tab; only the chair has floor controls.
    expect(chair.locator(".w-role")).to_have_text("Chair")
    expect(anna.locator(".w-role")).to_have_text("Member")
    expect(anna.locator(".w-title .eyebrow")).to_contain_text("Group session")
    expect(anna.get_by_role("tab").first).to_have_text(re.compile("^Speaking order"))
    expect(anna.get_by_role("region", name="Cameras")).to_be_visible()
    expect(anna.locator("#floor-now")).to_have_text("Open discussion: nobody has the floor.")
    for page in (anna, mike):
        expect(page.locator("#floor-next")).to_have_count(0)
        expect(page.locator(".pub-camera")).to_have_count(0)  # members' cameras wait for the start
    expect(chair.locator("#floor-next")).to_be_disabled()  # nobody asked to speak yet

    # The chair starts it (days before its slot: asked first).
    chair.get_by_role("button", name="Start session").click()
    chair.get_by_role("button", name="Start now").click()
    expect(anna.locator(".timebox")).to_have_attribute("data-status", "live")

    # Both members turn their cameras on, no invitation needed; every page gets their tiles, named.
    for page in (anna, mike):
        page.get_by_role("button", name="Turn camera on").click()
        expect(page.get_by_role("button", name="Turn camera off")).to_be_visible()
        expect(page.get_by_role("button", name="Mute microphone")).to_have_attribute("aria-pressed", "false")
    for page, other in ((anna, "mike"), (mike, "anna"), (chair, "anna"), (chair, "mike")):
        expect(tile(page, ids[other])).to_have_count(1)
    expect(tile(mike, ids["anna"]).locator(".tile-name")).to_contain_text("Anna de Vries")
    expect(chair.locator("#stage-grid")).not_to_have_class(re.compile(r"\bhas-floor\b"))

    # Mike raises his hand first, then Anna (with the keyboard): one speaking order on every page.
    mike.locator("#hand-toggle").click()
    expect(chair.locator("#hand-list .hand")).to_have_count(1)
    anna.locator("#hand-toggle").focus()
    anna.keyboard.press("Enter")
    order = [re.compile("^Mike Alvarez"), re.compile("^Anna de Vries")]
    for page in (chair, anna, mike):
        expect(page.locator("#hand-list .hand-name")).to_have_text(order)
    expect(chair.locator("#floor-next")).to_have_attribute("aria-label", "Next speaker: Mike Alvarez")

    # "Next speaker": Mike has the floor, his hand goes down; his tile is the large one on the others' pages.
    chair.locator("#floor-next").click()
    expect(mike.locator("#floor-now")).to_have_text("You have the floor")
    for page in (anna, chair):
        expect(page.locator("#floor-now")).to_have_text("Mike Alvarez has the floor")
        expect(tile(page, ids["mike"])).to_have_class(re.compile(r"\bis-floor\b"))
        expect(page.locator("#stage-grid")).to_have_class(re.compile(r"\bhas-floor\b"))
        expect(tile(page, ids["mike"]).locator(".tile-floor")).to_be_visible()
    expect(anna.locator("#hand-list .hand-name")).to_have_text([re.compile("^Anna de Vries")])
    big = tile(anna, ids["mike"]).bounding_box()
    small = tile(anna, ids["anna"]).bounding_box()
    assert big["width"] > 2 * small["width"] and big["height"] > 2 * small["height"], (big, small)

    # The chair gives the floor to Anna from the speaking order, with the keyboard.
    give = chair.get_by_role("button", name="Give the floor to Anna de Vries")
    give.focus()
    chair.keyboard.press("Enter")
    for page in (mike, chair):
        expect(page.locator("#floor-now")).to_have_text("Anna de Vries has the floor")
        expect(tile(page, ids["anna"])).to_have_class(re.compile(r"\bis-floor\b"))
        expect(tile(page, ids["mike"])).not_to_have_class(re.compile(r"\bis-floor\b"))
    expect(anna.locator("#hand-list .hand")).to_have_count(0)
    expect(mike.locator("#hand-list")).not_to_contain_text("Anna")

    # Mute: the chair mutes Anna from her tile; her microphone goes off and she is told by whom.
    chair.get_by_role("button", name="Mute the microphone of Anna de Vries").click()
    expect(chair.locator(".stage-media .w-note")).to_have_text("Anna de Vries’s microphone is muted.")
    expect(anna.locator("#publish-note")).to_have_text(
        "Eva Jansen muted your microphone. Unmute it when you want to speak.")
    unmute = anna.get_by_role("button", name="Unmute microphone")
    expect(unmute).to_have_attribute("aria-pressed", "true")
    assert anna.evaluate(MIC) == [False], "the muted person's microphone track is off"
    expect(mike.locator("#publish-note")).to_have_text("")  # nobody else is told
    looked_at(tmp_path, {"group-chair-desktop": (chair, "the chair's group room (en, desktop)"),
                         "group-muted-member-desktop": (anna, "a muted member's group room (en, desktop)")})
    # She unmutes herself: the notice goes.
    unmute.click()
    expect(anna.get_by_role("button", name="Mute microphone")).to_have_attribute("aria-pressed", "false")
    expect(anna.locator("#publish-note")).to_have_text("")
    assert anna.evaluate(MIC) == [True]

    # The people list gives the floor too; then the chair takes it back: an even grid again.
    chair.get_by_role("tab", name=re.compile("^People")).click()
    chair.locator("#att-list .att", has_text="Mike Alvarez").get_by_role(
        "button", name="Give the floor to Mike Alvarez").click()
    expect(anna.locator("#floor-now")).to_have_text("Mike Alvarez has the floor")
    chair.get_by_role("button", name="Take the floor back").click()
    for page in (anna, mike, chair):
        expect(page.locator("#floor-now")).to_have_text("Open discussion: nobody has the floor.")
        expect(page.locator("#stage-grid")).not_to_have_class(re.compile(r"\bhas-floor\b"))
    expect(chair.get_by_role("button", name="Take the floor back")).to_be_hidden()


def test_group_room_in_dutch_on_a_phone(server: Server, browsers: Browsers, sign_in: Any, tmp_path: Path) -> None:
    chair = sign_in(browsers.new(viewport=PHONE), ORGANISER)
    item = group_session(chair, 2)
    enter(chair, server, item)
    mike_ctx = browsers.new(viewport=PHONE)
    mike = sign_in(mike_ctx, MIKE)
    mike.evaluate("localStorage.setItem('rt.lang', 'nl')")
    mike.goto(f"{server.base}/m/1")
    join = mike.locator(f"#item-{item['id']} a.join-webinar")
    expect(join).to_have_text("Deelnemen")
    join.click()
    expect(mike.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(mike.locator(".w-role")).to_have_text("Deelnemer")
    expect(mike.get_by_role("tab").first).to_have_text(re.compile("^Sprekersvolgorde"))

    chair.get_by_role("button", name="Start session").click()
    chair.get_by_role("button", name="Start now").click()
    expect(mike.locator(".timebox")).to_have_attribute("data-status", "live")
    mike.get_by_role("button", name="Camera aanzetten").click()
    expect(mike.get_by_role("button", name="Camera uitzetten")).to_be_visible()
    mike.get_by_role("button", name="Hand opsteken").click()
    expect(chair.locator("#hand-list .hand-name")).to_have_text([re.compile("^Mike Alvarez")])
    chair.locator("#floor-next").click()
    expect(mike.locator("#floor-now")).to_have_text("Jij hebt het woord")
    chair.get_by_role("button", name="Mute the microphone of Mike Alvarez").click()
    expect(mike.locator("#publish-note")).to_have_text(
        "Eva Jansen heeft je microfoon gedempt. Zet hem weer aan wanneer je wilt spreken.")
    expect(mike.get_by_role("button", name="Microfoon aanzetten")).to_have_attribute("aria-pressed", "true")

    # Nothing wider than the phone; axe-clean.
    width = mike.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone: {width}px"
    looked_at(tmp_path, {"group-member-phone-nl": (mike, "a member's group room (nl, 390 px)"),
                         "group-chair-phone-en": (chair, "the chair's group room (en, 390 px)")})
    assert chair.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    chair.get_by_role("button", name="Take the floor back").click()
    expect(mike.locator("#floor-now")).to_have_text("Open gesprek: niemand heeft het woord.")


def test_a_roundtable_off_ones_invite_list_is_nowhere(server: Server, browsers: Browsers, sign_in: Any) -> None:
    """An invite-only roundtable: Anna, invited, has it on her programme and can join its room; Mike, not invited,
    finds it neither on the programme nor by its address (the page says not found, as for no such item)."""
    from tests.browser.organiser_steps import json_of

    org = sign_in(browsers.new(), ORGANISER)
    base = f"{server.base}/api/missions/1"
    first = dt.datetime.fromisoformat(api(org, "/api/missions/1/programme")[0]["starts_at"].replace("Z", "+00:00"))
    starts, ends = (first + dt.timedelta(hours=h) for h in (5, 6))
    made = json_of(org.request.post(f"{base}/programme", data={
        "kind": "roundtable", "title": "Minister's roundtable with CEOs", "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
        "audience": "invited"}))
    anna = sign_in(browsers.new(), ANNA)
    json_of(org.request.put(f"{base}/programme/{made['id']}/invitees", data={"user_ids": [me(anna)]}))

    anna.reload()
    expect(anna.locator(f"#item-{made['id']}")).to_be_visible()
    enter(anna, server, made, by_link=True)
    expect(anna.locator(".w-role")).to_have_text("Member")

    mike = sign_in(browsers.new(), MIKE)
    expect(mike.locator(".programme .item").first).to_be_visible()
    expect(mike.locator(f"#item-{made['id']}")).to_have_count(0)
    expect(mike.get_by_text("Minister's roundtable with CEOs")).to_have_count(0)
    mike.goto(f"{server.base}/m/1/webinar/{made['id']}")
    expect(mike.get_by_role("heading", level=1)).to_have_text(re.compile("No such session"))
    expect(mike.get_by_text("Minister's roundtable with CEOs")).to_have_count(0)
