"""Scenario `reconnect` (issue 16): 3,000 clients in one lobby, their node restarted, all of them back.

BENCH_RECONNECT_CLIENTS (default 3,000) connections, each a person, say hello and join the mission's lobby
(status BENCH_RECONNECT_STATUS, default `available`). Every connection is then armed to come back as the web
client does (web/protocol.js: full-jitter backoff from 0.5 s doubling to 15 s; hello; join again). The node is
killed (SIGKILL: every socket drops at once; BENCH_RECONNECT_SIGNAL=TERM drains instead) and a new process started
on the same port with the same database. Reported: how long after the new node answered /healthz the last client
was joined again (`all_resumed_s`, the target: ≤ 10 s), the same from the kill, the spread, attempts, and the
server's CPU during the storm.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from typing import Any

from bench.harness import (
    Proc,
    bearer_tokens,
    cpu_ns,
    emit,
    free_port,
    mission_members,
    seeded_database,
    server_env,
    start_roundtable,
    tree_pids,
    workdir,
)
from bench.loadgen import ConnectSpec, LoadPool
from bench.room import load_core, split

CLIENTS = int(os.environ.get("BENCH_RECONNECT_CLIENTS", "3000"))
STATUS = os.environ.get("BENCH_RECONNECT_STATUS", "available")
SIGNAL = signal.SIGTERM if os.environ.get("BENCH_RECONNECT_SIGNAL", "KILL").upper() == "TERM" else signal.SIGKILL
GIVE_UP = 120.0


def _pct(values: list[float], fraction: float) -> float | None:
    return round(sorted(values)[min(len(values) - 1, int(fraction * len(values)))], 2) if values else None


async def run() -> None:
    with workdir("rt-bench-reconnect-") as tmp, load_core():
        db = seeded_database(tmp / "bench.db")
        mission, users = mission_members(db)
        env = server_env(tmp / "var", db, ROUNDTABLE_DRAIN_SECONDS="5")
        port = free_port()
        server: Proc | None = start_roundtable(env, tmp, port=port)
        pool: LoadPool | None = None
        try:
            pool = LoadPool(2, None)
            people = [users[1 + i % (len(users) - 1)] for i in range(CLIENTS)]
            tokens = bearer_tokens(db, people, mission)
            room = f"lobby:{mission}"
            replies = await pool.each([("connect", ConnectSpec("127.0.0.1", port, "roundtable", tokens=t, room=room,
                                                               status=STATUS, concurrency=32))
                                       for t in split(tokens, pool.size)], limit=900)
            joined = sum(r["connected"] for r in replies)
            if joined < CLIENTS:
                emit({"scenario": "reconnect", "error": f"{CLIENTS - joined} clients failed to join",
                      "examples": [e for r in replies for e in r["errors"]][:3]})
                return
            await pool.all("arm")
            assert server is not None
            children = tree_pids(server.pid)[1:]  # its Janus: a killed node leaves it running
            killed = time.monotonic()
            server.process.send_signal(SIGNAL)
            server.process.wait(timeout=60)
            server = None
            for child in children:
                with contextlib.suppress(OSError):
                    os.kill(child, signal.SIGKILL)
            server = start_roundtable(env, tmp, port=port)
            ready = time.monotonic()
            cpu0 = cpu_ns(server.pid)
            state: list[dict[str, Any]] = []
            while time.monotonic() - ready < GIVE_UP:
                state = await pool.all("resumes")
                if sum(s["resumed"] + s["failed"] for s in state) >= CLIENTS:
                    break
                await asyncio.sleep(0.2)
            cpu_s = (cpu_ns(server.pid) - cpu0) / 1e9
            times = [t for s in state for t in s["times"]]
            resumed = len(times)
            emit({"scenario": "reconnect", "clients": CLIENTS, "status": STATUS, "signal": SIGNAL.name,
                  "resumed": resumed, "failed": sum(s["failed"] for s in state),
                  "still_trying": sum(s["waiting"] for s in state), "gave_up_after_s": GIVE_UP,
                  "errors": [e for s in state for e in s["errors"]][:3],
                  "restart_s": round(ready - killed, 2),
                  "all_resumed_s": round(max(times) - ready, 2) if resumed == CLIENTS else None,
                  "from_kill_s": round(max(times) - killed, 2) if times else None,
                  "resumed_p50_s": _pct([t - ready for t in times], 0.5),
                  "resumed_p99_s": _pct([t - ready for t in times], 0.99),
                  "attempts": sum(s["attempts"] for s in state), "server_cpu_s": round(cpu_s, 2)})
        finally:
            if pool is not None:
                await pool.close()
            if server is not None:
                server.stop()
