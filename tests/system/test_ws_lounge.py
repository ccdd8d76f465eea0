"""The networking lounge through the gateway (docs/lounge.md): a real server process and real WebSocket clients.

Many simulated participants go through mixing rounds while people join and leave; table signalling reaches the
named table member only; concurrent sits never exceed a table's capacity. Rounds last minutes: the test moves
them on with the organisers' `rounds-next` instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import httpx2 as httpx
import pytest

from rooms.core.cards import Side
from server.demo import mission1_members
from tests.support.procs import Server, env_for, roundtable, serving
from tests.support.wsclient import Client, mint_tokens

ORGANISER = "organiser@roundtable.example"
READY = {"kind": "ready", "sid": "s1"}
SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"

Frame = dict[str, Any]


def participants() -> dict[str, Side]:
    """The demo's participants of mission 1, delegation and partners alternating (so any prefix mixes)."""
    members = [m for m in mission1_members() if m.side is not None]
    delegation = [m.email for m in members if m.side is Side.DELEGATION]
    partners = [m.email for m in members if m.side is Side.PARTNER]
    out: dict[str, Side] = {}
    for d, p in zip(delegation, partners, strict=False):
        out[d], out[p] = Side.DELEGATION, Side.PARTNER
    return out


PEOPLE = participants()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    e = env_for(tmp_path_factory.mktemp("lounge") / "var", ROUNDTABLE_JANUS="off")
    roundtable(e, "demo", "--no-links")
    return e


