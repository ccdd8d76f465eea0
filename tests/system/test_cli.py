"""The `roundtable` command as a newcomer uses it: migrate, seed twice, print links, serve, sign in."""

from __future__ import annotations

import re
import ssl
import subprocess
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.support.certs import self_signed
from tests.support.procs import BIN, env_for, free_port, roundtable, serving

LINK = re.compile(r"(http://\S+/link#t=(\S+))")


def _sign_in(client: httpx.Client, link: str) -> httpx.Response:
    return client.post("/api/auth/link/use", json={"token": link.split("#t=", 1)[1]})


def _flow(tmp_path: Path, database_url: str | None) -> None:
    env = env_for(tmp_path / "var", database_url)
    assert "database at head" in roundtable(env, "db", "upgrade").stdout
    first = roundtable(env, "demo").stdout
    links = LINK.findall(first)
    assert len(links) == 5, first
    second = roundtable(env, "demo").stdout
    assert "already there" in second
    people = re.search(r"; (\d+) people", first)
    assert people and people.group(1) == re.search(r"; (\d+) people", second).group(1)  # type: ignore[union-attr]

    missing = roundtable(env, "login-link", "nobody@nowhere.example", check=False)
    assert missing.returncode == 1 and "nobody" in missing.stderr
    anna = roundtable(env, "login-link", "anna@voltera.example", "--mission", "1").stdout.strip()
    assert LINK.fullmatch(anna)

    with serving(env, tmp_path) as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json()["database"] == "ok"
        assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
        page = client.get("/m/1/directory")
        assert page.status_code == 200 and "/static/" in page.text
        assert page.headers["content-security-policy"].startswith("default-src 'self'")
        assert client.get("/api/me").status_code == 401

        signed = _sign_in(client, anna)
        assert signed.status_code == 200 and signed.json()["mission_id"] == 1
        assert client.get("/api/me").json()["user"]["email"] == "anna@voltera.example"
        assert client.get("/api/missions/1/directory").json()["total"] > 60
        assert _sign_in(client, anna).json()["error"]["code"] == "token-used"

        # A 10 MB body over a real socket: refused early, and the server carries on.
        big = b'{"name": "' + b"x" * (10 * 1024 * 1024) + b'"}'
        r = client.put("/api/me/profile", content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "body-too-large"
        assert client.get("/api/me/profile").json()["name"] == "Anna de Vries"
        # The organiser's printed link works too.
        organiser = next(url for url, _ in links if url)
        with httpx.Client(base_url=server.url) as other:
            assert _sign_in(other, organiser).json()["user"]["email"] == "organiser@roundtable.example"


def test_newcomer_flow_on_sqlite(tmp_path: Path) -> None:
    _flow(tmp_path, None)
    assert (tmp_path / "var" / "roundtable.db").exists()
    assert (tmp_path / "var" / "secret_key").exists() is False  # the test passes ROUNDTABLE_SECRET_KEY


@pytest.mark.postgres
def test_newcomer_flow_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    _flow(tmp_path, postgres_url)


def test_secret_key_is_generated_once_and_private(tmp_path: Path) -> None:
    env = env_for(tmp_path / "var")
    del env["ROUNDTABLE_SECRET_KEY"]
    roundtable(env, "db", "upgrade")
    key_file = tmp_path / "var" / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 40 and key_file.stat().st_mode & 0o077 == 0
    roundtable(env, "db", "upgrade")
    assert key_file.read_text() == key


def test_login_link_points_at_the_running_server(tmp_path: Path) -> None:
    """A server on another port than 8000: the printed link follows it (its address is recorded under var/ while
    it runs), `--url` overrides, and once it stopped the default comes back."""
    env = env_for(tmp_path / "var")
    roundtable(env, "demo", "--no-links")
    port = free_port()
    env_serving = {k: v for k, v in env.items() if k != "ROUNDTABLE_PUBLIC_URL"}
    with serving(env_serving, tmp_path, port=port) as server:
        printed = roundtable(env, "login-link", "anna@voltera.example").stdout.strip()
        assert printed.startswith(f"http://127.0.0.1:{port}/link#t="), printed
        assert printed.startswith(server.url)
        # With the live mission (on unless ROUNDTABLE_DEMO_LIVE=off, as tests set it): its links land there.
        demo = roundtable({**env, "ROUNDTABLE_DEMO_LIVE": "on"}, "demo").stdout
        links = LINK.findall(demo)
        assert len(links) == 5 and all(url.startswith(server.url) for url, _ in links), demo
        live = re.search(r"live demo mission (\d+) ", demo)
        assert live and "webinar" in demo and "networking" in demo and "Anna and Mike's 1:1" in demo, demo
        with httpx.Client(base_url=server.url) as client:
            assert _sign_in(client, printed).status_code == 200
        with httpx.Client(base_url=server.url) as client:
            anna = links[3][0]  # in the order of KEY_PEOPLE: organiser, host, moderator, Anna, Mike
            landed = _sign_in(client, anna).json()
            assert landed["mission_id"] == int(live.group(1)), landed
            programme = client.get(f"/api/missions/{live.group(1)}/programme").json()
            assert {i["kind"] for i in programme} == {"webinar", "networking", "matchmaking"}
            assert len(client.get(f"/api/missions/{live.group(1)}/meetings").json()) == 1
        chosen = roundtable(env, "login-link", "anna@voltera.example", "--url", "https://rt.example.org/").stdout
        assert chosen.startswith("https://rt.example.org/link#t="), chosen
    # Stopped (SIGTERM: its record may stay behind, naming a process that is gone): the default comes back.
    after = roundtable(env, "login-link", "anna@voltera.example").stdout
    assert after.startswith("http://127.0.0.1:8000/link#t="), after


def test_serve_speaks_https_with_a_certificate(tmp_path: Path) -> None:
    """Cameras need HTTPS beyond localhost: `serve --ssl-certfile/--ssl-keyfile` serves it, and links say https."""
    env = env_for(tmp_path / "var")
    roundtable(env, "demo", "--no-links")
    cert, key = self_signed(tmp_path)
    half = roundtable(env, "serve", "--ssl-certfile", str(cert), check=False)
    assert half.returncode == 2 and "go together" in half.stderr
    port = free_port()
    log = (tmp_path / "tls.log").open("wb")
    process = subprocess.Popen([str(BIN / "roundtable"), "serve", "--port", str(port), "--ssl-certfile", str(cert),
                                "--ssl-keyfile", str(key)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        with httpx.Client(verify=ssl.create_default_context(cafile=str(cert))) as client:
            while True:
                try:
                    assert client.get(f"https://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
                    break
                except httpx.TransportError:
                    assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "tls.log").read_text()
                    time.sleep(0.2)
        printed = roundtable(env, "login-link", "organiser@roundtable.example").stdout
        assert printed.startswith(f"https://127.0.0.1:{port}/link#t="), printed
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def test_grant_organiser_makes_the_account_and_revokes_but_never_the_last(tmp_path: Path) -> None:
    env = env_for(tmp_path / "var")
    granted = roundtable(env, "grant-organiser", "Cora@Agency.example", "--name", "Cora Colleague").stdout
    assert "cora@agency.example (Cora Colleague) may create missions" in granted
    assert LINK.fullmatch(roundtable(env, "login-link", "cora@agency.example").stdout.strip())
    last = roundtable(env, "grant-organiser", "cora@agency.example", "--revoke", check=False)
    assert last.returncode == 1 and "last person" in last.stderr
    roundtable(env, "grant-organiser", "dirk@agency.example")
    assert "may no longer" in roundtable(env, "grant-organiser", "cora@agency.example", "--revoke").stdout
    nobody = roundtable(env, "grant-organiser", "nobody@agency.example", "--revoke", check=False)
    assert nobody.returncode == 1 and "may not create missions" in nobody.stderr
