"""Publishing cannot be forgotten (issue 11): what a use case appends is published by server/ws/delivery.py alone,
as the use case returns, because every caller gets its services from the composition root wrapped by
`publishing`. These tests fail when a module publishes by hand, when a use case's result hides its events where
`carried` cannot find them, or when a service reaches a caller unwrapped."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import inspect
import typing
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
import pytest

from rooms.core.events import Appended, RoomEvent
from rooms.lobby.events import MessageRemoved
from rooms.lobby.service import LiveService
from rooms.lounge.service import LoungeService
from rooms.matchmaking.service import MatchmakingService
from rooms.webinar.service import WebinarService
from server.ws.delivery import Publishing, carried, publishing
from tests.support.world import World

ROOT = Path(__file__).resolve().parents[2]
SERVICES = (LiveService, WebinarService, LoungeService, MatchmakingService)  # every service whose use cases append

# Every `.publish` in the code, by file and receiver: events are published by delivery.py alone; the rest publish
# raw broker payloads (the hub, the signal relay, the per-person control topic, Redis) or stage media (Janus), which
# are not room events.
ALLOWED = {
    ("server/ws/delivery.py", "self._hub"), ("server/ws/delivery.py", "publisher"),
    ("server/ws/hub.py", "self._broker"), ("server/ws/relay.py", "self._broker"),
    ("server/ws/control.py", "self._broker"),
    ("server/redis/broker_redis.py", "self._pub"), ("server/ws/rooms/webinar.py", "stage"),
}


def _sources() -> list[tuple[str, ast.Module]]:
    return [(str(p.relative_to(ROOT)), ast.parse(p.read_text(), str(p)))
            for package in ("rooms", "server", "signaling") for p in sorted((ROOT / package).rglob("*.py"))]


def test_no_module_outside_delivery_publishes_events() -> None:
    found = {(path, ast.unparse(node.value)) for path, tree in _sources() for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr == "publish"}
    assert found - ALLOWED == set(), (
        "publish by hand nowhere: a use case's events are published as it returns (server/ws/delivery.py)")
    assert found >= ALLOWED, f"stale entries in ALLOWED: {ALLOWED - found}"


def test_only_the_composition_root_builds_the_services_that_append() -> None:
    names = {cls.__name__ for cls in SERVICES}
    built = sorted({path for path, tree in _sources() if path.startswith("server/") for node in ast.walk(tree)
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names})
    assert built == ["server/composition.py"], "an unwrapped service would append without publishing"


def _mentions_appended(hint: Any, seen: set[Any]) -> bool:
    """Whether a type holds an Appended anywhere: itself, its arguments, or its fields, however deep."""
    if hint is Appended:
        return True
    if hint in seen:
        return False
    seen.add(hint)
    if any(_mentions_appended(arg, seen) for arg in typing.get_args(hint)):
        return True
    origin = typing.get_origin(hint) or hint
    if isinstance(origin, type) and (issubclass(origin, msgspec.Struct) or dataclasses.is_dataclass(origin)
                                     or (issubclass(origin, tuple) and hasattr(origin, "_fields"))):
        return any(_mentions_appended(h, seen) for h in typing.get_type_hints(origin).values())
    return False


def _carries_at_top(hint: Any) -> bool:
    """What `carried` finds: the result is an Appended, or its `appended` field is one."""
    origin = typing.get_origin(hint) or hint
    return hint is Appended or (isinstance(origin, type)
                                and typing.get_type_hints(origin).get("appended") is Appended)


def test_every_use_case_result_carries_its_events_where_delivery_finds_them() -> None:
    appending: list[str] = []
    hidden: list[str] = []
    for cls in SERVICES:
        for name, fn in inspect.getmembers(cls, inspect.iscoroutinefunction):
            if name.startswith("_"):
                continue
            returns = typing.get_type_hints(fn)["return"]
            if _mentions_appended(returns, set()):
                appending.append(f"{cls.__name__}.{name}")
                if not _carries_at_top(returns):
                    hidden.append(f"{cls.__name__}.{name} -> {returns}")
    assert hidden == [], "results whose events `carried` would not publish: return them as `appended`"
    # The check sees the use cases of every context (so it would see a new one hiding its events).
    assert {"LiveService.say", "WebinarService.ask", "LoungeService.connect", "LoungeService.word",
            "MatchmakingService.accept", "MatchmakingService.call_report"} <= set(appending)


def _services_reached(obj: object, depth: int, out: list[tuple[str, object]], path: str, seen: set[int]) -> None:
    if isinstance(obj, (*SERVICES, Publishing)):
        out.append((path, obj))
        return
    if depth < 0 or isinstance(obj, (str, bytes, int, float, type)) or obj is None or id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, dict):
        items = list(obj.items())
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith(("server.", "rooms.")):
        items = list(vars(obj).items())
    else:
        return
    for key, value in items:
        _services_reached(value, depth - 1, out, f"{path}.{key}", seen)


def test_every_caller_gets_the_services_wrapped(world: World) -> None:
    root = world.root
    reached: list[tuple[str, object]] = []
    _services_reached(root.services, 1, reached, "services", set())
    _services_reached(root.live, 6, reached, "live", set())
    unwrapped = [path for path, svc in reached if not isinstance(svc, Publishing)]
    assert unwrapped == []
    paths = {path for path, _ in reached}
    # The HTTP handlers' services, the node's, and each room type's and timer's were all looked at.
    assert {"services.meetings", "services.webinars", "services.lounges", "services.live", "live.node.rooms"} <= paths
    assert any(p.endswith("clock.meetings") for p in paths) and any(p.endswith("rounds._lounges") for p in paths)
    assert any(p.endswith("stage_node._webinars") for p in paths)


# -- the wrapper --------------------------------------------------------------------------------------------------

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _appended(room: str, seq: int) -> Appended:
    return Appended([RoomEvent(room, seq, NOW, MessageRemoved(1, by=1))], fresh=True)


class _Done(NamedTuple):
    value: int
    appended: Appended


class _Service:
    def __init__(self) -> None:
        self.steps: list[str] = []

    async def write(self) -> Appended:
        self.steps.append("write")
        return _appended("lobby:1", 1)

    async def write_with(self) -> _Done:
        return _Done(7, _appended("inbox:2", 3))

    async def both(self) -> Appended:
        # A use case built of another publishes once, what it returns.
        first = await self.write()
        return Appended(first.events + _appended("lobby:1", 2).events, fresh=True)

    async def read(self) -> list[int]:
        return [1]

    def plain(self) -> str:
        return "plain"


class _Recorder:
    def __init__(self, service: _Service) -> None:
        self.published: list[tuple[str, int]] = []
        self._service = service

    async def publish(self, appended: Appended) -> None:
        assert self._service.steps, "published after the use case ran"
        self.published += [(e.room, e.seq) for e in appended.events]


@pytest.mark.asyncio
async def test_the_wrapper_publishes_what_each_use_case_returns_once() -> None:
    raw = _Service()
    recorder = _Recorder(raw)
    svc = publishing(raw, recorder)
    assert (await svc.write()).events[0].seq == 1
    assert recorder.published == [("lobby:1", 1)]
    assert (await svc.write_with()).value == 7
    assert recorder.published[-1] == ("inbox:2", 3)
    recorder.published.clear()
    await svc.both()
    assert recorder.published == [("lobby:1", 1), ("lobby:1", 2)]
    recorder.published.clear()
    assert await svc.read() == [1] and svc.plain() == "plain"
    assert recorder.published == []
    assert carried([1]) is None and carried(None) is None
