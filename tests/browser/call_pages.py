"""Async browser machinery for the call scenarios (tests/browser/call_scenario.py): several pages must act at the
same instant, which Playwright's sync API cannot do. One Chromium process; every person gets a fresh context per
run, signed in with a session saved once (a context made from it has no cache, no page, no socket: a new tab in
a new browser profile). Like tests/browser/media_pages.py, pages are observed, never steered.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.browser.media_pages import ALLOWED, RECORDER, Watch, sign_in_link
from tests.support.procs import Server

TIMEOUT_MS = 60_000  # page loads and clicks on a machine other tests load too; calls are timed on their own

# Records, without changing anything, when the page's calls moved: every signal in and out, every `joined` of a
# call room and every connection state, in ms since the page started (read when a run was slow).
TIMELINE = """
(() => {
  const log = [];
  Object.defineProperty(window, '__timeline', { value: log });
  const at = () => Math.round(performance.now());
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (m) => {
        try {
          const f = JSON.parse(m.data);
          if (f.type === 'signal') log.push([at(), `in ${f.signal.kind} from ${f.from} (${f.role})`]);
          else if (f.type === 'joined' && /^(meeting|table):/.test(f.room)) log.push([at(), `joined ${f.room}`]);
          else if (f.type === 'call-moved') log.push([at(), 'call-moved']);
        } catch { /* not ours to judge */ }
      });
    }
    send(data) {
      try {
        const f = JSON.parse(data);
        if (f.type === 'signal' && f.signal.kind !== 'candidate') log.push([at(), `out ${f.signal.kind}`]);
      } catch { /* not ours to judge */ }
      super.send(data);
    }
  };
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      log.push([at(), 'new connection']);
      this.addEventListener('connectionstatechange', () => log.push([at(), `connection ${this.connectionState}`]));
    }
  };
})();
"""

# For each <video> selector: its picture size, its track, and the frames the page has decoded of that track so
# far (inbound-rtp stats); one pass over the page's connections for all of them, to keep the page's load low.
PICTURES = """
async (selectors) => {
  const decoded = {};
  for (const pc of window.__rt.pcs) {
    if (pc.signalingState === 'closed') continue;
    const stats = await pc.getStats();
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') decoded[s.trackIdentifier] = s.framesDecoded || 0;
    });
  }
  return selectors.map((selector) => {
    const v = document.querySelector(selector);
    const track = v?.srcObject?.getVideoTracks()[0];
    if (!v || !track || track.readyState !== 'live') return null;
    return { width: v.videoWidth, track: track.id, decoded: decoded[track.id] || 0 };
  });
}
"""


@dataclass
class Browser:
    """One Chromium; contexts for people, with what every page did that a test must not allow."""

    browser: Any
    server: Server
    env: dict[str, str]
    watch: Watch = field(default_factory=Watch)
    sessions: dict[str, Any] = field(default_factory=dict)  # email → saved storage state
    console: list[str] = field(default_factory=list)  # what pages warned about: told when a step fails

    async def context(self, email: str | None = None, *, locale: str = "en-GB",
                      viewport: dict[str, int] = DESKTOP) -> Any:
        """A fresh context, signed in as `email` (from the session saved for them) or not signed in at all."""
        state = None if email is None else await self.session(email)
        context = await self.browser.new_context(viewport=viewport, locale=locale, timezone_id="Europe/Amsterdam",
                                                 permissions=["camera", "microphone"], storage_state=state)
        context.set_default_timeout(TIMEOUT_MS)
        await context.route("**/*", self.guard)
        await context.add_init_script(RECORDER)
        await context.add_init_script(TIMELINE)
        return context

    async def guard(self, route: Any) -> None:
        """Lets requests to the namespace's addresses through; anything else is refused and remembered."""
        url: str = route.request.url
        if url.startswith(ALLOWED):
            await route.continue_()
        else:
            self.watch.foreign.append(url)
            await route.abort()

    async def page(self, context: Any, name: str) -> Any:
        page = await context.new_page()
        page.on("pageerror", lambda exc: self.watch.page_errors.append(f"{name}: {exc}"))
        page.on("console", lambda msg: self.console.append(f"{name}: {msg.text}")
                if msg.type in ("warning", "error") else None)
        return page

    async def session(self, email: str) -> Any:
        if email not in self.sessions:
            context = await self.context(None)
            page = await self.page(context, email)
            await self.sign_in(page, email)
            self.sessions[email] = await context.storage_state()
            await context.close()
        return self.sessions[email]

    async def sign_in(self, page: Any, email: str) -> None:
        """Signs in through a printed one-time link, as a person would."""
        link = await asyncio.to_thread(sign_in_link, self.env, self.server, email)
        await page.goto(link)
        await page.get_by_role("button", name="Continue as").click()
        await page.wait_for_url(f"{self.server.url}/m/1")


