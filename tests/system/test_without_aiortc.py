"""Without aiortc (the optional extra `relay`) and without Janus, the server starts, serves, and a webinar's stage
says its media is unavailable (`stage-media-missing`) instead of failing.

The server runs as a real process whose `sitecustomize` makes `import aiortc` (and PyAV) fail, as on an install
without the extra: the test's own environment keeps aiortc for the other tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.support.procs import env_for, roundtable, serving
from tests.support.wsclient import Client, mint_tokens

BLOCKER = '''
import importlib.abc
import sys


class _WithoutRelayExtra(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("aiortc", "av"):
            raise ModuleNotFoundError(f"No module named {name!r} (hidden by tests/test_without_aiortc.py)", name=name)
        return None


sys.meta_path.insert(0, _WithoutRelayExtra())
'''


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A seeded demo whose processes cannot import aiortc; Janus is off (env_for), so the stage has no media."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER)
    env = env_for(tmp_path / "var", PYTHONPATH=str(site))
    blocked = subprocess.run([sys.executable, "-c", "import aiortc"], env=env, capture_output=True, text=True,
                             check=False)
    assert blocked.returncode != 0 and "hidden by tests/test_without_aiortc.py" in blocked.stderr, blocked
    roundtable(env, "demo", "--no-links")
    return env


async def _reply(client: Client, rid: str) -> dict[str, Any]:
    while True:
        frame = await client.expect("ack", "error", "stage-offer", timeout=15)
        if frame.get("id") == rid:
            return frame


async def test_the_server_serves_without_aiortc_and_the_stage_says_its_media_is_missing(
        env: dict[str, str], tmp_path: Path) -> None:
    tokens = mint_tokens(env, {"host": "host@roundtable.example"})
    with serving(env, tmp_path) as server:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {tokens['host']}"}) as http:
            assert http.get("/readyz").status_code == 200
            page = http.get("/")
            assert page.status_code == 200 and "<html" in page.text.lower()
            items = http.get("/api/missions/1/programme").json()
        webinar = next(i["id"] for i in items if i["kind"] == "webinar")

        host = await Client.open(server.url, tokens["host"])
        try:
            room = f"webinar:{webinar}"
            await host.join(room)
            snapshot = await host.expect("webinar")
            assert snapshot["media"] == "none"
            # The host may watch before the start: refused for want of media, with the code docs/errors.md gives.
            refused = await _reply(host, await host.request({"type": "stage-watch", "room": room}))
            assert refused["type"] == "error" and refused["code"] == "stage-media-missing", refused
            assert "roundtable[relay]" in refused["message"]
            # Everything else in the room works: a question goes through.
            asked = await _reply(host, await host.request({"type": "ask", "room": room, "text": "Works?",
                                                           "key": "q1"}))
            assert asked["type"] == "ack", asked
        finally:
            await host.close()
        assert "stage media: none" in server.log.read_text()
