"""Issue 5 end to end in real browsers, run inside a private network namespace (tests/netns.py).

`book_and_meet` starts `roundtable serve` in the namespace and drives two headless Chromium contexts with fake
cameras: Anna (delegation) finds Mike (partner) among her recommendations and requests a slot, Mike accepts it,
both open the meeting room and each page decodes the other's video; Anna's network drops and comes back, then
she reloads the page, and the video flows again each time. It returns plain JSON; tests/browser/
test_matchmaking.py makes the assertions.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from tests.browser.webinar_media_scenario import (
    PEOPLE,
    SELECTED_PAIRS,
    Watch,
    chromium,
    me,
    open_page,
    wait_for,
)
from tests.procs import serving

# The remote <video> of the meeting room: its picture size and the frames it has presented so far.
REMOTE_VIDEO = """
() => {
  const v = document.querySelector('#remote-video');
  if (!v || !v.srcObject) return null;
  const q = v.getVideoPlaybackQuality();
  const track = v.srcObject.getVideoTracks()[0];
  return { width: v.videoWidth, height: v.videoHeight, frames: q.totalVideoFrames, track: track?.id ?? null,
    live: track?.readyState === 'live' };
}
"""


def decoding(page: Any, what: str, after: int = -1) -> dict[str, Any]:
    """Waits until the remote video has a picture and its presented-frame count grows past `after`."""
    first = wait_for(f"{what}: a decoded picture",
                     lambda: (v := page.evaluate(REMOTE_VIDEO)) and v["width"] > 0 and v["frames"] > after and v)
    later = wait_for(f"{what}: more frames",
                     lambda: (v := page.evaluate(REMOTE_VIDEO)) and v["frames"] > first["frames"] and v)
    return {"first": first, "later": later}


def diagnose(pages: dict[str, Any], log: Path) -> str:
    lines = []
    for name, page in pages.items():
        try:
            lines.append(f"{name}: " + str(page.evaluate(
                "() => ({url: location.href, note: document.querySelector('#meet-note')?.textContent,"
                " presence: document.querySelector('#meet-presence')?.textContent,"
                " pcs: (window.__rt?.pcs || []).map(pc => [pc.connectionState, pc.signalingState])})")))
        except Exception as exc:  # a page that cannot answer says so
            lines.append(f"{name}: no diagnosis ({exc})")
    return "\n".join([*lines, "--- server log (tail) ---", *log.read_text(errors="replace").splitlines()[-40:]])


def book_and_meet(env: dict[str, str], log_dir: str) -> dict[str, Any]:
    from playwright.sync_api import expect

    out: dict[str, Any] = {}
    watch = Watch()
    with serving(env, Path(log_dir)) as server, chromium() as browser:
        anna = open_page(browser, watch, env, server, PEOPLE["anna"])
        mike = open_page(browser, watch, env, server, PEOPLE["mike"])
        pages = {"anna": anna, "mike": mike}
        try:
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
            expect(card.locator(".rec-actions .badge")).to_contain_text("Requested")

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
            out["anna_sees_mike"] = decoding(anna, "Mike on Anna's page")
            out["mike_sees_anna"] = decoding(mike, "Anna on Mike's page")
            out["pairs"] = {name: page.evaluate(SELECTED_PAIRS) for name, page in pages.items()}
            anna.screenshot(path=str(Path(log_dir) / "meeting-anna.png"))

            # Anna's network drops (the browser goes offline and her socket closes), then comes back.
            anna.context.set_offline(True)
            anna.evaluate("() => window.__roundtable?.drop()")
            time.sleep(3)
            anna.context.set_offline(False)
            expect(anna.locator("#meet-presence")).to_have_attribute("data-state", "here")
            before = mike.evaluate(REMOTE_VIDEO)["frames"]
            out["after_drop"] = decoding(mike, "Anna on Mike's page after her drop", after=before)
            out["after_drop_anna"] = decoding(anna, "Mike on Anna's page after her drop",
                                              after=anna.evaluate(REMOTE_VIDEO)["frames"])

            # Anna reloads the room (a new peer connection on her side): Mike's page meets it.
            old_track = out["after_drop"]["later"]["track"]
            anna.reload()
            out["after_reload"] = decoding(mike, "Anna on Mike's page after her reload")
            out["reload_new_track"] = mike.evaluate(REMOTE_VIDEO)["track"] != old_track
            out["after_reload_anna"] = decoding(anna, "Mike on Anna's page after her reload")

            # She ends the call: the notes form appears.
            anna.locator("#meet-end").click()
            expect(anna.locator("#meet-notes")).to_be_visible()
        except Exception:
            print(diagnose(pages, server.log), file=sys.stderr, flush=True)
            raise
    out["foreign"] = watch.foreign
    out["page_errors"] = watch.page_errors
    return out
