"""Chaos: SIGTERM one of two nodes with 300 people in one lobby — all resume on the other, nothing lost or doubled.

docker-compose.yml's topology on loopback (tests/support/topology.py): two `roundtable serve` nodes behind a
round-robin load balancer, a private PostgreSQL and Redis. 300 distinct people hold one WebSocket each through the
load balancer in `lobby:1`; a few of them chat all the time with idempotency keys. Node A gets SIGTERM: it drains
(server/drain.py: 1012 spread over ROUNDTABLE_DRAIN_SECONDS) and exits 0. Every client of A reconnects through the
load balancer — to B — and resumes with `since` = the last seq it saw (docs/protocol.md, "join"). At the end every
client holds every acknowledged message exactly once, in seq order, and each idempotency key is stored once: a say
cut by the close is retried with its key, and one whose ack we pretend was lost is sent again and answered
`duplicate` with the same seq.

The clients are a deliberately small raw client (one task per socket, presence frames passed over unparsed) so that
300 of them and the load balancer stay light beside the two nodes on a 2-core machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import random
import re
import signal
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from tests.support.topology import Topology
from tests.support.wsclient import SUBPROTOCOL, mint_tokens

pytestmark = [pytest.mark.chaos, pytest.mark.multinode, pytest.mark.redis, pytest.mark.postgres]

CLIENTS = 300
SENDERS_PER_NODE = 4
SAY_PAUSE = 0.3  # between one sender's acknowledged message and its next: ~25 messages/s in all
SPREAD = 3.0  # ROUNDTABLE_DRAIN_SECONDS
EXIT_DEADLINE = SPREAD + 5.0 + 10.0  # the spread, drain.EXTRA, and uvicorn's own shutdown with a margin
CONNECT_AT_ONCE = 16  # below the per-address limit of opening connections (all come from the load balancer)
LOBBY = "lobby:1"
MISSION = 1
SETTLE_SECONDS = 60.0
RETRYABLE = {"database-unavailable", "rate-limited", "unavailable", "draining"}


# -- the topology and 300 people -----------------------------------------------------------------------------


async def _grow_mission(dsn: str, total: int) -> list[str]:
    """Makes `total` distinct people members of the demo mission (participants copied, profile and all) and
    returns their addresses: 300 sockets of a handful of people would be held back by the per-person limits."""
    conn = await asyncpg.connect(dsn)
    try:
        members = [r["user_id"] for r in await conn.fetch(
            "SELECT user_id FROM memberships WHERE mission_id = $1 AND role = 'participant' ORDER BY user_id",
            MISSION)]
        have = await conn.fetchval("SELECT count(*) FROM memberships WHERE mission_id = $1", MISSION)
        top = await conn.fetchval("SELECT max(id) FROM users")
        columns = ", ".join(r["column_name"] for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'profiles' "
            "AND column_name <> 'user_id'"))
        async with conn.transaction():
            for n in range(max(0, total - have)):
                source, new = members[n % len(members)], top + 1 + n
                await conn.execute(
                    "INSERT INTO users (id, email, name, password_hash, can_create_missions, created_at) "
                    "SELECT $1::integer, $2, name || ' ' || $4, password_hash, can_create_missions, created_at "
                    "FROM users WHERE id = $3", new, f"chaos-{new}@example.invalid", source, str(new))
                await conn.execute(f"INSERT INTO profiles (user_id, {columns}) SELECT $1, {columns} FROM profiles "
                                   "WHERE user_id = $2", new, source)
                await conn.execute("INSERT INTO profile_sectors (user_id, sector_key, sector) "
                                   "SELECT $1, sector_key, sector FROM profile_sectors WHERE user_id = $2",
                                   new, source)
                await conn.execute("INSERT INTO memberships (mission_id, user_id, role, side) "
                                   "SELECT mission_id, $1, role, side FROM memberships "
                                   "WHERE mission_id = $2 AND user_id = $3", new, MISSION, source)
        rows = await conn.fetch("SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id "
                                "WHERE m.mission_id = $1 ORDER BY u.id", MISSION)
        return [r["email"] for r in rows][:total]
    finally:
        await conn.close()


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[tuple[Topology, list[str]]]:
    began = time.monotonic()
    with Topology(tmp_path, nodes=2, janus=False, ROUNDTABLE_DRAIN_SECONDS=str(SPREAD)) as top:
        print(f"topology up in {time.monotonic() - began:.1f} s", flush=True)
        dsn = top.postgres.url.replace("postgresql+asyncpg://", "postgresql://")
        emails = asyncio.run(_grow_mission(dsn, CLIENTS))
        assert len(emails) == CLIENTS, f"the mission has only {len(emails)} members"
        tokens = mint_tokens(top.env, {str(i): email for i, email in enumerate(emails)}, MISSION)
        print(f"300 people with tokens in {time.monotonic() - began:.1f} s", flush=True)
        yield top, [tokens[str(i)] for i in range(CLIENTS)]


# -- a light lobby client ----------------------------------------------------------------------------------


@dataclass
class Say:
    key: str
    text: str
    repeat: bool = False  # sent again on purpose, as when the ack was lost in the cut


@dataclass
class LobbyClient:
    index: int
    token: str
    ws_url: str
    nodes: list[str] = field(default_factory=list)  # the node of each connection, in order
    closes: list[int | None] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)  # every event seq received, in arrival order
    texts: dict[int, str] = field(default_factory=dict)
    last_seq: int | None = None
    resets: int = 0  # `reset` frames after the first join: a resume that was not one
    out_of_order: list[tuple[int, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # sender state
    chatting: bool = False
    outbox: list[Say] = field(default_factory=list)  # the say being tried (and retried) first
    acks: list[tuple[str, int, bool]] = field(default_factory=list)  # (key, seq, duplicate)
    retried: int = 0  # says cut by a close, sent again after the reconnection
    sent_keys: int = 0
    joined: asyncio.Event = field(default_factory=asyncio.Event)  # joined once
    live: bool = False  # joined on the socket it has now
    go: asyncio.Event = field(default_factory=asyncio.Event)  # set when this client is made a sender
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    stop: bool = False
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _waiting: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)

    async def run(self, gate: asyncio.Semaphore) -> None:
        delay = 0.1
        while not self.stop:
            try:
                async with gate:
                    ws = await connect(self.ws_url, subprotocols=[SUBPROTOCOL, f"bearer.{self.token}"],  # type: ignore[list-item]
                                       open_timeout=15, max_size=2**20, compression=None, ping_interval=None)
            except (OSError, InvalidHandshake, TimeoutError):
                # Refused while draining (503), or nobody listening yet: back off with jitter, as the web client.
                await asyncio.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, 2.0)
                continue
            delay = 0.1
            try:
                await self._session(ws)
            except ConnectionClosed as closed:
                if not self.stop:
                    self.closes.append(closed.rcvd.code if closed.rcvd else None)
            finally:
                for future in self._waiting.values():
                    if not future.done():
                        future.cancel()
                self._waiting.clear()
                with contextlib.suppress(Exception):
                    await ws.close()
            if not self.stop:
                await asyncio.sleep(random.uniform(0.05, 0.5))  # the protocol's jittered reconnect

    async def _session(self, ws: ClientConnection) -> None:
        await ws.send('{"type":"hello","version":1}')
        welcome = json.loads(await asyncio.wait_for(ws.recv(), 15))
        assert welcome["type"] == "welcome", welcome
        self.nodes.append(welcome["node"])
        join: dict[str, Any] = {"type": "join", "id": "join", "room": LOBBY}
        first = self.last_seq is None
        if not first:
            join["since"] = self.last_seq
        await ws.send(json.dumps(join))
        chat: asyncio.Task[None] | None = None
        try:
            async for raw in ws:
                assert isinstance(raw, str)
                if raw.startswith('{"type":"presence'):
                    continue
                frame = json.loads(raw)
                kind = frame["type"]
                if kind == "event" and frame.get("room") == LOBBY:
                    self._event(frame)
                elif kind == "reset" and frame.get("room") == LOBBY:
                    if not first:
                        self.resets += 1
                    self.last_seq = int(frame["seq"])
                elif kind == "joined" and frame.get("id") == "join":
                    if self.last_seq is None:
                        self.last_seq = int(frame["seq"])
                    self.joined.set()
                    self.live = True
                    if chat is None:
                        chat = asyncio.create_task(self._chat(ws))
                elif kind in ("ack", "error") and frame.get("id") in self._waiting:
                    future = self._waiting.pop(frame["id"])
                    if not future.done():
                        future.set_result(frame)
                elif kind == "error":
                    self.errors.append(f"{frame.get('code')}: {frame.get('message')}")
        finally:
            self.live = False
            if chat is not None:
                chat.cancel()
                with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                    await chat

    def _event(self, frame: dict[str, Any]) -> None:
        seq = int(frame["seq"])
        if self.last_seq is not None and seq <= self.last_seq:
            self.out_of_order.append((self.last_seq, seq))
        self.seqs.append(seq)
        self.texts[seq] = frame["event"].get("text", "")
        self.last_seq = max(seq, self.last_seq or 0)

    async def _chat(self, ws: ClientConnection) -> None:
        """One say at a time; one not acknowledged when the socket closed is sent again, same key, after the
        reconnection (before anything new)."""
        await self.go.wait()
        if self.outbox and not self.outbox[0].repeat:
            self.retried += 1
        while True:
            if not self.outbox:
                if not self.chatting:
                    self.idle.set()
                    return
                self.sent_keys += 1
                key = f"c{self.index}-{self.sent_keys}"
                self.outbox.append(Say(key, key))
            say = self.outbox[0]
            rid = f"s{next(self._ids)}"
            future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            self._waiting[rid] = future
            await ws.send(json.dumps({"type": "say", "id": rid, "room": LOBBY, "text": say.text, "key": say.key}))
            reply = await future
            if reply["type"] == "error":
                if reply.get("code") not in RETRYABLE:
                    self.errors.append(f"say {say.key}: {reply.get('code')}: {reply.get('message')}")
                    self.outbox.remove(say)
                await asyncio.sleep(1.0)
                continue
            self.outbox.remove(say)  # by identity: a resend may have been put before it meanwhile
            self.acks.append((say.key, int(reply["seq"]), bool(reply.get("duplicate"))))
            await asyncio.sleep(SAY_PAUSE)

    def resend_last(self) -> None:
        """Sends the last acknowledged say again next, as a client whose ack was lost in the cut would."""
        if self.acks:
            key = self.acks[-1][0]
            self.outbox.insert(0, Say(key, key, repeat=True))


async def _node_id(url: str, token: str) -> str:
    async with connect(url.replace("http://", "ws://") + "/ws", subprotocols=[SUBPROTOCOL, f"bearer.{token}"],  # type: ignore[list-item]
                       open_timeout=15, compression=None) as ws:
        await ws.send('{"type":"hello","version":1}')
        welcome = json.loads(await asyncio.wait_for(ws.recv(), 15))
        node: str = welcome["node"]
        return node


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _wait(predicate: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")
        await asyncio.sleep(0.1)


async def test_sigterm_of_one_node_every_client_resumes_on_the_other(
        topology: tuple[Topology, list[str]]) -> None:
    top, tokens = topology
    node_a, node_b = top.nodes
    began = time.monotonic()

    pids = [n.process.pid for n in top.nodes if n.process is not None]

    def phase(name: str) -> None:
        # Shown when the test fails, or with -s: where the time goes on a loaded machine.
        nodes = " ".join(f"{_cpu_seconds(pid):5.1f}" for pid in pids)
        print(f"{time.monotonic() - began:7.1f} s  CPU s: clients {time.process_time():5.1f}, nodes {nodes}  {name}",
              flush=True)

    a_id = await _node_id(node_a.url, tokens[0])
    b_id = await _node_id(node_b.url, tokens[0])
    ws_url = top.lb_url.replace("http://", "ws://") + "/ws"
    clients = [LobbyClient(i, token, ws_url) for i, token in enumerate(tokens)]
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)
    tasks = [asyncio.create_task(c.run(gate)) for c in clients]
    try:
        await asyncio.wait_for(asyncio.gather(*(c.joined.wait() for c in clients)), SETTLE_SECONDS)
        phase("300 clients joined")
        on_a = [c for c in clients if c.nodes[0] == a_id]
        on_b = [c for c in clients if c.nodes[0] == b_id]
        assert len(on_a) + len(on_b) == CLIENTS and on_a and on_b, (len(on_a), len(on_b))

        senders = on_a[:SENDERS_PER_NODE] + on_b[:SENDERS_PER_NODE]
        for c in senders:
            c.chatting = True
            c.go.set()
        await _wait(lambda: all(len(c.acks) >= 2 for c in senders), SETTLE_SECONDS, "the first messages")

        phase("chatting")
        # SIGTERM node A while everyone chats; it drains and exits by itself.
        process = node_a.process
        assert process is not None
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        await _wait(lambda: process.poll() is not None, EXIT_DEADLINE, "node A to exit after SIGTERM")
        exited_after = time.monotonic() - signalled
        phase(f"node A exited {process.returncode} after {exited_after:.1f} s")
        node_a.process = None
        # Everyone of A is back (on B), joined again; the senders of A resend one say whose ack "was lost".
        await _wait(lambda: all(c.closes and len(c.nodes) >= 2 and c.live for c in on_a),
                    SETTLE_SECONDS, "every client of node A to reconnect")
        phase("every client of A reconnected")
        for c in on_a[:SENDERS_PER_NODE]:
            c.resend_last()
        acked_before = {c.index: len(c.acks) for c in senders}
        await _wait(lambda: all(len(c.acks) >= acked_before[c.index] + 3 for c in senders), SETTLE_SECONDS,
                    "messages after the reconnection")

        for c in senders:
            c.chatting = False
        await asyncio.wait_for(asyncio.gather(*(c.idle.wait() for c in senders)), SETTLE_SECONDS)
        last = max(seq for c in senders for _, seq, _ in c.acks)
        await _wait(lambda: all((c.last_seq or 0) >= last for c in clients), SETTLE_SECONDS,
                    "every client to see the last message")
        phase(f"every client saw the last message; says retried after the cut: {sum(c.retried for c in senders)}")
        # Neither node failed at anything on the way (a leave or a publish refused in the storm, say).
        failures = [line[:300] for node in (node_a, node_b) for line in node.log.read_text().splitlines()
                    if '"level": "error"' in line]
    finally:
        for c in clients:
            c.stop = True
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    assert not failures, "\n".join(failures)
    # Node A drained and exited cleanly within its deadline.
    assert process.returncode == 0, (process.returncode, node_a.log.read_text()[-3000:])
    assert exited_after < EXIT_DEADLINE, exited_after
    # Every client of A was closed with the documented "server restart" code and resumed on B; B's kept theirs.
    assert all(c.closes == [1012] for c in on_a), Counter(tuple(c.closes) for c in on_a)
    assert all(c.nodes[-1] == b_id for c in on_a), Counter(c.nodes[-1] for c in on_a)
    assert all(not c.closes and c.nodes == [b_id] for c in on_b), [c.closes for c in on_b if c.closes]
    # Resumed, not reset: the join with `since` gave exactly the missed events, in order, once.
    assert sum(c.resets for c in clients) == 0, [c.index for c in clients if c.resets]
    assert not [c.out_of_order for c in clients if c.out_of_order]
    assert not [c.errors for c in clients if c.errors]

    # Each key was stored once: one seq per key, the seq every ack (the duplicate's too) named.
    acked: dict[str, int] = {}
    for c in senders:
        for key, seq, _ in c.acks:
            assert acked.setdefault(key, seq) == seq, (key, seq, acked[key])
    duplicates = [key for c in senders for key, _, dup in c.acks if dup]
    assert len(duplicates) >= SENDERS_PER_NODE, duplicates  # every resent say was recognised
    stored = Counter(text for text in clients[0].texts.values() if re.fullmatch(r"c\d+-\d+", text))
    assert all(n == 1 for n in stored.values()), [k for k, n in stored.items() if n > 1]
    # Every client holds every acknowledged message exactly once, in seq order.
    expected = {seq: key for key, seq in acked.items()}
    for c in clients:
        got = {seq: c.texts[seq] for seq in c.seqs if seq in expected}
        assert got == expected, (c.index, sorted(set(expected) - set(got)))
        assert c.seqs == sorted(set(c.seqs)), c.index
