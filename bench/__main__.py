"""Runs the benchmark scenarios named on the command line (all by default), one JSON line per result.

The whole run is bounded: `--budget` seconds in all (default 2700). The default run takes ~35–40 minutes: the
fan-out scenarios and the floor ~15, the `soak` 10 minutes of load (BENCH_SOAK_SECONDS) plus its warm-up, joins,
handshakes, the reconnect storm and the workers ~6, the webinar ~2.5, the group room ~1 and the results ~5. A
scenario still running when the budget is spent is cancelled (its processes are stopped) and reported as a JSON
line with an error. At the end, bench/targets.py judges issue 16's targets from whatever ran: one JSON line per
target, then a table on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

from bench import (
    directory,
    fanout,
    group_room,
    handshake,
    harness,
    idle,
    joins,
    reconnect,
    results,
    soak,
    socketio_bench,
    targets,
    webinar,
    workers,
)

SCENARIOS: dict[str, Callable[[], Coroutine[Any, Any, None]]] = {
    "fanout": fanout.run,
    "fanout-redis": fanout.run_redis,
    "idle": idle.run,
    "socketio": socketio_bench.run,
    "directory": directory.run,
    "results": results.run,
    "floor": fanout.run_floor,
    "webinar": webinar.run,
    "group-room": group_room.run,
    "joins": joins.run,
    "handshake": handshake.run,
    "reconnect": reconnect.run,
    "soak": soak.run,
    "workers": workers.run,
}
DEFAULT = ["fanout", "floor", "fanout-redis", "joins", "handshake", "reconnect", "idle", "workers", "socketio",
           "directory", "webinar", "group-room", "soak", "results"]


async def _bounded(name: str, seconds: float) -> None:
    started = time.monotonic()
    try:
        await asyncio.wait_for(SCENARIOS[name](), max(seconds, 1.0))
    except TimeoutError:
        harness.emit({"scenario": name, "error": f"cancelled: the time budget ran out after "
                                                f"{time.monotonic() - started:.0f} s"})


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("scenario", nargs="*", choices=[*SCENARIOS, []], help=f"default: {' '.join(DEFAULT)}")
    parser.add_argument("--budget", type=float, default=2700.0, help="seconds for the whole run (default 2700)")
    args = parser.parse_args()
    deadline = time.monotonic() + args.budget
    for name in args.scenario or DEFAULT:
        asyncio.run(_bounded(name, deadline - time.monotonic()))
    targets.report(harness.RECORDED)
    return 0


if __name__ == "__main__":
    sys.exit(main())
