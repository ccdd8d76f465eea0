"""Chaos: the nodes' Redis pub/sub connections killed (`CLIENT KILL TYPE pubsub`) while a chat flows (issue 16,
"Faults survived").

docker-compose.yml's topology on loopback (tests/support/topology.py): two nodes sharing a private Redis (and a
private PostgreSQL), behind the load balancer. Anna and the host on one node, Mike and the moderator on the other,
all in the lobby; Anna and Mike chat without pause. The test kills every pub/sub connection of that Redis (only the
subscriber connections: publishing goes on) again and again, and right after each kill Anna says one more
message: when its acknowledgement comes back before both nodes have subscribed again, a node provably missed its
publication (the broker delivers at most once) — the gap the node has to fill from the event log
(server/redis/broker_redis.py yields GAP after resubscribing; server/ws/hub.py fills it by seq).

Proven: each node subscribes again by itself (a new pub/sub connection, the room's channel subscribed once per
node), no request fails, and every socket on both nodes received the room's events exactly once, in order (the
log's, no more, no less), every acknowledged message among them.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
import redis.asyncio as aioredis

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

pytestmark = [pytest.mark.chaos, pytest.mark.redis, pytest.mark.postgres, pytest.mark.multinode]

# In the order they connect: the load balancer alternates, so Anna and the host land on one node, Mike and the
# moderator on the other.
PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example", "host": "host@roundtable.example",
          "moderator": "moderator@roundtable.example"}
LOBBY = "lobby:1"
CHANNEL = f"rt:{LOBBY}"  # the broker's channel for the room (RedisBroker's default prefix)
KILLS = 3  # at least this many kills; more (up to MAX_KILLS) until a publication provably fell into a gap
MAX_KILLS = 12


async def subscribers(redis: aioredis.Redis) -> tuple[int, set[int]]:
    """How many subscriptions the room's channel has, and the ids of the pub/sub connections."""
    [(_, count)] = await redis.pubsub_numsub(CHANNEL)
    listed = await redis.client_list(_type="pubsub")
    return int(count), {int(c["id"]) for c in listed}


async def test_pubsub_connections_killed_mid_chat_resubscribe_and_fill_the_gap(tmp_path: Path) -> None:
    with Topology(tmp_path, nodes=2, janus=False) as top:
        tokens = mint_tokens(top.env, PEOPLE)
        missing = set(PEOPLE) - set(tokens)
        assert not missing, f"not in the demo: {missing}"
        talkers = [Talker(name, await Client.open(top.lb_url, tokens[name]), LOBBY) for name in PEOPLE]
        anna, mike, host, moderator = talkers
        assert anna.client.welcome["node"] == host.client.welcome["node"] != mike.client.welcome["node"]
        assert mike.client.welcome["node"] == moderator.client.welcome["node"]
        since = max([int((await t.client.join(LOBBY))["seq"]) for t in talkers])

        redis = aioredis.Redis.from_url(top.redis.url)
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_callback(redis.aclose)
            readers = [asyncio.create_task(t.read()) for t in talkers]
            stop = asyncio.Event()
            chats = [asyncio.create_task(t.chat(stop)) for t in (anna, mike)]
            stack.push_async_callback(cancel, *chats, *readers)

            count, connections = await subscribers(redis)
            assert (count, len(connections)) == (2, 2)  # one subscription per room per node, one connection each
            await until(lambda: min(len(anna.acks), len(mike.acks)) >= 5, "the chat to get going")

            in_gaps: list[int] = []  # seqs published while a node had no subscription to the room
            kills = 0
            while kills < KILLS or (not in_gaps and kills < MAX_KILLS):
                killed = await redis.client_kill_filter(_type="pubsub")
                kills += 1
                assert killed == len(connections), (killed, connections)
                # Published before its ack: if a node is still unsubscribed at the ack, it was at the publication.
                probe = await anna.say_until_acked(f"probe-{kills}", f"said right after kill {kills}")
                if (await subscribers(redis))[0] < 2:
                    in_gaps.append(probe["seq"])

                # Each node reconnects and subscribes again by itself: new connections, the channel once per node.
                async def resubscribed(before: set[int] = connections) -> bool:
                    count, now = await subscribers(redis)
                    return count == 2 and len(now) == 2 and not now & before

                deadline = asyncio.get_running_loop().time() + WAIT
                while not await resubscribed():
                    assert asyncio.get_running_loop().time() < deadline, "the nodes did not subscribe again"
                    await asyncio.sleep(0.05)
                connections = (await subscribers(redis))[1]
                done = len(anna.acks) + len(mike.acks)
                await until(lambda: len(anna.acks) + len(mike.acks) >= done + 4,  # noqa: B023
                            "the chat to go on after the resubscription")
            assert in_gaps, f"in {kills} kills no message was published while a node was unsubscribed"

            stop.set()
            await asyncio.wait_for(asyncio.gather(*chats), WAIT)

        for talker in talkers:
            assert talker.refused == [], talker.refused  # no request failed: only subscriptions were cut
        log = await room_log(top.postgres.url, LOBBY, since)
        assert_stored_once_as_acknowledged(talkers, log)
        await assert_every_socket_got_the_log(talkers, log, since)
        for talker in talkers:
            await talker.client.close()
