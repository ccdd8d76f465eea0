"""The FallbackRateLimiter: the shared count while it answers, this node's while it does not, one probe at a time."""

from __future__ import annotations

import asyncio

from rooms.core.ratelimit import FallbackRateLimiter, MemoryRateLimiter


class Flaky:
    """A shared limiter that can be switched off; counts the calls that reached it."""

    def __init__(self) -> None:
        self.up = True
        self.calls = 0
        self.inner = MemoryRateLimiter(clock=lambda: 0.0)
        self.gate: asyncio.Event | None = None  # set: calls wait for it (a slow Redis)

    async def hit(self, key: str, window_s: int) -> int:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if not self.up:
            raise ConnectionError("redis is down")
        return await self.inner.hit(key, window_s)

    async def close(self) -> None:
        pass


async def test_counts_locally_while_the_shared_limiter_is_down_and_returns_to_it() -> None:
    now = [0.0]
    shared = Flaky()
    limiter = FallbackRateLimiter(shared, MemoryRateLimiter(clock=lambda: 0.0), retry_s=1.0, clock=lambda: now[0])
    assert [await limiter.hit("k", 1) for _ in range(3)] == [1, 2, 3]
    shared.up = False
    # The failing hit is counted locally, and so are the next ones without asking the shared limiter again.
    assert [await limiter.hit("k", 1) for _ in range(5)] == [1, 2, 3, 4, 5]
    assert shared.calls == 4 and not limiter.shared_up
    now[0] = 1.5  # after the retry interval one hit probes; still down: local again, the circuit stays open
    assert await limiter.hit("k", 1) == 6 and shared.calls == 5
    assert await limiter.hit("k", 1) == 7 and shared.calls == 5
    shared.up = True
    now[0] = 3.0
    assert await limiter.hit("k", 1) == 4 and limiter.shared_up  # the shared count again
    assert shared.calls == 6


async def test_while_one_hit_probes_the_others_do_not_wait_for_it() -> None:
    now = [0.0]
    shared = Flaky()
    limiter = FallbackRateLimiter(shared, retry_s=1.0, clock=lambda: now[0])
    shared.up = False
    await limiter.hit("k", 1)
    now[0] = 2.0
    shared.gate = asyncio.Event()
    probe = asyncio.create_task(limiter.hit("k", 1))
    await asyncio.sleep(0)
    assert shared.calls == 2  # the probe is waiting on the shared limiter
    assert await asyncio.wait_for(limiter.hit("k", 1), 0.5) >= 1  # answered locally at once
    assert shared.calls == 2
    shared.up = True
    shared.gate.set()
    assert await probe == 1 and limiter.shared_up
