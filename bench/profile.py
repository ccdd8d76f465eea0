"""Prints the top costs of a server profile written under BENCH_PROFILE (bench/harness.py):

    python -m bench.profile var/profiles/roundtable-101500-40123.prof [N]

The N functions (default 25) with the most time of their own, then the N with the most cumulative time."""

from __future__ import annotations

import pstats
import sys


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    top = int(argv[1]) if len(argv) > 1 else 25
    stats = pstats.Stats(argv[0])
    stats.strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
