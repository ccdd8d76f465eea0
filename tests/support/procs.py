"""Real server processes for tests: the `roundtable` command, run as a user would."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def env_for(var_dir: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUNDTABLE_")}
    env["ROUNDTABLE_VAR_DIR"] = str(var_dir)
    env["ROUNDTABLE_SECRET_KEY"] = "process-test-secret-" + "k" * 32
    # Test servers on the host never start a Janus of their own: media tests ask for one inside a namespace.
    env["ROUNDTABLE_JANUS"] = "off"
    # Nor a live demo mission (placed around the wall clock, with Anna and Mike busy in a meeting now): tests
    # that want it say so.
    env["ROUNDTABLE_DEMO_LIVE"] = "off"
    # Nor reminders: the demo mission's days are around today, so its people would get digests and "starts in
    # 10 minutes" mails at some hours of the day among the mails a test counts. The reminder tests turn them on.
    env["ROUNDTABLE_REMINDERS"] = "off"
    if database_url:
        env["ROUNDTABLE_DATABASE_URL"] = database_url
    env.update(extra)
    return env


def demo_env(var_dir: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a server whose database holds the demo mission (without sign-in links)."""
    env = env_for(var_dir, database_url, **extra)
    roundtable(env, "demo", "--no-links")
    return env


def roundtable(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "roundtable"), *args], env=env, capture_output=True, text=True, check=check,
                          timeout=300)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextlib.contextmanager
def serving(env: dict[str, str], log_dir: Path, port: int | None = None) -> Iterator[Server]:
    port = port or free_port()
    env = {**env, "ROUNDTABLE_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    log = log_dir / f"server-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(BIN / "roundtable"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_healthy(server: Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.log.read_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError(f"server not healthy after {timeout}s:\n{server.log.read_text()}")
