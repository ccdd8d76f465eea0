"""One suite for every Broker: in memory, and Redis pub/sub (two broker objects standing for two nodes)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError

from rooms.core.broker import GAP, Broker, Gap
from rooms.core.broker_memory import MemoryBroker
from server.redis.broker_redis import RedisBroker
from tests.support import redis_fixtures
from tests.support.procs import free_port

redis_url, redis_prefix = redis_fixtures.redis_url, redis_fixtures.redis_prefix  # the fixtures, for pytest

NewBroker = Callable[..., Awaitable[Broker]]


class Cluster:
    """Brokers of one cluster: each `node()` is another node (the memory broker has only one, in-process)."""

    def __init__(self, kind: str, url: str = "", prefix: str = "") -> None:
        self.kind, self.url, self.prefix = kind, url, prefix
        self.brokers: list[Broker] = []
        self._memory: MemoryBroker | None = None

    async def node(self, queue_size: int = 10_000) -> Broker:
        broker: Broker
        if self.kind == "memory":
            if queue_size != 10_000:
                broker = MemoryBroker(queue_size)
            else:
                self._memory = self._memory or MemoryBroker()
                broker = self._memory
        else:
            broker = await RedisBroker.connect(self.url, prefix=self.prefix, queue_size=queue_size)
        self.brokers.append(broker)
        return broker

    async def subscriptions(self, topic: str) -> int:
        """How many subscriptions the topic has where the messages come from (Redis: the server)."""
        if self.kind == "memory":
            assert self._memory is not None
            return int(topic in self._memory._topics)
        client = aioredis.Redis.from_url(self.url)
        try:
            [(_, count)] = await client.pubsub_numsub(self.prefix + topic)
            return int(count)
        finally:
            await client.aclose()

    async def close(self) -> None:
        for broker in self.brokers:
            await broker.close()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def cluster(request: pytest.FixtureRequest) -> AsyncIterator[Cluster]:
    if request.param == "memory":
        c = Cluster("memory")
    else:
        c = Cluster("redis", request.getfixturevalue("redis_url"), request.getfixturevalue("redis_prefix"))
    try:
        yield c
    finally:
        await c.close()


async def take(sub: AsyncIterator[bytes | Gap], n: int, timeout: float = 10.0) -> list[bytes | Gap]:
    async def read() -> list[bytes | Gap]:
        return [await anext(sub) for _ in range(n)]

    return await asyncio.wait_for(read(), timeout)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def topic() -> str:
    return f"lobby:{secrets.randbelow(10**9)}"


async def test_every_subscriber_on_every_node_receives_each_message(cluster: Cluster) -> None:
    a, b = await cluster.node(), await cluster.node()
    t = topic()
    async with a.subscribe(t) as s1, a.subscribe(t) as s2, b.subscribe(t) as s3:
        await a.publish(t, b"hello")
        await b.publish(t, b"again")
        for sub in (s1, s2, s3):
            assert await take(sub, 2) == [b"hello", b"again"]


async def test_a_subscriber_receives_only_what_is_published_after_it_subscribed(cluster: Cluster) -> None:
    a, b = await cluster.node(), await cluster.node()
    t = topic()
    await a.publish(t, b"before anyone")
    async with b.subscribe(t) as early:
        for i in range(20):
            # The late one shares its node's subscription with `early`, which is receiving all along.
            await a.publish(t, b"before %d" % i)
            async with b.subscribe(t) as late:
                await a.publish(t, b"after %d" % i)
                assert await take(late, 1) == [b"after %d" % i]
            assert await take(early, 2) == [b"before %d" % i, b"after %d" % i]


async def test_one_publishers_messages_arrive_in_order(cluster: Cluster) -> None:
    a, b = await cluster.node(), await cluster.node()
    t = topic()
    sent = [b"%d" % i for i in range(1000)]
    async with b.subscribe(t) as sub, a.subscribe(t) as local:
        reader = asyncio.ensure_future(take(sub, len(sent), timeout=60))
        for payload in sent:
            await a.publish(t, payload)
        assert await reader == sent
        assert await take(local, len(sent)) == sent


async def test_topics_are_isolated(cluster: Cluster) -> None:
    a, b = await cluster.node(), await cluster.node()
    t = topic()
    async with b.subscribe(t) as one, b.subscribe(t + "0") as ten, b.subscribe("inbox" + t[5:]) as other:
        await a.publish(t, b"for one")
        await a.publish(t + "0", b"for ten")
        await a.publish("inbox" + t[5:], b"for other")
        await a.publish(t, b"one again")
        # Each topic's first message is its own: nothing of the others was queued before it.
        assert await take(ten, 1) == [b"for ten"]
        assert await take(other, 1) == [b"for other"]
        assert await take(one, 2) == [b"for one", b"one again"]


async def test_payloads_are_opaque_bytes(cluster: Cluster) -> None:
    a = await cluster.node()
    t = topic()
    odd = [bytes(range(256)), b"\r\n*3\r\n$7\r\nmessage\r\n", b"\x00", b"0\n{}" * 10_000]
    async with a.subscribe(t) as sub:
        for payload in odd:
            await a.publish(t, payload)
        assert await take(sub, len(odd)) == odd


async def test_leaving_cleans_up_and_the_others_keep_receiving(cluster: Cluster) -> None:
    a, b = await cluster.node(), await cluster.node()
    t = topic()
    async with a.subscribe(t) as stays:
        async with a.subscribe(t), a.subscribe(t):
            # Redis: all local subscribers of a topic share one subscription of the node.
            assert await cluster.subscriptions(t) == 1
        await b.publish(t, b"still here")
        assert await take(stays, 1) == [b"still here"]
        assert await cluster.subscriptions(t) == 1

    async def gone() -> bool:
        return await cluster.subscriptions(t) == 0

    await eventually(gone)


async def test_leaving_and_coming_back_at_once_keeps_receiving(cluster: Cluster) -> None:
    a, b = await cluster.node(), await cluster.node()
    t = topic()
    for i in range(20):
        async with a.subscribe(t):
            pass  # the last one leaves: the node unsubscribes, while ...
        async with a.subscribe(t) as sub:  # ... it subscribes again
            await b.publish(t, b"%d" % i)
            assert await take(sub, 1) == [b"%d" % i]


async def test_a_subscribe_cancelled_midway_leaves_nothing_behind(cluster: Cluster) -> None:
    a = await cluster.node()
    t = topic()

    async def hold() -> None:
        async with a.subscribe(t):
            await asyncio.sleep(3600)

    for delay in (0, 0, 0.001, 0.01):
        task = asyncio.ensure_future(hold())
        await asyncio.sleep(delay)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    async def gone() -> bool:
        return await cluster.subscriptions(t) == 0

    await eventually(gone)
    async with a.subscribe(t) as sub:
        await a.publish(t, b"works")
        assert await take(sub, 1) == [b"works"]


async def test_a_subscriber_far_behind_loses_the_oldest_messages(cluster: Cluster) -> None:
    a = await cluster.node(queue_size=5)
    t = topic()
    async with a.subscribe(t) as slow, a.subscribe(t + ":sync") as sync:
        for i in range(20):
            await a.publish(t, b"%d" % i)
        await a.publish(t, b"new")
        # One connection carries both topics in order: once "done" is here, all twenty-one have been handed over,
        # before the reader takes anything (a reader racing the last push could see a second, also correct, GAP).
        await a.publish(t + ":sync", b"done")
        assert await take(sync, 1) == [b"done"]
        got = await take(slow, 6)
    # The broker tells the consumer to refill from the log first, once; then the newest messages that fitted the
    # queue, in order.
    assert got == [GAP, b"16", b"17", b"18", b"19", b"new"]


async def test_a_loss_after_the_gap_was_taken_is_signalled_again(cluster: Cluster) -> None:
    a = await cluster.node(queue_size=2)
    t = topic()
    async with a.subscribe(t) as slow, a.subscribe(t + ":sync") as sync:
        for i in range(3):
            await a.publish(t, b"%d" % i)
        await a.publish(t + ":sync", b"1")
        assert await take(sync, 1) == [b"1"]
        assert await take(slow, 1) == [GAP]  # the consumer refills from the log now, covering 0..2
        for i in range(3, 5):
            await a.publish(t, b"%d" % i)  # 1 and 2 are pushed out after that refill: another gap
        await a.publish(t + ":sync", b"2")
        assert await take(sync, 1) == [b"2"]
        assert await take(slow, 3) == [GAP, b"3", b"4"]


# -- Redis only --------------------------------------------------------------------------------------------


@pytest.mark.redis
async def test_redis_channels_are_the_topics_prefixed_rt(redis_url: str) -> None:
    broker = await RedisBroker.connect(redis_url)
    client = aioredis.Redis.from_url(redis_url)
    t = f"test-{secrets.token_hex(6)}"
    try:
        async with broker.subscribe(t):
            assert await client.pubsub_channels(f"rt:{t}") == [f"rt:{t}".encode()]
            assert await client.publish(f"rt:{t}", b"x") == 1
    finally:
        await client.aclose()
        await broker.close()


@pytest.mark.redis
async def test_redis_closing_the_broker_ends_its_subscriptions(redis_url: str, redis_prefix: str) -> None:
    broker = await RedisBroker.connect(redis_url, prefix=redis_prefix)
    async with broker.subscribe("lobby:1") as sub:
        await broker.close()
        assert [payload async for payload in sub] == []
    with pytest.raises(RuntimeError):
        async with broker.subscribe("lobby:1"):
            pass


@pytest.mark.redis
async def test_redis_connect_fails_when_redis_is_unreachable() -> None:
    with pytest.raises(RedisConnectionError):
        await RedisBroker.connect(f"redis://127.0.0.1:{free_port()}/0")
