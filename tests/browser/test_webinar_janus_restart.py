"""The web client after Janus dies mid-webinar: the pages publish and watch again by themselves, no reload.

Our server with the Janus it supervises, a host page publishing its fake camera and an attendee page watching,
in one private network namespace (tests/support/netns.py). Janus is killed with SIGKILL; the server restarts it and
sends `stage-reset` (docs/webinar.md, "When the media server restarts"); the host's page publishes the same camera
again and the attendee's page decodes the host from a new connection, in the same document.
The protocol-level version with aiortc peers is tests/system/test_chaos_janus.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM
from tests.browser.media_pages import decoding, me, staged, tile, video, wait_for
from tests.browser.webinar_media_scenario import DIAGNOSIS, STAGE, enter, first_webinar
from tests.support.netns import HOST_ADDRESS, HOST_INTERFACE, in_netns
from tests.support.procs import env_for, roundtable

pytestmark = [pytest.mark.browser, pytest.mark.janus, pytest.mark.chaos]

PEOPLE = {"host": "host@roundtable.example", "mike": "mike@bayfleet.example"}
TIMEOUT = 300.0

# The page's connections that are not closed, and the video frames they decoded.
OPEN_FRAMES = """
async () => {
  let frames = 0;
  let open = 0;
  for (const pc of window.__rt.pcs) {
    if (pc.signalingState === 'closed') continue;
    open += 1;
    const stats = await pc.getStats();
    stats.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0; });
  }
  return { made: window.__rt.pcs.length, open, frames };
}
"""


def _janus_pid(var_dir: str) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        return int((Path(var_dir) / "janus" / "janus.pid").read_text())
    return None


def janus_restart(env: dict[str, str], log_dir: str) -> dict[str, Any]:
    from playwright.sync_api import expect

    var_dir = env["ROUNDTABLE_VAR_DIR"]
    with staged(env, log_dir, PEOPLE, DIAGNOSIS) as run:
        out, mark, server, pages = run.out, run.mark, run.server, run.pages
        host, mike = pages["host"], pages["mike"]
        item = first_webinar(host)
        ids = {name: me(page) for name, page in pages.items()}
        for page in pages.values():
            enter(page, server, item)
        host.get_by_role("button", name="Start webinar").click()
        host.get_by_role("button", name="Start now").click()  # the demo's webinars are days ahead
        expect(mike.locator(".timebox")).to_have_attribute("data-status", "live")
        host.locator(".pub-camera").click()
        selector = tile(STAGE, ids["host"])
        out["before"] = decoding(mike, selector, "the host on Mike's page")
        mark("host-decoded")
        out["before_kill"] = mike.evaluate(OPEN_FRAMES)
        for page in pages.values():  # gone if the page reloaded or navigated
            page.evaluate("() => { window.__beforeTheKill = true; }")

        pid = _janus_pid(var_dir)
        assert pid is not None, "the server wrote no janus.pid"
        os.kill(pid, signal.SIGKILL)
        out["pids"] = [pid, wait_for("a new Janus", lambda: (p := _janus_pid(var_dir)) and p != pid and p)]
        mark("janus-restarted")

        made = out["before_kill"]["made"]
        # A new connection (the old one closed) decodes the host, and the tile presents its frames.
        first = wait_for("Mike's page to decode the host on a new connection", lambda: (
            s := mike.evaluate(OPEN_FRAMES)) and s["made"] > made and s["frames"] > 0 and s)
        out["after"] = {"first": first, "later": wait_for("more decoded frames after the restart", lambda: (
            s := mike.evaluate(OPEN_FRAMES)) and s["frames"] > first["frames"] and s)}
        shown = wait_for("the host's tile to show a picture again", lambda: (v := video(mike, selector)) and v)
        out["tile"] = {"first": shown, "later": wait_for("the host's tile to present more frames", lambda: (
            v := video(mike, selector)) and v["frames"] > shown["frames"] and v)}
        mark("host-decoded-again")
        out["same_document"] = {name: page.evaluate("() => window.__beforeTheKill === true")
                                for name, page in pages.items()}
        # The host's camera kept running: it was published again, not stopped and asked for anew.
        out["host_tracks"] = host.evaluate(
            "() => window.__rt.streams.flatMap(s => s.getTracks()).map(t => t.readyState)")
        out["host_camera_asks"] = host.evaluate("() => window.__rt.streams.length")
    return out


def test_pages_publish_and_watch_again_after_janus_is_killed(tmp_path: Path) -> None:
    if shutil.which("janus") is None:
        pytest.fail("janus is not installed: apt-get install janus", pytrace=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    env = env_for(tmp_path / "var", ROUNDTABLE_JANUS="auto", ROUNDTABLE_JANUS_INTERFACE=HOST_ADDRESS,
                  ROUNDTABLE_JANUS_ICE_ENFORCE=HOST_INTERFACE)
    roundtable(env, "demo", "--no-links")
    r: dict[str, Any] = in_netns(janus_restart, env, str(tmp_path), timeout=TIMEOUT)

    assert r["foreign"] == [] and r["page_errors"] == [], r
    assert r["pids"][1] != r["pids"][0], r
    # Mike's page decodes the host again, from a new track, without a reload of either page.
    assert r["before_kill"]["open"] == 1, r
    assert r["after"]["later"]["frames"] > r["after"]["first"]["frames"] > 0, r
    assert r["after"]["later"]["made"] == r["before_kill"]["made"] + 1 and r["after"]["later"]["open"] == 1, r
    assert r["tile"]["later"]["frames"] > r["tile"]["first"]["frames"], r
    assert r["same_document"] == {"host": True, "mike": True}, r
    assert r["host_camera_asks"] == 1 and r["host_tracks"] and all(s == "live" for s in r["host_tracks"]), r
