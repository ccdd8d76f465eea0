"""The RateLimiter port: counts a person's actions per time window, across nodes when shared (Redis)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger("roundtable.ratelimit")


class RateLimiter(Protocol):
    async def hit(self, key: str, window_s: int) -> int:
        """Counts one action for `key` in the current fixed window; returns the count so far in it."""
        ...

    async def close(self) -> None: ...


class MemoryRateLimiter:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._counts: dict[str, tuple[int, int]] = {}  # key -> (window number, count)
        self._clock = clock

    async def hit(self, key: str, window_s: int) -> int:
        window = int(self._clock() // window_s)
        current, count = self._counts.get(key, (window, 0))
        count = count + 1 if current == window else 1
        self._counts[key] = (window, count)
        if len(self._counts) > 100_000:
            # Old windows are worthless: keep memory bounded however many people have ever sent.
            self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        return count

    async def close(self) -> None:
        self._counts.clear()


class FallbackRateLimiter:
    """A shared limiter (Redis) backed by this node's own counts while the shared one is unreachable.

    Letting everything through while Redis is down would switch every limit off exactly when an attacker can
    cause the outage, and asking a dead Redis on every frame makes every frame wait. So a failure opens a circuit:
    for `retry_s` every hit is counted here only (per node, so a person spread over n nodes gets up to n times the
    limit meanwhile); then one hit probes the shared limiter again while the others keep counting here, and the
    first success closes the circuit.
    """

    def __init__(self, shared: RateLimiter, local: RateLimiter | None = None, *, retry_s: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._shared = shared
        self._local = local if local is not None else MemoryRateLimiter()
        self._retry_s = retry_s
        self._clock = clock
        self._down_until: float | None = None  # None: the shared limiter is believed up
        self._probing = False

    @property
    def shared_up(self) -> bool:
        return self._down_until is None

    async def hit(self, key: str, window_s: int) -> int:
        if self._down_until is not None and (self._probing or self._clock() < self._down_until):
            return await self._local.hit(key, window_s)
        probing = self._down_until is not None
        self._probing = probing
        try:
            count = await self._shared.hit(key, window_s)
        except Exception:
            if self._down_until is None:
                log.warning("shared rate limiter unreachable: counting on this node", exc_info=True)
            self._down_until = self._clock() + self._retry_s
            return await self._local.hit(key, window_s)
        finally:
            if probing:
                self._probing = False
        if self._down_until is not None:
            log.warning("shared rate limiter reachable again")
            self._down_until = None
        return count

    async def close(self) -> None:
        try:
            await self._shared.close()
        finally:
            await self._local.close()
