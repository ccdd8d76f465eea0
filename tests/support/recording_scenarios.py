"""A recorded webinar end to end, run inside a private network namespace (tests/support/netns.py): a real
`roundtable serve` with its own Janus, real WebSocket clients (tests/support/wsclient.Client), aiortc publishers that
each send a picture of one colour (tests/system/test_recording_media.py), and the recordings API over HTTP.

`recorded_webinar` returns plain JSON and leaves the downloaded file in the log directory; the assertions are
tests/system/test_recording_e2e.py's, so a failure there shows what was seen.

The people, chosen so that every figure is checkable:
- the host starts the first webinar, switches recording on and publishes blue;
- Anna (an attendee) is there live, is brought on stage, declines to be recorded, then publishes red;
- Mike (an attendee) was never there live: he watches the recording afterwards (a replay viewer);
- the organiser lists the recordings, reads the results and pastes an external link;
- in the second webinar the host rehearses with recording on while a speaker publishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx2 as httpx

from tests.support.media_scenarios import CONNECT_SECONDS, Webinar, call, event, webinar_items
from tests.support.procs import Server, serving
from tests.support.testpeer import SyntheticPublisher, wait_until
from tests.system.test_recording_media import BLUE, RED, SolidVideo

ON_STAGE_SECONDS = 6.0
REHEARSAL_SECONDS = 3.0
READY_SECONDS = 90.0  # rendering takes seconds; the budget is generous
DOWNLOAD = "downloaded.webm"
MISSION = 1
Mark = Callable[[str], None]  # notes how long the scenario took to reach a step


def api(server: Server, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def answer(response: httpx.Response) -> dict[str, Any]:
    """Status and error code (or body) of an API answer, as plain data."""
    try:
        body = response.json()
    except ValueError:
        body = response.text[:200]
    code = (body.get("error") or {}).get("code") if isinstance(body, dict) else None
    return {"status": response.status_code, "code": code}


async def listing(server: Server, token: str, item: int) -> list[dict[str, Any]]:
    async with api(server, token) as h:
        got = await h.get(f"/api/missions/{MISSION}/programme/{item}/recordings")
    assert got.status_code == 200, got.text
    found: list[dict[str, Any]] = got.json()
    return found


async def until_ready(server: Server, token: str, item: int, rehearsal: bool) -> tuple[dict[str, Any], float]:
    """The item's (rehearsal or public) recording once `ready`, and how long that took; fails on `failed`."""
    started = time.monotonic()
    seen: list[dict[str, Any]] = []
    while time.monotonic() - started < READY_SECONDS:
        seen = [r for r in await listing(server, token, item) if r["rehearsal"] is rehearsal]
        if seen and seen[0]["status"] == "ready":
            return seen[0], time.monotonic() - started
        assert not seen or seen[0]["status"] == "processing", seen
        await asyncio.sleep(0.5)
    raise TimeoutError(f"no ready recording of item {item} after {READY_SECONDS:.0f} s: {seen}")


async def publish(w: Webinar, client: Any, colour: tuple[int, int, int]) -> dict[str, Any]:
    """Publishes a camera of one colour through `stage-publish`; returns the reply once the publisher is up."""
    publisher = SyntheticPublisher()
    w.publishers.append(publisher)
    publisher.video_sender.replaceTrack(SolidVideo(colour))
    reply = await call(client, {"type": "stage-publish", "room": w.room, "source": "camera",
                                "sdp": await publisher.offer()})
    if reply["type"] == "stage-answer":
        await publisher.accept(reply["sdp"])
        await wait_until(lambda: publisher.connected, CONNECT_SECONDS, "a publisher to connect")
    return reply


def selected_pairs(publishers: list[SyntheticPublisher]) -> list[list[list[str]]]:
    """Per publisher, the (local, remote) addresses of its nominated ICE pairs (aiortc keeps them in aioice; the
    transceivers share one bundled transport)."""
    out = []
    for publisher in publishers:
        transports = {id(t.sender.transport.transport): t.sender.transport.transport
                      for t in publisher.pc.getTransceivers()}
        out.append([[pair.local_addr[0], pair.remote_addr[0]] for ice in transports.values()
                    for pair in ice._connection._nominated.values()])
    return out


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@contextlib.asynccontextmanager
async def diagnosed(server: Server) -> AsyncIterator[None]:
    """On failure, the end of the server's log goes to stderr, which the namespace runner reports."""
    try:
        yield
    except BaseException:
        print("--- server log ---\n" + "\n".join(server.log.read_text(errors="replace").splitlines()[-40:]),
              file=sys.stderr, flush=True)
        raise


