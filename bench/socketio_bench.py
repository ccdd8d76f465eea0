"""Scenario (d) `socketio`: the room workload of `fanout` against python-socketio with its Redis manager
(bench.socketio_app), measured the same way, so that the ratio is taken side by side in one invocation.

Clients speak Engine.IO v4 / Socket.IO v5 over a plain WebSocket (`40`, `42[...]`, ping `2` → pong `3`) with the
same lean client as the other scenarios. A run the server could not keep up with leaves a backlog behind; the
next run then starts on a fresh server, so that one run's backlog never counts against the next.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from typing import Any

from bench import fanout
from bench.harness import Proc, emit, start_redis, start_socketio, workdir
from bench.loadgen import ConnectSpec, LoadPool
from bench.rawws import Stats, open_conn
from bench.room import Sender, load_core, measure, next_run

LISTENERS = fanout.LISTENERS
RATES = fanout.RATES
# 10 s rather than fanout's 20 s: python-socketio saturates at 1,000 × 20 msg/s already, each saturated run then
# also waits out DRAIN, and `make bench` must finish within 10 minutes. CPU per delivery and capacity do not
# depend on the duration; the latency of a saturated run grows with it (it is the backlog's age).
DURATION = float(os.environ.get("BENCH_SOCKETIO_DURATION", os.environ.get("BENCH_DURATION", "10")))
DRAIN = 5.0
ROOM = "lobby:1"
PATH = "/socket.io/?EIO=4&transport=websocket"


async def _sender(port: int) -> Sender:
    conn = await open_conn("127.0.0.1", port, PATH, [], Stats(), "socketio")
    await asyncio.wait_for(conn.expect(b"0"), 10)
    conn.send_text(b"40")
    await asyncio.wait_for(conn.expect(b"40"), 10)

    def message(i: int, text: str) -> bytes:
        return f"42{i}".encode() + json.dumps(["say", {"room": ROOM, "text": text}], separators=(",", ":")).encode()

    return Sender(conn, message, b"43", b"44")


async def _connect(pool: LoadPool, port: int, count: int) -> tuple[int, list[str]]:
    per = [count // pool.size + (1 if i < count % pool.size else 0) for i in range(pool.size)]
    replies = await pool.each([("connect", ConnectSpec("127.0.0.1", port, "socketio", count=n, room=ROOM,
                                                       concurrency=32)) for n in per], limit=300)
    return sum(r["connected"] for r in replies), [e for r in replies for e in r["errors"]][:3]


def _versus(listeners: int, rate: int, result: dict[str, Any]) -> dict[str, Any]:
    """The ratios to Roundtable's single node, when `fanout` ran earlier in this invocation."""
    ours = fanout.RESULTS.get((listeners, rate))
    if ours is None:
        return {}
    out: dict[str, Any] = {"roundtable_p99_ms": ours["p99_ms"],
                           "roundtable_cpu_us_per_delivery": ours["server_cpu_us_per_delivery"]}
    if result["p99_ms"] and ours["p99_ms"]:
        out["p99_vs_roundtable"] = round(result["p99_ms"] / ours["p99_ms"], 1)
    if result["server_cpu_us_per_delivery"] and ours["server_cpu_us_per_delivery"]:
        out["cpu_per_delivery_vs_roundtable"] = round(
            result["server_cpu_us_per_delivery"] / ours["server_cpu_us_per_delivery"], 1)
    return out


async def run() -> None:
    with workdir("rt-bench-socketio-") as tmp, load_core():
        redis = start_redis(tmp)
        url = f"redis://127.0.0.1:{redis.port}/0"
        server: Proc | None = None
        pool: LoadPool | None = None
        sender: Sender | None = None
        try:  # everything started from here on is stopped in `finally`
            pool = LoadPool(fanout.LOAD_PROCESSES, None)
            connected = 0
            fresh_needed = True
            for target in LISTENERS:
                for rate in RATES:
                    started = time.monotonic()
                    if fresh_needed:
                        if sender is not None:
                            sender.conn.close()
                        await pool.all("drop")
                        if server is not None:
                            server.stop()
                        server = start_socketio(url, tmp)
                        sender = await _sender(server.port)
                        connected, errors = await _connect(pool, server.port, target)
                    elif connected < target:
                        assert server is not None
                        more, errors = await _connect(pool, server.port, target - connected)
                        connected += more
                    else:
                        errors = []
                    assert server is not None and sender is not None
                    if connected < target:
                        emit({"scenario": "socketio", "listeners": target, "error": "listeners failed to join",
                              "connected": connected, "examples": errors})
                    setup_s = round(time.monotonic() - started, 1)
                    result = await measure(pool, sender, connected, rate, DURATION, next_run(), [server.pid],
                                           redis.pid, drain=DRAIN)
                    # A backlog left behind (or lost connections) would spoil the next run: start afresh.
                    fresh_needed = result["deliveries"] < result["expected"] or result["listeners_open"] < connected
                    out: dict[str, Any] = {
                        "scenario": "socketio", "server": "python-socketio AsyncRedisManager on uvicorn",
                        "nodes": 1, "broker": "redis", "listeners": connected, "rate_per_s": rate,
                        "duration_s": DURATION, "drain_limit_s": DRAIN, "load_processes": pool.size,
                        "join_s": setup_s, **result,
                    }
                    out.update(_versus(target, rate, result))
                    emit(out)
        finally:
            if sender is not None:
                sender.conn.close()
            if pool is not None:
                await pool.close()
            if server is not None:
                server.stop()
            redis.stop()

