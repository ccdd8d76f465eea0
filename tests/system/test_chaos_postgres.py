"""Chaos: PostgreSQL stopped and started again under a chat and a booking (issue 16, "Faults survived").

docker-compose.yml's topology on loopback (tests/support/topology.py): a private PostgreSQL, a private Redis, two
nodes behind the load balancer. Anna (on one node) and Mike (on the other) chat without pause, each message with
its idempotency key, retried with that key until it is acknowledged (what docs/protocol.md asks of a client after
`database-unavailable`; tests/support/talkers.py). PostgreSQL is stopped twice, once with `fast` (sessions
terminated) and once with `immediate` (a crash: recovery at the next start), and started again. While it is down:

- every chat message is answered `database-unavailable` (docs/protocol.md), never `internal`, and the socket stays
  open; nothing is acknowledged that is not stored;
- a booking over HTTP (accepting a meeting request, asking for a meeting) is a 503 `database-unavailable` with
  `Retry-After`, never a 500 nor a 200; a new WebSocket is refused with that 503;
- both nodes' /readyz say 503 `database-unavailable`.

After each start, without restarting any node: /readyz is 200 again, the retried keys are stored once each, every
acknowledged message is in the database's event log with its text, each person's socket received the room's
events exactly once and in order (the log's, no more, no less), and the booking retried succeeds and exists once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx2 as httpx
import pytest
from websockets.exceptions import InvalidStatus

from tests.support.talkers import (
    WAIT,
    Talker,
    assert_every_socket_got_the_log,
    assert_stored_once_as_acknowledged,
    cancel,
    room_log,
    until,
)
from tests.support.topology import Topology
from tests.support.wsclient import Client, mint_tokens

pytestmark = [pytest.mark.chaos, pytest.mark.postgres, pytest.mark.redis, pytest.mark.multinode]

# The host's token is never used before the outages: checking it needs the database (a credential proved a moment
# ago is taken without it, server/ws/verified.py).
PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example", "host": "host@roundtable.example"}
LOBBY = "lobby:1"
UNAVAILABLE = "database-unavailable"


async def ready(http: httpx.AsyncClient, url: str) -> tuple[int, str | None]:
    answer = await http.get(f"{url}/readyz")
    body = answer.json()
    return answer.status_code, (body.get("error") or {}).get("code")


async def assert_refused_while_down(top: Topology, http: httpx.AsyncClient, token: str,
                                    attempt: Callable[[], Awaitable[httpx.Response]]) -> None:
    """Both nodes not ready, the booking `attempt` a 503 to retry, and a new socket whose `token` must be checked in
    the database refused with that 503."""
    for node in top.nodes:
        assert await ready(http, node.url) == (503, UNAVAILABLE)
    answer = await attempt()
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == UNAVAILABLE
    assert answer.headers["retry-after"] == "2"
    with pytest.raises(InvalidStatus) as refused:
        await Client.open(top.lb_url, token)
    assert refused.value.response.status_code == 503
    assert json.loads(refused.value.response.body)["error"]["code"] == UNAVAILABLE


async def test_postgres_restarted_mid_chat_and_mid_booking(tmp_path: Path) -> None:
    with Topology(tmp_path, nodes=2, janus=False) as top:
        pids = [node.process.pid for node in top.nodes if node.process is not None]
        tokens = mint_tokens(top.env, PEOPLE)
        anna = Talker("anna", await Client.open(top.lb_url, tokens["anna"]), LOBBY, {UNAVAILABLE})
        mike = Talker("mike", await Client.open(top.lb_url, tokens["mike"]), LOBBY, {UNAVAILABLE})  # the next node
        assert anna.client.welcome["node"] != mike.client.welcome["node"]
        talkers = (anna, mike)
        joined = [await t.client.join(LOBBY) for t in talkers]
        since = max(int(j["seq"]) for j in joined)
        readers = [asyncio.create_task(t.read()) for t in talkers]

        auth = {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}
        async with (httpx.AsyncClient(base_url=top.lb_url, timeout=WAIT) as http,
                    contextlib.AsyncExitStack() as stack):
            mike_id = (await http.get("/api/me", headers=auth["mike"])).json()["user"]["id"]
            slots = (await http.get("/api/missions/1/matchmaking/slots", headers=auth["anna"])).json()
            free = [s["slot"]["starts_at"] for s in slots if s["meeting_id"] is None]
            asked = await http.post("/api/missions/1/meetings/requests", headers=auth["anna"],
                                    json={"to": mike_id, "slots": free[:1], "message": "Laadpalen?"})
            assert asked.status_code == 201, asked.text
            request_id = asked.json()["id"]
            # Someone else Anna could ask, for the booking during the second outage.
            ranked = (await http.get("/api/missions/1/matchmaking/recommendations", headers=auth["anna"])).json()
            other_id = next(r["person"]["profile"]["user_id"] for r in ranked)

            stop = asyncio.Event()
            chats = [asyncio.create_task(t.chat(stop)) for t in talkers]
            stack.push_async_callback(cancel, *chats, *readers)

            def acked() -> int:
                return min(len(t.acks) for t in talkers)

            def refused() -> int:
                return min(len(t.refused) for t in talkers)

            # -- 1. stopped with `fast`: sessions are terminated, the pool's connections cut under it ------------
            await until(lambda: acked() >= 5, "the chat to get going")
            await asyncio.to_thread(top.postgres.stop, "fast")  # in a thread: the sockets are read meanwhile
            before = refused()
            await until(lambda: refused() >= before + 2, "each person to be told the database is unavailable")
            accept = f"/api/meeting-requests/{request_id}/accept"
            await assert_refused_while_down(
                top, http, tokens["host"], lambda: http.post(accept, headers=auth["mike"], json={"slot": free[0]}))

            await asyncio.to_thread(top.postgres.start)
            at_start = acked()
            await until(lambda: acked() >= at_start + 5, "the chat to carry on after the start")
            for node in top.nodes:
                assert await ready(http, node.url) == (200, None)
            booked = await http.post(accept, headers=auth["mike"], json={"slot": free[0]})
            assert booked.status_code == 200, booked.text
            again = await http.post(accept, headers=auth["mike"], json={"slot": free[0]})
            assert (again.status_code, again.json()["error"]["code"]) == (409, "request-not-pending")
            meetings = (await http.get("/api/missions/1/meetings", headers=auth["anna"])).json()
            assert [(m["b"]["user_id"], m["starts_at"]) for m in meetings] == [(mike_id, free[0])]

            # -- 2. stopped with `immediate`: a crash, recovery runs at the next start ---------------------------
            await asyncio.to_thread(top.postgres.stop, "immediate")
            before = refused()
            await until(lambda: refused() >= before + 2, "each person to be told again")
            ask = {"to": other_id, "slots": free[1:2], "message": "Also interested?"}
            asking = "/api/missions/1/meetings/requests"
            await assert_refused_while_down(
                top, http, tokens["host"], lambda: http.post(asking, headers=auth["anna"], json=ask))

            await asyncio.to_thread(top.postgres.start)
            at_start = acked()
            await until(lambda: acked() >= at_start + 5, "the chat to carry on after the crash")
            for node in top.nodes:
                assert await ready(http, node.url) == (200, None)
            asked_again = await http.post(asking, headers=auth["anna"], json=ask)
            assert asked_again.status_code == 201, asked_again.text
            mine = (await http.get(asking, headers=auth["anna"])).json()
            assert sorted((r["to"]["user_id"], r["status"]) for r in mine) == sorted(
                [(mike_id, "accepted"), (other_id, "pending")])

            stop.set()
            await asyncio.wait_for(asyncio.gather(*chats), WAIT)

        # -- what was acknowledged is stored, once, and everyone received the room exactly once, in order --------
        for talker in talkers:
            assert talker.retried, f"{talker.name} never had to retry: the outage went unnoticed"
        log = await room_log(top.postgres.url, LOBBY, since)
        assert_stored_once_as_acknowledged(talkers, log)
        await assert_every_socket_got_the_log(talkers, log, since)
        for talker in talkers:
            await talker.client.close()

        # Nobody restarted the nodes: the same processes served throughout.
        assert [node.process.pid for node in top.nodes if node.process is not None] == pids
        assert all(node.process is not None and node.process.poll() is None for node in top.nodes)

