"""Alembic migrations, run from code (on start and by `roundtable db upgrade`)."""

from __future__ import annotations

import contextlib
import fcntl
import threading
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).parent / "migrations"
# PostgreSQL's advisory lock key for migrating (server/db/migrations/env.py): any fixed 64-bit number of our own.
MIGRATION_LOCK = 0x526F756E64546162  # "RoundTab"


@contextlib.contextmanager
def _sqlite_lock(url: str) -> Iterator[None]:
    """Several processes starting together on one SQLite file migrate one after the other: SQLite would let two
    read the old version and both create the same table. A lock file beside the database serialises them."""
    parsed = make_url(url)
    database = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Brings the database at `url` up to `revision`.

    Runs in its own thread: the migration environment drives an async engine with asyncio.run, which
    cannot nest inside a caller's running event loop. Safe when several nodes start at once: they take a lock
    (PostgreSQL's advisory lock, a lock file beside a SQLite database) and the later ones find nothing to do."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            with _sqlite_lock(url):
                command.upgrade(alembic_config(url), revision)
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run, name="alembic-upgrade")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def current_heads() -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())



