"""The domain's contexts: rooms.core knows none of them, and rooms.catalog is the one module that lists them."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import typing
from pathlib import Path

import msgspec

import rooms
from rooms.catalog import AnyEventBody
from rooms.core.events import EventBody

ROOMS = Path(rooms.__file__).parent


def _imported(path: Path) -> set[str]:
    """Every module a file imports, wherever the import statement is (functions and TYPE_CHECKING too)."""
    package = ".".join(path.relative_to(ROOMS.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_the_core_imports_no_context() -> None:
    leaks = {f"{path.relative_to(ROOMS.parent)}: {name}"
             for path in sorted((ROOMS / "core").rglob("*.py"))
             for name in _imported(path)
             if name.startswith("rooms.") and not name.startswith("rooms.core")}
    assert sorted(leaks) == []


def test_no_domain_module_depends_on_the_catalog() -> None:
    importers = sorted(str(path.relative_to(ROOMS.parent)) for path in ROOMS.rglob("*.py")
                       if path.name != "catalog.py" and any(n == "rooms.catalog" or n.startswith("rooms.catalog.")
                                                            for n in _imported(path)))
    assert importers == []


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    subs: list[type] = cls.__subclasses__()
    for sub in subs:
        found |= {sub} | _subclasses(sub)
    return found


def test_the_event_union_holds_every_event_of_every_context_once() -> None:
    for info in pkgutil.walk_packages(rooms.__path__, "rooms."):
        importlib.import_module(info.name)
    declared = {cls for cls in _subclasses(EventBody) if cls.__module__.startswith("rooms.")}
    listed = typing.get_args(AnyEventBody)
    assert set(listed) == declared
    tags = [msgspec.inspect.type_info(cls).tag for cls in listed]  # type: ignore[attr-defined]
    assert len(tags) == len(set(tags))
