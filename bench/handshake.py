"""Scenario `handshake` (issue 16): what the server spends on one WebSocket handshake with a bearer token plus the
`hello` → `welcome` exchange, the cost a node restart's reconnect storm multiplies.

After a warm-up of 200 connections (lazy imports, caches, pools), BENCH_HANDSHAKES (default 3,000) connections open
and say hello, 128 in flight per load process, each as a distinct person with a fresh session. The server's CPU
(/proc schedstat, all its threads) over that phase, divided by the connections, is the figure; `per_s_per_core` is
how many a fully busy core would accept. Tokens are minted and their sessions written before the timing.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from typing import Any

from bench.harness import (
    bearer_tokens,
    cpu_ns,
    emit,
    mission_members,
    seeded_database,
    server_env,
    start_roundtable,
    workdir,
)
from bench.loadgen import LoadPool
from bench.room import connect_tokens, load_core

CONNECTIONS = int(os.environ.get("BENCH_HANDSHAKES", "3000"))
WARMUP = 200
CONCURRENCY = 128


async def _connect(pool: LoadPool, port: int, tokens: list[str]) -> dict[str, Any]:
    return await connect_tokens(pool, port, tokens, concurrency=CONCURRENCY, limit=600)


async def run() -> None:
    with workdir("rt-bench-handshake-") as tmp, load_core():
        db = seeded_database(tmp / "bench.db")
        mission, users = mission_members(db)
        server = start_roundtable(server_env(tmp / "var", db), tmp)
        pool: LoadPool | None = None
        try:
            pool = LoadPool(2, None)
            cycle = itertools.cycle(users)
            await _connect(pool, server.port, bearer_tokens(db, [next(cycle) for _ in range(WARMUP)], mission))
            await pool.all("drop")
            await asyncio.sleep(1.0)
            tokens = bearer_tokens(db, [next(cycle) for _ in range(CONNECTIONS)], mission)
            c0, t0 = cpu_ns(server.pid), time.monotonic()
            done = await _connect(pool, server.port, tokens)
            wall = time.monotonic() - t0
            await asyncio.sleep(0.2)  # the last welcomes' bookkeeping
            cpu_ms = (cpu_ns(server.pid) - c0) / 1e6
            n = done["connected"]
            per = cpu_ms / max(n, 1)
            emit({"scenario": "handshake", "connections": n, "failed": done["failed"], "errors": done["errors"],
                  "server_cpu_ms_per_connection": round(per, 3),
                  "per_s_per_core": round(1000 / per) if per else None,
                  "wall_s": round(wall, 2), "per_s": round(n / wall), "concurrency": CONCURRENCY * pool.size})
        finally:
            if pool is not None:
                await pool.close()
            server.stop()
