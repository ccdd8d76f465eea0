"""Runs test code inside a private network namespace, so that media never leaves it.

`unshare -n` (root) gives the child its own network stack; we bring `lo` up and add a veth pair rt0/rt1 with the
test-host address 10.99.0.1/24 on rt0 (see /work/shared/MEDIA-NOTES.md). Everything the child starts (a server,
Janus, aiortc peers, Chromium) sees only these interfaces, and the namespace vanishes with its processes.

    result = in_netns(my_module.scenario, 5, timeout=120)   # scenario may be sync or async; returns JSON-able data

The child prints its result as one JSON line marked `NETNS-RESULT`; anything else it prints is kept for the
failure message.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HOST_ADDRESS = "10.99.0.1"
HOST_INTERFACE = "rt0"
MARK = "NETNS-RESULT "
ROOT = Path(__file__).resolve().parents[2]
SETUP = (
    "set -e; ip link set lo up; "
    f"ip link add {HOST_INTERFACE} type veth peer name rt1; "
    f"ip addr add {HOST_ADDRESS}/24 dev {HOST_INTERFACE}; "
    f"ip link set {HOST_INTERFACE} up; ip link set rt1 up; "
    'exec "$@"'
)


class NetnsFailed(AssertionError):
    pass


def require_netns() -> None:
    """Fails the test (never skips) when namespaces cannot be made here, saying what is missing."""
    missing = [tool for tool, package in (("unshare", "util-linux"), ("ip", "iproute2")) if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: apt-get install util-linux iproute2", pytrace=False)
    if os.geteuid() != 0:
        pytest.fail("network-namespace tests must run as root (unshare -n)", pytrace=False)


def netns_command(argv: list[str]) -> list[str]:
    """The command line that runs `argv` inside a fresh namespace with lo and rt0 (10.99.0.1) up."""
    return ["unshare", "-n", "sh", "-c", SETUP, "netns", *argv]


def run_module(module: str, *args: str, timeout: float = 300.0, env: dict[str, str] | None = None) -> Any:
    """Runs `python -m module args…` in a namespace and returns the JSON value it printed after MARK."""
    return _run([sys.executable, "-m", module, *args], timeout, env, module)


def in_netns(function: Callable[..., Any], *args: Any, timeout: float = 300.0,
             env: dict[str, str] | None = None) -> Any:
    """Calls module-level `function(*args)` (sync or async) in a namespace; returns its JSON-able result."""
    module, name = function.__module__, function.__qualname__
    if module == "__main__" or "." in name:
        raise ValueError("in_netns needs a module-level function importable by name")
    code = (
        "import asyncio, importlib, inspect, json, sys\n"
        f"fn = getattr(importlib.import_module({module!r}), {name!r})\n"
        "result = fn(*json.loads(sys.argv[1]))\n"
        "if inspect.isawaitable(result):\n"
        "    result = asyncio.run(result)\n"
        f"print({MARK!r} + json.dumps(result), flush=True)\n"
    )
    return _run([sys.executable, "-c", code, json.dumps(list(args))], timeout, env, f"{module}.{name}")


def emit(result: Any) -> None:
    """For modules run with `run_module`: prints the result where the parent looks for it."""
    print(MARK + json.dumps(result), flush=True)


def run_main(main: Callable[[], Any]) -> None:
    """`if __name__ == "__main__": run_main(main)` for modules meant for `run_module`."""
    result = main()
    if inspect.isawaitable(result):
        result = asyncio.run(result)  # type: ignore[arg-type]
    emit(result)


def _run(argv: list[str], timeout: float, env: dict[str, str] | None, what: str) -> Any:
    require_netns()
    child_env = dict(os.environ if env is None else env)
    child_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), child_env.get("PYTHONPATH")) if p)
    try:
        done = subprocess.run(netns_command(argv), capture_output=True, text=True, timeout=timeout, env=child_env,
                              cwd=ROOT)
    except subprocess.TimeoutExpired as exc:
        raise NetnsFailed(f"{what} did not finish within {timeout:.0f} s in its namespace\n"
                          f"--- stderr ---\n{_tail(exc.stderr)}\n--- stdout ---\n{_tail(exc.stdout)}") from None
    results = [line[len(MARK):] for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not results:
        raise NetnsFailed(f"{what} failed in its namespace (exit {done.returncode})\n"
                          f"--- stderr ---\n{_tail(done.stderr)}\n--- stdout ---\n{_tail(done.stdout)}")
    return json.loads(results[-1])


def _tail(text: str | bytes | None, lines: int = 60) -> str:
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return "\n".join(text.splitlines()[-lines:])
