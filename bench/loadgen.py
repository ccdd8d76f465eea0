"""Load processes: each runs its own event loop (uvloop) with thousands of `rawws.Conn`s, pinned to the load
core, and takes commands from the orchestrator over a pipe: connect, begin a run, count, end a run, close."""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import multiprocessing.connection
import os
import random
import resource
import time
from dataclasses import dataclass, field
from typing import Any

from bench.rawws import Conn, Dialect, Stats, open_conn


@dataclass
class ConnectSpec:
    """Who connects where, and what each connection does before it listens."""

    host: str
    port: int
    dialect: Dialect
    tokens: list[str] = field(default_factory=list)  # roundtable: one bearer token per connection
    count: int = 0  # socketio: the number of connections
    room: str | None = None  # the room to join, if any
    status: str = "invisible"  # roundtable: presence status given in the join
    concurrency: int = 64  # handshakes in flight at once
    ports: list[int] = field(default_factory=list)  # optional: port per connection (several nodes)


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# web/protocol.js: full-jitter backoff, 0.5 s doubling to 15 s.
BACKOFF_FIRST = 0.5
BACKOFF_CEILING = 15.0
STATUSES = ("available", "in-meeting", "do-not-disturb", "available")


async def _setup_roundtable(conn: Conn, room: str | None, status: str) -> int:
    """hello (and join): returns the size of the `joined` answer in bytes (0 without a room)."""
    conn.send_text(b'{"type":"hello","version":1}')
    welcome = await conn.expect(b'{"type":"welcome"', b'{"type":"error"')
    if not welcome.startswith(b'{"type":"welcome"'):
        raise ConnectionError(welcome.decode(errors="replace")[:200])
    if room is not None:
        return await _join(conn, room, status)
    return 0


async def _join(conn: Conn, room: str, status: str) -> int:
    conn.send_text(json.dumps({"type": "join", "room": room, "status": status, "id": "j"}))
    joined = await conn.expect(b'{"type":"joined"', b'{"type":"error"')
    if not joined.startswith(b'{"type":"joined"'):
        raise ConnectionError(joined.decode(errors="replace")[:200])
    return len(joined)


@dataclass
class Identity:
    """How a connection was opened, so that it can be opened again."""

    host: str
    port: int
    token: str
    room: str | None
    status: str


async def _setup_socketio(conn: Conn, room: str | None) -> None:
    await conn.expect(b"0")  # Engine.IO open
    conn.send_text(b"40")  # Socket.IO connect to the default namespace
    await conn.expect(b"40")
    if room is not None:
        conn.send_text(json.dumps(["join", room], separators=(",", ":")).join(("42", "")))
        await conn.expect(b'42["joined"')


