"""A webinar with real media in real browsers, run inside a private network namespace (tests/netns.py).

`stage_turn` starts `roundtable serve` (with its own Janus) in the namespace and drives four headless Chromium
contexts with fake cameras — host, moderator, Anna and Mike — through issue 4's scenario: the host goes live,
Anna asks, the moderator approves, Mike upvotes, the moderator brings Anna on stage, she accepts the device
check, Mike's page decodes her video, the moderator ends her turn and her publishing stops. It returns plain
JSON; tests/browser/test_webinar_media.py makes the assertions, so a failure there shows what was seen.

Pages are observed, never steered: an init script only records the RTCPeerConnections and getUserMedia
streams the page creates, so that their stats and states can be read.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.procs import Server, roundtable, serving

PEOPLE = {"host": "host@roundtable.example", "moderator": "moderator@roundtable.example",
          "anna": "anna@voltera.example", "mike": "mike@bayfleet.example"}
ALLOWED = ("http://127.0.0.1:", "http://10.99.0.1:", "data:", "blob:")
TIMEOUT_MS = 30_000
MEDIA_SECONDS = 45.0  # first frames through Janus on a busy 2-core machine
QUIET_SECONDS = 2.0  # a track that decoded nothing for this long has stopped
QUESTION = "May I show you our charging depot on camera?"

# Records what the page creates, without changing it: every RTCPeerConnection and every getUserMedia stream.
RECORDER = """
(() => {
  const pcs = [];
  const streams = [];
  Object.defineProperty(window, '__rt', { value: { pcs, streams } });
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); pcs.push(this); }
  };
  const md = navigator.mediaDevices;
  if (md && md.getUserMedia) {
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = async (c) => { const s = await gum(c); streams.push(s); return s; };
  }
})();
"""

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

# The addresses of every selected candidate pair on the page's open connections.
SELECTED_PAIRS = """
async () => {
  const out = [];
  for (const pc of window.__rt.pcs) {
    if (pc.signalingState === 'closed') continue;
    const stats = await pc.getStats();
    const byId = new Map();
    stats.forEach((s) => byId.set(s.id, s));
    stats.forEach((s) => {
      if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
      const pair = byId.get(s.selectedCandidatePairId);
      const local = byId.get(pair?.localCandidateId);
      const remote = byId.get(pair?.remoteCandidateId);
      out.push({ state: pair?.state, local: local?.address ?? local?.ip ?? null, local_type: local?.candidateType,
        remote: remote?.address ?? remote?.ip ?? null, remote_type: remote?.candidateType,
        bytes: (pair?.bytesSent || 0) + (pair?.bytesReceived || 0) });
    });
  }
  return out;
}
"""

# The tile of a user on the stage: its video's size and the frames the element has presented.
TILE_VIDEO = """
(userId) => {
  const v = document.querySelector(`#stage-grid .tile[data-user-id="${userId}"] video`);
  if (!v || !v.srcObject) return null;
  const track = v.srcObject.getVideoTracks()[0];
  const q = v.getVideoPlaybackQuality();
  return { width: v.videoWidth, height: v.videoHeight, frames: q.totalVideoFrames, track: track?.id ?? null,
    live: track?.readyState === 'live' };
}
"""


class Watch:
    """What every page did that a test must not allow: requests leaving 127.0.0.1 / 10.99.0.1, uncaught errors."""

    def __init__(self) -> None:
        self.foreign: list[str] = []
        self.page_errors: list[str] = []

    def guard(self, route: Any) -> None:
        url: str = route.request.url
        if url.startswith(ALLOWED):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


def wait_for(what: str, check: Callable[[], Any], timeout: float = MEDIA_SECONDS, every: float = 0.25) -> Any:
    """Polls `check` until it returns something truthy; fails naming `what` (and the last value) otherwise."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


