"""Nodes starting together migrate once (issue 16, "Lifecycle"): several `roundtable db upgrade` processes started at
the same instant on one blank database — PostgreSQL (an advisory lock) and SQLite (a lock file) — all succeed, and
the database ends at head with every table, as one process alone would leave it."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text

from server.db.engine import create_engine
from server.db.migrate import current_heads
from server.db.models import Base
from tests.support.procs import BIN, env_for

NODES = 4


async def _state(url: str) -> tuple[list[str], set[str]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as c:
            versions = [row[0] for row in (await c.execute(text("SELECT version_num FROM alembic_version"))).all()]
            tables = set(await c.run_sync(lambda sync: inspect(sync).get_table_names()))
            return versions, tables
    finally:
        await engine.dispose()


def test_nodes_starting_together_migrate_once(blank_url: str, tmp_path: Path) -> None:
    env = env_for(tmp_path / "var", blank_url)
    procs = [subprocess.Popen([str(BIN / "roundtable"), "db", "upgrade"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(NODES)]
    outputs = [p.communicate(timeout=180)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * NODES, "\n---\n".join(outputs)
    versions, tables = asyncio.run(_state(blank_url))
    assert versions == list(current_heads())
    assert set(Base.metadata.tables) <= tables
