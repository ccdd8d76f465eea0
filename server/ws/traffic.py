"""This node's real-time counters: plain integers bumped where things happen, read by /metrics when it is scraped
(server/metrics.py turns them into Prometheus metrics; nothing here knows Prometheus).

The fan-out adds the number of recipients once per event, never once per recipient, and observes one latency per
event: the hot path stays a loop of `send` calls. One event loop writes these, so no lock is needed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable


def _ignore(seconds: float) -> None:
    pass


class Traffic:
    __slots__ = ("closed", "fanout_latency", "frames_in", "frames_out", "joins", "opened", "rate_limited",
                 "slow_dropped", "stage_watch")

    def __init__(self) -> None:
        self.opened = 0  # WebSockets accepted
        self.closed = 0  # … and closed since (open = opened - closed)
        self.joins: Counter[str] = Counter()  # joins by room kind
        self.frames_in = 0  # text frames read from clients
        self.frames_out = 0  # frames written to clients (a fan-out counts each recipient)
        self.rate_limited: Counter[str] = Counter()  # "refused" (frame answered rate-limited) or "disconnected"
        self.slow_dropped = 0  # connections cut because they stopped reading
        # Seconds from an event's publish on this node to its fan-out here (set by the metrics, else ignored).
        self.fanout_latency: Callable[[float], None] = _ignore
        # Seconds from a `stage-watch` read to its offer sent (set by the metrics, else ignored).
        self.stage_watch: Callable[[float], None] = _ignore

    @property
    def open(self) -> int:
        return self.opened - self.closed
