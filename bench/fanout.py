"""Scenarios (a) `fanout` and (b) `fanout-redis`: one lobby, 1,000 then 3,000 listeners, a sender posting 5 and
then 20 messages a second for 20 s; (b) splits the listeners across two nodes sharing one (private) Redis, the
sender on the first node. `fanout` then grows the room to 10,000 listeners at 5 messages a second (issue 16: zero
loss on one node; the seeded mission has ~3,100 members, so people hold several connections). `floor` sends the
workload of (a) to bench.floor_server in the same run: issue 16's fan-out targets are ratios against it
(bench/targets.py)."""

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
    start_floor,
    start_redis,
    start_roundtable,
    workdir,
)
from bench.loadgen import ConnectSpec, LoadPool
from bench.rawws import Conn, Stats, open_conn
from bench.room import load_core, measure, next_run, roundtable_sender, split

LISTENERS = tuple(int(n) for n in os.environ.get("BENCH_LISTENERS", "1000,3000").split(","))
RATES: tuple[int, ...] = (5, 20)
BIG_ROOM = int(os.environ.get("BENCH_BIG_ROOM", "10000"))  # `fanout` only, at the first rate; 0: skipped
BIG_RATES: tuple[int, ...] = (5,)
DURATION = float(os.environ.get("BENCH_DURATION", "20"))
LOAD_PROCESSES = 2
# Joins in flight per load process. Above ~100 in all, the Redis presence of the two-node setup fails joins
# ("Too many connections" from redis-py's pool, see docs/performance.md).
JOIN_CONCURRENCY = 32
# Listeners join invisibly by default, so that 3,000 arrivals do not broadcast 3,000 presence changes to the
# room before the measurement (BENCH_PRESENCE=available measures with visible listeners).
PRESENCE = os.environ.get("BENCH_PRESENCE", "invisible")

# Single-node results of this invocation, by (listeners, rate): the reference for the two-node target and for
# the python-socketio comparison.
RESULTS: dict[tuple[int, int], dict[str, Any]] = {}


def _targets(listeners: int, rate: int, result: dict[str, Any], nodes: int) -> dict[str, bool]:
    if nodes == 1 and (listeners, rate) == (3000, 5):
        cpu = result["server_cpu_us_per_delivery"]
        return {"zero_loss": result["loss"] == 0,
                "p99_le_100ms": result["p99_ms"] is not None and result["p99_ms"] <= 100,
                "cpu_le_15us_per_delivery": cpu is not None and cpu <= 15}
    if nodes == 2 and "p99_vs_single_node" in result:
        return {"p99_le_1.5x_single_node": result["p99_vs_single_node"] <= 1.5}
    return {}


async def _sender(port: int, token: str) -> Conn:
    conn = await open_conn("127.0.0.1", port, "/ws", ["roundtable.v1", f"bearer.{token}"], Stats(), "roundtable")
    conn.send_text(b'{"type":"hello","version":1}')
    await asyncio.wait_for(conn.expect(b'{"type":"welcome"'), 10)
    return conn


async def _run(nodes: int, floor: bool = False) -> None:
    scenario = "floor" if floor else "fanout" if nodes == 1 else "fanout-redis"
    with workdir(f"rt-bench-{scenario}-") as tmp, load_core():
        db = seeded_database(tmp / "bench.db")
        mission, users = mission_members(db)
        room = f"lobby:{mission}"
        redis: Proc | None = None
        servers: list[Proc] = []
        pool: LoadPool | None = None
        sender_conn: Conn | None = None
        try:
            redis = start_redis(tmp) if nodes > 1 else None
            extra = {"ROUNDTABLE_REDIS_URL": f"redis://127.0.0.1:{redis.port}/0"} if redis else {}
            env = server_env(tmp / "var", db, **extra)
            for _ in range(nodes):
                servers.append(start_floor(tmp) if floor else start_roundtable(env, tmp))
            pids = [s.pid for s in servers]
            pool = LoadPool(LOAD_PROCESSES, None)  # they inherit the load core from this process
            sender_conn = await _sender(servers[0].port, bearer_tokens(db, users[:1], mission)[0])
            sender = roundtable_sender(sender_conn, room)
            steps = [(n, RATES) for n in LISTENERS]
            if scenario == "fanout" and BIG_ROOM:
                steps.append((BIG_ROOM, BIG_RATES))
            # Beyond the mission's members, people come back with more connections (tabs).
            listener_users = [users[1 + i % (len(users) - 1)] for i in range(max(n for n, _ in steps))]
            connected = 0
            for target, rates in steps:
                started = time.monotonic()
                tokens = bearer_tokens(db, listener_users[connected:target], mission)
                ports = [servers[(connected + i) % nodes].port for i in range(len(tokens))]
                specs = [ConnectSpec("127.0.0.1", servers[0].port, "roundtable", tokens=t, room=room, status=PRESENCE,
                                     ports=p, concurrency=JOIN_CONCURRENCY)
                         for t, p in zip(split(tokens, pool.size), split(ports, pool.size), strict=True)]
                replies = await pool.each([("connect", s) for s in specs], limit=300)
                connected += sum(r["connected"] for r in replies)
                failed = sum(r["failed"] for r in replies)
                setup_s = round(time.monotonic() - started, 1)
                if failed:
                    emit({"scenario": scenario, "listeners": target, "error": f"{failed} listeners failed to join",
                          "examples": [e for r in replies for e in r["errors"]][:3]})
                for rate in rates:
                    result = await measure(pool, sender, connected, rate, DURATION, next_run(), pids,
                                           redis.pid if redis else None)
                    out: dict[str, Any] = {
                        "scenario": scenario, "nodes": nodes, "broker": "redis" if redis else "memory",
                        "step": target, "listeners": connected, "rate_per_s": rate, "duration_s": DURATION,
                        "presence": PRESENCE,
                        "load_processes": pool.size, "join_s": setup_s, **result,
                    }
                    single = RESULTS.get((target, rate))
                    if floor:
                        out["server"] = "bench.floor_server: bare uvloop fan-out, nothing else"
                        if single is not None:
                            out["roundtable_cpu_us_per_delivery"] = single["server_cpu_us_per_delivery"]
                            out["roundtable_p99_ms"] = single["p99_ms"]
                    elif nodes == 1:
                        RESULTS[(target, rate)] = out
                    elif single is not None and single["p99_ms"] and result["p99_ms"] is not None:
                        out["single_node_p99_ms"] = single["p99_ms"]
                        out["p99_vs_single_node"] = round(result["p99_ms"] / single["p99_ms"], 2)
                    out["targets"] = {} if floor else _targets(target, rate, out, nodes)
                    emit(out)
                    setup_s = 0.0
        finally:
            if sender_conn is not None:
                sender_conn.close()
            if pool is not None:
                await pool.close()
            for server in servers:
                server.stop()
            if redis is not None:
                redis.stop()


async def run() -> None:
    await _run(1)


async def run_redis() -> None:
    await _run(2)


async def run_floor() -> None:
    """The same workload against bench.floor_server, the least a server can spend."""
    await _run(1, floor=True)