@contextlib.asynccontextmanager
async def chromium(server: Server, env: dict[str, str]) -> AsyncIterator[Browser]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield Browser(browser, server, env)
        finally:
            await browser.close()


def api(server: Server, token: str, method: str, path: str, body: Any = None) -> Any:
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        answer = http.request(method, path, json=body)
        assert answer.status_code in (200, 201), (method, path, answer.text)
        return answer.json()


async def until(what: str, check: Callable[[], Awaitable[Any]], timeout: float, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):  # a page navigating under us answers again a moment later
            last = await check()
            if last:
                return last
        await asyncio.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


async def pictures_flow(page: Any, selectors: list[str], what: str, timeout: float) -> list[dict[str, Any]]:
    """Waits until every <video> of `selectors` shows a picture and the frames the page decodes of its track
    rise; returns, per selector, the picture's width and the two counts seen."""
    first: dict[int, dict[str, Any]] = {}
    done: dict[int, dict[str, Any]] = {}

    async def check() -> bool:
        seen: list[dict[str, Any] | None] = await page.evaluate(PICTURES, selectors)
        for i, now in enumerate(seen):
            if i in done or not now or now["width"] <= 0 or now["decoded"] <= 0:
                continue
            was = first.get(i)
            if was is None or was["track"] != now["track"]:
                first[i] = now
            elif now["decoded"] > was["decoded"]:
                done[i] = {"width": now["width"], "first": was["decoded"], "later": now["decoded"]}
        return len(done) == len(selectors)

    try:
        await until(what, check, timeout, every=0.4)
    except AssertionError as failed:
        missing = [selectors[i] for i in range(len(selectors)) if i not in done]
        raise AssertionError(f"{failed}; no rising picture in {missing}") from None
    return [done[i] for i in range(len(selectors))]


async def video_flows(page: Any, selector: str, what: str, timeout: float) -> dict[str, Any]:
    return (await pictures_flow(page, [selector], what, timeout))[0]


async def describe(pages: dict[str, Any], script: str) -> str:
    lines = []
    for name, page in pages.items():
        try:
            lines.append(f"{name}: {await page.evaluate(script)}")
        except Exception as exc:
            lines.append(f"{name}: no diagnosis ({exc})")
    return "\n".join(lines)


@contextlib.asynccontextmanager
async def run_of(out: dict[str, Any], pages: dict[str, Any], script: str, contexts: list[Any],
                 more: Callable[[], list[str]] = list) -> AsyncIterator[None]:
    """One run: a step that did not happen is written into `out` with what each page shows (`script`) and
    `more` (what the pages warned about, the server's log), instead of ending the scenario; the run's contexts
    are closed in any case."""
    try:
        yield
    except AssertionError as failed:
        out["error"] = str(failed)
        out["diagnosis"] = "\n".join([await describe(pages, script), *more()])
    finally:
        await asyncio.gather(*(c.close() for c in contexts))
