"""Webinar stage media through our server's signalling, run inside a network namespace (tests/support/netns.py).

Each scenario starts a real `roundtable serve` (its own Janus, or the in-process relay) in the namespace, talks
the webinar protocol over real WebSockets (tests/support/wsclient.Client) and moves media with aiortc peers
(tests/support/testpeer.py). It returns plain JSON data; tests/system/test_webinar_media.py makes the assertions, so a
failure there shows what was seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx2 as httpx

from tests.support.procs import Server, serving
from tests.support.testpeer import LightViewer, SyntheticPublisher, wait_until
from tests.support.wsclient import Client

MEASURE_SECONDS = 3.0
CONNECT_SECONDS = 20.0
FRAME_SECONDS = 20.0
REPLY_SECONDS = 15.0  # a stage request waits on the SFU: Janus answers, the relay encodes
QUIET_SECONDS = 1.5  # a feed that delivered nothing for this long has stopped


# -- protocol helpers -------------------------------------------------------------------------------------------


async def reply(client: Client, rid: str, timeout: float = REPLY_SECONDS) -> dict[str, Any]:
    """The reply to request `rid`; other replies and unsolicited offers stay queued for later `expect`s."""
    held: list[dict[str, Any]] = []
    try:
        while True:
            frame = await client.expect("ack", "error", "stage-offer", "stage-answer", timeout=timeout)
            if frame.get("id") == rid:
                return frame
            held.append(frame)
    finally:
        client._pending.extend(held)


async def call(client: Client, message: dict[str, Any]) -> dict[str, Any]:
    return await reply(client, await client.request(message))


async def event(client: Client, kind: str, timeout: float = 10.0) -> dict[str, Any]:
    while True:
        frame = await client.expect("event", timeout=timeout)
        if frame["event"]["kind"] == kind:
            return frame


async def unsolicited_offer(client: Client, timeout: float = REPLY_SECONDS) -> dict[str, Any]:
    """The next renegotiation offer the server sends of its own accord (no request id)."""
    held: list[dict[str, Any]] = []
    try:
        while True:
            frame = await client.expect("stage-offer", timeout=timeout)
            if frame.get("id") is None:
                return frame
            held.append(frame)
    finally:
        client._pending.extend(held)


def webinar_items(server: Server, token: str) -> list[int]:
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as http:
        items: list[dict[str, Any]] = http.get("/api/missions/1/programme").json()
    return [i["id"] for i in items if i["kind"] == "webinar"]


class Webinar:
    """Everyone's connections and peers in one webinar; closes them all."""

    def __init__(self, server: Server, item: int) -> None:
        self.server = server
        self.item = item
        self.room = f"webinar:{item}"
        self.clients: list[Client] = []
        self.publishers: list[SyntheticPublisher] = []
        self.viewers: list[LightViewer] = []

    async def enter(self, token: str, *, staff: bool = False) -> tuple[Client, dict[str, Any]]:
        client = await Client.open(self.server.url, token)
        self.clients.append(client)
        await client.join(self.room)
        snapshot = await client.expect("webinar")
        if staff:
            await client.join(f"webinar-staff:{self.item}")
            await client.expect("webinar")
        return client, snapshot

    async def go_live(self, host: Client) -> None:
        """Starts the webinar (days ahead of its slot: confirmed): before the start attendees get no stage."""
        started = await call(host, {"type": "webinar-start", "room": self.room, "confirm": True})
        assert started["type"] == "ack" or started.get("code") == "already-live", started

    async def publish(self, client: Client) -> tuple[SyntheticPublisher, dict[str, Any]]:
        """Publishes a camera through `stage-publish`; the publisher is connected when the reply is an answer."""
        publisher = SyntheticPublisher()
        self.publishers.append(publisher)
        answer = await call(client, {"type": "stage-publish", "room": self.room, "source": "camera",
                                     "sdp": await publisher.offer()})
        if answer["type"] == "stage-answer":
            await publisher.accept(answer["sdp"])
            await wait_until(lambda: publisher.connected, CONNECT_SECONDS, "the publisher to connect")
        return publisher, answer

    async def watch(self, client: Client, name: str) -> tuple[LightViewer, dict[str, Any]]:
        """`stage-watch`, then answers the offer with `stage-watch-answer`; returns the offer (or the error)."""
        viewer = LightViewer(name)
        self.viewers.append(viewer)
        offer = await call(client, {"type": "stage-watch", "room": self.room})
        if offer["type"] == "stage-offer":
            await self.answer(client, viewer, offer)
        return viewer, offer

    async def answer(self, client: Client, viewer: LightViewer, offer: dict[str, Any]) -> None:
        acked = await call(client, {"type": "stage-watch-answer", "room": self.room,
                                    "sdp": await viewer.answer(offer["sdp"])})
        assert acked["type"] == "ack", acked

    async def close(self) -> None:
        for client in self.clients:
            with contextlib.suppress(Exception):
                await client.close()
        peers: list[SyntheticPublisher | LightViewer] = [*self.publishers, *self.viewers]
        for peer in peers:
            with contextlib.suppress(Exception):
                await peer.close()


