"""The Broker port: moves encoded room events between the nodes of a cluster.

Guarantees (every implementation; tests/contract/test_broker_contract.py proves them):
- delivery is at most once: a node that is down, or a subscription that is reconnecting or too far behind, misses
  events; a subscription then yields `GAP` (a `Gap`) where they went missing, and the consumer fills the gap from
  the durable log (the SQL room events) by sequence number;
- per topic, events from one publisher arrive in the order they were published;
- a subscriber receives only what is published after its subscription is established (`subscribe` returns
  once it is);
- payloads are opaque bytes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Final, Protocol, final


@final
class Gap:
    """Yielded by a subscription where payloads may have been lost (it reconnected, or its queue overflowed)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "GAP"


GAP: Final = Gap()


class Broker(Protocol):
    async def publish(self, topic: str, payload: bytes) -> None:
        """Sends `payload` to every current subscriber of `topic`, on every node."""
        ...

    def subscribe(self, topic: str) -> AbstractAsyncContextManager[AsyncIterator[bytes | Gap]]:
        """Receives what is published to `topic` while the context is open, and `GAP` where some went missing."""
        ...

    async def ping(self) -> None:
        """Raises when the broker cannot be reached (readiness checks)."""
        ...

    async def close(self) -> None: ...
