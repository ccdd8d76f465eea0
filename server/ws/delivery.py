"""Delivery: the one place that sends what use cases appended to the rooms' subscribers on every node.

Use cases write their events to the log before anything is acknowledged and return them (an `Appended`, or a
result whose `appended` field is one); this publishes them. Nobody calls publish by hand: the composition root
hands every caller (HTTP handlers, room types, the node's timers) its services through `publishing`, which
publishes what each use case returned as soon as it returns, before the caller acknowledges or goes on
(tests/unit/test_publishing.py checks that no module outside this one publishes, and that every use case's
result carries its events where `carried` finds them). A
publish that fails (the broker is unreachable) loses nothing: the events are durable. They are delivered to this
node's connections at once, and the room is marked: each heartbeat publishes its newest unsent event again until
the broker takes it, and meanwhile every node's heartbeat compares the rooms it holds with the log
(Hub.check), so even a room that stays quiet gets what it missed.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

from rooms.core.events import Appended, RoomEvent
from server.ws.hub import Hub

log = logging.getLogger("roundtable.live")

S = TypeVar("S")


class Publisher(Protocol):
    async def publish(self, appended: Appended) -> None:
        """Sends what a use case appended to the rooms' subscribers on every node (it is durable already)."""
        ...


def carried(result: object) -> Appended | None:
    """The events a use case's result carries: the result itself, or its `appended` field."""
    if isinstance(result, Appended):
        return result
    appended = getattr(result, "appended", None)
    return appended if isinstance(appended, Appended) else None


def publishing(service: S, publisher: Publisher) -> S:
    """The service as its callers get it: each public use case publishes what it appended when it returns."""
    return cast(S, Publishing(service, publisher))


class Publishing:
    """Wraps a service: its public coroutine methods publish the events their result carries, then return it.
    The service's calls to its own methods stay unwrapped, so a use case built of others publishes once."""

    def __init__(self, inner: object, publisher: Publisher) -> None:
        self._inner = inner
        self._publisher = publisher
        self._methods: dict[str, Callable[..., Any]] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        found = self._methods.get(name)
        if found is not None:
            return found
        attr = getattr(self._inner, name)
        if not inspect.iscoroutinefunction(attr):
            return attr
        publisher = self._publisher

        @functools.wraps(attr)
        async def call(*args: Any, **kwargs: Any) -> Any:
            result = await attr(*args, **kwargs)
            appended = carried(result)
            if appended is not None:
                await publisher.publish(appended)
            return result

        self._methods[name] = call
        return call


class Delivery:
    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._unsent: dict[str, RoomEvent] = {}  # room → its newest event whose publish failed

    async def publish(self, appended: Appended) -> None:
        """Fans out what a command wrote (nothing, when it was a retry)."""
        if not appended.fresh:
            return
        for event in appended.events:
            try:
                await self._hub.publish(event)
            except Exception:
                log.warning("publishing %s#%d failed; delivered here, published again later", event.room,
                            event.seq, exc_info=True)
                self._mark(event)
                try:
                    await self._hub.deliver_local(event)
                except Exception:
                    # The request that wrote it succeeded: the heartbeat's check delivers it here instead.
                    log.exception("delivering %s#%d here failed", event.room, event.seq)

    def unsent(self) -> list[str]:
        """The rooms marked for another publish."""
        return list(self._unsent)

    async def retry(self) -> None:
        """Publishes the newest unsent event of each marked room again: a node that sees its seq fills what it
        lacks before it from the log."""
        for room, event in list(self._unsent.items()):
            try:
                await self._hub.publish(event)
            except Exception:
                log.debug("publishing %s#%d failed again", room, event.seq)
                continue
            if self._unsent.get(room) is event:
                del self._unsent[room]

    def _mark(self, event: RoomEvent) -> None:
        marked = self._unsent.get(event.room)
        if marked is None or marked.seq < event.seq:
            self._unsent[event.room] = event
