"""Two real server processes on the demo mission, sharing one PostgreSQL database and a Redis of their own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.procs import Server, env_for, roundtable, serving
from tests.support.services import RedisServer
from tests.support.wsclient import mint_tokens


@dataclass
class Cluster:
    a: Server
    b: Server
    redis: RedisServer  # the nodes' own: a test may kill and restart it
    env: dict[str, str]
    tokens: dict[str, str]  # bearer tokens of `people`, by their short names


@contextmanager
def two_nodes(tmp_path: Path, postgres_url: str, people: dict[str, str]) -> Iterator[Cluster]:
    redis = RedisServer(tmp_path)
    redis.start()
    env = env_for(tmp_path / "var", postgres_url, ROUNDTABLE_REDIS_URL=redis.url)
    roundtable(env, "demo", "--no-links")
    try:
        with serving(env, tmp_path) as a, serving(env, tmp_path) as b:
            yield Cluster(a, b, redis, env, mint_tokens(env, people))
    finally:
        redis.kill()