class Worker:
    def __init__(self) -> None:
        self.stats = Stats()
        self.conns: list[Conn] = []
        self.cpu_start = 0.0
        self.wall_start = 0.0
        self.who: dict[Conn, Identity] = {}
        self.resumed: list[float] = []  # monotonic time each connection was joined again after a loss
        self.resume_errors: list[str] = []
        self.attempts = 0
        self.watchers: list[asyncio.Task[None]] = []

    async def connect(self, spec: ConnectSpec) -> dict[str, Any]:
        started = time.monotonic()
        total = len(spec.tokens) if spec.dialect == "roundtable" else spec.count
        semaphore = asyncio.Semaphore(spec.concurrency)
        errors: list[str] = []

        async def one(i: int) -> None:
            port = spec.ports[i] if spec.ports else spec.port
            async with semaphore:
                for attempt in range(3):
                    try:
                        if spec.dialect == "roundtable":
                            conn = await open_conn(spec.host, port, "/ws",
                                                   ["roundtable.v1", f"bearer.{spec.tokens[i]}"],
                                                   self.stats, "roundtable")
                        else:
                            conn = await open_conn(spec.host, port, "/socket.io/?EIO=4&transport=websocket", [],
                                                   self.stats, "socketio")
                    except (OSError, ConnectionError) as exc:
                        if attempt == 2:
                            errors.append(repr(exc)[:200])
                            return
                        await asyncio.sleep(0.2 * (attempt + 1))
                        continue
                    break
                try:
                    if spec.dialect == "roundtable":
                        await asyncio.wait_for(_setup_roundtable(conn, spec.room, spec.status), 30)
                    else:
                        await asyncio.wait_for(_setup_socketio(conn, spec.room), 30)
                except (OSError, ConnectionError, TimeoutError) as exc:
                    errors.append(repr(exc)[:200])
                    conn.close()
                    return
                conn.keep = False
                conn.frames.clear()
                self.conns.append(conn)
                if spec.dialect == "roundtable":
                    self.who[conn] = Identity(spec.host, port, spec.tokens[i], spec.room, spec.status)

        await asyncio.gather(*(one(i) for i in range(total)))
        return {"connected": total - len(errors), "failed": len(errors), "errors": errors[:3],
                "seconds": time.monotonic() - started}

    async def join(self, room: str, status: str, concurrency: int, start: int = 0,
                   stop: int | None = None) -> dict[str, Any]:
        """Makes the open roundtable connections `start:stop` (all by default) join `room`; says how many bytes
        the largest and the last `joined` answer had."""
        started = time.monotonic()
        semaphore = asyncio.Semaphore(concurrency)
        errors: list[str] = []
        sizes: list[int] = []

        async def one(conn: Conn) -> None:
            async with semaphore:
                conn.keep = True
                try:
                    sizes.append(await asyncio.wait_for(_join(conn, room, status), 30))
                    if conn in self.who:
                        self.who[conn].room, self.who[conn].status = room, status
                except (OSError, ConnectionError, TimeoutError) as exc:
                    errors.append(repr(exc)[:200])
                finally:
                    conn.keep = False
                    conn.frames.clear()

        await asyncio.gather(*(one(c) for c in self.conns[start:stop] if not c.lost.done()))
        return {"failed": len(errors), "errors": errors[:3], "seconds": time.monotonic() - started,
                "joined": len(sizes), "joined_bytes_max": max(sizes, default=0),
                "joined_bytes_last": sizes[-1] if sizes else 0}

    # -- reconnecting as the web client does -----------------------------------------------------------------

    async def _reopen(self, who: Identity) -> Conn:
        conn = await open_conn(who.host, who.port, "/ws", ["roundtable.v1", f"bearer.{who.token}"], self.stats,
                               "roundtable")
        try:
            await asyncio.wait_for(_setup_roundtable(conn, who.room, who.status), 30)
        except BaseException:
            conn.close()
            raise
        conn.keep = False
        conn.frames.clear()
        return conn

    async def _watch(self, index: int) -> None:
        """When connection `index` is lost: reconnect with full-jitter backoff (web/protocol.js), say hello and
        join its room again, record when."""
        conn = self.conns[index]
        who = self.who[conn]
        await conn.lost
        attempt = 0
        while True:
            await asyncio.sleep(random.uniform(0, min(BACKOFF_CEILING, BACKOFF_FIRST * 2 ** attempt)))
            attempt += 1
            self.attempts += 1
            try:
                fresh = await self._reopen(who)
            except (OSError, ConnectionError, TimeoutError) as exc:
                if attempt >= 12:
                    self.resume_errors.append(repr(exc)[:200])
                    return
                continue
            self.conns[index] = fresh
            self.who[fresh] = self.who.pop(conn)
            self.resumed.append(time.monotonic())
            return

    def arm(self) -> int:
        """From now on every lost connection comes back by itself (once)."""
        self.resumed.clear()
        self.resume_errors.clear()
        self.attempts = 0
        self.watchers = [asyncio.create_task(self._watch(i)) for i, c in enumerate(self.conns) if c in self.who]
        return len(self.watchers)

    def resumes(self) -> dict[str, Any]:
        return {"resumed": len(self.resumed), "times": list(self.resumed), "attempts": self.attempts,
                "failed": len(self.resume_errors), "errors": self.resume_errors[:3],
                "waiting": sum(1 for w in self.watchers if not w.done())}

    # -- churn: people coming and going, changing status, chatting -------------------------------------------

    async def churn(self, seconds: float, seed: int) -> dict[str, Any]:
        """For `seconds`, each connection now and then (every 1–6 s) leaves and joins again, changes its
        presence status, drops its socket and comes back, or says an unmarked chat line (not counted by the
        listeners of the measured run). Returns what it did and what failed."""
        rng = random.Random(seed)
        ends = time.monotonic() + seconds
        done = {"rejoin": 0, "status": 0, "reconnect": 0, "say": 0}
        errors: list[str] = []

        async def one(index: int) -> None:
            n = 0
            while True:
                await asyncio.sleep(rng.uniform(1.0, 6.0))
                if time.monotonic() >= ends:
                    return
                conn = self.conns[index]
                who = self.who[conn]
                assert who.room is not None
                action = rng.choice(("rejoin", "rejoin", "status", "status", "reconnect", "say"))
                n += 1
                conn.keep = True
                try:
                    if action == "rejoin":
                        conn.send_text(json.dumps({"type": "leave", "room": who.room, "id": "l"}))
                        await asyncio.wait_for(conn.expect(b'{"type":"ack"', b'{"type":"error"'), 30)
                        await asyncio.sleep(rng.uniform(0.2, 2.0))
                        await asyncio.wait_for(_join(conn, who.room, who.status), 30)
                    elif action == "status":
                        who.status = rng.choice(STATUSES)
                        conn.send_text(json.dumps({"type": "status", "room": who.room, "status": who.status,
                                                   "id": "st"}))
                        await asyncio.wait_for(conn.expect(b'{"type":"ack"', b'{"type":"error"'), 30)
                    elif action == "reconnect":
                        conn.close()
                        await asyncio.sleep(rng.uniform(0.2, 2.0))
                        fresh = await self._reopen(who)
                        self.conns[index] = fresh
                        self.who[fresh] = self.who.pop(conn)
                        conn = fresh
                    else:
                        conn.send_text(json.dumps({"type": "say", "room": who.room, "id": "c",
                                                   "key": f"churn-{seed}-{index}-{n}",
                                                   "text": f"churn {index}.{n}: anyone for coffee?"}))
                        await asyncio.wait_for(conn.expect(b'{"type":"ack"', b'{"type":"error"'), 30)
                    done[action] += 1
                except (OSError, ConnectionError, TimeoutError) as exc:
                    errors.append(f"{action}: {exc!r}"[:200])
                finally:
                    conn.keep = False
                    conn.frames.clear()

        await asyncio.gather(*(one(i) for i, c in enumerate(self.conns) if c in self.who))
        return {**done, "failed": len(errors), "errors": errors[:3]}

    def begin(self, run: int) -> None:
        self.stats.reset(run)
        self.cpu_start = time.process_time()
        self.wall_start = time.monotonic()

    def end(self) -> dict[str, Any]:
        s = self.stats
        return {"hist": s.hist, "deliveries": s.deliveries, "dupes": s.dupes, "stale": s.stale, "others": s.others,
                "last_ns": s.last_ns, "frame_bytes": s.frame_bytes,
                "cpu_s": time.process_time() - self.cpu_start, "wall_s": time.monotonic() - self.wall_start,
                "open": sum(1 for c in self.conns if not c.lost.done())}

    def close(self) -> None:
        for watcher in self.watchers:
            watcher.cancel()
        self.watchers.clear()
        for conn in self.conns:
            conn.close()
        self.conns.clear()
        self.who.clear()