@contextlib.asynccontextmanager
async def webinar(env: dict[str, str], log_dir: str, token: str, index: int) -> AsyncIterator[Webinar]:
    # serving() blocks while the server starts; no peer exists yet whose loop could starve.
    with serving(env, Path(log_dir)) as server:
        w = Webinar(server, webinar_items(server, token)[index])
        try:
            yield w
        finally:
            await w.close()


async def delivery(publisher: SyntheticPublisher, viewers: list[LightViewer],
                   seconds: float = MEASURE_SECONDS) -> dict[str, Any]:
    """Frames the publisher sent and each viewer received over the same window."""
    sent0 = publisher.video.sent
    before = [v.video_frames() for v in viewers]
    await asyncio.sleep(seconds)
    return {"sent": publisher.video.sent - sent0,
            "received": [v.video_frames() - b for v, b in zip(viewers, before, strict=True)]}


def mid_frames(viewer: LightViewer, mids: list[str]) -> int:
    return sum(viewer.tracks[m].frames for m in mids if m in viewer.tracks)


async def settled(viewer: LightViewer, mids: list[str], seconds: float = 15.0) -> bool:
    """True once `mids` delivered no frame for QUIET_SECONDS (the feed stopped); False if it never did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        before = mid_frames(viewer, mids)
        await asyncio.sleep(QUIET_SECONDS)
        if mid_frames(viewer, mids) == before:
            return True
    return False


def janus_port(var_dir: str) -> int:
    config = (Path(var_dir) / "janus" / "janus.transport.websockets.jcfg").read_text()
    found = re.search(r"ws_port = (\d+)", config)
    assert found, config
    return int(found.group(1))


async def janus_participants(var_dir: str, item: int) -> list[int]:
    """The feeds publishing in the webinar's Janus room, asked of the server's own Janus directly."""
    from signaling.janus_client import JanusClient
    from signaling.stage_janus import JanusStage

    client = JanusClient(f"ws://127.0.0.1:{janus_port(var_dir)}")
    try:
        session = await client.create_session()
        handle = await client.attach(session)
        msg = await client.message(session, handle, {"request": "listparticipants",
                                                     "room": JanusStage.room_id(item)})
        await client.destroy_session(session)
    finally:
        await client.close()
    assert msg.plugindata is not None
    return sorted(p["id"] for p in msg.plugindata.data.get("participants", []))


# -- scenarios (module-level: tests/support/netns.in_netns runs them by name) ---------------------------------------


async def publish_and_watch(env: dict[str, str], tokens: dict[str, str], log_dir: str) -> dict[str, Any]:
    """1. The host publishes through `stage-publish`; two attendees watch through `stage-watch`."""
    out: dict[str, Any] = {}
    async with webinar(env, log_dir, tokens["organiser"], 0) as w:
        host, snap = await w.enter(tokens["host"])
        await w.go_live(host)
        out["media"] = snap["media"]
        publisher, answer = await w.publish(host)
        out["publish"] = {"type": answer["type"], "feed": answer.get("feed"), "code": answer.get("code")}
        offers = []
        for name in ("anna", "mike"):
            client, _ = await w.enter(tokens[name])
            _, offer = await w.watch(client, name)
            offers.append({"type": offer["type"], "feeds": [f["feed"] for f in offer.get("feeds", [])],
                           "code": offer.get("code")})
        out["offers"] = offers
        await wait_until(lambda: all(v.first_video.is_set() for v in w.viewers), FRAME_SECONDS,
                         "both viewers' first video frame")
        out.update(await delivery(publisher, w.viewers))
    return out


async def attendee_refused(env: dict[str, str], tokens: dict[str, str], log_dir: str) -> dict[str, Any]:
    """4. An attendee's `stage-publish` is refused and nothing reaches the SFU."""
    out: dict[str, Any] = {}
    async with webinar(env, log_dir, tokens["organiser"], 2) as w:
        host, _ = await w.enter(tokens["host"])
        await w.go_live(host)
        _, hosted = await w.publish(host)
        out["host_feed"] = hosted.get("feed")
        anna, _ = await w.enter(tokens["anna"])
        _, refused = await w.publish(anna)
        out["refused"] = {"type": refused["type"], "code": refused.get("code"), "message": refused.get("message")}
        out["anna_connection"] = w.publishers[-1].pc.connectionState
        mike, _ = await w.enter(tokens["mike"])
        _, offer = await w.watch(mike, "mike")
        out["watch_feeds"] = [f["feed"] for f in offer.get("feeds", [])]
        out["janus_feeds"] = await janus_participants(env["ROUNDTABLE_VAR_DIR"], w.item)
    return out