@pytest.fixture(scope="module")
def server(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(env, tmp_path_factory.mktemp("lounge-logs")) as s:
        yield s


def _reply_to(rid: str, f: Frame) -> bool:
    return bool(f.get("id") == rid and f["type"] in ("ack", "error", "joined"))


def _round_of(total: int, e: Frame) -> bool:
    return bool(e["round"] is not None and e["rounds_total"] == total)


def _stood_up(user_id: int, e: Frame) -> bool:
    return bool(e["user_id"] == user_id and e["table"] is None)


@pytest.fixture(scope="module")
def tokens(server: Server, env: dict[str, str]) -> dict[str, str]:
    return mint_tokens(env, {email: email for email in [ORGANISER, *PEOPLE]})


def lounge_item(server: Server, token: str) -> int:
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as http:
        items: list[dict[str, Any]] = http.get("/api/missions/1/programme").json()
    return next(int(i["id"]) for i in items if i["kind"] == "networking")


class Peer:
    """One participant's connection; every frame it receives is kept, in order, for later questions."""

    def __init__(self, client: Client, email: str) -> None:
        self.client = client
        self.email = email
        self.user_id: int = client.welcome["user"]["id"]
        self.frames: list[Frame] = []
        self._used: set[int] = set()
        self._arrived = asyncio.Event()
        self._ids = itertools.count(1)
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(cls, server: Server, token: str, email: str) -> Peer:
        return cls(await Client.open(server.url, token), email)

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            while True:
                self.frames.append(await self.client.recv(timeout=3600))
                self._arrived.set()

    async def wait(self, pred: Callable[[Frame], bool], timeout: float = 15.0) -> Frame:
        async with asyncio.timeout(timeout):
            while True:
                for i, frame in enumerate(self.frames):
                    if i not in self._used and pred(frame):
                        self._used.add(i)
                        return frame
                self._arrived.clear()
                await self._arrived.wait()

    async def call(self, message: Frame) -> Frame:
        """The reply to `message`; sent again when the per-person rate limit refused it."""
        while True:
            rid = f"{self.email[:8]}-{next(self._ids)}"
            await self.client.send({**message, "id": rid})
            reply = await self.wait(partial(_reply_to, rid))
            if reply.get("code") != "rate-limited":
                return reply
            await asyncio.sleep(1.0)

    async def event(self, kind: str, pred: Callable[[Frame], bool] = lambda e: True,
                    timeout: float = 15.0) -> Frame:
        def match(f: Frame) -> bool:
            return f["type"] == "event" and f["event"]["kind"] == kind and pred(f["event"])

        frame = await self.wait(match, timeout)
        body: Frame = frame["event"]
        return body

    def signals(self) -> list[Frame]:
        return [f for f in self.frames if f["type"] == "signal"]

    async def close(self) -> None:
        await self.client.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


async def enter(server: Server, tokens: dict[str, str], email: str, room: str, **kw: Any) -> Peer:
    peer = await Peer.open(server, tokens[email], email)
    joined = await peer.call({"type": "join", "room": room, **kw})
    assert joined["type"] == "joined", joined
    await peer.wait(lambda f: f["type"] == "lounge")
    return peer


def pairs(groups: list[list[int]]) -> set[tuple[int, int]]:
    return {(a, b) for g in groups for a in g for b in g if a < b}


async def test_rounds_with_people_joining_and_leaving(server: Server, tokens: dict[str, str]) -> None:
    item = lounge_item(server, tokens[ORGANISER])
    room = f"lounge:{item}"
    emails = list(PEOPLE)
    first, late = emails[:24], emails[24:30]
    side = {**{e: PEOPLE[e] for e in emails}}
    organiser = await enter(server, tokens, ORGANISER, room)
    peers = {e: p for e, p in zip(first, await asyncio.gather(*(enter(server, tokens, e, room) for e in first)),
                                  strict=True)}
    by_id = {p.user_id: e for e, p in peers.items()}
    by_id[organiser.user_id] = ORGANISER
    try:
        # The organiser runs the rounds from outside them: not placed, unless they opt in.
        assert next(f for f in organiser.frames if f["type"] == "lounge")["opt_out"] is True
        assert next(f for f in peers[first[0]].frames if f["type"] == "lounge")["opt_out"] is False
        # Only organisers run rounds.
        refused = await peers[first[0]].call({"type": "rounds-start", "room": room, "rounds": 3, "minutes": 2})
        assert refused["code"] == "not-allowed"
        assert (await organiser.call({"type": "rounds-start", "room": room, "rounds": 3,
                                      "minutes": 2}))["type"] == "ack"
        placements: list[list[list[int]]] = []
        present = [organiser, *peers.values()]
        for number in range(1, 4):
            total = number  # every round started in this lounge counts
            seen = [await p.event("l-round", partial(_round_of, total)) for p in present]
            # Every client saw the same placement.
            assert all(s == seen[0] for s in seen), "clients disagree on the placement"
            groups = [g["members"] for g in seen[0]["round"]["groups"]]
            placed = [u for g in groups for u in g]
            assert len(placed) == len(set(placed)), "somebody is in two groups"
            assert set(placed) == {p.user_id for p in present if p is not organiser}
            assert all(3 <= len(g) <= 5 for g in groups)
            assert len({g["table"] for g in seen[0]["round"]["groups"]}) == len(groups)
            for g in groups:
                sides = {side.get(by_id[u]) for u in g} - {None}
                assert sides == {Side.DELEGATION, Side.PARTNER}, f"group {g} does not mix"
            placements.append(groups)
            if number == 3:
                break
            # Mid-round: three people leave (their seats free up), three others arrive and sit freely.
            leaving = [peers.pop(e) for e in list(peers)[number * 3:number * 3 + 3]]
            for p in leaving:
                await p.close()
            for p in leaving:
                await organiser.event("l-seat", partial(_stood_up, p.user_id))
            arriving = late[(number - 1) * 3:number * 3]
            for e, p in zip(arriving, await asyncio.gather(*(enter(server, tokens, e, room) for e in arriving)),
                            strict=True):
                peers[e] = p
                by_id[p.user_id] = e
            newcomer = peers[arriving[0]]
            table = seen[0]["round"]["groups"][0]["table"]
            sat = await newcomer.call({"type": "sit", "room": room, "table": table})
            assert sat["type"] == "ack", sat
            present = [organiser, *peers.values()]
            assert (await organiser.call({"type": "rounds-next", "room": room}))["type"] == "ack"
        assert (await organiser.call({"type": "rounds-stop", "room": room}))["type"] == "ack"
        ended = await peers[late[-1]].event("l-round", lambda e: e["round"] is None and e["rounds_total"] == 3)
        assert ended["rounds_total"] == 3
        # No pair met twice: a repeat-free placement exists for this many people over three rounds (people who
        # sat down freely met too).
        met: set[tuple[int, int]] = set()
        for number, groups in enumerate(placements, 1):
            again = sorted(pairs(groups) & met)
            assert not again, f"round {number} repeats {again}; placements {placements}"
            met |= pairs(groups)
    finally:
        for p in [organiser, *peers.values()]:
            await p.close()


async def test_table_signalling_is_confined_to_its_members(server: Server, tokens: dict[str, str]) -> None:
    item = lounge_item(server, tokens[ORGANISER])
    room = f"lounge:{item}"
    a, b, c, d, e = [await enter(server, tokens, email, room) for email in list(PEOPLE)[30:35]]
    organiser = await enter(server, tokens, ORGANISER, room)
    everyone = [a, b, c, d, e, organiser]
    try:
        made = await organiser.call({"type": "table-save", "room": room, "name": "Batteries", "capacity": 4,
                                     "topic": "Second life", "sector": "Batteries"})
        assert made["type"] == "ack"
        tables = await a.event("l-tables", lambda ev: any(t["name"] == "Batteries" for t in ev["tables"]))
        one = next(t["id"] for t in tables["tables"] if t["name"] == "Batteries")
        other = next(t["id"] for t in tables["tables"] if t["id"] != one)
        for p, t in ((a, one), (b, one), (c, one), (d, other)):
            assert (await p.call({"type": "sit", "room": room, "table": t}))["type"] == "ack"
        here, there = f"table:{item}:{one}", f"table:{item}:{other}"
        for p in (a, b, c):
            assert (await p.call({"type": "join", "room": here}))["type"] == "joined"
        assert (await d.call({"type": "join", "room": there}))["type"] == "joined"
        # A member of another table and someone not seated may not enter (not-seated, a kind of not-allowed),
        # nor signal into it.
        for outsider in (d, e):
            assert (await outsider.call({"type": "join", "room": here}))["code"] == "not-seated"
            sent = await outsider.call({"type": "signal", "room": here, "to": a.user_id,
                                        "signal": READY})
            assert sent["code"] == "not-allowed"
        # A signal goes to the named member only.
        sent = await a.call({"type": "signal", "room": here, "to": b.user_id, "signal": READY})
        assert sent["type"] == "ack", sent
        got = await b.wait(lambda f: f["type"] == "signal")
        assert (got["room"], got["from"], got["signal"]["kind"]) == (here, a.user_id, "ready")
        # Not to someone seated elsewhere, not without naming a member.
        to_d = await a.call({"type": "signal", "room": here, "to": d.user_id, "signal": READY})
        assert to_d["code"] == "not-allowed"
        unnamed = await a.call({"type": "signal", "room": here, "signal": READY})
        assert unnamed["code"] == "to-required"
        # Seats change under the room: once B stood up, signals between A and B stop.
        assert (await b.call({"type": "stand", "room": room}))["type"] == "ack"
        after = await a.call({"type": "signal", "room": here, "to": b.user_id, "signal": READY})
        assert after["code"] == "not-allowed"
        back = await b.call({"type": "signal", "room": here, "to": a.user_id, "signal": READY})
        assert back["code"] == "not-allowed"
        # A last signal C → A proves delivery still works; by the time it arrives, nothing else did.
        assert (await c.call({"type": "signal", "room": here, "to": a.user_id,
                              "signal": READY}))["type"] == "ack"
        await a.wait(lambda f: f["type"] == "signal" and f["from"] == c.user_id)
        assert [s["from"] for s in a.signals()] == [c.user_id]
        assert [s["from"] for s in b.signals()] == [a.user_id]
        assert c.signals() == d.signals() == e.signals() == organiser.signals() == []
        # At a table, as in a meeting, the lower user id of each pair makes the offers.
        low, high = sorted((a, c), key=lambda p: p.user_id)
        offer = {"kind": "offer", "sid": "o1", "sdp": SDP}
        assert (await high.call({"type": "signal", "room": here, "to": low.user_id, "signal": offer}))[
            "code"] == "wrong-role"
        assert (await low.call({"type": "signal", "room": here, "to": high.user_id, "signal": offer}))[
            "type"] == "ack"
        got = await high.wait(lambda f: f["type"] == "signal" and f["signal"]["kind"] == "offer")
        assert (got["from"], got["role"]) == (low.user_id, "answerer")
    finally:
        for p in everyone:
            await p.close()


async def test_concurrent_sits_never_exceed_capacity(server: Server, tokens: dict[str, str]) -> None:
    item = lounge_item(server, tokens[ORGANISER])
    room = f"lounge:{item}"
    emails = list(PEOPLE)[40:60]
    organiser = await enter(server, tokens, ORGANISER, room)
    peers = list(await asyncio.gather(*(enter(server, tokens, e, room) for e in emails)))
    try:
        assert (await organiser.call({"type": "table-save", "room": room, "name": "Four seats",
                                      "capacity": 4}))["type"] == "ack"
        tables = await organiser.event("l-tables", lambda ev: any(t["name"] == "Four seats" for t in ev["tables"]))
        table = next(t["id"] for t in tables["tables"] if t["name"] == "Four seats")
        replies = await asyncio.gather(*(p.call({"type": "sit", "room": room, "table": table}) for p in peers))
        assert sorted(r["type"] for r in replies).count("ack") == 4
        assert [r["code"] for r in replies if r["type"] == "error"] == ["table-full"] * 16
        final = await organiser.event("l-seat", lambda ev: ev["table"] == table)
        assert final["table"] == table
        seated = {r_peer.user_id for r_peer, r in zip(peers, replies, strict=True) if r["type"] == "ack"}
        # A late joiner's snapshot shows exactly those four.
        late = await enter(server, tokens, list(PEOPLE)[60], room)
        peers.append(late)
        snap = next(f for f in late.frames if f["type"] == "lounge")
        seats = next(t["seats"] for t in snap["state"]["tables"] if t["id"] == table)
        assert set(seats) == seated
    finally:
        for p in [organiser, *peers]:
            await p.close()


async def test_have_a_word_and_connect(server: Server, tokens: dict[str, str]) -> None:
    item = lounge_item(server, tokens[ORGANISER])
    room = f"lounge:{item}"
    anna_email, mike_email, hidden_email = list(PEOPLE)[62:65]
    anna = await enter(server, tokens, anna_email, room)
    mike = await enter(server, tokens, mike_email, room)
    hidden = await enter(server, tokens, hidden_email, room, status="invisible")
    try:
        # Incognito: present (placed, invitable) but not listed to others.
        presence = next(f for f in anna.frames if f["type"] == "joined")["presence"]
        assert anna.user_id in {m["user_id"] for m in presence}
        assert hidden.user_id not in {m["user_id"] for m in
                                      next(f for f in mike.frames if f["type"] == "joined")["presence"]}
        for p in (anna, mike):
            assert (await p.call({"type": "join", "room": f"inbox:{p.user_id}"}))["type"] == "joined"
        sent = await anna.call({"type": "word", "room": room, "user": mike.user_id})
        assert (sent["type"], sent["already_sent"]) == ("ack", False), sent
        asked = await mike.event("l-word", lambda ev: ev["invite"]["to"] == mike.user_id)
        invite = asked["invite"]["id"]
        assert sent["invite"] == invite
        # Asking again while the first waits sends nothing new, and says so.
        again = await anna.call({"type": "word", "room": room, "user": mike.user_id})
        assert (again["type"], again["invite"], again["already_sent"]) == ("ack", invite, True), again
        assert asked["invite"]["from"]["user_id"] == anna.user_id
        replied = await mike.call({"type": "word-reply", "room": room, "invite": invite, "accept": True})
        assert replied["type"] == "ack", replied
        meetings = [(await p.wait(lambda f: f["type"] == "word-accepted"))["meeting"] for p in (anna, mike)]
        assert meetings[0] == meetings[1]
        event = await anna.event("l-word-reply", lambda ev: ev["invite"] == invite)
        assert event["meeting_id"] == meetings[0]
        # Both may enter the side room.
        for p in (anna, mike):
            assert (await p.call({"type": "join", "room": f"meeting:{meetings[0]}"}))["type"] == "joined"
        # While the side room lasts, both are booked: another one between them is refused.
        assert (await mike.call({"type": "word", "room": room, "user": anna.user_id}))["type"] == "ack"
        again = (await anna.event("l-word", lambda ev: ev["invite"]["to"] == anna.user_id))["invite"]["id"]
        refused = await anna.call({"type": "word-reply", "room": room, "invite": again, "accept": True})
        assert refused.get("code") == "busy-now", refused
        # They leave it early (or the call never connected): it ends now, and their time is free again.
        for p in (anna, mike):
            assert (await p.call({"type": "leave", "room": f"meeting:{meetings[0]}"}))["type"] == "ack"
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {tokens[anna_email]}"}) as http:
            ended = http.get(f"/api/meetings/{meetings[0]}").json()
        booked = dt.datetime.fromisoformat(ended["ends_at"]) - dt.datetime.fromisoformat(ended["starts_at"])
        assert ended["status"] == "failed-to-connect" and booked < dt.timedelta(minutes=1), ended
        accepted = await anna.call({"type": "word-reply", "room": room, "invite": again, "accept": True})
        assert accepted["type"] == "ack", accepted

        one_sided = await anna.call({"type": "connect", "room": room, "user": mike.user_id})
        assert (one_sided["type"], one_sided["mutual"]) == ("ack", False)
        mutual = await mike.call({"type": "connect", "room": room, "user": anna.user_id})
        assert (mutual["type"], mutual["mutual"]) == ("ack", True)
        lead = await anna.event("n-lead")
        assert lead["person"]["user_id"] == mike.user_id
    finally:
        for p in (anna, mike, hidden):
            await p.close()
