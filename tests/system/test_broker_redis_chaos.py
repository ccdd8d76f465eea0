"""Chaos: the Redis broker rides out its Redis being killed, restarted and frozen.

Each test runs a private `redis-server` (Debian's, from PATH) on a free port, without persistence, and kills
only that one. The shared Redis on port 6379 is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis
from redis.exceptions import ConnectionError as RedisConnectionError

from rooms.core.broker import GAP, Gap
from server.redis.broker_redis import RedisBroker
from tests.support.procs import free_port

pytestmark = [pytest.mark.redis, pytest.mark.chaos]



class PrivateRedis:
    def __init__(self, binary: str, port: int, workdir: Path) -> None:
        assert port != 6379, "never the shared Redis"
        self.binary, self.port, self.workdir = binary, port, workdir
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / f"redis-{port}.log"

    def start(self) -> None:
        assert self.process is None
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(self.workdir), "--daemonize", "no"],
                stdout=out, stderr=subprocess.STDOUT, cwd=self.workdir)
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1, socket_timeout=1)
        deadline = time.monotonic() + 15
        try:
            while True:
                if self.process.poll() is not None:
                    pytest.fail(f"redis-server exited with {self.process.returncode}:\n{self.log.read_text()}")
                try:
                    if client.ping():
                        return
                except redis.RedisError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: no goodbye to the clients, their connections just break."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def freeze(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGCONT)
            self.kill()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not on PATH: install it (Debian: apt-get install redis-server).", pytrace=False)
    server = PrivateRedis(binary, free_port(), tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def two_nodes(private_redis: PrivateRedis) -> AsyncIterator[tuple[RedisBroker, RedisBroker]]:
    a = await RedisBroker.connect(private_redis.url, ping_interval=0.5)
    b = await RedisBroker.connect(private_redis.url, ping_interval=0.5)
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()


async def take(sub: AsyncIterator[bytes | Gap], n: int, timeout: float = 15.0) -> list[bytes | Gap]:
    async def read() -> list[bytes | Gap]:
        return [await anext(sub) for _ in range(n)]

    return await asyncio.wait_for(read(), timeout)


async def test_subscribers_are_told_to_refill_after_a_restart_and_then_receive_again(
        private_redis: PrivateRedis, two_nodes: tuple[RedisBroker, RedisBroker]) -> None:
    a, b = two_nodes
    async with contextlib.AsyncExitStack() as stack:
        sa = await stack.enter_async_context(a.subscribe("lobby:1"))
        sa2 = await stack.enter_async_context(a.subscribe("lobby:1"))
        sb = await stack.enter_async_context(b.subscribe("lobby:1"))
        other = await stack.enter_async_context(b.subscribe("inbox:7"))
        await a.publish("lobby:1", b"before")
        for sub in (sa, sa2, sb):
            assert await take(sub, 1) == [b"before"]

        private_redis.kill()
        with pytest.raises((RedisConnectionError, TimeoutError)):
            await a.publish("lobby:1", b"lost")  # nothing to queue it in: the event log has it
        # A subscription made while Redis is down waits for it.
        late_task = asyncio.ensure_future(stack.enter_async_context(b.subscribe("lobby:1")))
        await asyncio.sleep(0.5)
        assert not late_task.done()

        private_redis.start()  # same port, empty
        for sub in (sa, sa2, sb, other):
            assert await take(sub, 1) == [GAP]
        late = await asyncio.wait_for(late_task, 15)

        # Both nodes receive every message again, in order.
        sent = [b"%d" % i for i in range(200)]
        for i, payload in enumerate(sent):
            await (a if i % 2 else b).publish("lobby:1", payload)
        await a.publish("inbox:7", b"for seven")
        for sub in (sa, sa2, sb, late):
            assert await take(sub, len(sent)) == sent
        assert await take(other, 1) == [b"for seven"]


async def test_repeated_outages_short_and_long(
        private_redis: PrivateRedis, two_nodes: tuple[RedisBroker, RedisBroker]) -> None:
    a, b = two_nodes
    async with a.subscribe("lobby:1") as sa, b.subscribe("lobby:1") as sb:
        for round_, downtime in enumerate((0.0, 0.3, 3.0)):  # 3 s: past the longest backoff
            private_redis.kill()
            await asyncio.sleep(downtime)
            private_redis.start()
            for sub in (sa, sb):
                assert await take(sub, 1) == [GAP]
            await b.publish("lobby:1", b"round %d" % round_)
            for sub in (sa, sb):
                assert await take(sub, 1) == [b"round %d" % round_]


async def test_a_frozen_redis_is_noticed_by_ping_and_subscriptions_come_back(
        private_redis: PrivateRedis, two_nodes: tuple[RedisBroker, RedisBroker]) -> None:
    a, b = two_nodes
    async with a.subscribe("lobby:1") as sa:
        private_redis.freeze()  # the connection stays open, nothing answers
        try:
            await asyncio.sleep(2.0)  # past two PING intervals: the reader has given the connection up
        finally:
            private_redis.thaw()
        assert await take(sa, 1) == [GAP]
        await b.publish("lobby:1", b"thawed")
        assert await take(sa, 1) == [b"thawed"]
