"""Scenario `joins` (issue 16): 10,000 *visible* joins into one lobby on one node.

The mission is grown to 10,000 distinct people (bench/harness.py `grow_mission`); each opens a WebSocket and says
hello first (that CPU is the handshake's, not counted here), then they join the lobby with status `available` in
four phases: joins 0–50, 50–150 (the early window), 150 to N−100, and the last 100 (the late window, a room of
~N−100 visible people). The server's CPU is read from /proc (`schedstat`, nanoseconds) around each phase, so what a
join costs includes whatever it makes the server do: the presence it answers with and the presence change it sends
to the room. Reported: the CPU of all N joins, the CPU per join in the early and late windows and their ratio, and
the size of the `joined` answer in the late window.

Knobs: BENCH_JOINS (default 10,000), BENCH_JOIN_CONCURRENCY (joins in flight per load process, default 16).
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from bench.harness import (
    bearer_tokens,
    cpu_ns,
    emit,
    grow_mission,
    mission_members,
    seeded_database,
    server_env,
    start_roundtable,
    workdir,
)
from bench.loadgen import ConnectSpec, LoadPool
from bench.room import load_core, split

JOINS = int(os.environ.get("BENCH_JOINS", "10000"))
CONCURRENCY = int(os.environ.get("BENCH_JOIN_CONCURRENCY", "16"))
WINDOW = 100
LOAD_PROCESSES = 2
SETTLE = 0.5  # after a phase: the presence changes it caused are still being written


def phases(n: int) -> list[tuple[int, int]]:
    """Joins [a, b) of each phase: a warm-up, the early window, the bulk, the late window."""
    early = (WINDOW // 2, WINDOW // 2 + WINDOW)
    late = (n - WINDOW, n)
    return [(0, early[0]), early, (early[1], late[0]), late]


async def run() -> None:
    with workdir("rt-bench-joins-") as tmp, load_core():
        db = seeded_database(tmp / "bench.db")
        mission, _ = mission_members(db)
        people = grow_mission(db, mission, JOINS + 1)[1:JOINS + 1]  # the organiser (first) stays out
        room = f"lobby:{mission}"
        server = start_roundtable(server_env(tmp / "var", db), tmp)
        pool: LoadPool | None = None
        try:
            pool = LoadPool(LOAD_PROCESSES, None)
            tokens = bearer_tokens(db, people, mission)
            # Connection i goes to load process i % 2 as its (i // 2)-th: global join order is kept by halves.
            replies = await pool.each([("connect", ConnectSpec("127.0.0.1", server.port, "roundtable", tokens=t,
                                                               concurrency=64))
                                       for t in split(tokens, LOAD_PROCESSES)], limit=600)
            connected = sum(r["connected"] for r in replies)
            if connected < len(tokens):
                emit({"scenario": "joins", "error": f"{len(tokens) - connected} connections failed",
                      "examples": [e for r in replies for e in r["errors"]][:3]})
                return
            await asyncio.sleep(2.0)
            cpu: list[float] = []
            walls: list[float] = []
            last: list[dict[str, Any]] = []
            failed, errors = 0, []
            for a, b in phases(JOINS):
                c0, t0 = cpu_ns(server.pid), time.monotonic()
                last = await pool.all("join", (room, "available", CONCURRENCY, a // LOAD_PROCESSES,
                                               b // LOAD_PROCESSES), limit=1800)
                walls.append(time.monotonic() - t0)
                await asyncio.sleep(SETTLE)
                cpu.append((cpu_ns(server.pid) - c0) / 1e9)
                failed += sum(r["failed"] for r in last)
                errors += [e for r in last for e in r["errors"]]
            early = cpu[1] * 1000 / WINDOW
            late = cpu[3] * 1000 / WINDOW
            emit({"scenario": "joins", "planned": JOINS, "joins": JOINS - failed, "failed": failed,
                  "errors": errors[:3], "visible": JOINS - failed, "server_cpu_s": round(sum(cpu), 2),
                  "join_s": round(sum(walls), 1), "joins_per_s": round((JOINS - failed) / max(sum(walls), 1e-9)),
                  "early_window": list(phases(JOINS)[1]), "late_window": list(phases(JOINS)[3]),
                  "early_cpu_ms_per_join": round(early, 3), "late_cpu_ms_per_join": round(late, 3),
                  "late_vs_early": round(late / early, 2) if early else None,
                  "joined_bytes_last": max(r["joined_bytes_last"] for r in last),
                  "joined_bytes_max": max(r["joined_bytes_max"] for r in last),
                  "server_cpu_s_by_phase": [round(c, 3) for c in cpu],
                  "concurrency": CONCURRENCY * LOAD_PROCESSES})
        finally:
            if pool is not None:
                await pool.close()
            server.stop()