def sign_in_link(env: dict[str, str], server: Server, email: str) -> str:
    out = roundtable({**env, "ROUNDTABLE_PUBLIC_URL": server.url}, "login-link", email, "--mission", "1")
    url = out.stdout.strip().splitlines()[-1]
    assert url.startswith(server.url + "/link#t="), url
    return url


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser: Any, watch: Watch, env: dict[str, str], server: Server, email: str) -> Any:
    """A fresh context signed in as `email` through a printed one-time link."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="Europe/Amsterdam",
                                  permissions=["camera", "microphone"])
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", watch.guard)
    context.add_init_script(RECORDER)
    page = context.new_page()
    page.on("pageerror", lambda exc: watch.page_errors.append(f"{email}: {exc}"))
    page.goto(sign_in_link(env, server, email))
    page.get_by_role("button", name="Continue as").click()
    page.wait_for_url(f"{server.url}/m/1")
    expect(page.locator(".programme .item").first).to_be_visible()
    return page


def first_webinar(page: Any) -> dict[str, Any]:
    items: list[dict[str, Any]] = page.evaluate(
        "async () => (await fetch('/api/missions/1/programme', {credentials: 'same-origin'})).json()")
    return next(i for i in items if i["kind"] == "webinar")


def enter(page: Any, server: Server, item: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server.url}/m/1/webinar/{item['id']}?test")
    expect(page.get_by_role("heading", name=item["title"], level=1)).to_be_visible()
    expect(page.locator("#q-list")).to_be_attached()


def me(page: Any) -> int:
    who: dict[str, Any] = page.evaluate("async () => (await fetch('/api/me')).json()")
    return int(who["user"]["id"])


def decoding(page: Any, user_id: int, what: str) -> dict[str, Any]:
    """Waits until `user_id`'s tile shows a picture whose frame count grows; returns the two samples."""
    first = wait_for(f"{what}: a tile with a decoded picture",
                     lambda: (v := page.evaluate(TILE_VIDEO, user_id)) and v["width"] > 0 and v)
    later = wait_for(f"{what}: more frames after the first picture",
                     lambda: (v := page.evaluate(TILE_VIDEO, user_id)) and v["frames"] > first["frames"] and v)
    return {"first": first, "later": later}


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


def diagnose(pages: dict[str, Any], server: Server) -> str:
    lines = []
    for name, page in pages.items():
        try:
            lines.append(f"{name}: {page.evaluate(DIAGNOSIS)}")
        except Exception as exc:  # a page that cannot even answer says so
            lines.append(f"{name}: no diagnosis ({exc})")
    log = server.log.read_text(errors="replace").splitlines()
    return "\n".join([*lines, "--- server log (tail) ---", *log[-40:]])


def stage_turn(env: dict[str, str], log_dir: str) -> dict[str, Any]:
    from playwright.sync_api import expect

    out: dict[str, Any] = {"timings": {}}
    t0 = time.monotonic()

    def mark(step: str) -> None:
        out["timings"][step] = round(time.monotonic() - t0, 2)

    watch = Watch()
    with serving(env, Path(log_dir)) as server, chromium() as browser:
        mark("server")
        pages = {name: open_page(browser, watch, env, server, email) for name, email in PEOPLE.items()}
        try:
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
            expect(mike.locator(".timebox")).to_have_attribute("data-status", "live")
            host.locator(".pub-camera").click()
            out["host_on_mike"] = decoding(mike, ids["host"], "the host on Mike's page")
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
            expect(mods_q.locator(".q-votes")).to_have_text("1")
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
            out["anna_on_mike"] = decoding(mike, ids["anna"], "Anna on Mike's page")
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
            out["host_after"] = decoding(mike, ids["host"], "the host on Mike's page after Anna's turn")
            out["mike_tiles_after"] = mike.eval_on_selector_all(
                "#stage-grid .tile", "els => els.map(e => Number(e.dataset.userId))")
            mark("anna-ended")
        except Exception:
            print(diagnose(pages, server), file=sys.stderr, flush=True)
            raise
    out["foreign"] = watch.foreign
    out["page_errors"] = watch.page_errors
    mark("done")
    return out
