"""Calls that connect whatever the order (issue 10), in real browsers inside a private network namespace
(tests/support/netns.py). Each scenario starts `roundtable serve` in the namespace and returns plain JSON;
tests/browser/test_calls.py makes the assertions.

- `meetings_at_once`: a 1:1 meeting opened in two fresh contexts at the same instant, many times; with offsets;
  after one side reloads; with one tab open before the other person even signed in.
- `table_at_once`: four people sit down at a 4-seat lounge table at the same instant, a few times.
- `one_side_blocked`: one page's media cannot get through (its ICE may use only a relay, and there is none):
  both pages say they could not connect, the meeting is not held and makes no lead, while a call next to it
  that works is held; once the network is back, "try again" connects.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

from tests.browser.call_pages import Browser, api, chromium, describe, pictures_flow, run_of, until, video_flows
from tests.browser.conftest import DESKTOP as DESKTOP_SIZE
from tests.browser.media_pages import tile
from tests.support.meeting_scenarios import book_meeting
from tests.support.procs import serving
from tests.support.wsclient import Client, mint_tokens

PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example", "tom": "tom.hermans@voltera.example",
          "moderator": "moderator@roundtable.example", "organiser": "organiser@roundtable.example",
          "host": "host@roundtable.example"}
RUNS_AT_ONCE = 20
OFFSETS = (0.5, 1.0, 2.0, 4.0)
TABLE_RUNS = 3
PATIENCE = 45.0  # how long a scenario waits before it gives up and describes the pages; tests demand far less
SLOW = 10.0  # a run slower than this keeps its pages' timelines, to show where the time went
REMOTE = "#remote-video"
MEETING_DIAGNOSIS = (
    "() => ({url: location.href, call: document.querySelector('#meet-call')?.dataset.state,"
    " note: document.querySelector('#meet-note')?.textContent,"
    " text: document.querySelector('#meet-call')?.textContent,"
    " presence: document.querySelector('#meet-presence')?.textContent,"
    " pcs: (window.__rt?.pcs || []).map(pc => [pc.connectionState, pc.signalingState]),"
    " tiles: [...document.querySelectorAll('#table-grid .tile')].map(t => [t.dataset.userId, t.dataset.call]),"
    " timeline: (window.__timeline || []).slice(-40)})")
TABLE_DIAGNOSIS = (
    "() => ({url: location.href, table: window.__lounge?.session.seatOf(),"
    " tiles: [...document.querySelectorAll('#table-grid .tile')].map(t => [t.dataset.userId, t.dataset.call]),"
    " pcs: (window.__rt?.pcs || []).map(pc => [pc.connectionState, pc.signalingState]),"
    " timeline: (window.__timeline || []).slice(-40)})")
# A network on which this page's media cannot get through: its connections may only use a relay (TURN), and
# there is none. `__network_back()` lifts that for the connections it makes from then on.
BLOCK_ICE = """
(() => {
  let blocked = true;
  Object.defineProperty(window, '__network_back', { value: () => { blocked = false; } });
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config, ...rest) {
      super(blocked ? { ...(config || {}), iceTransportPolicy: 'relay' } : config, ...rest);
    }
  };
})();
"""


def _future_meeting(server: Any, tokens: dict[str, str], a: int, b: int) -> int:
    """A meeting between `a` and `b` booked by the organiser over the API in the first slot still to come (its
    room is open from booking on)."""
    rules = api(server, tokens["organiser"], "GET", "/api/missions/1/matchmaking/rules")
    api(server, tokens["organiser"], "PUT", "/api/missions/1/matchmaking/rules", {**rules, "organiser_booking": True})
    now = dt.datetime.now(dt.UTC)
    slots = api(server, tokens["organiser"], "GET", "/api/missions/1/matchmaking/slots")
    start = next(s["slot"]["starts_at"] for s in slots
                 if dt.datetime.fromisoformat(s["slot"]["starts_at"]) > now + dt.timedelta(hours=1))
    booked = api(server, tokens["organiser"], "POST", "/api/missions/1/meetings", {"a": a, "b": b, "slot": start})
    meeting_id: int = booked["id"]
    return meeting_id


async def _ids(server: Any, tokens: dict[str, str]) -> dict[str, int]:
    return {name: int(api(server, token, "GET", "/api/me")["user"]["id"]) for name, token in tokens.items()}


# -- a 1:1 meeting ---------------------------------------------------------------------------------------------


async def _meet(b: Browser, url: str, offset: float | None, kind: str) -> dict[str, Any]:
    """Anna and Mike open the meeting in fresh contexts: at once (`offset` 0), Mike `offset` seconds after Anna,
    or (`offset` None) Mike only signs in once Anna's tab is open. Then, for kind "reload", Anna reloads."""
    contexts = await asyncio.gather(b.context(PEOPLE["anna"]),
                                    b.context(None if offset is None else PEOPLE["mike"]))
    anna, mike = await asyncio.gather(b.page(contexts[0], "anna"), b.page(contexts[1], "mike"))
    pages = {"anna": anna, "mike": mike}
    out: dict[str, Any] = {"kind": kind, "offset": offset}
    async with run_of(out, pages, MEETING_DIAGNOSIS, list(contexts), lambda: _more(b)):
        if offset is None:
            await anna.goto(url)
            await anna.locator("#meet-call").wait_for()
            await b.sign_in(mike, PEOPLE["mike"])
            began = time.monotonic()
            await mike.goto(url)
        elif offset == 0:
            began = time.monotonic()
            await asyncio.gather(anna.goto(url), mike.goto(url))
        else:
            first = asyncio.create_task(anna.goto(url))
            await asyncio.sleep(offset)
            began = time.monotonic()
            await asyncio.gather(first, mike.goto(url))
        seen = await asyncio.gather(video_flows(anna, REMOTE, "Mike on Anna's page", PATIENCE),
                                    video_flows(mike, REMOTE, "Anna on Mike's page", PATIENCE))
        out["seconds"] = round(time.monotonic() - began, 2)
        out["seen"] = seen
        if out["seconds"] > SLOW:
            out["timeline"] = {name: await page.evaluate("() => window.__timeline") for name, page in pages.items()}
            out["load"] = os.getloadavg()
        if kind == "reload":
            before = await mike.evaluate("() => document.querySelector('#remote-video').srcObject"
                                         ".getVideoTracks()[0].id")
            began = time.monotonic()
            await anna.reload()

            async def new_track() -> bool:
                now: str | None = await mike.evaluate(
                    "() => document.querySelector('#remote-video').srcObject?.getVideoTracks()[0]?.id ?? null")
                return now is not None and now != before

            await until("a new track from Anna's reloaded page on Mike's", new_track, PATIENCE)
            out["after_reload"] = await asyncio.gather(
                video_flows(anna, REMOTE, "Mike on Anna's reloaded page", PATIENCE),
                video_flows(mike, REMOTE, "Anna's reloaded page on Mike's", PATIENCE))
            out["reload_seconds"] = round(time.monotonic() - began, 2)
        out["states"] = [await page.locator("#meet-call").get_attribute("data-state") for page in (anna, mike)]
    return out


