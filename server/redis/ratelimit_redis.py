"""The Redis RateLimiter: fixed windows counted in Redis, so every node sees one person's total.

A hit is `INCR rt:rl:{key}:{window}` and `EXPIRE` of that key in one MULTI/EXEC transaction, where `window` is
the window's number (unix time // window length, from this node's clock: windows of a few seconds tolerate the
small skew between node clocks, a hit near a window's edge may count in the neighbouring window). The key
expires two windows after its last hit, so old windows vanish by themselves.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

POOL_SIZE = 64
COMMAND_TIMEOUT = 5.0  # seconds before Redis counts as unreachable
# A hit is one round trip that takes well under a millisecond; a frame must not wait seconds on a frozen Redis
# (the FallbackRateLimiter then counts on this node).
HIT_TIMEOUT = 0.5


class RedisRateLimiter:
    def __init__(self, client: aioredis.Redis, *, prefix: str = "rt:",
                 clock: Callable[[], float] = time.time) -> None:
        self._redis = client
        self._prefix = prefix
        self._clock = clock

    @classmethod
    async def connect(cls, url: str, *, prefix: str = "rt:",
                      clock: Callable[[], float] = time.time) -> RedisRateLimiter:
        """Connects; raises when Redis is unreachable."""
        # No socket_timeout: redis-py applies it to writes with asyncio.wait_for, which on Python 3.11 can swallow
        # the caller's cancellation; every call is bounded with asyncio.timeout instead. One quick retry: a pooled
        # connection may be stale after a Redis restart (a retried INCR may count twice, which errs on the safe side).
        # A blocking pool: a burst of joins or leaves waits for a connection instead of failing with
        # MaxConnectionsError (the default pool raises once its 100 connections are busy).
        pool = aioredis.BlockingConnectionPool.from_url(
            url, max_connections=POOL_SIZE, timeout=COMMAND_TIMEOUT, socket_timeout=None,
            socket_connect_timeout=COMMAND_TIMEOUT, socket_keepalive=True,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 1))
        client = aioredis.Redis.from_pool(pool)
        try:
            await client.ping()
        except BaseException:
            await client.aclose()
            raise
        return cls(client, prefix=prefix, clock=clock)

    async def hit(self, key: str, window_s: int) -> int:
        window = int(self._clock() // window_s)
        name = f"{self._prefix}rl:{key}:{window}"
        async with asyncio.timeout(HIT_TIMEOUT), self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window_s * 2)
            count, _ = await pipe.execute()
        return int(count)

    async def close(self) -> None:
        await self._redis.aclose()
