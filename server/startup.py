"""Startup waits for its dependencies (issue 16, "Lifecycle"): a node started beside a PostgreSQL or a Redis that is
still coming up (a whole topology started at once, a host rebooting) retries with backoff instead of exiting, and
says what it waits for. `ROUNDTABLE_STARTUP_WAIT` seconds in all (default 120), then it gives up with the error."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import text

from server.db.engine import create_engine, is_sqlite
from server.settings import Settings

log = logging.getLogger("roundtable.startup")

FIRST_PAUSE = 0.2
LONGEST_PAUSE = 5.0


async def _database(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as c:
            await c.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


async def _redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()
    finally:
        await client.aclose()


async def wait_for(what: str, probe: Callable[[], Awaitable[None]], seconds: float) -> None:
    """Runs `probe` until it succeeds, pausing 0.2 s, 0.4 s, … up to 5 s between tries; re-raises its last error
    once `seconds` have passed."""
    deadline = time.monotonic() + seconds
    pause, tries = FIRST_PAUSE, 0
    while True:
        tries += 1
        try:
            await asyncio.wait_for(probe(), timeout=max(1.0, min(10.0, deadline - time.monotonic())))
        except Exception as exc:
            if time.monotonic() + pause > deadline:
                log.error("gave up waiting for %s after %d tries: %s", what, tries, exc)
                raise
            log.warning("waiting for %s (try %d): %s", what, tries, exc or type(exc).__name__)
            await asyncio.sleep(pause)
            pause = min(LONGEST_PAUSE, pause * 2)
        else:
            if tries > 1:
                log.info("%s is up after %d tries", what, tries)
            return


async def wait_for_dependencies(settings: Settings) -> None:
    """The database (not a SQLite file: it is made on the spot) and Redis, when configured."""
    if not is_sqlite(settings.database_url):
        await wait_for("the database", lambda: _database(settings.database_url), settings.startup_wait)
    if settings.redis_url:
        url = settings.redis_url
        await wait_for("Redis", lambda: _redis(url), settings.startup_wait)
