"""One measured run of the room workload, whatever the server: a sender posts at a fixed rate for a fixed time,
the load processes count and time what every listener receives, /proc tells what the server spent."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bench.harness import LOAD_CPUS, cpu_seconds, machine_cpu, merge_hists, percentile_ms, rss_bytes
from bench.loadgen import ConnectSpec, LoadPool, raise_fd_limit
from bench.rawws import Conn, chat_text

# ~100 characters of text, so that an event frame is the size of an ordinary chat line (about 330 bytes here).
FILLER = "Bench chat line: who is joining the site visit to the harbour on Thursday afternoon, and from where?"
_RUNS = itertools.count(1)


def next_run() -> int:
    """A fresh run number: messages of an earlier run that arrive late are not counted in this one."""
    return next(_RUNS)


@dataclass
class Sender:
    """The one connection that posts. `message(index, text)` builds the frame to send; replies starting with
    `ack` are acknowledgements and replies starting with `error` are refusals."""

    conn: Conn
    message: Callable[[int, str], bytes]
    ack: bytes
    error: bytes

    async def post(self, run: int, rate: float, duration: float) -> tuple[int, float, float]:
        """Posts `rate` × `duration` messages on schedule; returns how many, and when sending began and ended."""
        count = round(rate * duration)
        self.conn.frames.clear()
        started = time.monotonic()
        for i in range(count):
            delay = started + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.conn.send_text(self.message(i, chat_text(run, i, FILLER)))
        return count, started, time.monotonic()

    def replies(self) -> tuple[int, int]:
        """Acknowledgements and refusals received so far."""
        acks = sum(1 for f in self.conn.frames if f.startswith(self.ack))
        errors = sum(1 for f in self.conn.frames if f.startswith(self.error))
        return acks, errors


@contextlib.contextmanager
def load_core() -> Iterator[None]:
    """Runs the orchestrator (and so the sender) on the load core for the duration."""
    raise_fd_limit()
    before = os.sched_getaffinity(0)
    if LOAD_CPUS:
        os.sched_setaffinity(0, LOAD_CPUS)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


async def measure(pool: LoadPool, sender: Sender, listeners: int, rate: float, duration: float, run: int,
                  server_pids: Sequence[int], redis_pid: int | None = None,
                  drain: float = 5.0) -> dict[str, Any]:
    """One run: the result fields common to every room scenario."""
    await pool.all("begin", run)
    cpu0 = sum(cpu_seconds(p) for p in server_pids)
    redis0 = cpu_seconds(redis_pid) if redis_pid else 0.0
    own0 = time.process_time()
    busy0, steal0 = machine_cpu()
    wall0 = time.monotonic()
    sent, first, last = await sender.post(run, rate, duration)
    # Acknowledgements and deliveries share one deadline: `drain` seconds after the last message was sent.
    deadline = time.monotonic() + drain
    while True:
        acks, errors = sender.replies()
        expected = (sent - errors) * listeners
        done = acks + errors >= sent and sum(await pool.all("count")) >= expected
        if done or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    wall = time.monotonic() - wall0
    cpu = sum(cpu_seconds(p) for p in server_pids) - cpu0
    redis_cpu = (cpu_seconds(redis_pid) - redis0) if redis_pid else None
    own = time.process_time() - own0
    busy1, steal1 = machine_cpu()
    rss = sum(rss_bytes(p) for p in server_pids)
    ends = await pool.all("end")
    hist = merge_hists([e["hist"] for e in ends])
    deliveries = sum(e["deliveries"] for e in ends)
    last_ns = max(e["last_ns"] for e in ends)
    span = max(last_ns / 1e9 - first, last - first, 1e-9)
    client_cpu = sum(e["cpu_s"] for e in ends)
    # Whatever else ran on the machine meanwhile (other people's jobs on a shared machine): read it as noise.
    others = (busy1 - busy0) - cpu - (redis_cpu or 0.0) - client_cpu - own
    result: dict[str, Any] = {
        "messages": sent, "acked": acks, "send_errors": errors, "expected": expected, "deliveries": deliveries,
        "loss": expected - deliveries,
        "p50_ms": percentile_ms(hist, 0.50), "p99_ms": percentile_ms(hist, 0.99),
        "max_ms": percentile_ms(hist, 1.0),
        "deliveries_per_s": round(deliveries / span),
        "server_cpu_us_per_delivery": round(cpu * 1e6 / deliveries, 1) if deliveries else None,
        "server_cpu_pct": round(100 * cpu / wall, 1),
        "server_rss_mib": round(rss / 2**20, 1),
        "client_cpu_pct": round(100 * client_cpu / wall, 1),
        "client_cpu_us_per_delivery": round(client_cpu * 1e6 / deliveries, 1) if deliveries else None,
        "orchestrator_cpu_pct": round(100 * own / wall, 1),
        "other_cpu_pct": round(max(0.0, 100 * others / wall), 1),
        "steal_pct": round(100 * (steal1 - steal0) / wall, 1),
        "listeners_open": sum(e["open"] for e in ends),
        "dupes": sum(e["dupes"] for e in ends), "other_frames": sum(e["others"] for e in ends),
        "frame_bytes": max(e["frame_bytes"] for e in ends), "window_s": round(wall, 1),
    }
    if redis_cpu is not None:
        result["redis_cpu_pct"] = round(100 * redis_cpu / wall, 1)
    return result


def roundtable_sender(conn: Conn, room: str) -> Sender:
    def message(i: int, text: str) -> bytes:
        return json.dumps({"type": "say", "room": room, "text": text, "key": f"k{i}-{text[2:20]}",
                           "id": f"s{i}"}).encode()

    return Sender(conn, message, b'{"type":"ack"', b'{"type":"error"')


def split(items: Sequence[Any], parts: int) -> list[list[Any]]:
    return [list(items[i::parts]) for i in range(parts)]


async def connect_tokens(pool: LoadPool, port: int, tokens: list[str], *, concurrency: int, limit: float
                         ) -> dict[str, Any]:
    """Opens one Roundtable connection per token across the load processes (no join): how many connected, how
    many failed, and the first few errors."""
    replies = await pool.each([("connect", ConnectSpec("127.0.0.1", port, "roundtable", tokens=t,
                                                       concurrency=concurrency))
                               for t in split(tokens, pool.size)], limit=limit)
    return {"connected": sum(r["connected"] for r in replies), "failed": sum(r["failed"] for r in replies),
            "errors": [e for r in replies for e in r["errors"]][:3]}
