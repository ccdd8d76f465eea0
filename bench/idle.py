"""Scenario (c) `idle`: 10,000 idle authenticated connections on one node: server memory per connection.

A baseline of 100 connections warms the server up (lazy imports, pools, caches), then 10,000 more connect with
bearer tokens and say hello (phase `authenticated`); with BENCH_IDLE_LOBBY=1 all of them then join the mission's
lobby invisibly (phase `in-lobby`: a member of the room's fan-out set and of presence). The seeded mission has
~3,100 members, so each person holds about three connections, like someone with a few tabs open.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from typing import Any

from bench.harness import (
    bearer_tokens,
    cpu_seconds,
    emit,
    mission_members,
    rss_bytes,
    seeded_database,
    server_env,
    start_roundtable,
    workdir,
)
from bench.loadgen import LoadPool
from bench.room import connect_tokens, load_core

CONNECTIONS = 10_000
WARMUP = 100
SETTLE = 2.0  # seconds to let the server finish its work before reading memory
TARGET_KIB = 20  # issue 16
# Joining the lobby costs the server ~20 ms of CPU per connection at this size (presence is scanned per join), so
# 10,000 joins take minutes: only with BENCH_IDLE_LOBBY=1, outside the 10-minute `make bench`.
IN_LOBBY = os.environ.get("BENCH_IDLE_LOBBY") == "1"


async def _connect(pool: LoadPool, port: int, tokens: list[str]) -> dict[str, Any]:
    return await connect_tokens(pool, port, tokens, concurrency=128, limit=400)


async def run() -> None:
    with workdir("rt-bench-idle-") as tmp, load_core():
        db = seeded_database(tmp / "bench.db")
        mission, users = mission_members(db)
        server = start_roundtable(server_env(tmp / "var", db), tmp)
        pool: LoadPool | None = None
        try:
            pool = LoadPool(2, None)
            cycle = itertools.cycle(users)
            warm = await _connect(pool, server.port, bearer_tokens(db, [next(cycle) for _ in range(WARMUP)], mission))
            await asyncio.sleep(SETTLE)
            base_rss = rss_bytes(server.pid)
            base: dict[str, Any] = {"scenario": "idle", "baseline_connections": warm["connected"],
                                    "baseline_rss_mib": round(base_rss / 2**20, 1)}

            tokens = bearer_tokens(db, [next(cycle) for _ in range(CONNECTIONS)], mission)  # outside the timing
            cpu0 = cpu_seconds(server.pid)
            started = time.monotonic()
            done = await _connect(pool, server.port, tokens)
            connect_s = time.monotonic() - started
            connect_cpu = cpu_seconds(server.pid) - cpu0
            await asyncio.sleep(SETTLE)
            n = done["connected"]
            rss = rss_bytes(server.pid)
            per = (rss - base_rss) / max(n, 1) / 1024
            emit({**base, "phase": "authenticated", "connections": n, "failed": done["failed"],
                  "errors": done["errors"], "server_rss_mib": round(rss / 2**20, 1),
                  "rss_per_connection_kib": round(per, 1), "connect_s": round(connect_s, 1),
                  "connections_per_s": round(n / connect_s), "server_cpu_ms_per_connection":
                  round(connect_cpu * 1000 / max(n, 1), 2), "targets": {"le_20_kib": per <= TARGET_KIB}})

            if not IN_LOBBY:
                return
            cpu0 = cpu_seconds(server.pid)
            started = time.monotonic()
            joins = await pool.all("join", (f"lobby:{mission}", "invisible", 128), limit=600)
            join_s = time.monotonic() - started
            join_cpu = cpu_seconds(server.pid) - cpu0
            await asyncio.sleep(SETTLE)
            failed = sum(j["failed"] for j in joins)
            rss = rss_bytes(server.pid)
            per = (rss - base_rss) / max(n, 1) / 1024
            emit({**base, "phase": "in-lobby", "connections": n, "failed": failed,
                  "errors": [e for j in joins for e in j["errors"]][:3], "server_rss_mib": round(rss / 2**20, 1),
                  "rss_per_connection_kib": round(per, 1), "join_s": round(join_s, 1),
                  "joins_per_s": round((n + WARMUP - failed) / join_s),
                  "server_cpu_ms_per_join": round(join_cpu * 1000 / max(n + WARMUP - failed, 1), 2),
                  "targets": {"le_20_kib": per <= TARGET_KIB}})
        finally:
            if pool is not None:
                await pool.close()
            server.stop()
