"""What the live scenarios share: the seeded database, server and Redis processes pinned to their cores, CPU and
memory readings from /proc, bearer tokens, latency percentiles and the JSON lines."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.rawws import BUCKET_NS
from server.tokens import Purpose, Tokens

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "bench-secret-" + "k" * 40
SEED_PARTICIPANTS = 3100
SEED_VERSION = "1"
CACHE = Path(tempfile.gettempdir()) / "roundtable-bench"

# Two cores: the server(s) on one, the load processes, the sender and Redis on the other (BENCH_PIN=0: none).
PIN = os.environ.get("BENCH_PIN", "1") != "0" and (os.cpu_count() or 1) >= 2
SERVER_CPUS = {0} if PIN else None
LOAD_CPUS = {1} if PIN else None
TICK = os.sysconf("SC_CLK_TCK")
# BENCH_PROFILE=<dir>: every `roundtable serve` runs under cProfile and leaves <dir>/roundtable-*.prof (read with
# `python -m bench.profile <file>`); the figures measured meanwhile are inflated by the profiler, only the shares
# are meaningful.
PROFILE = Path(os.environ["BENCH_PROFILE"]).resolve() if os.environ.get("BENCH_PROFILE") else None


# Every result line of this run, in order: bench/targets.py evaluates them at the end of the run.
RECORDED: list[dict[str, Any]] = []


def emit(result: Mapping[str, Any]) -> None:
    RECORDED.append(dict(result))
    print(json.dumps(result), flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def pinned(command: list[str], cpus: set[int] | None) -> list[str]:
    if cpus is None or shutil.which("taskset") is None:
        return command
    return ["taskset", "-c", ",".join(str(c) for c in sorted(cpus)), *command]


# -- /proc ---------------------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, all its threads included."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_cpu() -> tuple[float, float]:
    """CPU seconds the whole machine spent busy (all cores), and those stolen by the hypervisor."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq) / TICK, steal / TICK


def cpu_ns(pid: int) -> int:
    """CPU time of a process in nanoseconds, summed over its threads (/proc/<pid>/task/*/schedstat): the
    10 ms ticks of /proc/<pid>/stat are too coarse for a window of 100 joins."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/schedstat") as f:
            total += int(f.read().split()[0])
    return total


def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants (a `--workers` supervisor and its workers)."""
    found = [pid]
    for p in found:
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    found.extend(int(c) for c in f.read().split())
    return found


def tree_cpu_seconds(pid: int) -> float:
    total = 0.0
    for p in tree_pids(pid):
        with contextlib.suppress(OSError):
            total += cpu_seconds(p)
    return total


def open_files(pid: int, path: Path) -> int:
    """How many descriptors of the process refer to the database file `path`: its open SQLite connections."""
    count = 0
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                    count += 1
    return count


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


# -- the database ---------------------------------------------------------------------------------------------