async def _second_tab(b: Browser, url: str) -> dict[str, Any]:
    """Anna, in a call with Mike, opens the meeting in a second tab: that one takes the call, the first says so;
    then she takes it back in the first."""
    contexts = await asyncio.gather(b.context(PEOPLE["anna"]), b.context(PEOPLE["mike"]))
    first, mike = await asyncio.gather(b.page(contexts[0], "anna"), b.page(contexts[1], "mike"))
    out: dict[str, Any] = {}
    pages = {"anna": first, "mike": mike}
    async with run_of(out, pages, MEETING_DIAGNOSIS, list(contexts), lambda: _more(b)):
        await asyncio.gather(first.goto(url), mike.goto(url))
        await asyncio.gather(video_flows(first, REMOTE, "Mike on Anna's page", PATIENCE),
                             video_flows(mike, REMOTE, "Anna on Mike's page", PATIENCE))
        old = await mike.evaluate("() => document.querySelector('#remote-video').srcObject.getVideoTracks()[0].id")
        second = pages["anna (second tab)"] = await b.page(contexts[0], "anna (second tab)")
        began = time.monotonic()
        await second.goto(url)
        moved = first.locator("#meet-call[data-state='moved']")
        await moved.wait_for()
        out["first_says"] = await moved.text_content()
        out["first_note"] = await first.locator("#meet-note").text_content()

        async def renewed() -> bool:
            now = await mike.evaluate(
                "() => document.querySelector('#remote-video').srcObject?.getVideoTracks()[0]?.id ?? null")
            return bool(now and now != old)

        await until("Mike's page meeting Anna's second tab", renewed, PATIENCE)
        out["second"] = await asyncio.gather(video_flows(second, REMOTE, "Mike on Anna's second tab", PATIENCE),
                                             video_flows(mike, REMOTE, "Anna's second tab on Mike's", PATIENCE))
        out["second_seconds"] = round(time.monotonic() - began, 2)
        await first.locator("#meet-take").click()
        await second.locator("#meet-call[data-state='moved']").wait_for()
        out["back"] = await video_flows(first, REMOTE, "Mike on Anna's first tab, taken back", PATIENCE)
    return out


