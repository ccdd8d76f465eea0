"""A removed message leaves no copy in the SQLite file (issue 12): the log overwrites it with its tombstone, and
`secure_delete` zeroes what the rewrite frees. Checked on the bytes of the database after a checkpoint."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from rooms.core.cards import Author
from rooms.lobby.events import ChatPosted
from server.db.migrate import upgrade
from server.db.store_sql import SqlStore

pytestmark = pytest.mark.security

NOW = dt.datetime(2026, 6, 15, 16, 0, tzinfo=dt.UTC)
SECRET = "TOPSECRET-removed-by-a-moderator"


async def test_the_sqlite_file_keeps_no_copy_of_a_removed_message(tmp_path: Path) -> None:
    path = tmp_path / "roundtable.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    store = await SqlStore.open(url)
    try:
        author = Author(1, "Anna de Vries", "Voltera")
        for i in range(30):  # neighbours on the same pages, long enough to make the rewrite shrink the cell
            await store.append([("lobby:1", ChatPosted(author, f"message {i} " * 30))], 1, None, NOW)
        [(removed, _)] = await store.append([("lobby:1", ChatPosted(author, SECRET * 20))], 1, None, NOW)
        await store.append([("lobby:1", ChatPosted(author, "after"))], 1, None, NOW)
        assert await store.mark_removed("lobby:1", removed.seq)
    finally:
        await store.close()
    files = _checkpointed(path)
    assert files and all(SECRET.encode() not in data for data in files)


def _checkpointed(path: Path) -> list[bytes]:
    """The bytes of the database and its WAL, once the WAL is written back."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return [p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name)]
