"""`roundtable serve --workers 2` (issue 16, "Several processes per node"; server/workers.py): two processes on one
port (SO_REUSEPORT) sharing rooms through a private Redis. Connections land on both workers (their `welcome` names
different nodes), a message said on one reaches a client on the other, a worker that dies is started again, and
SIGTERM stops the whole node cleanly. Without Redis, several workers are refused with a clear message."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.procs import BIN, Server, env_for, free_port, roundtable, wait_healthy
from tests.support.services import RedisServer
from tests.support.wsclient import Client, mint_tokens

pytestmark = [pytest.mark.redis, pytest.mark.multinode]

PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example"}
LOBBY = "lobby:1"


def _workers(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout.split()
    return [int(p) for p in out]


def _two_workers(pid: int, without: int | None = None, seconds: float = 30) -> list[int]:
    """The supervisor's workers once there are two (and `without` is not one of them), or as they are at the end."""
    deadline = time.monotonic() + seconds
    while (len(found := _workers(pid)) < 2 or without in found) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([str(BIN / "roundtable"), "serve", "--workers", "2", "--host", "127.0.0.1",
                                 "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT)


def test_without_redis_several_workers_are_refused(tmp_path: Path) -> None:
    env = env_for(tmp_path / "var")
    done = subprocess.run([str(BIN / "roundtable"), "serve", "--workers", "2", "--port", str(free_port())], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "ROUNDTABLE_REDIS_URL" in done.stderr


async def test_two_workers_share_one_port_and_rooms(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path)
    redis.start()
    env = env_for(tmp_path / "var", ROUNDTABLE_REDIS_URL=redis.url, ROUNDTABLE_DRAIN_SECONDS="1")
    roundtable(env, "demo", "--no-links")
    port = free_port()
    env["ROUNDTABLE_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    log = tmp_path / "workers.log"
    proc = _serve(env, port, log)
    server = Server(f"http://127.0.0.1:{port}", proc, log)
    try:
        wait_healthy(server, timeout=60)
        assert len(_two_workers(proc.pid)) == 2, log.read_text()
        tokens = mint_tokens(env, PEOPLE)
        # The kernel spreads connections: open some until both workers have one.
        clients: dict[str, Client] = {}
        for _ in range(40):
            c = await Client.open(server.url, tokens["anna"] if not clients else tokens["mike"])
            node = str(c.welcome["node"])
            if node in clients:
                await c.close()
                continue
            clients[node] = c
            if len(clients) == 2:
                break
        assert len(clients) == 2, "every connection landed on one worker"
        first, second = clients.values()
        await first.join(LOBBY)
        await second.join(LOBBY)
        said = await first.say(LOBBY, "across the workers", key="w1")
        event = await second.expect("event")
        while event["event"].get("text") != "across the workers":
            event = await second.expect("event")
        assert event["seq"] == said["seq"]
        for c in clients.values():
            await c.close()

        # A worker that dies is started again.
        victim = _workers(proc.pid)[0]
        os.kill(victim, signal.SIGKILL)
        again = _two_workers(proc.pid, without=victim)
        assert victim not in again and len(again) == 2
        wait_healthy(server, timeout=30)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        finally:
            redis.kill()
    assert code == 0, log.read_text()[-3000:]
