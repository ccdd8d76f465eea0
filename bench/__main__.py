"""Runs the benchmark scenarios named on the command line (all by default), one JSON line per result.

The whole run is bounded: `--budget` seconds in all (default 1100: the live scenarios take ~8.5 minutes, the
webinar ~2.5, the group room ~1 and the results ~5, most of it seeding 5,000 people and 2,000 meetings twice;
`make bench` stays under 20 minutes with the install step); a scenario still running when the budget is spent is
cancelled (its processes are stopped) and reported as a JSON line with an error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

from bench import directory, fanout, group_room, idle, results, socketio_bench, webinar

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
}
DEFAULT = ["fanout", "fanout-redis", "idle", "socketio", "directory", "webinar", "group-room", "results"]


async def _bounded(name: str, seconds: float) -> None:
    started = time.monotonic()
    try:
        await asyncio.wait_for(SCENARIOS[name](), max(seconds, 1.0))
    except TimeoutError:
        print(json.dumps({"scenario": name, "error": f"cancelled: the time budget ran out after "
                                                     f"{time.monotonic() - started:.0f} s"}), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("scenario", nargs="*", choices=[*SCENARIOS, []], help=f"default: {' '.join(DEFAULT)}")
    parser.add_argument("--budget", type=float, default=1100.0, help="seconds for the whole run (default 1100)")
    args = parser.parse_args()
    deadline = time.monotonic() + args.budget
    for name in args.scenario or DEFAULT:
        asyncio.run(_bounded(name, deadline - time.monotonic()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
