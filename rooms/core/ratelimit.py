"""The RateLimiter port: counts a person's actions per time window, across nodes when shared (Redis)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol


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
