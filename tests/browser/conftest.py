"""Browser tests: a real Roundtable server (SQLite, demo data) in a subprocess, driven by Debian's Chromium.

Nothing leaves the machine: every browser request to anything but 127.0.0.1 is aborted and fails the test.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
]
SHOTS = Path("/tmp/rt-shots")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    base: str
    env: dict[str, str]
    cli: Path
    workdir: Path

    def sign_in_link(self, email: str, mission: int | None = 1) -> str:
        """A one-time sign-in URL, printed by `roundtable login-link` against the same database."""
        cmd = [str(self.cli), "login-link", email]
        if mission is not None:
            cmd += ["--mission", str(mission)]
        out = subprocess.run(cmd, env=self.env, cwd=self.workdir, check=True, capture_output=True, text=True,
                             timeout=60)
        url = out.stdout.strip().splitlines()[-1]
        assert url.startswith(self.base + "/link#t="), url
        return url


@contextlib.contextmanager
def start_server(workdir: Path, **extra_env: str) -> Iterator[Server]:
    """A demo server process on a free loopback port with its own SQLite database, for as long as the block runs."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUNDTABLE_")}
    env.update({
        "ROUNDTABLE_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'roundtable.db'}",
        "ROUNDTABLE_VAR_DIR": str(workdir / "var"),
        "ROUNDTABLE_SECRET_KEY": secrets.token_urlsafe(32),
        "ROUNDTABLE_PUBLIC_URL": base,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        # No live demo mission (Anna and Mike in a meeting now) unless a test starts a server that wants it.
        "ROUNDTABLE_DEMO_LIVE": "off",
        # Nor reminders (mails and notices at some hours of the day, among what tests count; tests/support/procs.py).
        "ROUNDTABLE_REMINDERS": "off",
        **extra_env,
    })
    cli = Path(sys.executable).parent / "roundtable"
    assert cli.exists(), f"{cli} is missing: pip install -e '.[test]'"
    subprocess.run([str(cli), "demo", "--no-links"], env=env, cwd=workdir, check=True, capture_output=True,
                   timeout=120)
    log_path = workdir / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([str(cli), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited ({proc.returncode}):\n{log_path.read_text()}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer /healthz:\n{log_path.read_text()}", pytrace=False)
            time.sleep(0.2)
        yield Server(base, env, cli, workdir)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with start_server(tmp_path_factory.mktemp("roundtable-browser")) as started:
        yield started


# Per module, not per session: Playwright's sync API keeps an event loop running in the main thread while it is
# open, which would break every asyncio test that pytest runs after the browser tests.
@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@dataclass
class Browsers:
    """Opens browser contexts, each in its own fresh Chromium user-data dir."""

    playwright: Any
    base: str
    root: Path
    _counter: Iterator[int] = field(default_factory=itertools.count)
    _open: list[Any] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def new(self, **options: Any) -> Any:
        options.setdefault("locale", "en-GB")
        options.setdefault("timezone_id", "Europe/Amsterdam")
        options.setdefault("viewport", DESKTOP)
        profile = self.root / f"profile-{next(self._counter)}"
        context = self.playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, **options,
        )
        context.set_default_timeout(15_000)

        def guard(route: Any) -> None:
            url: str = route.request.url
            if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
                route.continue_()
            else:
                self.foreign.append(url)
                route.abort()

        context.route("**/*", guard)

        def watch(page: Any) -> None:
            page.on("pageerror", lambda exc: self.page_errors.append(f"{page.url}: {exc}"))

        for page in context.pages:
            watch(page)
        context.on("page", watch)
        self._open.append(context)
        return context

    def close(self) -> None:
        for context in self._open:
            with contextlib.suppress(Exception):
                context.close()
        self._open.clear()


@pytest.fixture
def browsers(playwright_instance: Any, server: Server, tmp_path: Path) -> Iterator[Browsers]:
    b = Browsers(playwright_instance, server.base, tmp_path)
    try:
        yield b
    finally:
        b.close()
    assert not b.foreign, f"the browser tried to reach other hosts: {b.foreign}"
    assert not b.page_errors, f"uncaught errors in the page: {b.page_errors}"


@pytest.fixture
def sign_in(server: Server) -> Callable[[Any, str], Any]:
    """Open a fresh page in `context` signed in as `email` via a printed link; it lands on mission 1."""
    from playwright.sync_api import expect

    def do(context: Any, email: str) -> Any:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(server.sign_in_link(email))
        button = page.get_by_role("button", name="Continue as")
        expect(button).to_be_visible()
        button.click()
        page.wait_for_url(f"{server.base}/m/1")
        expect(page.locator(".programme .item").first).to_be_visible()
        return page

    return do