async def meetings_at_once(env: dict[str, str], log_dir: str) -> dict[str, Any]:
    out: dict[str, Any] = {"runs": []}
    with serving(env, Path(log_dir)) as server:
        tokens = mint_tokens(env, PEOPLE)
        ids = await _ids(server, tokens)
        meeting_id = _future_meeting(server, tokens, ids["anna"], ids["mike"])
        url = f"{server.url}/m/1/meeting/{meeting_id}?test"
        async with chromium(server, env) as b:
            await b.session(PEOPLE["anna"])
            await b.session(PEOPLE["mike"])
            began = time.monotonic()
            for _ in range(RUNS_AT_ONCE):
                out["runs"].append(await _meet(b, url, 0.0, "at-once"))
            out["at_once_seconds"] = round(time.monotonic() - began, 1)
            for offset in OFFSETS:
                out["runs"].append(await _meet(b, url, offset, "offset"))
            out["runs"].append(await _meet(b, url, 0.0, "reload"))
            out["runs"].append(await _meet(b, url, None, "signed-in-later"))
            out["second_tab"] = await _second_tab(b, url)
            out["foreign"] = b.watch.foreign
            out["page_errors"] = b.watch.page_errors
        out["meeting"] = api(server, tokens["anna"], "GET", f"/api/meetings/{meeting_id}")
    return out


# -- a lounge table ----------------------------------------------------------------------------------------------


async def _table_snapshot(client: Client, room: str) -> dict[str, Any]:
    client._pending.clear()  # frames of an earlier visit
    await client.join(room)
    snapshot = await client.expect("lounge", timeout=10)
    await client.request({"type": "leave", "room": room})
    await client.expect("ack", "error")
    state: dict[str, Any] = snapshot["state"]
    return state


async def table_at_once(env: dict[str, str], log_dir: str) -> dict[str, Any]:
    sitters = ("anna", "mike", "tom", "moderator")
    out: dict[str, Any] = {"runs": []}
    with serving(env, Path(log_dir)) as server:
        tokens = mint_tokens(env, PEOPLE)
        ids = await _ids(server, tokens)
        items = api(server, tokens["organiser"], "GET", "/api/missions/1/programme")
        item = next(i for i in items if i["kind"] == "networking")
        room = f"lounge:{item['id']}"
        organiser = await Client.open(server.url, tokens["organiser"])
        await organiser.join(room)
        await organiser.expect("lounge", timeout=10)
        rid = await organiser.request({"type": "table-save", "room": room, "name": "Four of us", "capacity": 4,
                                       "topic": "Sitting down together"})
        assert (await organiser.expect("ack", "error"))["id"] == rid
        await organiser.request({"type": "leave", "room": room})
        await organiser.expect("ack", "error")
        table = next(t["id"] for t in (await _table_snapshot(organiser, room))["tables"] if t["name"] == "Four of us")
        url = f"{server.url}/m/1/lounge/{item['id']}?test"
        async with chromium(server, env) as b:
            for name in sitters:
                await b.session(PEOPLE[name])
            for _ in range(TABLE_RUNS):
                # The seats of the run before are free again once its pages left the lounge.
                await until("an empty table", lambda: _empty(organiser, room, table), PATIENCE)
                out["runs"].append(await _sit_together(b, url, table, {n: ids[n] for n in sitters}))
            out["foreign"] = b.watch.foreign
            out["page_errors"] = b.watch.page_errors
        await organiser.close()
    return out


