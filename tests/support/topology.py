"""docker-compose.yml's topology on this machine without Docker: real processes on loopback, free ports only.

A private PostgreSQL (Debian's initdb and pg_ctl, in a temporary directory), a private redis-server, one Janus
(configured by server/janus_process.py; left out when `janus` is not installed), N `roundtable serve` nodes sharing
them and one var directory (so <var>/recordings is shared, as the compose volume is), and a load balancer: a small
asyncio TCP proxy that hands each connection to the next live node in turn (WebSockets pass through untouched).
The machine's own services on the standard ports are never touched.

    with Topology(tmp_path) as top:          # from a test; pieces can be killed and restarted (chaos tests)
        top.lb_url, top.nodes[0].kill(), top.nodes[0].start(), top.postgres.restart(), top.redis.restart()

    python -m tests.support.topology up [--nodes N] [--demo]   # prints the URLs, waits for Ctrl-C
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from glob import glob
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.support.procs import BIN, Server, env_for, free_port, roundtable, wait_healthy
from tests.support.services import RedisServer


class MissingBinary(RuntimeError):
    pass


def _postgres_bin(name: str) -> str:
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[4]))
    if not found:
        raise MissingBinary(f"{name} not found under /usr/lib/postgresql/*/bin: apt-get install postgresql")
    return found[-1]


class PostgresServer:
    """A private cluster (initdb --auth=trust, user and database `roundtable`) on 127.0.0.1 and a free port.
    Run as root, the cluster belongs to the `postgres` account (initdb refuses root)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.data = workdir / "data"
        self.log = workdir / "postgres.log"
        self._user = "postgres" if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://roundtable@127.0.0.1:{self.port}/roundtable"

    def _run(self, *args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, timeout=60, user=self._user)

    def init(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self._user is not None:
            shutil.chown(self.workdir, self._user, self._user)
        self._run(_postgres_bin("initdb"), "-D", str(self.data), "-U", "roundtable", "--auth=trust",
                  "--encoding=UTF8", "--no-sync")

    def start(self) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.workdir} -c fsync=off "
                   "-c max_connections=200")
        self._run(_postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                  "-t", "30", "start")

    def create_database(self) -> None:
        self._run(_postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "roundtable",
                  "roundtable")

    def stop(self, mode: str = "fast") -> None:
        """mode: smart | fast | immediate (immediate is a crash: recovery runs at the next start). Returns once the
        postmaster has exited (pg_ctl returns when its pid file is gone, a moment earlier)."""
        pid = self.pid
        if pid is None:
            return
        self._run(_postgres_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")
        deadline = time.monotonic() + 10
        while running(pid) and time.monotonic() < deadline:
            time.sleep(0.02)

    @property
    def pid(self) -> int | None:
        """The postmaster's process id while it runs."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.data / "postmaster.pid").read_text().splitlines()[0])
        return None

    def restart(self) -> None:
        self.stop()
        self.start()


class _Supervised:
    """A process of the topology that a chaos test kills (SIGKILL) or stops (SIGTERM) and starts again."""

    process: subprocess.Popen[bytes] | None = None

    def kill(self) -> None:
        _end(self.process, hard=True)
        self.process = None

    def stop(self) -> None:
        _end(self.process)
        self.process = None


class Janus(_Supervised):
    """One Janus for every node (as compose runs one), configured by server/janus_process.py on a free port."""

    def __init__(self, workdir: Path) -> None:
        from server.janus_process import find_janus

        binary = find_janus()
        if binary is None:
            raise MissingBinary("janus is not installed: apt-get install janus")
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        from server.janus_process import JanusOptions, find_lib_dir, write_config

        config = write_config(self.workdir, self.port, JanusOptions(interface="127.0.0.1"), find_lib_dir())
        with (self.workdir / "janus.log").open("ab") as out:
            self.process = subprocess.Popen([self.binary, "-C", str(config), "-F", str(self.workdir),
                                             "--disable-colors"], stdin=subprocess.DEVNULL, stdout=out,
                                            stderr=subprocess.STDOUT)
        _wait_port(self.port, self.process, "Janus")


class Node(_Supervised):
    """One `roundtable serve` on a fixed port: kill, stop (SIGTERM: it drains) and start again."""

    def __init__(self, env: dict[str, str], port: int, log_dir: Path) -> None:
        self.port = port
        self.env = env
        self.log = log_dir / f"node-{port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(BIN / "roundtable"), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env, stdout=out, stderr=subprocess.STDOUT)
        wait_healthy(Server(self.url, self.process, self.log))


class LoadBalancer:
    """A TCP proxy on loopback in a thread of its own: each connection goes to the next node in turn, skipping a
    node that refuses it. Bytes are copied both ways, so HTTP keep-alive and WebSockets pass as they are.
    `served` counts the connections each node port received."""

    def __init__(self, backends: Sequence[int]) -> None:
        self.backends = list(backends)
        self.port = free_port()
        self.served: Counter[int] = Counter()
        self._turn = itertools.count()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="topology-lb", daemon=True)
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._accept, "127.0.0.1", self.port), self._loop).result(10)

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for writer in self._open:
                writer.close()
            for task in asyncio.all_tasks() - {asyncio.current_task()}:
                task.cancel()
            await asyncio.sleep(0)

        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        first = next(self._turn)
        for i in range(len(self.backends)):
            port = self.backends[(first + i) % len(self.backends)]
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                continue
            self.served[port] += 1
            self._open |= {writer, up_writer}
            try:
                await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer), return_exceptions=True)
            finally:
                self._open -= {writer, up_writer}
                up_writer.close()
                writer.close()
            return
        writer.close()  # no node takes connections: the client sees it closed, as behind nginx's 502


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copies one direction until its end, then half-closes the other side (the other direction goes on)."""
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()


def _wait_port(port: int, process: subprocess.Popen[bytes], what: str, timeout: float = 15.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} is not listening on {port} after {timeout}s")


def running(pid: int) -> bool:
    """Whether a process runs (a zombie nobody reaped yet does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _end(process: subprocess.Popen[bytes] | None, hard: bool = False) -> None:
    if process is None or process.poll() is not None:
        return
    if hard:
        process.kill()
    else:
        process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Topology:
    """The whole topology, started on enter and torn down (every process it started) on exit."""

    def __init__(self, workdir: Path | None = None, *, nodes: int = 2, janus: bool | None = None,
                 demo: bool = True, **env: str) -> None:
        self._own_dir = workdir is None
        self.workdir = Path(tempfile.mkdtemp(prefix="roundtable-topology-")) if workdir is None else workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        # PostgreSQL's directory may have to belong to another account: a fresh one, outside pytest's tmp_path.
        self.postgres = PostgresServer(Path(tempfile.mkdtemp(prefix="roundtable-pg-")))
        self.redis = RedisServer(self.workdir)
        want_janus = shutil.which("janus") is not None if janus is None else janus
        self.janus = Janus(self.workdir / "janus") if want_janus else None
        self.var_dir = self.workdir / "var"  # one var directory for every node: <var>/recordings is shared
        self._count = nodes
        self._demo = demo
        self._extra = env
        self.nodes: list[Node] = []
        self.lb: LoadBalancer | None = None
        self.env: dict[str, str] = {}

    @property
    def lb_url(self) -> str:
        assert self.lb is not None
        return self.lb.url

    def __enter__(self) -> Topology:
        try:
            self._up()
        except BaseException:
            self.down()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.down()

    def _up(self) -> None:
        self.postgres.init()
        self.postgres.start()
        self.postgres.create_database()
        self.redis.start()
        extra: dict[str, str] = {"ROUNDTABLE_REDIS_URL": self.redis.url}
        if self.janus is not None:
            self.janus.start()
            extra["ROUNDTABLE_JANUS_URL"] = self.janus.url
        ports = [free_port() for _ in range(self._count)]
        self.lb = LoadBalancer(ports)
        # Links and origins name the load balancer, as ROUNDTABLE_PUBLIC_URL names it in production.
        extra["ROUNDTABLE_PUBLIC_URL"] = self.lb.url
        self.env = env_for(self.var_dir, self.postgres.url, **extra, **self._extra)
        roundtable(self.env, "db", "upgrade")  # once, before the nodes (each would also migrate on start)
        if self._demo:
            roundtable(self.env, "demo", "--no-links")
        self.nodes = [Node(self.env, port, self.workdir) for port in ports]
        for node in self.nodes:
            node.start()
        self.lb.start()

    def down(self) -> None:
        if self.lb is not None:
            self.lb.stop()
            self.lb = None
        for node in self.nodes:
            node.stop()
        if self.janus is not None:
            self.janus.stop()
        self.redis.kill()
        with contextlib.suppress(subprocess.CalledProcessError, MissingBinary):
            self.postgres.stop("immediate")
        shutil.rmtree(self.postgres.workdir, ignore_errors=True)
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def pids(self) -> list[int]:
        """Every process of the topology that is running now (PostgreSQL's postmaster included)."""
        procs: list[Any] = [n.process for n in self.nodes] + [self.redis.process]
        if self.janus is not None:
            procs.append(self.janus.process)
        found = [p.pid for p in procs if p is not None and p.poll() is None]
        if (postmaster := self.postgres.pid) is not None:
            found.append(postmaster)
        return found


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.support.topology",
                                description="docker-compose.yml's topology on loopback, without Docker")
    sub = p.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start everything, print the URLs, wait for Ctrl-C")
    up.add_argument("--nodes", type=int, default=2)
    up.add_argument("--no-janus", action="store_true")
    up.add_argument("--workdir", type=Path, default=None, help="default: a temporary directory, removed at exit")
    args = p.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with Topology(args.workdir, nodes=args.nodes, janus=False if args.no_janus else None) as top:
        print(f"load balancer  {top.lb_url}")
        for i, node in enumerate(top.nodes, 1):
            print(f"node {i}         {node.url}   (log {node.log})")
        print(f"postgresql     {top.postgres.url}")
        print(f"redis          {top.redis.url}")
        print(f"janus          {top.janus.url if top.janus else 'not installed: the nodes relay stages'}")
        print(f"var            {top.var_dir}  (recordings: {top.var_dir / 'recordings'})")
        print("sign in (a one-time link through the load balancer):")
        print(f"  ROUNDTABLE_VAR_DIR={top.var_dir} ROUNDTABLE_DATABASE_URL={top.postgres.url} "
              f"ROUNDTABLE_SECRET_KEY={top.env['ROUNDTABLE_SECRET_KEY']} ROUNDTABLE_PUBLIC_URL={top.lb_url} "
              f"{BIN / 'roundtable'} login-link anna@voltera.example")
        print("Ctrl-C stops everything.", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
