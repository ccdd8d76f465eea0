"""The files a newcomer relies on say what they promise."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_describes_the_scale_out_topology() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"app1", "app2", "postgres", "redis", "lb"} <= set(services)
    env = services["app1"]["environment"]
    assert env["ROUNDTABLE_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert env["ROUNDTABLE_REDIS_URL"].startswith("redis://")
    assert services["app1"]["environment"]["ROUNDTABLE_SECRET_KEY"] == services["app2"]["environment"][
        "ROUNDTABLE_SECRET_KEY"]


def test_readme_gives_the_two_commands_and_ci_runs_make_test() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
