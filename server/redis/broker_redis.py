"""The Redis Broker: room events between the nodes of a cluster, over Redis pub/sub.

A node holds ONE subscriber connection (one redis-py `PubSub`), shared by all its topics, and a small pool of
ordinary connections for PUBLISH. Channels are named `rt:` + topic (the prefix is configurable, for tests).

- A single reader task reads the subscriber connection and hands each message to the local subscribers of its
  topic, each through a bounded queue of its own. All local subscribers of a topic share one Redis SUBSCRIBE;
  the channel is UNSUBSCRIBEd when its last local subscriber has left.
- `subscribe` returns once Redis has confirmed the SUBSCRIBE. Every `subscribe` sends a SUBSCRIBE of its own
  (Redis confirms it again when the channel is already subscribed) and the new local subscriber starts
  receiving exactly at that confirmation in the stream: it gets nothing that was published before it
  subscribed, even while other local subscribers of the same topic are reading.
- When the subscriber connection drops, the reader reconnects by itself (backoff 0.1 s, doubling up to 2 s),
  SUBSCRIBEs every channel still in use and then hands `GAP` (rooms.broker) to each local subscriber that was
  receiving: what was published meanwhile is lost, and the consumer refills it from the event log. A
  `subscribe` made while Redis is unreachable waits for the reconnection (up to `subscribe_timeout`).
- A full local queue drops its oldest payload (at most once) and yields `GAP` next, so that the
  consumer refills from the log.
- An idle subscriber connection is PINGed every `ping_interval`; no reply within another interval counts as a
  dropped connection (a half-open TCP connection would otherwise never be noticed).

`publish` raises (redis.exceptions.ConnectionError, or TimeoutError after 5 s) when Redis cannot be reached;
it does not queue the payload. Callers publish an event only after writing it to the SQL event log, so a failed publish
delays that event but does not lose it: every node's subscription refills it from the log when it sees the
next event's sequence number or its next `GAP`. A publish retried after a lost reply may arrive
twice (consumers drop duplicates by sequence number).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from rooms.core.broker import Gap
from rooms.core.broker_memory import Feed

log = logging.getLogger("roundtable.redis.broker")

BACKOFF_START = 0.1
BACKOFF_MAX = 2.0
COMMAND_TIMEOUT = 5.0  # seconds for a command (or a connection) before Redis counts as unreachable
PUBLISH_POOL_SIZE = 64


class _Local(Feed):
    """One local subscriber: a bounded queue that the reader fills and the consumer drains."""

    __slots__ = ("ready", "resume")

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.resume = False  # was receiving when the connection dropped: announce the resubscription


class _Channel:
    """A Redis channel's local subscribers, by state."""

    __slots__ = ("active", "inflight", "waiting")

    def __init__(self) -> None:
        self.active: set[_Local] = set()  # receiving
        self.inflight: deque[list[_Local]] = deque()  # one batch per SUBSCRIBE sent and not yet confirmed
        self.waiting: list[_Local] = []  # to SUBSCRIBE once the connection is back

    def idle(self) -> bool:
        return not self.active and not self.inflight and not self.waiting

    def everyone(self) -> list[_Local]:
        return [*self.active, *(local for batch in self.inflight for local in batch), *self.waiting]