async def bring_on_stage(env: dict[str, str], tokens: dict[str, str], log_dir: str) -> dict[str, Any]:
    """2. Anna asks, is approved, invited and accepts; she publishes, the watcher is renegotiated and sees her;
    the moderator ends her turn: her feed stops, her next publish is refused, the host keeps flowing."""
    out: dict[str, Any] = {}
    async with webinar(env, log_dir, tokens["organiser"], 1) as w:
        host, _ = await w.enter(tokens["host"])
        await w.go_live(host)
        moderator, _ = await w.enter(tokens["moderator"], staff=True)
        anna, _ = await w.enter(tokens["anna"])
        mike, _ = await w.enter(tokens["mike"])
        host_pub, hosted = await w.publish(host)
        out["host_feed"] = hosted.get("feed")
        viewer, first = await w.watch(mike, "mike")
        out["first_feeds"] = [f["feed"] for f in first["feeds"]]
        await wait_until(lambda: viewer.first_video.is_set(), FRAME_SECONDS, "mike's first frame of the host")
        host_mids = [m for m, c in viewer.tracks.items() if c.kind == "video"]

        # Anna asks; the moderator approves her question and invites her with it.
        assert (await call(moderator, {"type": "qa-mode", "room": w.room, "mode": "pre-approved"}))["type"] == "ack"
        asked = await call(anna, {"type": "ask", "room": w.room, "text": "May I show our depot?", "key": "depot"})
        assert asked["type"] == "ack", asked
        question = (await event(moderator, "w-question"))["event"]["question"]["id"]
        approved = await call(moderator, {"type": "moderate", "room": w.room, "question": question,
                                          "action": "approve"})
        anna_id = anna.welcome["user"]["id"]
        invited = await call(moderator, {"type": "stage-invite", "room": w.room, "user": anna_id,
                                         "question": question})
        accepted = await call(anna, {"type": "stage-reply", "room": w.room, "accept": True})
        out["steps"] = [approved["type"], invited["type"], accepted["type"]]

        _, published = await w.publish(anna)
        out["anna_publish"] = {"type": published["type"], "feed": published.get("feed"),
                               "code": published.get("code")}
        renegotiated = await unsolicited_offer(mike)
        out["renegotiated_feeds"] = sorted(f["feed"] for f in renegotiated["feeds"])
        await w.answer(mike, viewer, renegotiated)
        anna_mids = [m for m, c in viewer.tracks.items() if c.kind == "video" and m not in host_mids]
        out["anna_mids"] = anna_mids
        await wait_until(lambda: mid_frames(viewer, anna_mids) > 0, FRAME_SECONDS, "mike's first frame of anna")
        before = mid_frames(viewer, anna_mids)
        await asyncio.sleep(1.0)
        out["anna_frames_while_on_stage"] = mid_frames(viewer, anna_mids) - before

        ended = await call(moderator, {"type": "stage-end", "room": w.room, "user": anna_id})
        out["ended"] = ended["type"]
        dropped = await unsolicited_offer(mike)
        out["feeds_after_end"] = sorted(f["feed"] for f in dropped["feeds"])
        await w.answer(mike, viewer, dropped)
        out["anna_stopped"] = await settled(viewer, anna_mids)
        after_end = mid_frames(viewer, anna_mids)
        sent0, host0 = host_pub.video.sent, mid_frames(viewer, host_mids)
        await asyncio.sleep(MEASURE_SECONDS)
        out["host_after_end"] = {"sent": host_pub.video.sent - sent0,
                                 "received": mid_frames(viewer, host_mids) - host0}
        out["anna_frames_after_stopped"] = mid_frames(viewer, anna_mids) - after_end

        _, again = await w.publish(anna)
        out["republish"] = {"type": again["type"], "code": again.get("code")}
    return out


async def relay_cap(env: dict[str, str], tokens: dict[str, str], log_dir: str) -> dict[str, Any]:
    """3. Without Janus: the in-process relay serves two viewers through the gateway and refuses the third."""
    out: dict[str, Any] = {}
    async with webinar(env, log_dir, tokens["organiser"], 0) as w:
        host, snap = await w.enter(tokens["host"])
        await w.go_live(host)
        out["media"] = snap["media"]
        publisher, answer = await w.publish(host)
        out["publish"] = answer["type"]
        for name in ("anna", "mike"):
            client, _ = await w.enter(tokens[name])
            _, offer = await w.watch(client, name)
            out.setdefault("offers", []).append(offer["type"])
        await wait_until(lambda: all(v.first_video.is_set() for v in w.viewers), FRAME_SECONDS,
                         "both relay viewers' first video frame")
        out.update(await delivery(publisher, w.viewers))
        third, _ = await w.enter(tokens["moderator"])
        _, refused = await w.watch(third, "moderator")
        out["third"] = {"type": refused["type"], "code": refused.get("code"), "message": refused.get("message")}
    return out
