"""Issue 5 end to end in real browsers, run inside a private network namespace (tests/support/netns.py).

`book_and_meet` starts `roundtable serve` in the namespace and drives two headless Chromium contexts with fake
cameras: Anna (delegation) finds Mike (partner) among her recommendations and requests a slot, Mike accepts it,
both open the meeting room and each page decodes the other's video; Anna's network drops and comes back, then
she reloads the page, and the video flows again each time. It returns plain JSON; tests/browser/
test_matchmaking.py makes the assertions.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.browser.media_pages import SELECTED_PAIRS, Watch, chromium, decoding, diagnosed, me, open_page, video
from tests.browser.webinar_media_scenario import PEOPLE
from tests.support.procs import serving

REMOTE_VIDEO = "#remote-video"

# What a page shows and holds when something did not happen: printed with the failure.
DIAGNOSIS = (
    "() => ({url: location.href, note: document.querySelector('#meet-note')?.textContent,"
    " presence: document.querySelector('#meet-presence')?.textContent,"
    " pcs: (window.__rt?.pcs || []).map(pc => [pc.connectionState, pc.signalingState])})")


def book_and_meet(env: dict[str, str], log_dir: str) -> dict[str, Any]:
    from playwright.sync_api import expect

    out: dict[str, Any] = {}
    watch = Watch()
    with serving(env, Path(log_dir)) as server, chromium() as browser:
        anna = open_page(browser, watch, env, server, PEOPLE["anna"])
        mike = open_page(browser, watch, env, server, PEOPLE["mike"])
        pages = {"anna": anna, "mike": mike}
        with diagnosed(pages, server.log, DIAGNOSIS):
            ids = {"anna": me(anna), "mike": me(mike)}
            out["ids"] = ids

            # Anna finds Mike among her recommendations, with a reason, and asks for the first slot.
            anna.goto(f"{server.url}/m/1/matchmaking")
            card = anna.locator(f".rec-card[data-user-id='{ids['mike']}']")
            expect(card).to_be_visible()
            out["reason"] = card.locator(".rec-reason").inner_text()
            card.locator(".rec-request").click()
            dialog = anna.locator("dialog.mm-dialog")
            expect(dialog).to_be_visible()
            anna.locator("#mm-message").fill("Shall we talk about charging depots?")
            dialog.locator("input[name=slot]:not([disabled])").first.check()
            out["slot_text"] = dialog.locator(".slot-option").first.inner_text()
            anna.locator("#mm-send").click()
            expect(dialog).to_have_count(0)
            expect(card.locator(".rec-actions .rq-requested")).to_contain_text("Request sent")

            # Mike sees it live (a notification) and accepts the proposed slot.
            mike.goto(f"{server.url}/m/1/matchmaking")
            incoming = mike.locator("#mm-incoming .req-card")
            expect(incoming.first).to_be_visible()
            incoming.first.locator(".accept-slot").first.click()
            expect(mike.locator("#mm-incoming")).to_have_count(0)
            expect(anna.locator("#mm-bell")).not_to_have_attribute("data-count", "0")
            out["anna_note"] = anna.locator("#mm-notes .note").first.text_content()

            # Both find it on their schedule and open the room.
            for page in (anna, mike):
                page.goto(f"{server.url}/m/1/schedule")
                expect(page.locator(".sched-entry.is-meeting").first).to_be_visible()
            meeting_id = int(mike.locator(".sched-entry.is-meeting").first.get_attribute("data-meeting-id") or 0)
            out["meeting_id"] = meeting_id
            for page in (anna, mike):
                page.goto(f"{server.url}/m/1/meeting/{meeting_id}?test")
            for page in (anna, mike):
                expect(page.locator("#meet-presence")).to_have_attribute("data-state", "here", timeout=15_000)
            out["anna_sees_mike"] = decoding(anna, REMOTE_VIDEO, "Mike on Anna's page")
            out["mike_sees_anna"] = decoding(mike, REMOTE_VIDEO, "Anna on Mike's page")
            out["pairs"] = {name: page.evaluate(SELECTED_PAIRS) for name, page in pages.items()}
            anna.screenshot(path=str(Path(log_dir) / "meeting-anna.png"))

            # Anna's network drops (the browser goes offline and her socket closes), then comes back.
            anna.context.set_offline(True)
            anna.evaluate("() => window.__roundtable?.drop()")
            time.sleep(3)
            anna.context.set_offline(False)
            expect(anna.locator("#meet-presence")).to_have_attribute("data-state", "here")
            before = video(mike, REMOTE_VIDEO)["frames"]
            out["after_drop"] = decoding(mike, REMOTE_VIDEO, "Anna on Mike's page after her drop", after=before)
            out["after_drop_anna"] = decoding(anna, REMOTE_VIDEO, "Mike on Anna's page after her drop",
                                              after=video(anna, REMOTE_VIDEO)["frames"])

            # Anna reloads the room (a new peer connection on her side): Mike's page meets it.
            old_track = out["after_drop"]["later"]["track"]
            anna.reload()
            out["after_reload"] = decoding(mike, REMOTE_VIDEO, "Anna on Mike's page after her reload")
            out["reload_new_track"] = video(mike, REMOTE_VIDEO)["track"] != old_track
            out["after_reload_anna"] = decoding(anna, REMOTE_VIDEO, "Mike on Anna's page after her reload")

            # She ends the call: the notes form appears.
            anna.locator("#meet-end").click()
            expect(anna.locator("#meet-notes")).to_be_visible()
    out["foreign"] = watch.foreign
    out["page_errors"] = watch.page_errors
    return out
