"""bench/targets.py judges issue 16's targets from one run's result lines: ratios against the floor from the same
run, a scenario that failed counts as not met, a scenario that did not run is not judged."""

from __future__ import annotations

import io
import json
from typing import Any

from bench.targets import evaluate, report


def _fanout(scenario: str, listeners: int, rate: int, cpu: float, p99: float, **extra: Any) -> dict[str, Any]:
    return {"scenario": scenario, "step": listeners, "listeners": listeners, "rate_per_s": rate,
            "server_cpu_us_per_delivery": cpu, "p99_ms": p99, "loss": 0, **extra}


def _by_target(lines: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts, _ = evaluate(lines)
    return {v.target: v for v in verdicts}


def test_fanout_is_judged_against_the_floor_of_the_same_run() -> None:
    lines = [_fanout("fanout", 1000, 5, cpu=12.0, p99=20.0), _fanout("floor", 1000, 5, cpu=10.0, p99=10.0),
             _fanout("fanout", 3000, 20, cpu=14.0, p99=30.0), _fanout("floor", 3000, 20, cpu=10.0, p99=30.0)]
    found = _by_target(lines)
    assert (found["fanout-cpu-1000x5"].measured, found["fanout-cpu-1000x5"].met) == (1.2, True)
    assert (found["fanout-p99-1000x5"].measured, found["fanout-p99-1000x5"].met) == (2.0, False)
    assert (found["fanout-cpu-3000x20"].measured, found["fanout-cpu-3000x20"].met) == (1.4, False)
    assert found["fanout-p99-3000x20"].met is True
    # Sizes that produced no line ran but gave no figure: not met, never silently passed.
    assert found["fanout-cpu-1000x20"].measured is None and found["fanout-cpu-1000x20"].met is False
    # The 10,000-listener room is part of `fanout`; here it did not produce a line.
    assert found["fanout-10000x5-zero-loss"].met is False


def test_without_the_floor_the_ratios_are_not_judged() -> None:
    verdicts, missing = evaluate([_fanout("fanout", 1000, 5, cpu=12.0, p99=20.0)])
    assert "floor" in missing
    assert not any(v.target.startswith("fanout-cpu") for v in verdicts)


def test_joins_handshake_idle_reconnect_and_the_webinar() -> None:
    lines = [
        {"scenario": "joins", "planned": 10000, "joins": 10000, "failed": 0, "visible": 10000,
         "server_cpu_s": 25.0, "early_cpu_ms_per_join": 2.0, "late_cpu_ms_per_join": 3.2, "late_vs_early": 1.6,
         "joined_bytes_last": 9000},
        {"scenario": "handshake", "connections": 3000, "server_cpu_ms_per_connection": 0.6},
        {"scenario": "idle", "phase": "authenticated", "rss_per_connection_kib": 21.0},
        {"scenario": "reconnect", "clients": 3000, "resumed": 2999, "all_resumed_s": None},
        {"scenario": "webinar", "path": "ws", "viewers": 300, "connected": 300, "signalling_p99_s": 1.2,
         "join_to_first_frame_s": {"p50": 1.0, "p99": 3.5}, "delivery_min": 1.0, "watch_to_offer_p99_s": 0.2},
    ]
    found = _by_target(lines)
    assert found["joins-10000-server-cpu"].met is True
    assert found["joins-late-vs-early"].met is False
    assert found["joins-answer-bytes"].met is True
    assert found["handshake-hello-server-cpu"].met is True
    assert found["idle-authenticated-connection"].met is False
    assert found["reconnect-3000-all-resumed"].met is False
    assert found["webinar-300-signalling-p99"].met is True
    assert (found["webinar-300-first-frame-p99"].measured, found["webinar-300-first-frame-p99"].met) == (3.5, False)
    assert found["webinar-300-delivery"].met is True
    assert found["webinar-300-watch-to-offer-p99"].met is None  # a figure, no target


def test_a_scenario_that_failed_is_not_met() -> None:
    found = _by_target([{"scenario": "soak", "error": "cancelled: the time budget ran out after 900 s"}])
    assert found["soak-zero-loss"].met is False
    assert all(not v.met for name, v in found.items() if name.startswith("soak-"))


def test_the_soak_compares_after_with_the_baseline() -> None:
    found = _by_target([{"scenario": "soak", "loss": 0, "dupes": 0,
                         "baseline": {"rss_mib": 200.0, "tasks": 30, "redis_keys": 4, "db_connections": 10},
                         "after": {"rss_mib": 210.0, "tasks": 31, "redis_keys": 4, "db_connections": 10}}])
    assert found["soak-zero-loss"].met is True
    assert found["soak-rss-back"].met is True  # 5 % over the baseline
    assert found["soak-tasks-back"].met is False
    assert found["soak-redis-keys-back"].met is True
    assert found["soak-db-connections-back"].met is True


def test_report_prints_a_line_per_target_and_the_totals() -> None:
    out, err = io.StringIO(), io.StringIO()
    report([{"scenario": "handshake", "server_cpu_ms_per_connection": 0.9}], out, err)
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert lines[0] == {"scenario": "targets", "target": "handshake-hello-server-cpu", "measured": 0.9,
                        "limit": 0.7, "met": False, "unit": "ms", "per_s_per_core": None, "connections": None}
    assert lines[-1]["summary"] is True and lines[-1]["not_met"] == ["handshake-hello-server-cpu"]
    assert "fanout" in lines[-1]["not_run"]
    assert "NOT MET" in err.getvalue()
