"""One suite for every RateLimiter: in memory, and Redis (two limiter objects standing for two nodes)."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from rooms.core.ratelimit import MemoryRateLimiter, RateLimiter
from server.redis.ratelimit_redis import RedisRateLimiter
from tests.support import redis_fixtures

redis_url, redis_prefix = redis_fixtures.redis_url, redis_fixtures.redis_prefix  # the fixtures, for pytest


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    # Some time this year, at the start of a ten-second window: tests move it on by hand.
    return Clock(float(int(time.time()) // 10 * 10))


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def nodes(request: pytest.FixtureRequest, clock: Clock) -> AsyncIterator[tuple[RateLimiter, RateLimiter]]:
    """Two nodes' limiters: the memory one is a single process, so both are the same object."""
    if request.param == "memory":
        memory = MemoryRateLimiter(clock)
        yield memory, memory
        await memory.close()
        return
    url, prefix = request.getfixturevalue("redis_url"), request.getfixturevalue("redis_prefix")
    a = await RedisRateLimiter.connect(url, prefix=prefix, clock=clock)
    b = await RedisRateLimiter.connect(url, prefix=prefix, clock=clock)
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()


@pytest.fixture
def limiter(nodes: tuple[RateLimiter, RateLimiter]) -> RateLimiter:
    return nodes[0]


def key() -> str:
    return f"ws:{secrets.randbelow(10**9)}"


async def test_hits_are_counted_per_key(limiter: RateLimiter) -> None:
    k, other = key(), key()
    assert [await limiter.hit(k, 10) for _ in range(5)] == [1, 2, 3, 4, 5]
    assert await limiter.hit(other, 10) == 1
    assert await limiter.hit(k, 10) == 6


async def test_every_node_counts_into_the_same_window(nodes: tuple[RateLimiter, RateLimiter]) -> None:
    a, b = nodes
    k = key()
    assert [await node.hit(k, 10) for node in (a, b, a, b)] == [1, 2, 3, 4]


async def test_concurrent_hits_each_get_their_own_count(nodes: tuple[RateLimiter, RateLimiter]) -> None:
    a, b = nodes
    k = key()
    counts = await asyncio.gather(*(node.hit(k, 10) for node in (a, b) * 25))
    assert sorted(counts) == list(range(1, 51))


async def test_windows_roll_over(limiter: RateLimiter, clock: Clock) -> None:
    k = key()
    clock.now += 0.5
    assert [await limiter.hit(k, 10) for _ in range(3)] == [1, 2, 3]
    clock.now += 9.4  # 9.9 s into the window: still the same one
    assert await limiter.hit(k, 10) == 4
    clock.now += 0.1  # the next window starts: a fresh count
    assert [await limiter.hit(k, 10) for _ in range(2)] == [1, 2]
    clock.now += 25  # windows with no hits leave nothing behind
    assert await limiter.hit(k, 10) == 1


async def test_one_second_windows(limiter: RateLimiter, clock: Clock) -> None:
    k = key()
    assert [await limiter.hit(k, 1) for _ in range(20)] == list(range(1, 21))
    clock.now += 1
    assert await limiter.hit(k, 1) == 1


# -- Redis only --------------------------------------------------------------------------------------------


@pytest.mark.redis
async def test_redis_windows_are_keys_that_expire(redis_url: str, redis_prefix: str) -> None:
    limiter = await RedisRateLimiter.connect(redis_url, prefix=redis_prefix)
    client = aioredis.Redis.from_url(redis_url)
    try:
        k = key()
        await limiter.hit(k, 30)
        window = int(time.time() // 30)
        names = [f"{redis_prefix}rl:{k}:{w}" for w in (window - 1, window)]  # the clock may just have moved on
        [ttl] = [t for t in [await client.ttl(n) for n in names] if t > 0]
        assert 0 < ttl <= 60
    finally:
        await client.aclose()
        await limiter.close()


@pytest.mark.redis
async def test_redis_counts_in_real_time(redis_url: str, redis_prefix: str) -> None:
    limiter = await RedisRateLimiter.connect(redis_url, prefix=redis_prefix)
    try:
        k = key()
        start = time.time()
        first = [await limiter.hit(k, 1) for _ in range(3)]
        if int(time.time()) == int(start):  # all three in one window
            assert first == [1, 2, 3]
        await asyncio.sleep(1.05 - time.time() % 1)  # into the next window
        assert await limiter.hit(k, 1) == 1
    finally:
        await limiter.close()
