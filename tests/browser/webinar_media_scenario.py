"""A webinar with real media in real browsers, run inside a private network namespace (tests/support/netns.py).

`stage_turn` starts `roundtable serve` (with its own Janus) in the namespace and drives four headless Chromium
contexts with fake cameras — host, moderator, Anna and Mike — through issue 4's scenario: the host goes live,
Anna asks, the moderator approves, Mike upvotes, the moderator brings Anna on stage, she accepts the device
check, Mike's page decodes her video, the moderator ends her turn and her publishing stops. It returns plain
JSON; tests/browser/test_webinar_media.py makes the assertions, so a failure there shows what was seen.

The browser machinery, shared with the other media scenarios, is tests/browser/media_pages.py.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.browser.media_pages import (
    SELECTED_PAIRS,
    TIMEOUT_MS,
    decoding,
    me,
    staged,
    tile,
    wait_for,
)
from tests.support.procs import Server

PEOPLE = {"host": "host@roundtable.example", "moderator": "moderator@roundtable.example",
          "anna": "anna@voltera.example", "mike": "mike@bayfleet.example"}
QUIET_SECONDS = 2.0  # a track that decoded nothing for this long has stopped
QUESTION = "May I show you our charging depot on camera?"
STAGE = "#stage-grid"

# Frames decoded for a given remote track, summed over the page's connections (inbound-rtp stats).
FRAMES_DECODED = """
async (trackId) => {
  let n = 0;
  for (const pc of window.__rt.pcs) {
    if (pc.signalingState === 'closed') continue;
    const stats = await pc.getStats();
    stats.forEach((s) => { if (s.type === 'inbound-rtp' && s.trackIdentifier === trackId) n += s.framesDecoded || 0; });
  }
  return n;
}
"""

# Where a remote track stands at the viewer: gone with its transceiver, or still there (ended or muted).
RECEIVER_STATE = """
(trackId) => {
  for (const pc of window.__rt.pcs) {
    for (const t of pc.getTransceivers()) {
      if (t.receiver.track?.id === trackId) {
        return { state: t.receiver.track.readyState, muted: t.receiver.track.muted, direction: t.currentDirection };
      }
    }
  }
  return { state: 'gone' };
}
"""

def first_webinar(page: Any) -> dict[str, Any]:
    items: list[dict[str, Any]] = page.evaluate(
        "async () => (await fetch('/api/missions/1/programme', {credentials: 'same-origin'})).json()")
    return next(i for i in items if i["kind"] == "webinar")


def enter(page: Any, server: Server, item: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server.url}/m/1/webinar/{item['id']}?test")
    expect(page.get_by_role("heading", name=item["title"], level=1)).to_be_visible()
    expect(page.locator("#q-list")).to_be_attached()


def stats_frames(page: Any, track: str) -> int:
    n: int = page.evaluate(FRAMES_DECODED, track)
    return n


def stopped(page: Any, track: str) -> dict[str, Any]:
    """Waits until the track decoded nothing for QUIET_SECONDS; returns the counts around that quiet window."""
    def quiet() -> dict[str, Any] | None:
        before = stats_frames(page, track)
        time.sleep(QUIET_SECONDS)
        after = stats_frames(page, track)
        return {"before": before, "after": after} if after == before else None

    result: dict[str, Any] = wait_for("the guest's frames to stop at the viewer", quiet, every=0.0)
    return result


# What a page shows and holds when something did not happen: printed with the failure.
DIAGNOSIS = """
() => ({
  tiles: [...document.querySelectorAll('#stage-grid .tile')].map(e => e.className + ' user=' + e.dataset.userId
    + ' feed=' + e.dataset.feed),
  notes: [...document.querySelectorAll('.w-note, .stage-msg')].map(e => e.textContent).filter(Boolean),
  pcs: (window.__rt?.pcs || []).map(pc => ({ conn: pc.connectionState, ice: pc.iceConnectionState,
    signaling: pc.signalingState, transceivers: pc.getTransceivers().map(t => `${t.mid}:${t.currentDirection}:`
      + `${t.receiver.track?.kind}:${t.receiver.track?.readyState}:${t.sender.track ? 'sending' : ''}`) })),
  stage: window.__webinar ? JSON.stringify(window.__webinar.view().stage) : null,
})
"""


def stage_turn(env: dict[str, str], log_dir: str) -> dict[str, Any]:
    from playwright.sync_api import expect

    with staged(env, log_dir, PEOPLE, DIAGNOSIS) as run:
        out, mark, server, pages = run.out, run.mark, run.server, run.pages
        host, mod, anna, mike = pages["host"], pages["moderator"], pages["anna"], pages["mike"]
        item = first_webinar(host)
        ids = {name: me(page) for name, page in pages.items()}
        out["ids"] = ids
        for page in pages.values():
            enter(page, server, item)
        out["roles"] = {name: page.locator(".w-role").inner_text() for name, page in pages.items()}
        mark("signed-in")

        # The host starts the webinar and goes live with the camera: now there is a stage.
        host.get_by_role("button", name="Start webinar").click()
        host.get_by_role("button", name="Start now").click()  # the demo's webinars are days ahead
        expect(mike.locator(".timebox")).to_have_attribute("data-status", "live")
        host.locator(".pub-camera").click()
        out["host_on_mike"] = decoding(mike, tile(STAGE, ids["host"]), "the host on Mike's page")
        mark("host-live")

        # Pre-approved Q&A: Anna asks, the moderator approves, Mike upvotes.
        mod.locator("#qa-mode").select_option("pre-approved")
        expect(mod.locator("#qa-mode")).to_have_value("pre-approved")
        anna.locator("#ask-input").fill(QUESTION)
        anna.get_by_role("button", name="Ask", exact=True).click()
        expect(anna.locator("#ask-note")).to_have_text("Sent. It appears once a moderator approves it.")
        mod.locator("#q-pending .question", has_text=QUESTION).get_by_role("button", name="Approve").click()
        mikes_q = mike.locator("#q-list .question", has_text=QUESTION)
        mikes_q.locator(".q-vote").click()
        mods_q = mod.locator("#q-list .question", has_text=QUESTION)
        # Each page gets the vote by its own socket (the moderator's count even from the staff room, published
        # before the public one): wait for every page, as a person would, rather than read them all at the
        # moment the first one shows it. A page that never shows it fails here.
        for name in ("moderator", "mike", "anna"):
            expect(pages[name].locator("#q-list .question", has_text=QUESTION).locator(".q-votes")).to_have_text(
                "1", timeout=TIMEOUT_MS)
        out["votes"] = {name: pages[name].locator("#q-list .question", has_text=QUESTION).locator(".q-votes")
                        .inner_text() for name in ("mike", "anna", "moderator")}
        mark("question-approved-upvoted")

        # The moderator brings Anna on stage with her question; she checks her devices and accepts.
        mods_q.get_by_role("button", name="Bring on stage").click()
        dialog = anna.locator("dialog.device-check")
        expect(dialog).to_be_visible()
        out["dialog_title"] = dialog.locator("h2").inner_text()
        preview = wait_for("Anna's live preview", lambda: anna.evaluate(
            "() => { const v = document.querySelector('dialog.device-check .check-video');"
            " return v && v.videoWidth > 0 && !v.paused ? {width: v.videoWidth, height: v.videoHeight} : null; }"))
        out["preview"] = preview
        anna.locator("#check-accept").click()
        expect(dialog).to_have_count(0)
        mark("anna-accepted")

        # Mike's page shows her tile and decodes her video: the element presents frames and the stats agree.
        out["anna_on_mike"] = decoding(mike, tile(STAGE, ids["anna"]), "Anna on Mike's page")
        anna_track = out["anna_on_mike"]["later"]["track"]
        first_stats = wait_for("inbound-rtp frames for Anna's track", lambda: stats_frames(mike, anna_track))
        later_stats = wait_for("more inbound-rtp frames for Anna's track",
                               lambda: (n := stats_frames(mike, anna_track)) > first_stats and n)
        out["anna_stats"] = {"first": first_stats, "later": later_stats}
        out["mike_tiles"] = mike.eval_on_selector_all(
            "#stage-grid .tile", "els => els.map(e => ({user: Number(e.dataset.userId), "
            "video: !e.classList.contains('no-video')}))")
        # Her publisher: the connection that sends tracks (her viewing connection only receives).
        publishers: list[int] = anna.evaluate(
            "() => window.__rt.pcs.flatMap((pc, i) => pc.getSenders().some(s => s.track) ? [i] : [])")
        out["anna_publishers"] = anna.evaluate(
            "(ix) => ix.map(i => window.__rt.pcs[i].connectionState)", publishers)
        mark("anna-decoded")
        shot = Path(log_dir) / "mike-two-tiles.png"
        mike.screenshot(path=str(shot))
        out["screenshot"] = str(shot)

        # Media stays in the namespace: every selected candidate pair, on every page.
        out["pairs"] = {name: page.evaluate(SELECTED_PAIRS) for name, page in pages.items()}

        # The moderator ends her turn from her tile: her page stops publishing, Mike's loses her tile and frames.
        mod.screenshot(path=str(Path(log_dir) / "moderator-guest-tile.png"))
        out["anna_frames_at_end"] = stats_frames(mike, anna_track)
        mod.locator(f"#stage-grid .tile[data-user-id='{ids['anna']}'] .tile-end").click()
        expect(mike.locator(f"#stage-grid .tile[data-user-id='{ids['anna']}']")).to_have_count(0)
        expect(anna.locator("#publish-note")).to_have_text("Your turn on stage has ended. Thank you!")
        out["anna_after"] = wait_for("Anna's publisher to close and her tracks to end", lambda: anna.evaluate(
            "(ix) => { const r = window.__rt;"
            " const pcs = ix.map(i => r.pcs[i].connectionState);"
            " const tracks = r.streams.flatMap(s => s.getTracks()).map(t => t.readyState);"
            " return pcs.every(s => s === 'closed') && tracks.every(s => s === 'ended')"
            "   ? {publishers: pcs, tracks} : null; }", publishers), timeout=TIMEOUT_MS / 1000)
        out["anna_stopped"] = stopped(mike, anna_track)
        out["anna_receiver_after"] = mike.evaluate(RECEIVER_STATE, anna_track)
        out["host_after"] = decoding(mike, tile(STAGE, ids["host"]),
                                     "the host on Mike's page after Anna's turn")
        out["mike_tiles_after"] = mike.eval_on_selector_all(
            "#stage-grid .tile", "els => els.map(e => Number(e.dataset.userId))")
        mark("anna-ended")
    return run.out