async def _empty(client: Client, room: str, table: int) -> bool:
    state = await _table_snapshot(client, room)
    return not next(t for t in state["tables"] if t["id"] == table)["seats"]


async def _sit_together(b: Browser, url: str, table: int, ids: dict[str, int]) -> dict[str, Any]:
    contexts = await asyncio.gather(*(b.context(PEOPLE[name]) for name in ids))
    pages = dict(zip(ids, await asyncio.gather(*(b.page(c, name) for c, name in zip(contexts, ids, strict=True))),
                     strict=True))
    out: dict[str, Any] = {}
    async with run_of(out, pages, TABLE_DIAGNOSIS, list(contexts), lambda: _more(b)):
        await asyncio.gather(*(page.goto(url) for page in pages.values()))
        sit = f"#l-tables .l-table[data-table-id='{table}'] .l-sit"
        await asyncio.gather(*(page.locator(sit).first.wait_for() for page in pages.values()))
        began = time.monotonic()
        await asyncio.gather(*(page.locator(sit).first.click() for page in pages.values()))
        flows = [pictures_flow(pages[name], [tile("#table-grid", ids[other]) for other in ids if other != name],
                               f"the others on {name}'s page", PATIENCE) for name in ids]
        out["seen"] = sum(len(seen) for seen in await asyncio.gather(*flows))
        out["seconds"] = round(time.monotonic() - began, 2)
        if out["seconds"] > SLOW:
            out["timeline"] = {name: await page.evaluate("() => window.__timeline") for name, page in pages.items()}
            out["load"] = os.getloadavg()
        out["states"] = {name: await page.evaluate(
            "() => [...document.querySelectorAll('#table-grid .tile:not(.is-me)')].map(t => t.dataset.call)")
            for name, page in pages.items()}
    return out


# -- media that never gets through ---------------------------------------------------------------------------


async def _status(server: Any, token: str, meeting_id: int) -> str:
    status: str = api(server, token, "GET", f"/api/meetings/{meeting_id}")["status"]
    return status


