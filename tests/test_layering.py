"""Imports run one way: rooms and signaling never pull in the web framework, storage, Redis or media."""

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


def test_domain_and_signaling_import_no_adapters() -> None:
    loaded = _modules_after_import("rooms", "signaling")
    leaked = sorted(m for m in loaded if m.split(".")[0] in FORBIDDEN)
    assert leaked == []
