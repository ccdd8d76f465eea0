"""Creating and dropping PostgreSQL databases (tests, first start). Uses asyncpg directly: CREATE DATABASE
cannot run inside a transaction, which SQLAlchemy would open."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re

import asyncpg
from sqlalchemy.engine import make_url

_SAFE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _dsn(url: str, database: str | None = None) -> str:
    u = make_url(url).set(drivername="postgresql")
    if database is not None:
        u = u.set(database=database)
    return u.render_as_string(hide_password=False)


def _run(url: str, sql: str) -> None:
    # A thread of its own, so callers may be inside a running event loop (async test fixtures, benchmarks).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _execute(url, sql)).result()


async def _execute(url: str, sql: str) -> None:
    conn = await asyncpg.connect(_dsn(url), timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_database(admin_url: str, name: str) -> str:
    """Creates database `name` on the server of `admin_url`; returns the SQLAlchemy URL of the new database."""
    if not _SAFE_NAME.match(name):
        raise ValueError(f"unsafe database name {name!r}")
    _run(admin_url, f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    if not _SAFE_NAME.match(name):
        raise ValueError(f"unsafe database name {name!r}")
    _run(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
