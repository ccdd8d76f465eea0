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
from tests.browser.media_pages import ALLOWED, RECORDER, VIDEO, Watch, sign_in_link
from tests.procs import Server

TIMEOUT_MS = 30_000

# Video frames decoded so far on the page's open connections, per remote track (inbound-rtp stats).
DECODED = """
async () => {
  const out = {};
  for (const pc of window.__rt.pcs) {
    if (pc.signalingState === 'closed') continue;
    const stats = await pc.getStats();
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') out[s.trackIdentifier] = s.framesDecoded || 0;
    });
  }
  return out;
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

    async def context(self, email: str | None = None) -> Any:
        """A fresh context, signed in as `email` (from the session saved for them) or not signed in at all."""
        state = None if email is None else await self.session(email)
        context = await self.browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="Europe/Amsterdam",
                                                 permissions=["camera", "microphone"], storage_state=state)
        context.set_default_timeout(TIMEOUT_MS)
        await context.route("**/*", self.guard)
        await context.add_init_script(RECORDER)
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


async def sees_video(page: Any, selector: str) -> dict[str, Any] | None:
    """The <video> at `selector` has a picture and the page decodes video: its picture size and the frames."""
    seen: dict[str, Any] | None = await page.evaluate(VIDEO, selector)
    if not seen or seen["width"] <= 0 or not seen["live"]:
        return None
    decoded: dict[str, int] = await page.evaluate(DECODED)
    seen["decoded"] = decoded.get(seen["track"] or "", 0)
    return seen if seen["decoded"] > 0 else None


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


async def video_flows(page: Any, selector: str, what: str, timeout: float) -> dict[str, Any]:
    """Waits until the <video> at `selector` shows a picture and its decoded frames rise; returns both samples."""
    first = await until(f"{what}: a decoded picture", lambda: sees_video(page, selector), timeout)

    async def more() -> dict[str, Any] | None:
        later = await sees_video(page, selector)
        return later if later and later["decoded"] > first["decoded"] and later["track"] == first["track"] else None

    later = await until(f"{what}: more frames", more, timeout)
    return {"width": later["width"], "first": first["decoded"], "later": later["decoded"]}


async def describe(pages: dict[str, Any], script: str) -> str:
    lines = []
    for name, page in pages.items():
        try:
            lines.append(f"{name}: {await page.evaluate(script)}")
        except Exception as exc:
            lines.append(f"{name}: no diagnosis ({exc})")
    return "\n".join(lines)


@contextlib.asynccontextmanager
async def run_of(out: dict[str, Any], pages: dict[str, Any], script: str, contexts: list[Any]) -> AsyncIterator[None]:
    """One run: a step that did not happen is written into `out` with what each page shows (`script`), instead
    of ending the scenario; the run's contexts are closed in any case."""
    try:
        yield
    except AssertionError as failed:
        out["error"] = str(failed)
        out["diagnosis"] = await describe(pages, script)
    finally:
        await asyncio.gather(*(c.close() for c in contexts))
