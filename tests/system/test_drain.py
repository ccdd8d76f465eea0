"""SIGTERM drains a node (issue 16, "Lifecycle"; server/drain.py): a real server with 30 open sockets. After the
signal /readyz says 503 and a new socket is refused, every open socket is closed with 1012 — spread over the
configured seconds, not all at once — the process exits by itself within its deadline, and a message acknowledged
just before the signal is there when the node comes back (resumed from the last seq)."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.support.procs import env_for, roundtable, serving
from tests.support.wsclient import Client, mint_tokens

PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example", "host": "host@roundtable.example"}
TABS = 10  # sockets per person: 30 in all
SPREAD = 2.0
LOBBY = "lobby:1"


async def _closed(client: Client) -> tuple[int | None, float]:
    """The close code this client got, and when (monotonic)."""
    try:
        while True:
            await client.ws.recv()
    except ConnectionClosed as closed:
        return (closed.rcvd.code if closed.rcvd else None), time.monotonic()


async def test_sigterm_closes_every_socket_spread_out_and_exits(tmp_path: Path) -> None:
    env = env_for(tmp_path / "var", ROUNDTABLE_DRAIN_SECONDS=str(SPREAD))
    roundtable(env, "demo", "--no-links")
    with serving(env, tmp_path) as server:
        tokens = mint_tokens(env, PEOPLE)
        clients = [await Client.open(server.url, tokens[name]) for name in PEOPLE for _ in range(TABS)]
        first = clients[0]
        joined = await first.join(LOBBY)
        for c in clients[1:]:
            await c.join(LOBBY)
        ack = await first.say(LOBBY, "said just before the restart", key="before")
        assert ack["type"] == "ack", ack
        waiting = [asyncio.create_task(_closed(c)) for c in clients]

        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        async with httpx.AsyncClient(base_url=server.url) as http:
            deadline = time.monotonic() + SPREAD
            ready = 200
            while time.monotonic() < deadline and ready != 503:
                ready = (await http.get("/readyz")).status_code
                await asyncio.sleep(0.05)
            assert ready == 503  # the load balancer stops sending people here
        with pytest.raises(InvalidStatus) as refused:
            await Client.open(server.url, tokens["anna"])
        assert refused.value.response.status_code == 503

        closes = await asyncio.wait_for(asyncio.gather(*waiting), SPREAD + 10)
        assert {code for code, _ in closes} == {1012}
        times = sorted(at - signalled for _, at in closes)
        # Spread out: not a herd (the first and last a good part of the spread apart), all within it and a margin.
        assert times[-1] - times[0] >= SPREAD / 2, times
        assert times[-1] <= SPREAD + 3, times
        assert server.process.wait(timeout=20) == 0
        assert time.monotonic() - signalled < SPREAD + 15

    # The node comes back; the message acknowledged before the signal is there for whoever resumes.
    with serving(env, tmp_path) as server:
        back = await Client.open(server.url, mint_tokens(env, {"mike": PEOPLE["mike"]})["mike"])
        await back.join(LOBBY, since=int(joined["seq"]))
        event = await back.expect("event")
        assert (event["seq"], event["event"]["text"]) == (ack["seq"], "said just before the restart")
        await back.close()
