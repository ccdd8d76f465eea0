"""Imports run one way: rooms never pulls in the web framework, storage, Redis or media; signaling (where aiortc
lives, for the in-process relay) never pulls in the web framework, storage, Redis or the server; and nothing but the
relay needs aiortc, an optional extra."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("starlette", "sqlalchemy", "redis", "aiortc", "uvicorn", "asyncpg", "aiosqlite", "alembic", "server")


def _modules_after_import(*packages: str, skip: tuple[str, ...] = ()) -> set[str]:
    code = (
        "import importlib, json, pkgutil, sys\n"
        f"for name in {list(packages)!r}:\n"
        "    pkg = importlib.import_module(name)\n"
        "    for info in pkgutil.walk_packages(pkg.__path__, name + '.'):\n"
        f"        if info.name not in {list(skip)!r}:\n"
        "            importlib.import_module(info.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return set(json.loads(out))


def test_domain_imports_no_adapters() -> None:
    loaded = _modules_after_import("rooms")
    leaked = sorted(m for m in loaded if m.split(".")[0] in FORBIDDEN)
    assert leaked == []


def test_signaling_imports_no_adapters_but_may_use_aiortc() -> None:
    loaded = _modules_after_import("signaling")
    leaked = sorted(m for m in loaded if m.split(".")[0] in FORBIDDEN and m.split(".")[0] != "aiortc")
    assert leaked == []


def test_only_the_relay_imports_aiortc() -> None:
    # aiortc (with PyAV and FFmpeg) is the optional extra `relay`: the server imports the relay lazily.
    loaded = _modules_after_import("rooms", "signaling", "server", skip=("signaling.stage_relay",))
    assert sorted(m for m in loaded if m.split(".")[0] in ("aiortc", "av")) == []