async def ranges(server: Server, token: str, url: str, into: Path) -> dict[str, Any]:
    """The file whole (saved to `into`) and three ranges of it, checked against the whole."""
    async with api(server, token) as h:
        whole = await h.get(url)
        assert whole.status_code == 200, whole.text[:300]
        data = whole.content
        await asyncio.to_thread(into.write_bytes, data)
        size = len(data)
        middle = (size // 2, size // 2 + 999)
        out: dict[str, Any] = {"size": size, "type": whole.headers.get("content-type"),
                               "accept_ranges": whole.headers.get("accept-ranges")}
        for name, header, expected in (("head", "bytes=0-99", data[:100]),
                                       ("middle", f"bytes={middle[0]}-{middle[1]}", data[middle[0]:middle[1] + 1]),
                                       ("suffix", "bytes=-100", data[-100:])):
            got = await h.get(url, headers={"Range": header})
            out[name] = {"status": got.status_code, "content_range": got.headers.get("content-range"),
                         "length": len(got.content), "same": got.content == expected}
        out["middle_range"] = list(middle)
    return out


async def recorded_webinar(env: dict[str, str], tokens: dict[str, str], log_dir: str) -> dict[str, Any]:
    out: dict[str, Any] = {"timings": {}}
    t_start = time.monotonic()

    def mark(step: str) -> None:
        out["timings"][step] = round(time.monotonic() - t_start, 2)

    with serving(env, Path(log_dir)) as server:
        async with diagnosed(server):
            first, second = webinar_items(server, tokens["organiser"])[:2]
            out["items"] = [first, second]
            mark("server")
            await live_and_recorded(server, tokens, first, out, mark)
            recordings = Path(env["ROUNDTABLE_VAR_DIR"]) / "recordings"
            await replays_and_link(server, tokens, first, Path(log_dir), recordings / str(first) / "files", out,
                                   mark)
            await rehearsal(server, tokens, second, recordings / str(second), out, mark)
    return out


async def live_and_recorded(server: Server, tokens: dict[str, str], item: int, out: dict[str, Any],
                            mark: Mark) -> None:
    """1. Start, record, the host on camera; Anna invited, declines to be recorded, publishes; end."""
    w = Webinar(server, item)
    try:
        host, snap = await w.enter(tokens["host"])
        out["media"] = snap["media"]
        await w.go_live(host)
        out["record_on"] = (await call(host, {"type": "record", "room": w.room, "on": True}))["type"]
        out["recording_event"] = (await event(host, "w-recording"))["event"]["on"]
        anna, _ = await w.enter(tokens["anna"])
        anna_id = anna.welcome["user"]["id"]
        out["anna_id"] = anna_id

        hosted = await publish(w, host, BLUE)
        recording_from = time.time()  # the host's first recorded packet follows the connection within ms
        out["host_publish"] = hosted["type"]
        invited = await call(host, {"type": "stage-invite", "room": w.room, "user": anna_id})
        accepted = await call(anna, {"type": "stage-reply", "room": w.room, "accept": True})
        declined = await call(anna, {"type": "record-consent", "room": w.room, "accept": False})
        out["anna_steps"] = [invited["type"], accepted["type"], declined["type"]]
        out["declined"] = (await event(host, "w-recording"))["event"]["declined"]
        out["anna_publish"] = (await publish(w, anna, RED))["type"]
        mark("on-stage")
        out["pairs"] = selected_pairs(w.publishers)
        await asyncio.sleep(ON_STAGE_SECONDS)
        ended = await call(host, {"type": "webinar-end", "room": w.room})
        recording_until = time.time()  # the end removed the feeds from Janus before it was acknowledged
        out["end"] = ended["type"]
        out["span"] = recording_until - recording_from
        mark("ended")
    finally:
        await w.close()


async def replays_and_link(server: Server, tokens: dict[str, str], item: int, log_dir: Path, files: Path,
                           out: dict[str, Any], mark: Mark) -> None:
    """2–5. Mike waits for the public recording, plays it with ranges; replays and results count him; the
    organiser's external link replaces the file."""
    ready, waited = await until_ready(server, tokens["mike"], item, rehearsal=False)
    out["ready"] = ready
    out["ready_after"] = round(waited, 2)
    mark("ready")
    out["file"] = await ranges(server, tokens["mike"], ready["url"], log_dir / DOWNLOAD)
    out["files_before_link"] = names(files)
    async with api(server, tokens["anna"]) as h:  # Anna was there live: a replay, but no replay viewer
        out["anna_play"] = (await h.get(ready["url"], headers={"Range": "bytes=0-99"})).status_code
    out["organiser_listing"] = await listing(server, tokens["organiser"], item)
    async with api(server, tokens["organiser"]) as h:
        results = (await h.get(f"/api/missions/{MISSION}/results")).json()
    out["result"] = next(r for r in results["webinars"] if r["item_id"] == item)
    mark("replays")

    link = f"/api/missions/{MISSION}/programme/{item}/recording-link"
    async with api(server, tokens["mike"]) as h:
        out["link_by_participant"] = answer(await h.put(link, json={"url": "https://video.example/x"}))
    async with api(server, tokens["organiser"]) as h:
        out["bad_link"] = answer(await h.put(link, json={"url": "video dot example slash x"}))
        linked = await h.put(link, json={"url": "https://video.example/x"})
        out["link"] = {**answer(linked), "body": linked.json()}
    out["listing_after_link"] = await listing(server, tokens["mike"], item)
    async with api(server, tokens["mike"]) as h:
        out["old_file"] = answer(await h.get(ready["url"]))
    out["files_after_link"] = names(files)
    mark("link")


async def rehearsal(server: Server, tokens: dict[str, str], item: int, recordings: Path, out: dict[str, Any],
                    mark: Mark) -> None:
    """6. Recording during a rehearsal: the staff's and organisers', never the attendees'. The speaker stays on
    camera after the rehearsal: from then on the feed is recorded for the session, not into the rehearsal's."""
    w = Webinar(server, item)
    try:
        host, _ = await w.enter(tokens["host"])
        speaker, _ = await w.enter(tokens["speaker"])
        out["speaker_id"] = speaker.welcome["user"]["id"]
        steps = [(await call(host, {"type": "webinar-rehearse", "room": w.room, "on": True}))["type"],
                 (await call(host, {"type": "record", "room": w.room, "on": True}))["type"],
                 (await publish(w, speaker, BLUE))["type"]]
        recording_from = time.time()
        await asyncio.sleep(REHEARSAL_SECONDS)
        steps.append((await call(host, {"type": "webinar-rehearse", "room": w.room, "on": False}))["type"])
        out["rehearsal_span"] = time.time() - recording_from
        out["rehearsal_steps"] = steps
        mark("rehearsed")
        ready, waited = await until_ready(server, tokens["organiser"], item, rehearsal=True)
        out["session_files_after_rehearsal"] = names(recordings / "stage")
    finally:
        await w.close()
    out["rehearsal"] = ready
    out["rehearsal_ready_after"] = round(waited, 2)
    out["rehearsal_speaker_listing"] = await listing(server, tokens["speaker"], item)
    out["rehearsal_mike_listing"] = await listing(server, tokens["mike"], item)
    async with api(server, tokens["mike"]) as h:
        out["rehearsal_file_mike"] = answer(await h.get(ready["url"]))
    async with api(server, tokens["speaker"]) as h:
        got = await h.get(ready["url"], headers={"Range": "bytes=0-99"})
        out["rehearsal_file_speaker"] = {"status": got.status_code, "length": len(got.content)}
    out["rehearsal_replays"] = next(r for r in await listing(server, tokens["organiser"], item)
                                    if r["id"] == ready["id"])["replays"]
    mark("rehearsal-checked")

