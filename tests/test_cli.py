"""The `roundtable` command as a newcomer uses it: migrate, seed twice, print links, serve, sign in."""

from __future__ import annotations

import re
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.procs import env_for, roundtable, serving

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
