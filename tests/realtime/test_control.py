"""The per-person control messages (server/ws/control.py) over the in-memory broker: who is acted on, and that a
gap in the broker's stream makes the node re-validate every connection it holds."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from rooms.core.broker_memory import MemoryBroker
from server.ws.control import TOPIC, Control

pytestmark = pytest.mark.security


@dataclass(eq=False)
class FakePerson:
    user_id: int
    session: str
    calls: list[str] = field(default_factory=list)

    async def end(self, reason: str) -> None:
        self.calls.append(f"end:{reason}")

    async def recheck(self) -> None:
        self.calls.append("recheck")

    async def expel(self, mission: int) -> None:
        self.calls.append(f"expel:{mission}")

    async def revalidate(self) -> None:
        self.calls.append("revalidate")

    async def restart(self) -> None:
        self.calls.append("restart")


async def _settled() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_messages_reach_the_right_connections() -> None:
    broker = MemoryBroker()
    control = Control(broker)
    control.start()
    await control.ready.wait()
    a1, a2, b = FakePerson(1, "s1"), FakePerson(1, "s2"), FakePerson(2, "s3")
    for p in (a1, a2, b):
        control.add(p)
    try:
        await control.signed_out(1, "s1")
        await _settled()
        assert (a1.calls, a2.calls, b.calls) == (["end:signed out"], [], [])
        await control.signed_out(1, None)
        await control.recheck([2])
        await control.expelled(2, 7)
        await _settled()
        assert a2.calls == ["end:signed out"] and b.calls == ["recheck", "expel:7"]
        control.discard(b)
        await control.recheck([2])
        await _settled()
        assert b.calls == ["recheck", "expel:7"]  # gone from this node: nothing more
    finally:
        await control.close()


async def test_a_gap_revalidates_every_connection() -> None:
    broker = MemoryBroker(queue_size=1)
    control = Control(broker)
    control.start()
    await control.ready.wait()
    people = [FakePerson(u, f"s{u}") for u in (1, 2, 3)]
    for p in people:
        control.add(p)
    try:
        # Two payloads before the reader drains one: the feed drops the first and yields GAP.
        await broker.publish(TOPIC, b'{"do": "recheck", "users": [9]}')
        await broker.publish(TOPIC, b'{"do": "recheck", "users": [9]}')
        await _settled()
        assert all(p.calls == ["revalidate"] for p in people), [p.calls for p in people]
    finally:
        await control.close()
