"""A real Redis for tests: ROUNDTABLE_TEST_REDIS_URL, by default redis://127.0.0.1:6379/15.

Import the fixtures into a test module (`from tests.support.redis_fixtures import redis_prefix, redis_url`). A test that
uses them never skips: without a reachable Redis it fails and says what to install.

The server may be shared (a developer's, CI's): nothing here flushes anything. Each test gets a random key and
channel prefix of its own (`rt:test:<hex>:`) and only the keys under it are deleted afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import NoReturn

import pytest
import redis

REDIS_URL = os.environ.get("ROUNDTABLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_missing(url: str, exc: BaseException) -> NoReturn:
    pytest.fail(
        f"Redis is not reachable at {url} ({type(exc).__name__}: {exc}). Install and start redis-server "
        "(Debian: apt-get install redis-server; service redis-server start) or point "
        "ROUNDTABLE_TEST_REDIS_URL at one.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis, checked reachable."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        redis_missing(REDIS_URL, exc)
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key and channel prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"rt:test:{secrets.token_hex(6)}:"
    yield prefix
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
