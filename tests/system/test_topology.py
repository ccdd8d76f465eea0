"""docker-compose.yml's topology on loopback (tests/support/topology.py): both nodes answer through the load
balancer, a chat message said on one node reaches a client of the other, and nothing is left running after."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.support.topology import Topology, running
from tests.support.wsclient import Client, mint_tokens

pytestmark = [pytest.mark.multinode, pytest.mark.postgres, pytest.mark.redis]

PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example"}


async def test_the_topology_serves_through_its_load_balancer_and_leaves_nothing_behind(tmp_path: Path) -> None:
    janus = shutil.which("janus") is not None  # with Janus when it is installed, as compose runs it
    with Topology(tmp_path, nodes=2, janus=janus) as top:
        assert top.lb is not None
        pids = top.pids()
        assert len(pids) == 4 + janus  # two nodes, Redis, PostgreSQL (and Janus)
        for _ in range(4):  # a connection each: the load balancer takes turns
            async with httpx.AsyncClient(base_url=top.lb_url, timeout=5) as http:
                assert (await http.get("/healthz")).status_code == 200
                ready = await http.get("/readyz")
                assert ready.status_code == 200, ready.text
                assert (ready.json()["broker"], ready.json()["stage"] == "janus") == ("redis", janus)
        assert sorted(top.lb.served) == sorted(n.port for n in top.nodes)  # both nodes answered

        tokens = mint_tokens(top.env, PEOPLE)
        anna = await Client.open(top.lb_url, tokens["anna"])
        mike = await Client.open(top.lb_url, tokens["mike"])  # the next connection: the other node
        assert anna.welcome["node"] != mike.welcome["node"]
        await mike.join("lobby:1")
        await anna.join("lobby:1")
        ack = await anna.say("lobby:1", "Hello through the load balancer", key="lb1")
        event = await mike.expect("event")
        assert (event["seq"], event["event"]["text"]) == (ack["seq"], "Hello through the load balancer")
        await anna.close()
        await mike.close()
    assert [pid for pid in pids if running(pid)] == []
