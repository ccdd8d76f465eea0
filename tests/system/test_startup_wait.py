"""A node waits for its dependencies (issue 16, "Lifecycle"; server/startup.py): started while nothing listens where
its PostgreSQL should be, it retries with backoff, says what it waits for, and comes up by itself once the database
appears (here a forwarder to the machine's PostgreSQL, opened a few seconds later) — migrating it and serving."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy.engine import make_url

from tests.support.forwarder import Forwarder
from tests.support.procs import env_for, free_port, serving

pytestmark = pytest.mark.postgres

LATE = 3.0  # seconds before the database appears


def test_a_node_waits_for_its_database(postgres_blank_url: str, tmp_path: Path) -> None:
    url = make_url(postgres_blank_url)
    port = free_port()
    env = env_for(tmp_path / "var", url.set(host="127.0.0.1", port=port).render_as_string(False))
    forwarders: list[Forwarder] = []
    timer = threading.Timer(LATE, lambda: forwarders.append(Forwarder(url.host or "127.0.0.1", url.port or 5432,
                                                                      listen_port=port)))
    timer.start()
    try:
        with serving(env, tmp_path) as server:
            assert forwarders, "the server answered before its database existed"
            ready = httpx.get(f"{server.url}/readyz")
            assert ready.status_code == 200, ready.text
            log = server.log.read_text()
            assert "waiting for the database" in log, log[-2000:]
    finally:
        timer.cancel()
        for f in forwarders:
            f.close()
