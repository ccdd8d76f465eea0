"""The Broker port: moves encoded room events between the nodes of a cluster.

Guarantees (every implementation; tests/test_broker_contract.py proves them):
- delivery is at most once: a node that is down, or a subscription that is reconnecting, misses events;
  the durable log (the SQL room events) fills such gaps by sequence number;
- per topic, events from one publisher arrive in the order they were published;
- a subscriber receives only what is published after its subscription is established (`subscribe` returns
  once it is);
- payloads are opaque bytes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol


class Subscription(Protocol):
    def __aiter__(self) -> AsyncIterator[bytes]: ...


class Broker(Protocol):
    async def publish(self, topic: str, payload: bytes) -> None:
        """Sends `payload` to every current subscriber of `topic`, on every node."""
        ...

    def subscribe(self, topic: str) -> AbstractAsyncContextManager[AsyncIterator[bytes]]:
        """Receives what is published to `topic` while the context is open."""
        ...

    async def ping(self) -> None:
        """Raises when the broker cannot be reached (readiness checks)."""
        ...

    async def close(self) -> None: ...
