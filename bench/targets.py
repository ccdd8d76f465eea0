"""Issue 16's performance targets, judged from the result lines of one `python -m bench` run.

Each scenario prints its JSON lines as it goes (and `harness.emit` keeps them); at the end of the run `report`
evaluates every target whose scenarios ran, prints one JSON line per target — `{"scenario": "targets", "target":
…, "measured": …, "limit": …, "met": true|false}` — then a last line with the totals, and a table on stderr for
people. A target whose scenarios did not run is left out (named in the totals as not run); one whose scenario ran
but produced no figure (an error, the budget ran out) is not met. Figures without a target (the `--workers`
scaling, the webinar's stage-watch → offer) are printed with `"met": null`.

The fan-out targets are ratios against `bench/floor_server.py` measured in the same run, so both `fanout` and
`floor` must have run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

Line = Mapping[str, Any]

FANOUT_SIZES = ((1000, 5), (1000, 20), (3000, 5), (3000, 20))
FANOUT_CPU_RATIO = 1.25
FANOUT_P99_RATIO = 1.2
BIG_ROOM = 10_000
JOINS_CPU_S = 30.0
JOINS_LATE_RATIO = 1.5
JOIN_ANSWER_BYTES = 64 * 1024  # "does not carry the whole presence list": 10,000 entries would be ~1.5 MB
WEBINAR_VIEWERS = 300
SIGNALLING_P99_S = 1.5
FIRST_FRAME_P99_S = 3.0
DELIVERY_MIN = 0.99  # "100 %": the slowest viewer's frames over the publisher's, within a 10 s window's rounding
HANDSHAKE_CPU_MS = 0.7
RECONNECT_CLIENTS = 3000
RECONNECT_S = 10.0
IDLE_KIB = 20.0
SOAK_RSS_GROWTH = 0.10  # RSS after the clients left, over the baseline after a warm-up round of the same size


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: float | None
    limit: float | None
    met: bool | None  # None: a figure reported without a target
    unit: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def line(self) -> dict[str, Any]:
        return {"scenario": "targets", "target": self.target, "measured": self.measured, "limit": self.limit,
                "met": self.met, "unit": self.unit, **self.detail}


def _at_most(target: str, measured: float | None, limit: float, unit: str, **detail: Any) -> Verdict:
    return Verdict(target, measured, limit, measured is not None and measured <= limit, unit, detail)


def _ok(line: Line) -> bool:
    return "error" not in line


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def _fanout(lines: Sequence[Line]) -> Iterable[Verdict]:
    def find(scenario: str, listeners: int, rate: int) -> Line | None:
        for line in lines:
            if (line.get("scenario") == scenario and _ok(line) and line.get("rate_per_s") == rate
                    and line.get("step", line.get("listeners")) == listeners):
                return line
        return None

    for listeners, rate in FANOUT_SIZES:
        ours, floor = find("fanout", listeners, rate) or {}, find("floor", listeners, rate) or {}
        cpu, floor_cpu = ours.get("server_cpu_us_per_delivery"), floor.get("server_cpu_us_per_delivery")
        p99, floor_p99 = ours.get("p99_ms"), floor.get("p99_ms")
        size = f"{listeners}x{rate}"
        yield _at_most(f"fanout-cpu-{size}", _ratio(cpu, floor_cpu), FANOUT_CPU_RATIO, "× floor",
                       roundtable_us=cpu, floor_us=floor_cpu, loss=ours.get("loss"))
        yield _at_most(f"fanout-p99-{size}", _ratio(p99, floor_p99), FANOUT_P99_RATIO, "× floor",
                       roundtable_ms=p99, floor_ms=floor_p99)


def _fanout_big(lines: Sequence[Line]) -> Iterable[Verdict]:
    big = next((line for line in lines if line.get("scenario") == "fanout" and _ok(line)
                and line.get("step") == BIG_ROOM and line.get("rate_per_s") == 5), None)
    if big is None:
        yield Verdict(f"fanout-{BIG_ROOM}x5-zero-loss", None, 0, False, "lost", {"note": "no result"})
        return
    whole = big.get("listeners_open") == BIG_ROOM and big.get("listeners") == BIG_ROOM
    yield Verdict(f"fanout-{BIG_ROOM}x5-zero-loss", big.get("loss"), 0, whole and big.get("loss") == 0, "lost",
                  {"listeners": big.get("listeners"), "p99_ms": big.get("p99_ms"),
                   "cpu_us": big.get("server_cpu_us_per_delivery")})


def _joins(lines: Sequence[Line]) -> Iterable[Verdict]:
    line = next((x for x in lines if x.get("scenario") == "joins" and _ok(x)), {})
    whole = line.get("joins") == line.get("planned") and line.get("failed") == 0
    detail = {"joins": line.get("joins"), "planned": line.get("planned")}
    cpu = _at_most("joins-10000-server-cpu", line.get("server_cpu_s"), JOINS_CPU_S, "s", **detail)
    yield Verdict(cpu.target, cpu.measured, cpu.limit, bool(cpu.met and whole), cpu.unit, cpu.detail)
    yield _at_most("joins-late-vs-early", line.get("late_vs_early"), JOINS_LATE_RATIO, "×",
                   early_ms=line.get("early_cpu_ms_per_join"), late_ms=line.get("late_cpu_ms_per_join"))
    yield _at_most("joins-answer-bytes", line.get("joined_bytes_last"), JOIN_ANSWER_BYTES, "bytes",
                   members=line.get("visible"))


def _webinar(lines: Sequence[Line]) -> Iterable[Verdict]:
    line = next((x for x in lines if x.get("scenario") == "webinar" and _ok(x)
                 and x.get("viewers") == WEBINAR_VIEWERS and x.get("path", "ws") == "ws"), {})
    signalling = line.get("signalling_p99_s", (line.get("signalling_s") or {}).get("p99"))
    first = line.get("first_frame_p99_s", (line.get("join_to_first_frame_s") or {}).get("p99"))
    delivery = line.get("delivery_min")
    everyone = line.get("connected") == WEBINAR_VIEWERS
    yield _at_most("webinar-300-signalling-p99", signalling, SIGNALLING_P99_S, "s")
    yield _at_most("webinar-300-first-frame-p99", first, FIRST_FRAME_P99_S, "s", connected=line.get("connected"))
    yield Verdict("webinar-300-delivery", delivery, DELIVERY_MIN,
                  delivery is not None and everyone and delivery >= DELIVERY_MIN, "of the frames (minimum)")
    yield Verdict("webinar-300-watch-to-offer-p99", line.get("watch_to_offer_p99_s"), None, None, "s")


def _handshake(lines: Sequence[Line]) -> Iterable[Verdict]:
    line = next((x for x in lines if x.get("scenario") == "handshake" and _ok(x)), {})
    yield _at_most("handshake-hello-server-cpu", line.get("server_cpu_ms_per_connection"), HANDSHAKE_CPU_MS, "ms",
                   per_s_per_core=line.get("per_s_per_core"), connections=line.get("connections"))


def _reconnect(lines: Sequence[Line]) -> Iterable[Verdict]:
    line = next((x for x in lines if x.get("scenario") == "reconnect" and _ok(x)), {})
    seconds = line.get("all_resumed_s")
    every = line.get("clients") == RECONNECT_CLIENTS and line.get("resumed") == line.get("clients")
    yield Verdict(f"reconnect-{RECONNECT_CLIENTS}-all-resumed", seconds, RECONNECT_S,
                  seconds is not None and every and seconds <= RECONNECT_S, "s",
                  {"clients": line.get("clients"), "resumed": line.get("resumed")})


def _idle(lines: Sequence[Line]) -> Iterable[Verdict]:
    line = next((x for x in lines if x.get("scenario") == "idle" and _ok(x)
                 and x.get("phase") == "authenticated"), {})
    yield _at_most("idle-authenticated-connection", line.get("rss_per_connection_kib"), IDLE_KIB, "KiB",
                   connections=line.get("connections"))


def _soak(lines: Sequence[Line]) -> Iterable[Verdict]:
    line = next((x for x in lines if x.get("scenario") == "soak" and _ok(x)), {})
    base, after = line.get("baseline") or {}, line.get("after") or {}
    yield Verdict("soak-zero-loss", line.get("loss"), 0, line.get("loss") == 0 and line.get("dupes") == 0, "lost",
                  {"deliveries": line.get("deliveries"), "dupes": line.get("dupes")})
    growth = _ratio(after.get("rss_mib"), base.get("rss_mib"))
    yield _at_most("soak-rss-back", round(growth - 1, 3) if growth else None, SOAK_RSS_GROWTH, "growth",
                   baseline_mib=base.get("rss_mib"), after_mib=after.get("rss_mib"))
    for name, unit in (("tasks", "asyncio tasks"), ("redis_keys", "keys"), ("db_connections", "connections")):
        measured, limit = after.get(name), base.get(name)
        yield Verdict(f"soak-{name.replace('_', '-')}-back", measured, limit,
                      measured is not None and limit is not None and measured <= limit, unit)


def _workers(lines: Sequence[Line]) -> Iterable[Verdict]:
    found = {x.get("workers"): x for x in lines if x.get("scenario") == "workers" and _ok(x)}
    one, two = found.get(1, {}), found.get(2, {})
    yield Verdict("workers-2-vs-1-deliveries", _ratio(two.get("deliveries_per_s"), one.get("deliveries_per_s")),
                  None, None, "×", {"one": one.get("deliveries_per_s"), "two": two.get("deliveries_per_s")})
    yield Verdict("workers-2-vs-1-joins", _ratio(two.get("joins_per_s"), one.get("joins_per_s")), None, None, "×",
                  {"one": one.get("joins_per_s"), "two": two.get("joins_per_s")})


# Each group of targets, and the scenarios that must have run for it to be judged.
GROUPS: tuple[tuple[tuple[str, ...], Callable[[Sequence[Line]], Iterable[Verdict]]], ...] = (
    (("fanout", "floor"), _fanout),
    (("fanout",), _fanout_big),
    (("joins",), _joins),
    (("webinar",), _webinar),
    (("handshake",), _handshake),
    (("reconnect",), _reconnect),
    (("idle",), _idle),
    (("soak",), _soak),
    (("workers",), _workers),
)


def evaluate(lines: Sequence[Line]) -> tuple[list[Verdict], list[str]]:
    """The verdicts on every target whose scenarios ran, and the names of the scenarios missing for the rest."""
    ran = {str(x.get("scenario")) for x in lines}
    verdicts: list[Verdict] = []
    missing: list[str] = []
    for needs, judge in GROUPS:
        absent = [s for s in needs if s not in ran]
        if absent:
            missing.extend(s for s in absent if s not in missing)
            continue
        verdicts.extend(judge(lines))
    return verdicts, missing


def _figure(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def table(verdicts: Sequence[Verdict]) -> str:
    rows = [("target", "measured", "limit", "met")]
    rows += [(v.target, f"{_figure(v.measured)} {v.unit}".strip(), _figure(v.limit),
              {True: "met", False: "NOT MET", None: "(figure)"}[v.met]) for v in verdicts]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def report(lines: Sequence[Line], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> list[Verdict]:
    verdicts, missing = evaluate(lines)
    for verdict in verdicts:
        print(json.dumps(verdict.line()), file=out, flush=True)
    judged = [v for v in verdicts if v.met is not None]
    print(json.dumps({"scenario": "targets", "summary": True, "met": sum(1 for v in judged if v.met),
                      "not_met": [v.target for v in judged if not v.met], "not_run": missing}), file=out, flush=True)
    if verdicts:
        print("\nIssue 16 targets (this run)\n" + table(verdicts), file=err, flush=True)
    if missing:
        print(f"not judged (scenario not run): {', '.join(missing)}", file=err, flush=True)
    return verdicts
