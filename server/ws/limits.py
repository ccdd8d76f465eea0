"""Capped counts of what is held open: WebSockets per person (the gateway), opening connections per address (the
uvicorn protocols).

Sockets are counted per node, not across nodes: what a socket costs (memory, a file descriptor, a share of each
broadcast) is a node's, and a node forgets a socket the moment it closes, so a reloaded page never waits for the
count to catch up (a shared count would have to outlive crashed nodes). One person spread over n nodes may hold
n times the cap; each node stays bounded.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections import Counter
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class Held(Generic[K]):
    def __init__(self) -> None:
        self._held: Counter[K] = Counter()

    def take(self, key: K, limit: int | None) -> bool:
        """Counts one more for `key`; False (and nothing counted) when it already holds `limit` (None: no cap)."""
        if limit is not None and self._held[key] >= limit:
            return False
        self._held[key] += 1
        return True

    def give_back(self, key: K) -> None:
        self._held[key] -= 1
        if self._held[key] <= 0:
            del self._held[key]

    def held(self, key: K) -> int:
        return self._held[key]


class PersonSockets(Held[int]):
    """The WebSockets each person (user id) holds open on this node.

    A socket over the cap waits a moment for one of the person's sockets to close before it is refused: when a page
    reloads, its new socket can arrive while the old one is still being closed on this side (the client has seen
    the close; the server's handler has not finished), and a reload must never be refused."""

    def __init__(self) -> None:
        super().__init__()
        self._freed: dict[int, asyncio.Event] = {}

    def give_back(self, key: int) -> None:
        super().give_back(key)
        freed = self._freed.pop(key, None)
        if freed is not None:
            freed.set()

    async def take_within(self, key: int, limit: int, grace: float) -> bool:
        """`take`, waiting up to `grace` seconds for one of the person's sockets to close when at the cap."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while not self.take(key, limit):
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            freed = self._freed.setdefault(key, asyncio.Event())
            try:
                await asyncio.wait_for(freed.wait(), remaining)
            except TimeoutError:
                return False
        return True


def address_key(host: str) -> str:
    """A client address as limits count it: an IPv6 address by its /64 (one subscriber's network, in which one
    machine can take any number of addresses), anything else as it is."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
