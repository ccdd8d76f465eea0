"""Load processes: each runs its own event loop (uvloop) with thousands of `rawws.Conn`s, pinned to the load
core, and takes commands from the orchestrator over a pipe: connect, begin a run, count, end a run, close."""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import multiprocessing.connection
import os
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


async def _setup_roundtable(conn: Conn, room: str | None, status: str) -> None:
    conn.send_text(b'{"type":"hello","version":1}')
    welcome = await conn.expect(b'{"type":"welcome"', b'{"type":"error"')
    if not welcome.startswith(b'{"type":"welcome"'):
        raise ConnectionError(welcome.decode(errors="replace")[:200])
    if room is not None:
        conn.send_text(json.dumps({"type": "join", "room": room, "status": status, "id": "j"}))
        joined = await conn.expect(b'{"type":"joined"', b'{"type":"error"')
        if not joined.startswith(b'{"type":"joined"'):
            raise ConnectionError(joined.decode(errors="replace")[:200])


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

        await asyncio.gather(*(one(i) for i in range(total)))
        return {"connected": total - len(errors), "failed": len(errors), "errors": errors[:3],
                "seconds": time.monotonic() - started}

    async def join(self, room: str, status: str, concurrency: int) -> dict[str, Any]:
        """Makes every open roundtable connection join `room`."""
        started = time.monotonic()
        semaphore = asyncio.Semaphore(concurrency)
        errors: list[str] = []

        async def one(conn: Conn) -> None:
            async with semaphore:
                conn.keep = True
                try:
                    conn.send_text(json.dumps({"type": "join", "room": room, "status": status, "id": "j"}))
                    joined = await asyncio.wait_for(conn.expect(b'{"type":"joined"', b'{"type":"error"'), 30)
                    if not joined.startswith(b'{"type":"joined"'):
                        errors.append(joined.decode(errors="replace")[:200])
                except (OSError, ConnectionError, TimeoutError) as exc:
                    errors.append(repr(exc)[:200])
                finally:
                    conn.keep = False
                    conn.frames.clear()

        await asyncio.gather(*(one(c) for c in self.conns if not c.lost.done()))
        return {"failed": len(errors), "errors": errors[:3], "seconds": time.monotonic() - started}

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
        for conn in self.conns:
            conn.close()
        self.conns.clear()


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
