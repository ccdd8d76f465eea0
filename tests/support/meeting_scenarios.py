"""Meeting-room scenarios: booking a meeting in a seeded database, and two aiortc peers meeting through our
signalling inside a network namespace (tests/support/netns.py). Scenarios return plain JSON data; the assertions are in
tests/system/test_meeting_signalling.py, so a failure shows what was seen.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.sdp import candidate_from_sdp

from tests.support.procs import serving
from tests.support.testpeer import SyntheticVideo, ice_configuration, wait_until
from tests.support.wsclient import Client

CONNECT_SECONDS = 30.0
MEASURE_SECONDS = 2.0


def database_url(env: dict[str, str]) -> str:
    return env.get("ROUNDTABLE_DATABASE_URL") or f"sqlite+aiosqlite:///{env['ROUNDTABLE_VAR_DIR']}/roundtable.db"


def book_meeting(env: dict[str, str], a: str, b: str, *, starts_in: dt.timedelta = dt.timedelta(minutes=-5),
                 minutes: int = 20, mission: int = 1) -> dict[str, int]:
    """Books a meeting between the people with e-mails `a` and `b` in the mission's first matchmaking item,
    starting `starts_in` from now (real time: the server runs on the system clock). Returns ids."""
    from rooms.missions.mission import ItemKind
    from server.db.store_sql import SqlStore

    async def book() -> dict[str, int]:
        store = await SqlStore.open(database_url(env))
        try:
            ua, ub = await store.get_user_by_email(a), await store.get_user_by_email(b)
            assert ua is not None and ub is not None, (a, b)
            item = next(i for i in await store.programme(mission) if i.kind is ItemKind.MATCHMAKING)
            now = dt.datetime.now(dt.UTC)
            start = (now + starts_in).replace(microsecond=0)
            meeting = await store.book(mission, ua.id, ub.id, item.id, start, start + dt.timedelta(minutes=minutes),
                                       ua.id, 30, now)
            return {"meeting": meeting.id, "a": ua.id, "b": ub.id}
        finally:
            await store.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, book()).result()


# -- a meeting peer --------------------------------------------------------------------------------------------


class MeetingPeer:
    """One side of the call: sends synthetic video, decodes what arrives, speaks our `signal` messages
    (docs/protocol.md, "Calls"): the side the server names in `offer_to` offers, the other says `ready`.

    `trickle=True` behaves like a browser (SDP without candidates, then each candidate and an end-of-candidates
    signal); `trickle=False` like aiortc itself (one complete SDP)."""

    def __init__(self, client: Client, room: str, trickle: bool, sid: str) -> None:
        self.client = client
        self.room = room
        self.trickle = trickle
        self.sid = sid
        self.remote_sid: str | None = None
        self.pc = RTCPeerConnection(ice_configuration())
        self.video = SyntheticVideo()
        self.pc.addTrack(self.video)
        self.frames = 0
        self.sizes: set[tuple[int, int]] = set()
        self.signals_sent: list[str] = []
        self.signals_received: list[str] = []
        self.roles: set[str] = set()  # the part the server said this side plays, in every frame it relayed
        self._tasks: list[asyncio.Task[None]] = []
        self.pc.on("track", self._on_track)

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "video":
            self._tasks.append(asyncio.create_task(self._count(track)))

    async def _count(self, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                self.frames += 1
                self.sizes.add((frame.width, frame.height))  # type: ignore[union-attr]

    async def signal(self, body: dict[str, Any]) -> None:
        self.signals_sent.append(body["kind"])
        await self.client.send({"type": "signal", "room": self.room, "signal": {**body, "sid": self.sid}})

    async def _describe(self, kind: str, to: str | None) -> None:
        sdp = self.pc.localDescription.sdp
        addressed = {} if to is None else {"to": to}
        if not self.trickle:
            await self.signal({"kind": kind, "sdp": sdp, **addressed})
            return
        lines = sdp.splitlines()
        bare = [x for x in lines if not x.startswith(("a=candidate:", "a=end-of-candidates"))]
        await self.signal({"kind": kind, "sdp": "\r\n".join(bare) + "\r\n", **addressed})
        mid: str | None = None
        mline = -1
        for line in lines:
            if line.startswith("m="):
                mline += 1
            elif line.startswith("a=mid:"):
                mid = line[len("a=mid:"):]
            elif line.startswith("a=candidate:"):
                await self.signal({"kind": "candidate", "candidate": line[2:], "mid": mid, "mline": mline})
        await self.signal({"kind": "candidate", "candidate": ""})

    async def start(self, joined: dict[str, Any], other: int) -> None:
        """What a page does once it is in the room with `other`: offer if the server says so, else ask."""
        if other in joined.get("offer_to", []):
            await self.offer(None)
        else:
            await self.signal({"kind": "ready"})

    async def offer(self, to: str | None) -> None:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        await self._describe("offer", to)

    async def on_signal(self, frame: dict[str, Any]) -> None:
        body = frame["signal"]
        self.roles.add(frame["role"])
        self.signals_received.append(body["kind"])
        match body["kind"]:
            case "ready":
                if frame["role"] == "offerer":
                    await self.offer(body["sid"])
            case "offer":
                self.remote_sid = body["sid"]
                await self.pc.setRemoteDescription(RTCSessionDescription(body["sdp"], "offer"))
                await self.pc.setLocalDescription(await self.pc.createAnswer())
                await self._describe("answer", body["sid"])
            case "answer":
                assert body["to"] == self.sid, body
                self.remote_sid = body["sid"]
                await self.pc.setRemoteDescription(RTCSessionDescription(body["sdp"], "answer"))
            case "candidate":
                if body["sid"] != self.remote_sid:
                    return
                if not body["candidate"]:
                    await self.pc.addIceCandidate(None)
                    return
                candidate = candidate_from_sdp(body["candidate"].removeprefix("candidate:"))
                candidate.sdpMid = body.get("mid")
                candidate.sdpMLineIndex = body.get("mline")
                await self.pc.addIceCandidate(candidate)
            case "bye":
                pass

    async def listen(self) -> None:
        """Handles the signals that arrive, in order, until cancelled."""
        while True:
            frame = await self.client.expect("signal", timeout=CONNECT_SECONDS)
            await self.on_signal(frame)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.pc.close()
        await self.client.close()


def both_connected(a: MeetingPeer, b: MeetingPeer) -> bool:
    return a.pc.connectionState == "connected" and b.pc.connectionState == "connected"


# -- scenarios (module-level: tests/support/netns.in_netns runs them by name) ---------------------------------------


async def peers_meet(env: dict[str, str], tokens: dict[str, str], ids: dict[str, int], meeting: int,
                     log_dir: str) -> dict[str, Any]:
    """Anna and Mike join `meeting:<id>`, Anna first; each does what `joined` tells it (the lower user id offers,
    trickling its candidates like a browser; the other says `ready` and answers with one complete SDP like
    aiortc); both send video and count the frames they decode. The moderator, a member of the mission but not
    of the meeting, tries to join and to signal."""
    room = f"meeting:{meeting}"
    out: dict[str, Any] = {}
    offers = "anna" if ids["anna"] < ids["mike"] else "mike"
    with serving(env, Path(log_dir)) as server:
        anna_client = await Client.open(server.url, tokens["anna"])
        anna_joined = await anna_client.join(room)
        anna = MeetingPeer(anna_client, room, trickle=offers == "anna", sid="anna-1")
        mike_client = await Client.open(server.url, tokens["mike"])
        mike_joined = await mike_client.join(room)
        mike = MeetingPeer(mike_client, room, trickle=offers == "mike", sid="mike-1")
        out["presence_seen_by_mike"] = sorted(m["user_id"] for m in mike_joined["presence"])
        out["presence_seen_by_anna"] = sorted(m["user_id"] for m in anna_joined["presence"])
        out["offer_to"] = {"anna": anna_joined["offer_to"], "mike": mike_joined["offer_to"]}
        intruder = await Client.open(server.url, tokens["moderator"])
        listeners = [asyncio.create_task(anna.listen()), asyncio.create_task(mike.listen())]
        try:
            await mike.start(mike_joined, ids["anna"])  # the one who arrives starts; Anna had nobody to call
            await wait_until(lambda: both_connected(anna, mike) or any(t.done() for t in listeners),
                             CONNECT_SECONDS, "both peers to connect")
            for t in listeners:
                if t.done():
                    t.result()  # a listener that failed says why
            await wait_until(lambda: anna.frames > 0 and mike.frames > 0, CONNECT_SECONDS, "frames both ways")
            before = (anna.frames, mike.frames)
            await asyncio.sleep(MEASURE_SECONDS)
            out["frames"] = {"anna": anna.frames - before[0], "mike": mike.frames - before[1]}
            out["sizes"] = {"anna": sorted(anna.sizes), "mike": sorted(mike.sizes)}
            out["states"] = {"anna": anna.pc.connectionState, "mike": mike.pc.connectionState}

            # The intruder: refused at the door and when signalling into the room.
            rid = await intruder.request({"type": "join", "room": room})
            refused = await intruder.expect("joined", "error")
            out["intruder_join"] = {"type": refused["type"], "code": refused.get("code"),
                                    "id_ok": refused.get("id") == rid}
            rid = await intruder.request({"type": "signal", "room": room, "signal": {"kind": "bye", "sid": "x"}})
            refused = await intruder.expect("ack", "error")
            out["intruder_signal"] = {"type": refused["type"], "code": refused.get("code"),
                                      "id_ok": refused.get("id") == rid}
        finally:
            for t in listeners:
                t.cancel()
            await asyncio.gather(*listeners, return_exceptions=True)
        # Nothing was ever echoed: each side received exactly what the other sent.
        out["offerer"] = offers
        out["mike_sent"], out["anna_received"] = mike.signals_sent, anna.signals_received
        out["anna_sent"], out["mike_received"] = anna.signals_sent, mike.signals_received
        out["roles"] = {"anna": sorted(anna.roles), "mike": sorted(mike.roles)}
        await intruder.close()
        await anna.close()
        await mike.close()
    return out
