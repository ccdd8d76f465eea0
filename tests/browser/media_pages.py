"""What the browser media scenarios share: headless Chromium with fake cameras, signed-in pages watched for
requests leaving the namespace and for uncaught errors, waiting for a <video> to decode, and the diagnosis printed
when a step did not happen (tests/browser/*_scenario.py run these inside a network namespace; the test modules
run them and check what the pages saw).

Pages are observed, never steered: an init script only records the RTCPeerConnections and getUserMedia streams the
page creates, so that their stats and states can be read.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.support.netns import HOST_ADDRESS, in_netns
from tests.support.procs import Server, env_for, roundtable, serving

ALLOWED = ("http://127.0.0.1:", "http://10.99.0.1:", "data:", "blob:")
TIMEOUT_MS = 30_000
MEDIA_SECONDS = 45.0  # first frames through Janus on a busy 2-core machine
NAMESPACE_ADDRESSES = {HOST_ADDRESS, "127.0.0.1"}

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

# A remote <video> (by selector): its picture size, the frames it has presented so far and its track.
VIDEO = """
(selector) => {
  const v = document.querySelector(selector);
  if (!v || !v.srcObject) return null;
  const q = v.getVideoPlaybackQuality();
  const track = v.srcObject.getVideoTracks()[0];
  return { width: v.videoWidth, height: v.videoHeight, frames: q.totalVideoFrames, track: track?.id ?? null,
    live: track?.readyState === 'live' };
}
"""


def tile(grid: str, user_id: int) -> str:
    """The selector of `user_id`'s video in a grid of tiles (the webinar stage, a lounge table)."""
    return f'{grid} .tile[data-user-id="{user_id}"] video'


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


def me(page: Any) -> int:
    who: dict[str, Any] = page.evaluate("async () => (await fetch('/api/me')).json()")
    return int(who["user"]["id"])


def video(page: Any, selector: str) -> Any:
    """The VIDEO sample of the <video> at `selector` (None while it has no stream)."""
    return page.evaluate(VIDEO, selector)


def decoding(page: Any, selector: str, what: str, after: int = -1) -> dict[str, Any]:
    """Waits until the <video> at `selector` has a picture and presents more frames than `after`, then more
    frames again; returns the two samples."""
    first = wait_for(f"{what}: a decoded picture",
                     lambda: (v := video(page, selector)) and v["width"] > 0 and v["frames"] > after and v)
    later = wait_for(f"{what}: more frames",
                     lambda: (v := video(page, selector)) and v["frames"] > first["frames"] and v)
    return {"first": first, "later": later}


def diagnose(pages: dict[str, Any], log: Path, script: str) -> str:
    """What each page shows and holds (`script`, evaluated in it), and the tail of the server's log."""
    lines = []
    for name, page in pages.items():
        try:
            lines.append(f"{name}: {page.evaluate(script)}")
        except Exception as exc:  # a page that cannot even answer says so
            lines.append(f"{name}: no diagnosis ({exc})")
    return "\n".join([*lines, "--- server log (tail) ---", *log.read_text(errors="replace").splitlines()[-40:]])


@contextlib.contextmanager
def diagnosed(pages: dict[str, Any], log: Path, script: str) -> Iterator[None]:
    """Prints the diagnosis when a step fails: the failure alone rarely says why media did not flow."""
    try:
        yield
    except Exception:
        print(diagnose(pages, log, script), file=sys.stderr, flush=True)
        raise


# -- in the test process ---------------------------------------------------------------------------------------


@dataclass
class Staged:
    """A media scenario under way: the server, the signed-in pages by name, and the JSON it returns (`out`, with
    its `timings`)."""

    server: Server
    pages: dict[str, Any]
    out: dict[str, Any] = field(default_factory=lambda: {"timings": {}})
    started: float = field(default_factory=time.monotonic)

    def mark(self, step: str) -> None:
        self.out["timings"][step] = round(time.monotonic() - self.started, 2)


@contextlib.contextmanager
def staged(env: dict[str, str], log_dir: str, people: dict[str, str], diagnosis: str) -> Iterator[Staged]:
    """Our server and Chromium in the namespace, one signed-in page per person, a failure printed with what each
    page showed (`diagnosis`); afterwards `out` says what went out of the namespace and what the pages threw."""
    watch = Watch()
    started = time.monotonic()
    with serving(env, Path(log_dir)) as server, chromium() as browser:
        pages = {name: open_page(browser, watch, env, server, email) for name, email in people.items()}
        run = Staged(server, pages, started=started)
        run.mark("server")
        with diagnosed(pages, server.log, diagnosis):
            yield run
    run.out["foreign"] = watch.foreign
    run.out["page_errors"] = watch.page_errors
    run.mark("done")


def run_scenario(scenario: Callable[[dict[str, str], str], dict[str, Any] | Awaitable[dict[str, Any]]],
                 tmp_path: Path,
                 timeout: float = 400.0, **settings: str) -> dict[str, Any]:
    """Runs `scenario` on the demo mission inside a network namespace (browsers on the host would use its other
    interface: /work/shared/MEDIA-NOTES.md) and returns what its pages saw."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    env = env_for(tmp_path / "var", **settings)
    roundtable(env, "demo", "--no-links")
    result: dict[str, Any] = in_netns(scenario, env, str(tmp_path), timeout=timeout)
    return result


def assert_pairs_in_namespace(pairs_by_page: dict[str, list[dict[str, Any]]]) -> None:
    """Every page has a selected candidate pair, and media stays on the namespace's addresses."""
    for name, pairs in pairs_by_page.items():
        assert pairs, f"{name} has no selected candidate pair"
        for pair in pairs:
            assert {pair["local"], pair["remote"]} <= NAMESPACE_ADDRESSES, (name, pair)