def _seed_key() -> str:
    digest = hashlib.sha256(SEED_VERSION.encode())
    sources = sorted((ROOT / "server" / "db" / "migrations" / "versions").glob("*.py"))
    sources += [ROOT / "server" / name for name in ("demo.py", "demo_data.py", "demo_boston.py", "demo_names.py")]
    for path in sources:
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def seeded_database(target: Path) -> Path:
    """A copy of the demo database grown to SEED_PARTICIPANTS people, seeded once per version under /tmp."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"demo-{SEED_PARTICIPANTS}-{_seed_key()}.db"
    if not cached.exists():
        building = cached.with_suffix(f".{os.getpid()}.tmp")
        env = server_env(target.parent, building)
        subprocess.run([str(BIN / "roundtable"), "demo", "--participants", str(SEED_PARTICIPANTS), "--no-links"],
                       env=env, check=True, capture_output=True, timeout=300)
        with sqlite3.connect(building) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        building.rename(cached)
        for suffix in ("-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(cached, target)
    return target


def mission_members(db: Path) -> tuple[int, list[int]]:
    """The mission with the most members, and their user ids."""
    with sqlite3.connect(db) as conn:
        (mission,) = conn.execute(
            "SELECT mission_id FROM memberships GROUP BY mission_id ORDER BY count(*) DESC LIMIT 1").fetchone()
        users = [u for (u,) in conn.execute(
            "SELECT user_id FROM memberships WHERE mission_id = ? ORDER BY user_id", (mission,))]
    return int(mission), users


def grow_mission(db: Path, mission: int, total: int) -> list[int]:
    """Makes `total` distinct people members of `mission` (participants copied, profiles and all, from those it
    has) and returns their user ids: a room of 10,000 visible people needs 10,000 people."""
    with sqlite3.connect(db) as conn:
        members = [u for (u,) in conn.execute(
            "SELECT user_id FROM memberships WHERE mission_id = ? AND role = 'participant' ORDER BY user_id",
            (mission,))]
        (top,) = conn.execute("SELECT max(id) FROM users").fetchone()
        have = conn.execute("SELECT count(*) FROM memberships WHERE mission_id = ?", (mission,)).fetchone()[0]
        profile_columns = [r[1] for r in conn.execute("PRAGMA table_info(profiles)") if r[1] != "user_id"]
        columns = ", ".join(profile_columns)
        for n in range(max(0, total - have)):
            source, new = members[n % len(members)], top + 1 + n
            conn.execute("INSERT INTO users (id, email, name, password_hash, can_create_missions, created_at) "
                         "SELECT ?, ?, name, password_hash, can_create_missions, created_at FROM users WHERE id = ?",
                         (new, f"bench-{new}@example.invalid", source))
            conn.execute(f"INSERT INTO profiles (user_id, {columns}) SELECT ?, {columns} FROM profiles "
                         "WHERE user_id = ?", (new, source))
            conn.execute("INSERT INTO profile_sectors (user_id, sector_key, sector) SELECT ?, sector_key, sector "
                         "FROM profile_sectors WHERE user_id = ?", (new, source))
            conn.execute("INSERT INTO memberships (mission_id, user_id, role, side) SELECT mission_id, ?, role, side "
                         "FROM memberships WHERE mission_id = ? AND user_id = ?", (new, mission, source))
        return [u for (u,) in conn.execute(
            "SELECT user_id FROM memberships WHERE mission_id = ? ORDER BY user_id", (mission,))]


def bearer_tokens(db: Path, user_ids: Sequence[int], mission: int) -> list[str]:
    """Tokens as the API mints them: each names a live session (a token dies with its session), made here."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # stored as naive UTC, as server/db/models.py does
    handles: dict[int, str] = {}
    with sqlite3.connect(db) as conn:
        for user in dict.fromkeys(user_ids):
            handles[user] = secrets.token_hex(32)
            conn.execute("INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                         (handles[user], user, str(now), str(now + dt.timedelta(days=1))))
    ends = int(time.time()) + 3600
    tokens = Tokens(SECRET)
    return [tokens.sign(Purpose.BEARER, {"u": u, "m": mission, "s": handles[u], "x": ends}) for u in user_ids]


# -- processes ------------------------------------------------------------------------------------------------


def server_env(var_dir: Path, database: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUNDTABLE_")}
    env.update(ROUNDTABLE_VAR_DIR=str(var_dir), ROUNDTABLE_SECRET_KEY=SECRET,
               ROUNDTABLE_DATABASE_URL=f"sqlite+aiosqlite:///{database}", ROUNDTABLE_WS_RATE="100000")
    env.update(extra)
    return env


@dataclass
class Proc:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=120 if PROFILE else 15)  # cProfile writes its file on the way out
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


def _spawn(name: str, command: list[str], env: Mapping[str, str], log_dir: Path, port: int,
           cpus: set[int] | None) -> Proc:
    log = log_dir / f"{name}-{port}.log"
    with log.open("wb") as out:
        # The file-descriptor limit is inherited: the orchestrator raised its own (`raise_fd_limit`).
        process = subprocess.Popen(pinned(command, cpus), env=dict(env), stdout=out, stderr=subprocess.STDOUT)
    return Proc(name, port, process, log)


def wait_http(proc: Proc, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.process.poll() is not None:
            raise RuntimeError(f"{proc.name} exited with {proc.process.returncode}:\n{proc.tail()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{proc.port}{path}", timeout=2) as r:
                if r.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{proc.name} not up after {timeout}s:\n{proc.tail()}")


def start_roundtable(env: Mapping[str, str], log_dir: Path, *, port: int | None = None, args: Sequence[str] = (),
                     cpus: set[int] | bool | None = True) -> Proc:
    """`roundtable serve` on `port` (a free one by default), pinned to the server core unless `cpus` says
    otherwise (False: not pinned)."""
    port = port or free_port()
    env = {**env, "ROUNDTABLE_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    where = SERVER_CPUS if cpus is True else None if cpus is False else cpus
    command = [str(BIN / "roundtable")]
    if PROFILE:  # cProfile writes its file when the server exits (SIGTERM drains, then a normal exit)
        PROFILE.mkdir(parents=True, exist_ok=True)
        out = PROFILE / f"roundtable-{time.strftime('%H%M%S')}-{port}.prof"
        command = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "server.cli"]
    proc = _spawn("roundtable", [*command, "serve", "--host", "127.0.0.1", "--port", str(port), *args], env,
                  log_dir, port, where)
    try:
        wait_http(proc, "/healthz")
    except BaseException:
        proc.stop()
        raise
    return proc


def _wait_port(proc: Proc, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.process.poll() is not None:
            break
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", proc.port), timeout=1):
            return
        time.sleep(0.05)
    proc.stop()
    raise RuntimeError(f"{proc.name} did not start:\n{proc.tail()}")


def start_floor(log_dir: Path) -> Proc:
    """bench.floor_server (a bare uvloop fan-out) on the server core."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    proc = _spawn("floor", [sys.executable, "-m", "bench.floor_server", str(port)], env, log_dir, port, SERVER_CPUS)
    _wait_port(proc)
    return proc


def start_socketio(redis_url: str, log_dir: Path) -> Proc:
    """bench.socketio_app under uvicorn (uvloop, httptools, the `websockets` protocol, compression declined as
    Roundtable does), on the server core."""
    port = free_port()
    env = {**os.environ, "BENCH_REDIS_URL": redis_url,
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    proc = _spawn("socketio", [sys.executable, "-m", "uvicorn", "bench.socketio_app:app", "--host", "127.0.0.1",
                               "--port", str(port), "--log-level", "warning", "--no-access-log",
                               "--ws-per-message-deflate", "false"], env, log_dir, port, SERVER_CPUS)
    try:
        wait_http(proc, "/")
    except BaseException:
        proc.stop()
        raise
    return proc


def start_redis(log_dir: Path) -> Proc:
    """A private redis-server on a free port: nothing saved, nothing shared with the machine's Redis."""
    server = shutil.which("redis-server")
    if server is None:
        raise FileNotFoundError("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    proc = _spawn("redis", [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                            "--protected-mode", "yes", "--maxclients", "1000"], os.environ, log_dir, port, LOAD_CPUS)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return proc
        if proc.process.poll() is not None:
            break
        time.sleep(0.05)
    proc.stop()
    raise RuntimeError(f"redis-server did not start:\n{proc.tail()}")


def redis_command(port: int, *words: str) -> bytes:
    """One command to a Redis on this machine, its raw reply (enough for DBSIZE and INFO)."""
    request = f"*{len(words)}\r\n".encode() + b"".join(f"${len(w)}\r\n{w}\r\n".encode() for w in words)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request)
        reply = b""
        while not reply.endswith(b"\r\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
        if reply.startswith(b"$"):  # a bulk string: read all of it
            size = int(reply[1:reply.index(b"\r\n")])
            while len(reply) < reply.index(b"\r\n") + 2 + size + 2:
                reply += s.recv(65536)
    return reply


def metric(port: int, name: str) -> float | None:
    """One sample of the node's /metrics (the first line naming it), or None."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            text = r.read().decode()
    except (OSError, urllib.error.URLError):
        return None
    for line in text.splitlines():
        if line.startswith(name) and line[len(name):len(name) + 1] in (" ", "{"):
            return float(line.rsplit(" ", 1)[1])
    return None


@contextlib.contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


# -- results -------------------------------------------------------------------------------------------------


def merge_hists(hists: Sequence[Mapping[Any, int]]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for hist in hists:
        for bucket, count in hist.items():
            merged[int(bucket)] = merged.get(int(bucket), 0) + count
    return merged


def percentile_ms(hist: Mapping[int, int], fraction: float) -> float | None:
    """The latency (ms, upper edge of its 0.1 ms bucket) below which `fraction` of the deliveries arrived."""
    total = sum(hist.values())
    if total == 0:
        return None
    rank = fraction * total
    seen = 0
    for bucket in sorted(hist):
        seen += hist[bucket]
        if seen >= rank:
            return round((max(bucket, 0) + 1) * BUCKET_NS / 1e6, 1)
    return round((max(hist) + 1) * BUCKET_NS / 1e6, 1)
