"""Shared fixtures: real databases (SQLite file, PostgreSQL), the in-memory store, and an app client.

A test marked `postgres` never skips: without a reachable PostgreSQL it fails and says what to install.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from rooms.catalog import Store
from tests.support.world import World, make_world

POSTGRES_ADMIN_URL = os.environ.get(
    "ROUNDTABLE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def _postgres_missing(exc: BaseException) -> NoReturn:
    pytest.fail(
        f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} ({exc!r}). Start it "
        "(Debian: apt-get install postgresql; pg_ctlcluster 15 main start) or point "
        "ROUNDTABLE_TEST_POSTGRES_URL at one.",
        pytrace=False,
    )


def _fresh_postgres_database() -> Iterator[str]:
    from server.db.admin import create_database, drop_database

    name = f"roundtable_test_{secrets.token_hex(4)}"
    try:
        url = create_database(POSTGRES_ADMIN_URL, name)
    except OSError as exc:
        _postgres_missing(exc)
    try:
        yield url
    finally:
        drop_database(POSTGRES_ADMIN_URL, name)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (migrated by `postgres_url`), dropped afterwards."""
    yield from _fresh_postgres_database()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database that no migration has touched, of each kind."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'blank.db'}"
    url: str = request.getfixturevalue("postgres_blank_url")
    return url


@pytest.fixture
def postgres_blank_url() -> Iterator[str]:
    """A PostgreSQL database of this test's own, empty and never migrated, dropped afterwards: for tests that
    run migrations themselves without disturbing the session's database."""
    yield from _fresh_postgres_database()


@pytest.fixture
def postgres_url(postgres_database: str) -> str:
    """The session's PostgreSQL database, migrated and emptied for this test."""
    import asyncio
    import concurrent.futures

    from server.db.migrate import upgrade
    from server.db.store_sql import SqlStore

    upgrade(postgres_database)

    async def empty() -> None:
        store = await SqlStore.open(postgres_database)
        try:
            await store.truncate_all()
        finally:
            await store.close()

    # In a thread of its own: async fixtures request this one while their event loop runs.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, empty()).result()
    return postgres_database


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'roundtable.db'}"


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Every implementation of the Store port, each fresh and empty."""
    kind: str = request.param
    if kind == "memory":
        from rooms.catalog import MemoryStore

        yield MemoryStore()
        return
    from server.db.migrate import upgrade
    from server.db.store_sql import SqlStore

    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"
        upgrade(url)
    else:
        url = request.getfixturevalue("postgres_url")
    sql = await SqlStore.open(url)
    try:
        yield sql
    finally:
        await sql.close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    yield from make_world(tmp_path)
