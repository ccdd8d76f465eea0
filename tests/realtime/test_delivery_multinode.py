"""Two nodes in one process sharing a real Redis (127.0.0.1:6379) and one database: a direct message whose publish
fails (the broker fault is injected on the sender's node, and stays) is still acknowledged, and reaches the
recipient's quiet inbox on the other node — nothing else is ever published there to reveal the gap."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from rooms.core.clock import FixedClock
from rooms.core.presence_memory import MemoryPresence
from rooms.core.ratelimit import MemoryRateLimiter
from rooms.core.refs import inbox
from server.api.credentials import Identity
from server.composition import Ports, Root, build_root
from server.db.migrate import upgrade
from server.db.store_sql import SqlStore
from server.redis.broker_redis import RedisBroker
from server.settings import Settings
from server.stage_factory import build_stage
from server.ws.connection import Connection
from server.ws.gateway import Session
from server.ws.protocol import Direct, Join
from tests.realtime.support import FaultyBroker, Socket
from tests.support import redis_fixtures
from tests.support.world import NOW, World

redis_url, redis_prefix = redis_fixtures.redis_url, redis_fixtures.redis_prefix  # the fixtures, for pytest

pytestmark = [pytest.mark.multinode, pytest.mark.redis]


@pytest.fixture
def settings(tmp_path: Path, redis_url: str) -> Settings:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nodes.db'}"
    upgrade(url)
    return Settings(database_url=url, secret_key="test-secret-" + "x" * 32, public_url="http://testserver",
                    redis_url=redis_url, janus_mode="off")


@asynccontextmanager
async def node(settings: Settings, prefix: str, clock: FixedClock,
               faults: bool = False) -> AsyncIterator[tuple[Root, FaultyBroker | None]]:
    assert settings.redis_url is not None
    redis = await RedisBroker.connect(settings.redis_url, prefix=prefix)
    faulty = FaultyBroker(redis) if faults else None
    store = await SqlStore.open(settings.database_url)
    ports = Ports(store=store, clock=clock, broker=faulty or redis, presence=MemoryPresence(),
                  limiter=MemoryRateLimiter(), stage=await build_stage(settings))
    root = build_root(settings, ports, own_store=True)
    root.start()
    try:
        yield root, faulty
    finally:
        await root.close()


async def connect(root: Root, user: Any) -> tuple[Session, Socket]:
    socket = Socket()
    conn = Connection(socket, user)  # type: ignore[arg-type]
    return Session(root.live, conn, Identity(user, session="test"), root.services.accounts), socket


async def frame(socket: Socket, kind: str, timeout: float) -> dict[str, Any]:
    async def find() -> dict[str, Any]:
        while True:
            got = await socket.frames.get()
            if got["type"] == kind:
                return got

    return await asyncio.wait_for(find(), timeout)


async def test_an_acknowledged_dm_reaches_a_quiet_inbox_on_another_node_although_its_publish_failed(
        settings: Settings, redis_prefix: str) -> None:
    clock = FixedClock(NOW)
    async with node(settings, redis_prefix, clock, faults=True) as (a, faulty), \
            node(settings, redis_prefix, clock) as (b, _):
        assert faulty is not None
        world = World(None, a.ports.store, clock, settings)  # type: ignore[arg-type]
        await world.populate()
        host, participant = world.users["host"], world.users["participant"]

        reader, on_b = await connect(b, participant)
        box = inbox(participant.id).name
        await reader.handle(Join(room=box, id="j"))
        assert (await frame(on_b, "joined", 5))["seq"] == 0

        writer, on_a = await connect(a, host)
        faulty.fail_publishes = 10**6  # the sender's node cannot publish at all from now on
        await writer.handle(Direct(mission=world.mission_id, to=participant.id, text="Coffee at 3?", id="dm"))
        ack = await frame(on_a, "ack", 5)
        assert (ack["id"], ack["room"]) == ("dm", inbox(host.id).name)
        assert [topic for topic, _ in faulty.failed[:2]] == [inbox(host.id).name, box]

        # Within a few heartbeats (3 s each) the other node's quiet inbox has it, once: that node compared the
        # room it holds with the log (the sender's node keeps failing to publish it again).
        got = await frame(on_b, "event", 15)
        assert (got["room"], got["seq"], got["event"]["text"]) == (box, 1, "Coffee at 3?")
        await asyncio.sleep(0.5)
        assert [f for f in on_b.frames._queue if f["type"] == "event"] == []  # type: ignore[attr-defined]
        await reader.cleanup()
        await writer.cleanup()
