"""Scenario `workers` (issue 16, item 3): `roundtable serve --workers N` at N = 1 and 2 on this machine.

Each N gets a private Redis (the broker between workers; N = 1 uses it too, so that only N differs), the server
unpinned (the workers may use both cores, sharing them with the load, the sender and Redis: on a 2-core machine
this shows whether a second worker helps at all, not how a 16-core host scales). BENCH_WORKERS_LISTENERS
(default 2,000) clients connect — SO_REUSEPORT spreads them over the workers — and join the lobby invisibly
(`joins_per_s`, wall clock), then a sender posts BENCH_WORKERS_RATE messages a second (default 40) for
BENCH_DURATION seconds (default 20): deliveries/s, p99, and the CPU of all the server's processes. No target:
the figures are reported side by side.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from bench.harness import (
    Proc,
    bearer_tokens,
    emit,
    mission_members,
    seeded_database,
    server_env,
    start_redis,
    start_roundtable,
    tree_cpu_seconds,
    tree_pids,
    workdir,
)
from bench.loadgen import ConnectSpec, LoadPool
from bench.rawws import Conn, Stats, open_conn
from bench.room import load_core, measure, next_run, roundtable_sender, split

COUNTS = (1, 2)
LISTENERS = int(os.environ.get("BENCH_WORKERS_LISTENERS", "2000"))
RATE = float(os.environ.get("BENCH_WORKERS_RATE", "40"))
DURATION = float(os.environ.get("BENCH_DURATION", "20"))


async def _sender(port: int, token: str) -> Conn:
    conn = await open_conn("127.0.0.1", port, "/ws", ["roundtable.v1", f"bearer.{token}"], Stats(), "roundtable")
    conn.send_text(b'{"type":"hello","version":1}')
    await asyncio.wait_for(conn.expect(b'{"type":"welcome"'), 10)
    return conn


async def _one(count: int) -> dict[str, Any]:
    with workdir(f"rt-bench-workers{count}-") as tmp:
        db = seeded_database(tmp / "bench.db")
        mission, users = mission_members(db)
        room = f"lobby:{mission}"
        redis: Proc | None = None
        server: Proc | None = None
        pool: LoadPool | None = None
        sender: Conn | None = None
        try:
            redis = start_redis(tmp)
            env = server_env(tmp / "var", db, ROUNDTABLE_REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
                             ROUNDTABLE_DRAIN_SECONDS="1")
            server = start_roundtable(env, tmp, args=["--workers", str(count)], cpus=False)
            await asyncio.sleep(2.0)  # the workers come up after the supervisor answers
            pool = LoadPool(2, None)
            people = [users[1 + i % (len(users) - 1)] for i in range(LISTENERS)]
            tokens = bearer_tokens(db, people, mission)
            cpu0, t0 = tree_cpu_seconds(server.pid), time.monotonic()
            replies = await pool.each([("connect", ConnectSpec("127.0.0.1", server.port, "roundtable", tokens=t,
                                                               room=room, concurrency=32))
                                       for t in split(tokens, pool.size)], limit=600)
            join_s, join_cpu = time.monotonic() - t0, tree_cpu_seconds(server.pid) - cpu0
            joined = sum(r["connected"] for r in replies)
            sender = await _sender(server.port, bearer_tokens(db, users[:1], mission)[0])
            pids = tree_pids(server.pid)
            result = await measure(pool, roundtable_sender(sender, room), joined, RATE, DURATION, next_run(), pids,
                                   redis.pid)
            return {"scenario": "workers", "workers": count, "processes": len(pids), "listeners": joined,
                    "join_failed": LISTENERS - joined, "joins_per_s": round(joined / join_s),
                    "server_cpu_ms_per_join": round(join_cpu * 1000 / max(joined, 1), 2), "rate_per_s": RATE,
                    **{k: result[k] for k in ("messages", "deliveries", "loss", "deliveries_per_s", "p50_ms",
                                              "p99_ms", "server_cpu_pct", "server_cpu_us_per_delivery",
                                              "redis_cpu_pct", "client_cpu_pct", "steal_pct")}}
        finally:
            if sender is not None:
                sender.close()
            if pool is not None:
                await pool.close()
            if server is not None:
                server.stop()
            if redis is not None:
                redis.stop()


async def run() -> None:
    with load_core():
        for count in COUNTS:
            emit(await _one(count))
