"""The files a newcomer relies on say what they promise."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


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


def test_the_wheel_ships_the_server_without_test_support(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys
    import zipfile

    # Built from a copy: setuptools leaves build/ behind, and files it kept there from an older layout would ship.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("rooms", "server", "signaling", "tests"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "-w", str(tmp_path / "dist"), "--no-deps",
                    "-q"], check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("roundtable-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"rooms", "server", "signaling"}, top
    assert "signaling/stage_relay.py" in names and "server/db/migrations/versions/0001_initial_schema.py" in names
    assert not [n for n in names if "testpeer" in n]
    metadata = next(zipfile.ZipFile(wheel).read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    # aiortc only with the extra `relay`.
    assert [line for line in metadata.splitlines() if line.startswith("Requires-Dist: aiortc")] == [
        'Requires-Dist: aiortc>=1.9; extra == "relay"']
