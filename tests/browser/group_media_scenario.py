"""A group session with real media in real browsers, run inside a private network namespace (tests/support/netns.py).

`floor_given` starts `roundtable serve` (with its own Janus) in the namespace and drives five headless Chromium
contexts with fake cameras through the group room's done-when (docs/webinar.md, "Group rooms"): the chair starts
the demo's morning group session, all five turn their cameras on (no invitation), Anna raises her hand, the chair
gives her the floor, and every other page shows her tile large and decodes her video. It returns plain JSON;
tests/browser/test_group_room_media.py makes the assertions.

The browser machinery is tests/browser/media_pages.py's; reading frames is webinar_media_scenario.py's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.media_pages import (
    SELECTED_PAIRS,
    TIMEOUT_MS,
    decoding,
    me,
    staged,
    tile,
    video,
    wait_for,
)
from tests.browser.webinar_media_scenario import DIAGNOSIS, enter, stats_frames

# The chair first: an organiser moderates the mission's items unless granted otherwise.
PEOPLE = {"chair": "organiser@roundtable.example", "host": "host@roundtable.example",
          "moderator": "moderator@roundtable.example", "anna": "anna@voltera.example", "mike": "mike@bayfleet.example"}
SPEAKER = "anna"
STAGE = "#stage-grid"
TITLE = "Morning group session"
IS_FLOOR = re.compile(r"\bis-floor\b")


def morning_session(page: Any) -> dict[str, Any]:
    items: list[dict[str, Any]] = page.evaluate(
        "async () => (await fetch('/api/missions/1/programme', {credentials: 'same-origin'})).json()")
    return next(i for i in items if i["kind"] == "group_session" and i["title"] == TITLE)


def growing(page: Any, track: str, name: str) -> dict[str, int]:
    """inbound-rtp framesDecoded for `track` on `page`: a first count above zero, then a larger one."""
    first: int = wait_for(f"inbound-rtp frames for the speaker's track on {name}'s page",
                          lambda: stats_frames(page, track))

    def more() -> int:
        n = stats_frames(page, track)
        return n if n > first else 0

    later: int = wait_for(f"more inbound-rtp frames for the speaker's track on {name}'s page", more)
    return {"first": first, "later": later}


def floor_given(env: dict[str, str], log_dir: str) -> dict[str, Any]:
    from playwright.sync_api import expect

    with staged(env, log_dir, PEOPLE, DIAGNOSIS) as run:
        out, mark, server, pages = run.out, run.mark, run.server, run.pages
        chair, speaker = pages["chair"], pages[SPEAKER]
        viewers = {name: page for name, page in pages.items() if name != SPEAKER}
        item = morning_session(chair)
        ids = {name: me(page) for name, page in pages.items()}
        out["ids"] = ids
        for page in pages.values():
            enter(page, server, item)
        out["roles"] = {name: page.locator(".w-role").inner_text() for name, page in pages.items()}
        mark("entered")

        # The chair starts the session (the demo's are days ahead: asked first).
        chair.get_by_role("button", name="Start session").click()
        chair.get_by_role("button", name="Start now").click()
        for page in pages.values():
            expect(page.locator(".timebox")).to_have_attribute("data-status", "live")
        mark("live")

        # Everyone turns their camera on; every page comes to show all five tiles.
        for page in pages.values():
            page.get_by_role("button", name="Turn camera on").click()
        for page in pages.values():
            expect(page.locator(f"{STAGE} .tile[data-source='camera']")).to_have_count(len(PEOPLE),
                                                                                      timeout=TIMEOUT_MS * 2)
        out["tiles"] = {name: sorted(page.eval_on_selector_all(
            f"{STAGE} .tile", "els => els.map(e => Number(e.dataset.userId))")) for name, page in pages.items()}
        mark("cameras-on")

        # Anna raises her hand; the chair gives the floor to the first hand.
        speaker.locator("#hand-toggle").click()
        expect(chair.locator("#floor-next")).to_be_enabled()
        chair.locator("#floor-next").click()
        expect(speaker.locator("#floor-now")).to_have_text("You have the floor")
        out["floor_text"] = {}
        out["large"] = {}
        for name, page in viewers.items():
            expect(page.locator(f"{STAGE} .tile[data-user-id='{ids[SPEAKER]}']")).to_have_class(IS_FLOOR)
            out["floor_text"][name] = page.locator("#floor-now").inner_text()
            out["large"][name] = page.eval_on_selector_all(
                f"{STAGE} .tile.is-floor", "els => els.map(e => Number(e.dataset.userId))")
        out["hands_after"] = chair.eval_on_selector_all("#hand-list .hand", "els => els.length")
        mark("floor-given")

        # Every other page decodes her video: the big tile presents frames, and inbound-rtp framesDecoded for her
        # track grows.
        out["decoded"] = {}
        for name, page in viewers.items():
            seen = decoding(page, tile(STAGE, ids[SPEAKER]), f"Anna's video on {name}'s page")
            out["decoded"][name] = {"video": seen, "stats": growing(page, seen["later"]["track"], name)}
        mark("decoded")

        # The floor holder's camera is sent large (her tile is), the others small: on Mike's page her picture
        # grows past the small tiles' 480 px; the host's stays small.
        mike = pages["mike"]
        out["speaker_width"] = wait_for("Anna's picture sent large on Mike's page", lambda: (
            v := video(mike, tile(STAGE, ids[SPEAKER]))) and v["width"] > 480 and v["width"])
        out["small_width"] = video(mike, tile(STAGE, ids["host"]))["width"]
        mark("large")
        shot = Path(log_dir) / "mike-anna-has-the-floor.png"
        pages["mike"].screenshot(path=str(shot))
        out["screenshot"] = str(shot)
        out["pairs"] = {name: page.evaluate(SELECTED_PAIRS) for name, page in pages.items()}

        # The chair records the session: every page shows it, and everyone on camera is told and may decline;
        # Mike does, which his page keeps after a reload (the server's state says so).
        chair.get_by_role("button", name="Record").click()
        for page in pages.values():
            expect(page.locator(".rec-mark")).to_be_visible()
        expect(mike.locator(".rec-consent")).to_contain_text("This session is recorded")
        mike.get_by_role("button", name="Don't record me").click()
        expect(mike.locator(".rec-consent")).to_contain_text("You are not recorded.")
        out["declined"] = chair.evaluate("window.__webinar.view().recording.declined")
        mike.reload()
        expect(mike.get_by_role("button", name="Record me")).to_be_visible(timeout=TIMEOUT_MS)
        chair.get_by_role("button", name="Stop recording").click()
        expect(anna_mark := pages[SPEAKER].locator(".rec-mark")).to_be_hidden()
        out["recording_after_stop"] = bool(anna_mark.is_visible())
        mark("recorded")
    return run.out