class RedisBroker:
    def __init__(self, publisher: aioredis.Redis, subscriber: aioredis.Redis, *, prefix: str = "rt:",
                 queue_size: int = 10_000, subscribe_timeout: float = 10.0, ping_interval: float = 5.0) -> None:
        self._pub = publisher
        self._sub = subscriber
        self._prefix = prefix
        self._queue_size = queue_size
        self._subscribe_timeout = subscribe_timeout
        self._ping_interval = ping_interval
        self._channels: dict[bytes, _Channel] = {}
        self._pubsub: PubSub | None = None  # the current subscriber connection; None while reconnecting
        self._broken = False  # a command failed on the current connection: the reader must replace it
        self._lock = asyncio.Lock()  # keeps SUBSCRIBEs in the order their confirmations are matched in
        self._reader: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._backoff = BACKOFF_START
        self._closed = False

    @classmethod
    async def connect(cls, url: str, *, prefix: str = "rt:", queue_size: int = 10_000,
                      subscribe_timeout: float = 10.0, ping_interval: float = 5.0) -> RedisBroker:
        """Connects both connections; raises when Redis is unreachable."""
        # No socket_timeout: redis-py applies it to writes with asyncio.wait_for, which on Python 3.11 can swallow
        # the caller's cancellation. Commands are bounded with asyncio.timeout instead.
        # A blocking pool: a burst of publishes (hundreds of sockets leaving at once, each announcing it) waits for
        # a connection instead of failing with MaxConnectionsError once the default pool's 100 are busy.
        publisher = aioredis.Redis.from_pool(aioredis.BlockingConnectionPool.from_url(
            url, max_connections=PUBLISH_POOL_SIZE, timeout=COMMAND_TIMEOUT, socket_timeout=None,
            socket_connect_timeout=COMMAND_TIMEOUT, socket_keepalive=True,
            # One quick retry: a pooled connection may be stale after a Redis restart.
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 1)))
        subscriber = aioredis.Redis.from_url(
            url, socket_timeout=None, socket_connect_timeout=COMMAND_TIMEOUT, socket_keepalive=True,
            # No retries at all: redis-py would reconnect and resubscribe behind our back, and the subscribers
            # would never learn that they missed events. The reader reconnects itself.
            retry=Retry(NoBackoff(), 0, supported_errors=()))
        broker = cls(publisher, subscriber, prefix=prefix, queue_size=queue_size,
                     subscribe_timeout=subscribe_timeout, ping_interval=ping_interval)
        pubsub = subscriber.pubsub()
        try:
            await publisher.ping()
            await broker._open(pubsub)
        except BaseException:
            await _discard(pubsub)
            await broker.close()
            raise
        broker._reader = asyncio.get_running_loop().create_task(broker._run(pubsub), name="redis broker reader")
        return broker

    def _channel(self, topic: str) -> bytes:
        return (self._prefix + topic).encode()

    # -- the port ------------------------------------------------------------------------------------------

    async def publish(self, topic: str, payload: bytes) -> None:
        """Sends `payload` to every current subscriber of `topic` on every node; raises if Redis is down."""
        async with asyncio.timeout(COMMAND_TIMEOUT):
            await self._pub.publish(self._channel(topic), payload)

    async def ping(self) -> None:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            await self._pub.ping()

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[bytes | Gap]]:
        if self._closed:
            raise RuntimeError("the broker is closed")
        name = self._channel(topic)
        local = _Local(self._queue_size)
        try:
            await self._request(name, local)
            try:
                # Not asyncio.wait_for: on Python 3.11 it swallows a cancellation that coincides with the result.
                async with asyncio.timeout(self._subscribe_timeout):
                    await local.ready
            except TimeoutError:
                raise RedisTimeoutError(
                    f"Redis did not confirm the subscription to {topic!r} within {self._subscribe_timeout} s"
                ) from None
            yield local
        finally:
            local.end()
            self._release(name, local)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        tasks = [t for t in (self._reader, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        pubsub, self._pubsub = self._pubsub, None
        for channel in self._channels.values():
            for local in channel.everyone():
                local.end()
                if not local.ready.done():
                    local.ready.set_exception(RuntimeError("the broker was closed"))
        self._channels.clear()
        if pubsub is not None:
            await _discard(pubsub)
        await self._sub.aclose()
        await self._pub.aclose()

    # -- subscribing and unsubscribing ---------------------------------------------------------------------

    async def _request(self, name: bytes, local: _Local) -> None:
        # Shielded: a caller cancelled halfway through a command would make redis-py drop the connection, and
        # with it every subscription of this node. A SUBSCRIBE for a local that has gone meanwhile is harmless.
        task = self._spawn(self._send_subscribe(name, local))
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and self._closed and current is not None and not current.cancelling():
                raise RuntimeError("the broker was closed") from None
            raise

    async def _send_subscribe(self, name: bytes, local: _Local) -> None:
        async with self._lock:
            if local.closed or self._closed:
                return
            channel = self._channels.setdefault(name, _Channel())
            pubsub = self._pubsub
            if pubsub is None or not self._usable(pubsub):
                channel.waiting.append(local)  # the reader subscribes it once it has reconnected
                return
            channel.inflight.append([local])  # before the send: the confirmation may come back at once
            try:
                async with asyncio.timeout(COMMAND_TIMEOUT):
                    await pubsub.subscribe(name)
            except Exception as exc:
                # The reader replaces the connection and subscribes this one with all the others.
                log.warning("SUBSCRIBE %s failed (%s: %s)", name.decode(errors="replace"), type(exc).__name__, exc)
                await self._break(pubsub)

    def _release(self, name: bytes, local: _Local) -> None:
        channel = self._channels.get(name)
        if channel is None:
            return
        channel.active.discard(local)
        if local in channel.waiting:
            channel.waiting.remove(local)
        # A local still in flight is skipped when its confirmation arrives, which checks idleness again.
        if channel.idle() and not self._closed:
            self._spawn(self._unsubscribe(name))

    async def _unsubscribe(self, name: bytes) -> None:
        async with self._lock:
            channel = self._channels.get(name)
            if channel is None or not channel.idle():
                return  # somebody subscribed again meanwhile
            del self._channels[name]
            pubsub = self._pubsub
            if pubsub is None or not self._usable(pubsub):
                return  # a reconnection subscribes only the channels in use
            try:
                async with asyncio.timeout(COMMAND_TIMEOUT):
                    await pubsub.unsubscribe(name)
            except Exception as exc:
                log.warning("UNSUBSCRIBE %s failed (%s: %s)", name.decode(errors="replace"), type(exc).__name__, exc)
                await self._break(pubsub)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- the reader ----------------------------------------------------------------------------------------

    def _usable(self, pubsub: PubSub) -> bool:
        # redis-py reconnects a disconnected PubSub on its next command or read, and silently resubscribes it;
        # nothing is sent or read on a connection that is gone, so that cannot happen.
        conn = pubsub.connection
        return pubsub is self._pubsub and not self._broken and conn is not None and conn.is_connected

    async def _break(self, pubsub: PubSub) -> None:
        if pubsub is self._pubsub:
            self._broken = True
            conn = pubsub.connection
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.disconnect(nowait=True)  # wakes the reader, which then replaces the connection

    async def _open(self, pubsub: PubSub) -> None:
        """Connects `pubsub` and SUBSCRIBEs every channel with local subscribers on it."""
        async with asyncio.timeout(COMMAND_TIMEOUT):
            await pubsub.connect()  # type: ignore[no-untyped-call]
        async with asyncio.timeout(COMMAND_TIMEOUT), self._lock:
            names: list[bytes] = []
            for name, channel in list(self._channels.items()):
                batch = [local for local in channel.waiting if not local.closed]
                channel.waiting.clear()
                if batch:
                    channel.inflight.append(batch)
                    names.append(name)
                elif channel.idle():
                    del self._channels[name]
            self._pubsub = pubsub
            self._broken = False
            if names:
                await pubsub.subscribe(*names)

    def _lose(self, pubsub: PubSub) -> None:
        """Forgets a dropped connection: every local subscriber waits for the next one."""
        if pubsub is not self._pubsub:
            return
        self._pubsub = None
        for channel in self._channels.values():
            for local in channel.active:
                local.resume = True
            channel.waiting = [local for local in channel.everyone() if not local.closed]
            channel.active.clear()
            channel.inflight.clear()

    async def _run(self, pubsub: PubSub | None) -> None:
        failing = False
        while True:
            try:
                if pubsub is None:
                    pubsub = self._sub.pubsub()
                    await self._open(pubsub)
                    log.info("Redis subscriber connection restored; resubscribing %d channels", len(self._channels))
                failing = False
                await self._read(pubsub)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                level = logging.DEBUG if failing else logging.WARNING
                log.log(level, "Redis subscriber connection lost (%s: %s); reconnecting", type(exc).__name__, exc,
                        exc_info=not isinstance(exc, RedisError | OSError | TimeoutError))
                failing = True
            if pubsub is not None:
                self._lose(pubsub)
                await _discard(pubsub)
                pubsub = None
            await asyncio.sleep(self._backoff)
            self._backoff = min(self._backoff * 2, BACKOFF_MAX)

    async def _read(self, pubsub: PubSub) -> None:
        pinged = False
        while True:
            if not self._usable(pubsub):
                raise RedisConnectionError("the subscriber connection was closed")
            message: dict[str, Any] | None = await pubsub.get_message(timeout=self._ping_interval)
            if message is None:
                if pinged:
                    raise RedisTimeoutError(f"no reply to PING within {self._ping_interval} s")
                # Bounded, lock included: a SUBSCRIBE stuck in a full socket buffer holds the lock.
                async with asyncio.timeout(self._ping_interval), self._lock:
                    if self._usable(pubsub):
                        await pubsub.ping()
                pinged = True
                continue
            pinged = False
            self._backoff = BACKOFF_START
            self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "message":
            channel = self._channels.get(message["channel"])
            if channel is not None:
                payload: bytes = message["data"]
                for local in channel.active:
                    local.push(payload)
        elif kind == "subscribe":
            name: bytes = message["channel"]
            channel = self._channels.get(name)
            if channel is None or not channel.inflight:
                return
            for local in channel.inflight.popleft():
                if local.closed:
                    continue
                channel.active.add(local)
                if local.resume:
                    local.resume = False
                    local.mark_lost()
                if not local.ready.done():
                    local.ready.set_result(None)
            if channel.idle():
                self._spawn(self._unsubscribe(name))


async def _discard(pubsub: PubSub) -> None:
    with contextlib.suppress(Exception):
        # Through Any: redis-py types `aclose` from 8.x on, earlier versions do not (either way it type-checks).
        closing: Any = pubsub.aclose
        await closing()