async def one_side_blocked(env: dict[str, str], log_dir: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with serving(env, Path(log_dir)) as server:
        tokens = mint_tokens(env, PEOPLE)
        rules = api(server, tokens["organiser"], "GET", "/api/missions/1/matchmaking/rules")
        api(server, tokens["organiser"], "PUT", "/api/missions/1/matchmaking/rules", {**rules, "held_seconds": 10})
        async with chromium(server, env) as b:
            for name in ("anna", "mike", "tom", "moderator"):
                await b.session(PEOPLE[name])
            # Both meetings' rooms close 70 s from now (they ended ten minutes ago, less 70 s).
            starts = -dt.timedelta(minutes=30) + dt.timedelta(seconds=70)
            blocked = book_meeting(env, PEOPLE["anna"], PEOPLE["mike"], starts_in=starts)["meeting"]
            working = book_meeting(env, PEOPLE["tom"], PEOPLE["moderator"], starts_in=starts)["meeting"]
            contexts = {name: await b.context(PEOPLE[name]) for name in ("anna", "mike", "tom", "moderator")}
            await contexts["anna"].add_init_script(BLOCK_ICE)
            pages = {name: await b.page(c, name) for name, c in contexts.items()}
            await asyncio.gather(*(pages[n].goto(f"{server.url}/m/1/meeting/{m}?test") for n, m in (
                ("anna", blocked), ("mike", blocked), ("tom", working), ("moderator", working))))
            try:
                out["working"] = await asyncio.gather(
                    video_flows(pages["tom"], REMOTE, "the moderator on Tom's page", PATIENCE),
                    video_flows(pages["moderator"], REMOTE, "Tom on the moderator's page", PATIENCE))
                began = time.monotonic()
                for name in ("anna", "mike"):
                    failed = pages[name].locator("#meet-call[data-state='failed']")
                    await failed.wait_for(timeout=40_000)
                    out[f"{name}_says"] = await failed.text_content()
                    out[f"{name}_retry"] = await pages[name].locator("#meet-retry").is_visible()
                out["failed_after"] = round(time.monotonic() - began, 1)
                out["working_status"] = await until(
                    "the working meeting held", lambda: _held(server, tokens["tom"], working), PATIENCE)
                out["blocked_status"] = await until(
                    "the blocked meeting settled", lambda: _settled(server, tokens["anna"], blocked), 120)
                out["blocked"] = api(server, tokens["anna"], "GET", f"/api/meetings/{blocked}")
                out["leads"] = {name: [lead["meeting_id"] for lead in
                                       api(server, tokens[name], "GET", "/api/missions/1/leads")]
                                for name in ("anna", "mike", "tom", "moderator")}
                # Anna hangs up: the after-call panel says when Mike would have become a lead.
                await pages["anna"].locator("#meet-end").click()
                lead = pages["anna"].locator("#meet-lead")
                await until("the lead text", lambda: lead.text_content(), PATIENCE)
                out["lead_text"] = await lead.text_content()
                # The organiser's screen tells the call the network failed from the one that was held.
                out.update(await _organiser_sees(b, server, log_dir, blocked, working))
            except AssertionError as failed:
                out["error"] = str(failed)
                out["diagnosis"] = "\n".join([await describe(pages, MEETING_DIAGNOSIS), *_more(b)])
            out["foreign"] = b.watch.foreign
            out["page_errors"] = b.watch.page_errors
    return out


async def _organiser_sees(b: Browser, server: Any, log_dir: str, blocked: int, working: int) -> dict[str, Any]:
    from tests.browser.conftest import PHONE

    out: dict[str, Any] = {"shots": []}
    for viewport, size in ((None, "desktop"), ("phone", "phone")):
        context = await b.context(PEOPLE["organiser"], viewport=PHONE if viewport else DESKTOP_SIZE)
        page = await b.page(context, "organiser")
        await page.goto(f"{server.url}/m/1/organise/meetings")
        await page.locator(f".om-row[data-id='{blocked}']").wait_for()
        if size == "desktop":
            out["organiser_rows"] = [await page.locator(f".om-row[data-id='{mid}']").inner_text()
                                     for mid in (blocked, working)]
            out["organiser_hint"] = await page.locator(".om-network").inner_text()
            await page.locator(".chip-option[data-status='failed-to-connect']").click()
            out["organiser_failed_only"] = await page.locator(".om-row").evaluate_all(
                "rows => rows.map(r => Number(r.dataset.id))")
            await page.locator(".chip-option[data-status='all']").click()
        shot = f"organise-meetings-en-{size}.png"
        await page.screenshot(path=str(Path(log_dir) / shot), full_page=True)
        out["shots"].append(shot)
        await context.close()
    return out


def _more(b: Browser) -> list[str]:
    return [*b.console[-30:], *_log_tail(b.server.log)]


def _log_tail(log: Path) -> list[str]:
    """The server's log without its request lines: what went wrong there, if anything."""
    lines = log.read_text(errors="replace").splitlines()
    return ["--- server log ---", *[x for x in lines if '" 200' not in x and '" 201' not in x][-30:]]


async def _held(server: Any, token: str, meeting_id: int) -> str | None:
    status = await _status(server, token, meeting_id)
    return status if status == "held" else None


async def _settled(server: Any, token: str, meeting_id: int) -> str | None:
    status = await _status(server, token, meeting_id)
    return None if status == "booked" else status


# -- what the states look like -------------------------------------------------------------------------------


async def call_screens(env: dict[str, str], log_dir: str) -> dict[str, Any]:
    """Screenshots of the call states (both languages, desktop and phone) and the texts they show: two meetings
    whose media cannot get through (one page of each blocked) fail visibly; a second tab takes a call; a lounge
    table whose media cannot get through shows it on the tiles."""
    from tests.browser.conftest import PHONE

    out: dict[str, Any] = {"shots": [], "texts": {}}
    shots = Path(log_dir)
    with serving(env, Path(log_dir)) as server:
        tokens = mint_tokens(env, PEOPLE)
        ids = await _ids(server, tokens)
        first = _future_meeting(server, tokens, ids["anna"], ids["mike"])
        # (the moderator takes no meetings through the API: booked straight in the store)
        second = book_meeting(env, PEOPLE["tom"], PEOPLE["moderator"], starts_in=dt.timedelta(days=1))["meeting"]
        items = api(server, tokens["organiser"], "GET", "/api/missions/1/programme")
        lounge = next(i for i in items if i["kind"] == "networking")["id"]
        async with chromium(server, env) as b:
            setups = {  # name: (person, meeting or lounge, locale, viewport, blocked)
                "anna": ("anna", first, "en-GB", DESKTOP_SIZE, True), "mike": ("mike", first, "nl-NL", PHONE, False),
                "tom": ("tom", second, "nl-NL", DESKTOP_SIZE, True),
                "moderator": ("moderator", second, "en-GB", PHONE, False),
                "host": ("organiser", None, "en-GB", DESKTOP_SIZE, True),
                "guest": ("host", None, "nl-NL", PHONE, False)}
            pages: dict[str, Any] = {}
            for name, (person, _, locale, size, blocked) in setups.items():
                context = await b.context(PEOPLE[person], locale=locale, viewport=size)
                if blocked:
                    await context.add_init_script(BLOCK_ICE)
                pages[name] = await b.page(context, name)
            for name, (_, meeting, *_rest) in setups.items():
                where = f"meeting/{meeting}" if meeting else f"lounge/{lounge}"
                await pages[name].goto(f"{server.url}/m/1/{where}?test")
            try:
                table = "#l-tables .l-table:first-child .l-sit"
                for name in ("host", "guest"):
                    await pages[name].locator(table).first.click()
                for name in ("anna", "mike", "tom", "moderator"):
                    state = pages[name].locator("#meet-call[data-state='failed']")
                    await state.wait_for(timeout=40_000)
                    out["texts"][f"{name}-failed"] = await state.text_content()
                    out["texts"][f"{name}-retry"] = await pages[name].locator("#meet-retry").text_content()
                for name in ("host", "guest"):
                    failed = pages[name].locator("#table-grid .tile[data-call='failed']")
                    await failed.wait_for(timeout=40_000)
                    out["texts"][f"{name}-tile"] = await failed.locator(".l-tile-state").text_content()
                for name, page in pages.items():
                    path = shots / f"call-failed-{name}.png"
                    if name in ("host", "guest"):  # the table, not the whole lounge
                        await page.locator("#table-stage").screenshot(path=str(path))
                    else:
                        await page.screenshot(path=str(path), full_page=True)
                    out["shots"].append(path.name)
                # The network is back: "try again" connects, in a meeting and at a table.
                for name in ("anna", "host"):
                    await pages[name].evaluate("() => window.__network_back()")
                await pages["anna"].locator("#meet-retry").click()
                await pages["host"].locator("#table-grid .l-retry").click()
                out["after_retry"] = await asyncio.gather(
                    video_flows(pages["anna"], REMOTE, "Mike on Anna's page after trying again", PATIENCE),
                    video_flows(pages["mike"], REMOTE, "Anna on Mike's page after trying again", PATIENCE),
                    video_flows(pages["host"], tile("#table-grid", ids["host"]), "the guest at the table",
                                PATIENCE),
                    video_flows(pages["guest"], tile("#table-grid", ids["organiser"]), "the organiser at the "
                                "table", PATIENCE))
                # A second tab of Anna's and of Tom's takes the call: the first one says so.
                for name in ("anna", "tom"):
                    await (await b.page(pages[name].context, f"{name} again")).goto(pages[name].url)
                    moved = pages[name].locator("#meet-call[data-state='moved']")
                    await moved.wait_for()
                    out["texts"][f"{name}-moved"] = await moved.text_content()
                    path = shots / f"call-moved-{name}.png"
                    await pages[name].screenshot(path=str(path), full_page=True)
                    out["shots"].append(path.name)
                # Hanging up: what the after-call panel says about the lead.
                for name in ("mike", "moderator"):
                    await pages[name].locator("#meet-end").click()
                    lead = pages[name].locator("#meet-lead")
                    await until("the lead text", lead.text_content, PATIENCE)
                    out["texts"][f"{name}-lead"] = await lead.text_content()
                    path = shots / f"call-after-{name}.png"
                    await pages[name].screenshot(path=str(path), full_page=True)
                    out["shots"].append(path.name)
            except AssertionError as failed:
                out["error"] = str(failed)
                out["diagnosis"] = "\n".join([await describe(pages, MEETING_DIAGNOSIS), *_more(b)])
            out["foreign"] = b.watch.foreign
            out["page_errors"] = b.watch.page_errors
    return out