async def _serve(pipe: multiprocessing.connection.Connection) -> None:
    loop = asyncio.get_running_loop()
    worker = Worker()
    while True:
        command, arg = await loop.run_in_executor(None, pipe.recv)
        try:
            reply = await _handle(worker, command, arg)
        except Exception as exc:
            reply = {"error": repr(exc)[:500]}
        pipe.send(reply)
        if command == "close":
            return


async def _handle(worker: Worker, command: str, arg: Any) -> Any:
    reply: Any = None
    if command == "connect":
        reply = await worker.connect(arg)
    elif command == "join":
        reply = await worker.join(*arg)
    elif command == "drop":
        worker.close()
    elif command == "arm":
        reply = worker.arm()
    elif command == "resumes":
        reply = worker.resumes()
    elif command == "churn":
        reply = await worker.churn(*arg)
    elif command == "begin":
        worker.begin(arg)
    elif command == "count":
        reply = worker.stats.deliveries
    elif command == "end":
        reply = worker.end()
    elif command == "close":
        worker.close()
        await asyncio.sleep(0.1)
    return reply


def worker_main(pipe: multiprocessing.connection.Connection, cpus: set[int] | None) -> None:
    if cpus:
        os.sched_setaffinity(0, cpus)
    raise_fd_limit()
    import uvloop

    uvloop.run(_serve(pipe))


class LoadPool:
    """The orchestrator's handle on the load processes."""

    def __init__(self, processes: int, cpus: set[int] | None) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._pipes: list[multiprocessing.connection.Connection] = []
        self._procs: list[multiprocessing.process.BaseProcess] = []
        for _ in range(processes):
            ours, theirs = ctx.Pipe()
            proc = ctx.Process(target=worker_main, args=(theirs, cpus), daemon=True)
            proc.start()
            self._pipes.append(ours)
            self._procs.append(proc)

    @property
    def size(self) -> int:
        return len(self._pipes)

    async def _recv(self, pipe: multiprocessing.connection.Connection, limit: float) -> Any:
        loop = asyncio.get_running_loop()
        reply = await asyncio.wait_for(loop.run_in_executor(None, pipe.recv), limit)
        if isinstance(reply, dict) and set(reply) == {"error"}:
            raise RuntimeError(f"load process failed: {reply['error']}")
        return reply

    async def each(self, commands: list[tuple[str, Any]], limit: float = 120.0) -> list[Any]:
        """Sends command i to process i, then collects the replies (within `limit` seconds)."""
        for pipe, command in zip(self._pipes, commands, strict=True):
            pipe.send(command)
        return list(await asyncio.gather(*(self._recv(pipe, limit) for pipe in self._pipes)))

    async def all(self, command: str, arg: Any = None, limit: float = 120.0) -> list[Any]:
        return await self.each([(command, arg)] * self.size, limit)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.all("close", limit=10)
        for proc in self._procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
