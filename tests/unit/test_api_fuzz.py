"""Property-based fuzzing of every documented endpoint (schemathesis strategies driven by hypothesis):
whatever arrives, never a 5xx, and every error has the documented shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Err, Ok

from tests.support.world import make_world

pytestmark = pytest.mark.security


def test_no_server_errors_and_documented_errors(tmp_path: Path) -> None:
    for world in make_world(tmp_path):
        schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
        auth = world.headers("organiser")
        results = list(schema.get_all_operations())
        broken = [r.err() for r in results if isinstance(r, Err)]
        assert not broken, f"the OpenAPI document has operations schemathesis cannot read: {broken}"
        operations = [r.ok() for r in results if isinstance(r, Ok)]
        assert len(operations) >= 20
        for operation in operations:
            _fuzz(operation, auth)


def _fuzz(operation: Any, auth: dict[str, str]) -> None:
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        case.headers = {**(case.headers or {}), **auth}
        response = case.call()
        label = f"{operation.method.upper()} {operation.path}"
        assert response.status_code < 500, f"{label}: {response.status_code} {response.text}"
        if response.status_code >= 400:
            body = response.json()
            assert set(body) == {"error"}, label
            assert {"code", "message"} <= set(body["error"]), label

    check()
