"""Scenario `soak` (issue 16): two nodes, one private Redis, one shared SQLite database, 1,000 clients for 10 minutes.

800 steady listeners (alternating between the nodes) stay in the mission's lobby, visible, the whole time; a sender
on the first node posts BENCH_SOAK_RATE chat messages a second (default 2) and each must reach every steady
listener once (zero loss, no duplicates). Meanwhile 200 churning clients (also on both nodes, in a load process of
their own so that what they miss is not counted) keep coming and going: every 1–6 s each leaves and joins again,
changes its presence status, drops its socket and reconnects, or says something.

What is held to the baseline: the nodes' RSS, their event loops' task count (`roundtable_asyncio_tasks` on
/metrics), Redis's key count and the SQLite connections the nodes hold open (descriptors on the database file).
The baseline is read after a warm-up round of the same shape (BENCH_SOAK_WARMUP seconds, default 30) whose
clients have left, so that lazy imports and pools grown once are not counted as leaks; after the soak the same
figures are read once the clients have left and the counts stop falling (up to 60 s).

Knobs: BENCH_SOAK_SECONDS (default 600), BENCH_SOAK_CLIENTS (default 1,000; a fifth of them churn).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path
from typing import Any

from bench.harness import (
    Proc,
    bearer_tokens,
    emit,
    metric,
    mission_members,
    open_files,
    redis_command,
    rss_bytes,
    seeded_database,
    server_env,
    start_redis,
    start_roundtable,
    workdir,
)
from bench.loadgen import ConnectSpec, LoadPool
from bench.rawws import Conn, Stats, open_conn
from bench.room import load_core, measure, next_run, roundtable_sender, split

SECONDS = float(os.environ.get("BENCH_SOAK_SECONDS", "600"))
WARMUP = float(os.environ.get("BENCH_SOAK_WARMUP", "30"))
CLIENTS = int(os.environ.get("BENCH_SOAK_CLIENTS", "1000"))
RATE = float(os.environ.get("BENCH_SOAK_RATE", "2"))
CHURNING = CLIENTS // 5
SETTLE_LIMIT = 60.0


def _figures(servers: list[Proc], redis: Proc, db: Path) -> dict[str, Any]:
    tasks = [metric(s.port, "roundtable_asyncio_tasks") for s in servers]
    keys = redis_command(redis.port, "DBSIZE")
    return {"rss_mib": round(sum(rss_bytes(s.pid) for s in servers) / 2**20, 1),
            "tasks": int(sum(t for t in tasks if t is not None)) if None not in tasks else None,
            "redis_keys": int(keys[1:].split(b"\r\n")[0]) if keys.startswith(b":") else None,
            "db_connections": sum(open_files(s.pid, db) for s in servers)}


async def _settled(servers: list[Proc], redis: Proc, db: Path, baseline: dict[str, Any]) -> tuple[dict[str, Any],
                                                                                                  float]:
    """The figures once the counts are back to the baseline or stop falling (at most SETTLE_LIMIT seconds)."""
    counts = ("tasks", "redis_keys", "db_connections")
    started = time.monotonic()
    await asyncio.sleep(2.0)
    now = _figures(servers, redis, db)
    unchanged = 0
    while time.monotonic() - started < SETTLE_LIMIT and unchanged < 5:
        if all(now[k] is not None and baseline[k] is not None and now[k] <= baseline[k] for k in counts):
            break
        await asyncio.sleep(2.0)
        previous, now = now, _figures(servers, redis, db)
        unchanged = unchanged + 1 if all(previous[k] == now[k] for k in counts) else 0
    return now, round(time.monotonic() - started, 1)


async def _sender(port: int, token: str) -> Conn:
    conn = await open_conn("127.0.0.1", port, "/ws", ["roundtable.v1", f"bearer.{token}"], Stats(), "roundtable")
    conn.send_text(b'{"type":"hello","version":1}')
    await asyncio.wait_for(conn.expect(b'{"type":"welcome"'), 10)
    return conn


async def _round(steady: LoadPool, churn: LoadPool, servers: list[Proc], db: Path, users: list[int], mission: int,
                 seconds: float) -> dict[str, Any]:
    """One round: everyone joins, the sender posts while the churners churn, everyone leaves."""
    room = f"lobby:{mission}"
    people = users[1:CLIENTS + 1]
    tokens = bearer_tokens(db, people, mission)
    ports = [servers[i % len(servers)].port for i in range(len(tokens))]
    stay, stay_ports = tokens[CHURNING:], ports[CHURNING:]
    specs = [("connect", ConnectSpec("127.0.0.1", servers[0].port, "roundtable", tokens=t, room=room,
                                     status="available", ports=p, concurrency=32))
             for t, p in zip(split(stay, steady.size), split(stay_ports, steady.size), strict=True)]
    joined = await steady.each(specs, limit=600)
    joined += await churn.all("connect", ConnectSpec("127.0.0.1", servers[0].port, "roundtable",
                                                     tokens=tokens[:CHURNING], room=room, status="available",
                                                     ports=ports[:CHURNING], concurrency=32), limit=600)
    sender_conn = await _sender(servers[0].port, bearer_tokens(db, users[:1], mission)[0])
    try:
        listeners = sum(r["connected"] for r in joined[:steady.size])
        measured, churned = await asyncio.gather(
            measure(steady, roundtable_sender(sender_conn, room), listeners, RATE, seconds, next_run(),
                    [s.pid for s in servers]),
            churn.all("churn", (seconds, int(time.time())), limit=seconds + 120))
    finally:
        sender_conn.close()
        await steady.all("drop")
        await churn.all("drop")
    return {"join_failed": sum(r["failed"] for r in joined), "join_errors": [e for r in joined
                                                                               for e in r["errors"]][:3],
            "steady": listeners, "churning": CHURNING, "measured": measured, "churn": churned[0]}


async def run() -> None:
    with workdir("rt-bench-soak-") as tmp, load_core():
        db = seeded_database(tmp / "bench.db")
        mission, users = mission_members(db)
        redis: Proc | None = None
        servers: list[Proc] = []
        steady: LoadPool | None = None
        churn: LoadPool | None = None
        try:
            redis = start_redis(tmp)
            env = server_env(tmp / "var", db, ROUNDTABLE_REDIS_URL=f"redis://127.0.0.1:{redis.port}/0")
            servers = [start_roundtable(env, tmp), start_roundtable(env, tmp)]
            steady, churn = LoadPool(2, None), LoadPool(1, None)
            before = _figures(servers, redis, db)
            await _round(steady, churn, servers, db, users, mission, WARMUP)
            baseline, _ = await _settled(servers, redis, db, before)
            started = time.monotonic()
            soaked = await _round(steady, churn, servers, db, users, mission, SECONDS)
            after, settle_s = await _settled(servers, redis, db, baseline)
            m = soaked["measured"]
            emit({"scenario": "soak", "nodes": len(servers), "clients": CLIENTS, "seconds": SECONDS,
                  "rate_per_s": RATE, "steady": soaked["steady"], "churning": soaked["churning"],
                  "join_failed": soaked["join_failed"], "join_errors": soaked["join_errors"],
                  "messages": m["messages"], "expected": m["expected"], "deliveries": m["deliveries"],
                  "loss": m["loss"], "dupes": m["dupes"], "p50_ms": m["p50_ms"], "p99_ms": m["p99_ms"],
                  "max_ms": m["max_ms"], "server_cpu_pct": m["server_cpu_pct"], "churn": soaked["churn"],
                  "before": before, "baseline": baseline, "after": after, "settle_s": settle_s,
                  "wall_s": round(time.monotonic() - started, 1)})
        finally:
            for pool in (steady, churn):
                if pool is not None:
                    with contextlib.suppress(Exception):
                        await pool.close()
            for server in servers:
                server.stop()
            if redis is not None:
                redis.stop()
