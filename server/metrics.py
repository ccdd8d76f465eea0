"""GET /metrics: this node in the Prometheus text format, through the official client.

Each app has its own CollectorRegistry, made by the composition root (several apps may run in one process). What
the real-time path counts are plain integers (server/ws/traffic.py) read at scrape time by `NodeCollector`; the
one histogram, fan-out latency, is observed once per event. The dependencies (database, Redis, Janus, the mail
outbox) are probed when /metrics is asked, before the text is written. Who may read it: `allowed`. The list of
metrics and their meaning: docs/operations.md."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import time
from collections.abc import Awaitable, Callable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from server.ws.traffic import Traffic
from signaling.stage import StageMedia

PROBE_TIMEOUT = 2.0
# From 0.5 ms to 10 s: a healthy fan-out sits in the first buckets, a stalled one shows in the last.
FANOUT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# A viewer's subscription: tens of milliseconds when joins run in parallel, seconds when they queue.
WATCH_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0)


class NodeCollector(Collector):
    """Reads the node's counters and gauges when scraped: nothing is kept twice."""

    def __init__(self, traffic: Traffic, rooms: Callable[[], int], viewers: Callable[[], int]) -> None:
        self._traffic = traffic
        self._rooms = rooms
        self._viewers = viewers

    def collect(self) -> Iterator[Metric]:
        t = self._traffic
        yield GaugeMetricFamily("roundtable_ws_connections", "Open WebSocket connections on this node.", t.open)
        yield CounterMetricFamily("roundtable_ws_connections_opened", "WebSocket connections accepted.", t.opened)
        yield GaugeMetricFamily("roundtable_rooms", "Rooms with connections on this node (one broker "
                                "subscription each).", self._rooms())
        joins = CounterMetricFamily("roundtable_joins", "Rooms joined, by room kind.", labels=["kind"])
        for kind, count in sorted(t.joins.items()):
            joins.add_metric([kind], count)
        yield joins
        yield CounterMetricFamily("roundtable_ws_frames_in", "Text frames received from clients.", t.frames_in)
        yield CounterMetricFamily("roundtable_ws_frames_out", "Frames sent to clients (a fan-out counts each "
                                  "recipient).", t.frames_out)
        limited = CounterMetricFamily("roundtable_ws_rate_limited", "Frames over a person's rate: refused "
                                      "(answered rate-limited) or disconnected (flooding).", labels=["action"])
        for action in ("refused", "disconnected"):
            limited.add_metric([action], t.rate_limited[action])
        yield limited
        yield CounterMetricFamily("roundtable_ws_slow_consumer_drops", "Connections dropped because they stopped "
                                  "reading.", t.slow_dropped)
        yield GaugeMetricFamily("roundtable_webinar_viewers", "Connections on this node watching a webinar stage.",
                                self._viewers())
        yield GaugeMetricFamily("roundtable_asyncio_tasks", "Tasks alive in this node's event loop (a leak shows as "
                                "growth after the clients left).", _tasks())

    def describe(self) -> Iterator[Metric]:
        return iter(())  # collected only when scraped; the registry need not call collect() to learn the names


def _tasks() -> int:
    try:
        return len(asyncio.all_tasks())
    except RuntimeError:  # scraped outside the event loop (a test collecting by hand)
        return 0


Ping = Callable[[], Awaitable[None]]


class Metrics:
    """The app's registry and what fills it; the composition root hands it the node's counters and probes."""

    def __init__(self, traffic: Traffic, *, rooms: Callable[[], int], viewers: Callable[[], int], ping_db: Ping,
                 mail_waiting: Callable[[], Awaitable[int]], ping_redis: Ping | None, ping_janus: Ping | None) -> None:
        self.registry = CollectorRegistry()
        self._ping_db, self._mail_waiting = ping_db, mail_waiting
        self._ping_redis, self._ping_janus = ping_redis, ping_janus
        self.registry.register(NodeCollector(traffic, rooms, viewers))
        self.fanout = Histogram("roundtable_fanout_latency_seconds", "From an event's publish on this node to its "
                                "fan-out to this node's connections.", buckets=FANOUT_BUCKETS,
                                registry=self.registry)
        traffic.fanout_latency = self.fanout.observe
        self.stage_watch = Histogram("roundtable_webinar_watch_to_offer_seconds", "From a viewer's stage-watch "
                                     "read on this node to the stage's offer sent to it.", buckets=WATCH_BUCKETS,
                                     registry=self.registry)
        traffic.stage_watch = self.stage_watch.observe
        self.db = Gauge("roundtable_db_ping_seconds", "A database round trip (SELECT 1), measured at scrape; "
                        "-1 when it failed.", registry=self.registry)
        self.outbox = Gauge("roundtable_mail_outbox_depth", "Mails waiting to be sent (pending, sending, "
                            "retrying); -1 when unknown.", registry=self.registry)
        self.redis: Gauge | None = None
        if ping_redis is not None:
            self.redis = Gauge("roundtable_redis_ping_seconds", "A Redis round trip (PING), measured at scrape; "
                               "-1 when it failed.", registry=self.registry)
        self.janus: Gauge | None = None
        if ping_janus is not None:
            self.janus = Gauge("roundtable_janus_up", "1 when Janus (the webinar stage) answers, else 0.",
                               registry=self.registry)

    async def scrape(self) -> bytes:
        probes: list[Awaitable[None]] = [self._time(self.db, self._ping_db), self._outbox()]
        if self.redis is not None and self._ping_redis is not None:
            probes.append(self._time(self.redis, self._ping_redis))
        if self.janus is not None and self._ping_janus is not None:
            probes.append(self._janus(self.janus, self._ping_janus))
        await asyncio.gather(*probes)
        return generate_latest(self.registry)

    @staticmethod
    async def _time(gauge: Gauge, ping: Ping) -> None:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(ping(), PROBE_TIMEOUT)
        except Exception:
            gauge.set(-1)
        else:
            gauge.set(time.perf_counter() - started)

    async def _outbox(self) -> None:
        try:
            self.outbox.set(await asyncio.wait_for(self._mail_waiting(), PROBE_TIMEOUT))
        except Exception:
            self.outbox.set(-1)

    @staticmethod
    async def _janus(gauge: Gauge, ping: Ping) -> None:
        gauge.set(1 if await reachable(ping) else 0)


def stage_ping(stage: StageMedia) -> Ping | None:
    """How to ask the stage whether it is up: only Janus, an outside process, can be down."""
    ping: Ping | None = getattr(stage, "ping", None) if stage.name == "janus" else None
    return ping


async def reachable(ping: Ping) -> bool:
    try:
        await asyncio.wait_for(ping(), PROBE_TIMEOUT)
    except Exception:
        return False
    return True


def allowed(token: str | None, client_host: str | None, authorization: str | None) -> bool:
    """With ROUNDTABLE_METRICS_TOKEN set, the caller must present it (`Authorization: Bearer …`), from anywhere;
    without it, only a caller on this machine (loopback) may read. Behind a proxy the client's address is the one
    the proxy forwards (uvicorn's proxy headers), so a remote caller through a local proxy is not loopback."""
    if token:
        scheme, _, given = (authorization or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    if client_host is None:
        return False
    try:
        return ipaddress.ip_address(client_host).is_loopback
    except ValueError:
        return False


__all__ = ["CONTENT_TYPE_LATEST", "Metrics", "allowed", "reachable", "stage_ping"]
