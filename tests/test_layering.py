"""Imports run one way: rooms never pulls in the web framework, storage, Redis or media; signaling (where aiortc
lives, for the in-process relay and test peers) never pulls in the web framework, storage, Redis or the server."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("starlette", "sqlalchemy", "redis", "aiortc", "uvicorn", "asyncpg", "aiosqlite", "alembic", "server")


def _modules_after_import(*packages: str) -> set[str]:
    code = (
        "import importlib, json, pkgutil, sys\n"
        f"for name in {list(packages)!r}:\n"
        "    pkg = importlib.import_module(name)\n"
        "    for info in pkgutil.walk_packages(pkg.__path__, name + '.'):\n"
        "        importlib.import_module(info.name)\n"
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
