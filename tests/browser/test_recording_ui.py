"""A recording on screen (docs/webinar.md, "Recording"; web/pages/recording.js). As setup: a webinar of the demo
mission with a rendered recording and a rehearsal recording, put where the recorder leaves them (a WebM made by
ffmpeg in the recordings directory, its rows in the database: the media pipeline itself is proved by
tests/system/test_recording_e2e.py). Then on screen: Anna, a participant, finds "Watch the recording" on the
programme, plays it and seeks (the server answers the player's range requests with 206), and sees no rehearsal; the
organiser sees both, with Anna counted as having watched it, is refused a bad link at the field, replaces the file
by an external link and deletes the rehearsal's; axe finds nothing on a desktop (en) and a phone (nl).

Screenshots go to /tmp/rt-shots/recording-*.png.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import check, report
from tests.browser.conftest import PHONE, SHOTS, Browsers, Server
from tests.browser.organiser_steps import json_of

pytestmark = pytest.mark.browser

ORGANISER = "organiser@roundtable.example"
ANNA = "anna@voltera.example"
SECONDS = 4


def _clean(page: Any, what: str) -> None:
    found = check(page)
    assert found == [], f"{what}: axe found\n{report(found)}"


def _shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px too wide"
    page.screenshot(path=str(SHOTS / f"recording-{name}.png"), full_page=True)


def _webm(path: Path) -> None:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.fail("ffmpeg is missing: make system-deps (apt-get install ffmpeg)", pytrace=False)
    subprocess.run([ffmpeg, "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc=duration={SECONDS}:size=320x180:rate=15", "-f", "lavfi", "-i",
                    f"sine=frequency=440:duration={SECONDS}", "-c:v", "libvpx", "-b:v", "300k", "-c:a", "libopus",
                    "-shortest", str(path)], check=True, timeout=60)


def _recorded(server: Server, item: int) -> None:
    """What the recorder leaves after an item: the files, and their rows (status ready)."""
    files = server.workdir / "var" / "recordings" / str(item) / "files"
    files.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    db = sqlite3.connect(server.workdir / "roundtable.db")
    try:
        for name, rehearsal in (("stage-1.webm", 0), ("rehearsal-2.webm", 1)):
            _webm(files / name)
            db.execute("INSERT INTO recordings (item_id, rehearsal, status, file, duration_ms, size, external_url, "
                       "error, created_at, updated_at) VALUES (?, ?, 'ready', ?, ?, ?, '', '', ?, ?)",
                       (item, rehearsal, name, SECONDS * 1000, (files / name).stat().st_size, now, now))
        db.commit()
    finally:
        db.close()


def test_watch_seek_link_and_delete(browsers: Browsers, sign_in: Any, server: Server) -> None:
    org = sign_in(browsers.new(), ORGANISER)
    api = f"{server.base}/api/missions/1"
    # Within the demo mission's days (ahead of today): the page does not care when the item was.
    first = json_of(org.request.get(f"{api}/programme"))[0]["starts_at"]
    starts = dt.datetime.fromisoformat(first.replace("Z", "+00:00")) + dt.timedelta(hours=6)
    item = json_of(org.request.post(f"{api}/programme", data={
        "kind": "webinar", "title": "Webinar: ports of the future", "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(minutes=45)).isoformat()}))["id"]
    _recorded(server, item)

    # -- Anna: the programme offers the recording; it plays and seeks through range requests ------------------
    anna = sign_in(browsers.new(), ANNA)
    statuses = json_of(anna.request.get(f"{api}/webinars"))
    assert [s["recorded"] for s in statuses if s["item_id"] == item] == [True]
    ranges: list[tuple[int, str]] = []
    anna.on("response", lambda r: ranges.append((r.status, r.request.headers.get("range", "")))
            if "/recordings/" in r.url and r.url.endswith("/file") else None)
    anna.goto(f"{server.base}/m/1/recording/{item}")
    expect(anna.get_by_role("heading", name="Webinar: ports of the future")).to_be_visible()
    video = anna.locator("video.rec-video")
    expect(video).to_be_visible()
    expect(anna.locator(".rec-card")).to_have_count(1)  # no rehearsal for her
    expect(anna.get_by_text("Speakers only")).to_have_count(0)
    played = anna.evaluate("""async () => {
        const v = document.querySelector('video.rec-video');
        v.muted = true;
        await v.play();
        await new Promise((ok) => { const tick = () => v.currentTime > 0.5 ? ok() : setTimeout(tick, 50); tick(); });
        v.pause();
        v.currentTime = 3;
        await new Promise((ok) => v.addEventListener('seeked', ok, { once: true }));
        return { at: v.currentTime, duration: v.duration, width: v.videoWidth };
    }""")
    assert abs(played["duration"] - SECONDS) < 0.5 and played["width"] == 320, played
    assert abs(played["at"] - 3) < 0.2, played
    assert any(status == 206 for status, _ in ranges), ranges  # the player asked for ranges and got them
    _clean(anna, "the recording page (Anna, en desktop)")
    _shoot(anna, "anna")

    # -- the organiser: both recordings, Anna counted, a link instead, the rehearsal's deleted ----------------
    org.goto(f"{server.base}/m/1/recording/{item}")
    expect(org.locator(".rec-card")).to_have_count(2)
    expect(org.get_by_text("Speakers only")).to_be_visible()
    expect(org.get_by_text("1 watched it afterwards")).to_be_visible()
    url = org.get_by_label("Address of the recording")
    url.fill("not a link")
    org.get_by_role("button", name="Save link").click()
    expect(org.locator(".rec-link-form .field-error, .rec-link-form [role=alert]").first).to_be_visible()
    org.once("dialog", lambda d: d.accept())
    url.fill("https://video.example/watch?v=ports")
    org.get_by_role("button", name="Save link").click()
    expect(org.get_by_role("link", name="Watch the recording")).to_have_attribute(
        "href", "https://video.example/watch?v=ports")
    org.once("dialog", lambda d: d.accept())
    org.locator(".rec-card", has_text="Speakers only").get_by_role("button", name="Delete recording").click()
    expect(org.locator(".rec-card")).to_have_count(1)
    assert not (server.workdir / "var" / "recordings" / str(item) / "files" / "rehearsal-2.webm").exists()
    assert not (server.workdir / "var" / "recordings" / str(item) / "files" / "stage-1.webm").exists()
    _clean(org, "the recording page (organiser, en desktop)")
    _shoot(org, "organiser")

    # Anna, on her phone in Dutch: the link.
    anna.set_viewport_size(PHONE)
    anna.evaluate("localStorage.setItem('rt.lang', 'nl')")
    anna.goto(f"{server.base}/m/1/recording/{item}")
    expect(anna.get_by_role("link", name="Bekijk de opname")).to_be_visible()
    _clean(anna, "the recording page (Anna, nl phone)")
    _shoot(anna, "anna-nl-phone")
    anna.evaluate("localStorage.setItem('rt.lang', 'en')")
