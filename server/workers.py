"""`roundtable serve --workers N` (issue 16, "Several processes per node"): N server processes on one port, so that a
host with many cores uses them. Each worker is a whole node (its own event loop, hub and connections) listening on
the same address with SO_REUSEPORT, so the kernel spreads new connections across them; they share rooms through
the Redis broker exactly as separate hosts do, which is why more than one worker needs ROUNDTABLE_REDIS_URL.

This process only supervises: it starts the workers, starts a worker again if one dies, and on SIGTERM passes the
signal on so that each drains (server/drain.py) before it exits.
"""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

log = logging.getLogger("roundtable.workers")

RESTART_PAUSE = 1.0  # before starting a worker that died again (a crash loop must not spin)
STOP_GRACE = 30.0  # a worker's drain (ROUNDTABLE_DRAIN_SECONDS) and graceful shutdown fit in this


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening socket several processes can bind to at once (Linux spreads accepted connections)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(4096)
    sock.set_inheritable(True)
    return sock


def supervise(argv: list[str], count: int) -> int:
    """Runs `count` workers (`roundtable serve … --reuse-port`) until SIGTERM or SIGINT, then stops them all."""
    stopping = False

    def stop(sig: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # The same interpreter and module whichever way the supervisor was started (`roundtable`, `python -m`).
    command = [sys.executable, "-m", "server.cli", *argv, "--reuse-port"]
    workers: list[subprocess.Popen[bytes]] = [subprocess.Popen(command) for _ in range(count)]
    log.info("started %d workers: %s", count, [w.pid for w in workers])
    while not stopping:
        time.sleep(0.2)
        for i, worker in enumerate(workers):
            if worker.poll() is not None and not stopping:
                log.warning("worker %d exited with %s: starting it again", worker.pid, worker.returncode)
                time.sleep(RESTART_PAUSE)
                workers[i] = subprocess.Popen(command)
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    for worker in workers:
        try:
            worker.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("worker %d did not stop in time: killing it", worker.pid)
            worker.kill()
            worker.wait()
    return 0
