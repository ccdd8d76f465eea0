"""docs/deployment.md, docker-compose.yml and docker/ say the same thing, and the code reads what they set."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, dict[str, dict[str, object]]]:
    loaded: dict[str, dict[str, dict[str, object]]] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_janus_and_every_node_share_the_recordings_directory_at_the_nodes_var_path() -> None:
    var_dir = re.search(r"ROUNDTABLE_VAR_DIR=(\S+)", (ROOT / "Dockerfile").read_text())
    assert var_dir is not None
    services = _compose()["services"]
    mount = f"recordings:{var_dir[1]}/recordings"
    # The nodes: the services that run the image's own command (`roundtable serve`), not a one-off like migrate.
    nodes = [name for name, spec in services.items()
             if "ROUNDTABLE_JANUS_URL" in spec.get("environment", {}) and "command" not in spec]  # type: ignore[operator]
    assert {"app1", "app2"} <= set(nodes)
    for name in [*nodes, "janus"]:
        assert mount in services[name]["volumes"], name  # type: ignore[operator]
    assert "recordings" in _compose()["volumes"]


def test_the_published_janus_ports_are_its_configured_rtp_range_and_the_doc_says_so() -> None:
    configured = re.search(r'rtp_port_range = "(\d+)-(\d+)"', (ROOT / "docker/janus/janus.jcfg").read_text())
    assert configured is not None
    low, high = configured.groups()
    assert f"{low}-{high}:{low}-{high}/udp" in _compose()["services"]["janus"]["ports"]  # type: ignore[operator]
    assert f"{low}–{high}" in (ROOT / "docs/deployment.md").read_text()


def test_every_setting_the_deployment_doc_names_is_read_by_the_code() -> None:
    code = "\n".join(p.read_text() for d in ("server", "signaling") for p in (ROOT / d).rglob("*.py"))
    named = set(re.findall(r"ROUNDTABLE_[A-Z0-9_]+", (ROOT / "docs/deployment.md").read_text()))
    assert named, "the doc names no setting"
    assert sorted(n for n in named if not re.search(rf"\b{n}\b", code)) == []
