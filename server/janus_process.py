"""Our own Janus, when no ROUNDTABLE_JANUS_URL is given and `janus` is installed: configured, started, watched.

The configuration is generated under the var directory and loads only what the stage uses (the VideoRoom plugin
and the WebSocket transport, on 127.0.0.1), with the admin API off, mDNS ignored and `event_loops` = 2 (measured:
a loop per core costs well under half the CPU of Janus's default thread per handle).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

LIB_DIRS = ("/usr/lib/x86_64-linux-gnu/janus", "/usr/lib/aarch64-linux-gnu/janus", "/usr/lib/janus",
            "/usr/local/lib/janus", "/opt/janus/lib/janus")
START_TIMEOUT = 15.0
RESTART_DELAY = 1.0


class JanusNotInstalled(RuntimeError):
    pass


@dataclass(frozen=True)
class JanusOptions:
    interface: str | None = None  # the address Janus announces in its SDP
    enforce: str | None = None  # ice_enforce_list: interfaces or address prefixes to gather on
    nat_1_1: str | None = None
    event_loops: int = 2
    debug_level: int = 3  # warnings and errors only
    rtp_port_range: str = "20000-40000"


def find_janus() -> str | None:
    return shutil.which("janus")


def find_lib_dir() -> Path:
    for candidate in LIB_DIRS:
        path = Path(candidate)
        if (path / "plugins" / "libjanus_videoroom.so").exists():
            return path
    raise JanusNotInstalled("Janus's videoroom plugin was not found (install the Debian package janus)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(directory: Path, port: int, options: JanusOptions, lib_dir: Path) -> Path:
    """Writes janus.jcfg and the two module configs; returns the main file. Only the two modules we use are
    visible to Janus: its plugin and transport folders are ours, holding links to them."""
    directory.mkdir(parents=True, exist_ok=True)
    for kind, name in (("plugins", "libjanus_videoroom.so"), ("transports", "libjanus_websockets.so")):
        folder = directory / kind
        folder.mkdir(exist_ok=True)
        link = folder / name
        link.unlink(missing_ok=True)
        link.symlink_to(lib_dir / kind / name)
    for kind in ("events", "loggers"):
        (directory / kind).mkdir(exist_ok=True)
    general = [
        f"configs_folder = {_q(str(directory))}",
        f"plugins_folder = {_q(str(directory / 'plugins'))}",
        f"transports_folder = {_q(str(directory / 'transports'))}",
        f"events_folder = {_q(str(directory / 'events'))}",
        f"loggers_folder = {_q(str(directory / 'loggers'))}",
        f"debug_level = {options.debug_level}",
        "admin_secret = \"" + os.urandom(16).hex() + "\"",
        f"event_loops = {options.event_loops}",
        "session_timeout = 60",
        # A stage recording keeps this extra extension until Janus closes it: signaling/recording.py waits for it.
        'recordings_tmp_ext = "part"',
    ]
    if options.interface:
        general.append(f"interface = {_q(options.interface)}")
    nat = ["ignore_mdns = true", "full_trickle = false"]
    if options.enforce:
        nat.append(f"ice_enforce_list = {_q(options.enforce)}")
    if options.nat_1_1:
        nat.append(f"nat_1_1_mapping = {_q(options.nat_1_1)}")
    main = directory / "janus.jcfg"
    main.write_text(
        "general: {\n\t" + "\n\t".join(general) + "\n}\n"
        f"media: {{\n\trtp_port_range = {_q(options.rtp_port_range)}\n}}\n"
        "nat: {\n\t" + "\n\t".join(nat) + "\n}\n"
        "plugins: {\n}\ntransports: {\n}\nloggers: {\n}\nevents: {\n\tbroadcast = false\n}\n")
    (directory / "janus.plugin.videoroom.jcfg").write_text("general: {\n}\n")
    (directory / "janus.transport.websockets.jcfg").write_text(
        f"general: {{\n\tjson = \"compact\"\n\tws = true\n\tws_port = {port}\n\tws_ip = \"127.0.0.1\"\n"
        "\twss = false\n}\nadmin: {\n\tadmin_ws = false\n\tadmin_wss = false\n}\n")
    return main


class JanusProcess:
    """Starts Janus, restarts it when it dies, stops it on `stop()`. `url` is stable across restarts."""

    def __init__(self, workdir: Path, options: JanusOptions | None = None, binary: str | None = None) -> None:
        found = binary or find_janus()
        if found is None:
            raise JanusNotInstalled("janus is not on PATH (install the Debian package janus)")
        self.binary = found
        self.workdir = workdir
        self.options = options or JanusOptions()
        self.port = _free_port()
        self.url = f"ws://127.0.0.1:{self.port}"
        self.restarts = 0
        self._process: asyncio.subprocess.Process | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def log_path(self) -> Path:
        return self.workdir / "janus.log"

    @property
    def pid_path(self) -> Path:
        """Holds the running Janus's process id, rewritten at each restart (for operators and chaos tests)."""
        return self.workdir / "janus.pid"

    async def start(self) -> str:
        config = write_config(self.workdir, self.port, self.options, find_lib_dir())
        await self._spawn(config)
        self._supervisor = asyncio.create_task(self._supervise(config), name="janus-supervisor")
        return self.url

    async def _spawn(self, config: Path) -> None:
        with self.log_path.open("ab") as out:
            self._process = await asyncio.create_subprocess_exec(
                self.binary, "-C", str(config), "-F", str(self.workdir), "--disable-colors",
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        self.pid_path.write_text(f"{self._process.pid}\n")
        await self._wait_listening()

    async def _wait_listening(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while loop.time() < deadline:
            if self._process is None or self._process.returncode is not None:
                break
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return
        raise RuntimeError(f"Janus did not start listening on {self.url}:\n{self.tail()}")

    async def _supervise(self, config: Path) -> None:
        while not self._stopping:
            assert self._process is not None
            code = await self._process.wait()
            if self._stopping:
                return
            self.restarts += 1
            self.pid_path.unlink(missing_ok=True)
            log.error("Janus exited with %s; restarting it (restart %d)\n%s", code, self.restarts, self.tail())
            await asyncio.sleep(RESTART_DELAY)
            try:
                await self._spawn(config)
            except (RuntimeError, OSError):
                log.exception("Janus failed to restart; trying again")

    def tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    async def stop(self) -> None:
        self._stopping = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        process, self._process = self._process, None
        self.pid_path.unlink(missing_ok=True)
        if process is not None and process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
