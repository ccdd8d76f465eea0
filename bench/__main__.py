"""Runs the benchmark scenarios named on the command line (all by default), one JSON line per result."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from bench import directory

SCENARIOS: dict[str, Callable[[], Coroutine[Any, Any, None]]] = {
    "directory": directory.run,
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("scenario", nargs="*", choices=[*SCENARIOS, []], help="default: all")
    args = parser.parse_args()
    for name in args.scenario or list(SCENARIOS):
        asyncio.run(SCENARIOS[name]())
    return 0


if __name__ == "__main__":
    sys.exit(main())
