"""Domain errors have one shape (keyword-only code, message, field) and every code the domain raises is registered
once, with its meaning, by the context that owns it (rooms.catalog.ERROR_CODES)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import rooms
from rooms.catalog import ERROR_CODES
from rooms.core.errors import Conflict, NotFound, codebook

ROOT = Path(rooms.__file__).parent.parent
ERRORS = {"DomainError", "Invalid", "NotAllowed", "NotFound", "Conflict", "Gone", "ApiError", "Unauthenticated"}


def _constructions(*packages: str) -> Iterator[tuple[str, ast.Call]]:
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ERRORS:
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", node


def _codes(call: ast.Call) -> set[str]:
    """The codes a construction may carry: every string constant in its `code=` (a literal, or a choice of them)."""
    code = next(k.value for k in call.keywords if k.arg == "code")
    return {n.value for n in ast.walk(code) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def test_every_error_is_built_with_keywords_only() -> None:
    positional = [where for where, call in _constructions("rooms", "server", "signaling") if call.args]
    assert positional == []


def test_every_code_the_domain_raises_is_registered_and_every_registered_code_is_raised() -> None:
    raised: dict[str, str] = {}
    for where, call in _constructions("rooms"):
        codes = _codes(call)
        assert codes, f"{where}: the code is not a literal"
        raised.update(dict.fromkeys(codes, where))
    assert sorted(set(raised) - set(ERROR_CODES)) == []
    assert sorted(set(ERROR_CODES) - set(raised)) == []
    assert all(meaning.strip() for meaning in ERROR_CODES.values())


def test_a_code_is_registered_once() -> None:
    with pytest.raises(ValueError, match="slot-taken"):
        codebook({"slot-taken": "One of the two is busy."}, {"slot-taken": "Taken."})


def test_the_shape_is_the_same_for_every_kind() -> None:
    missing = NotFound(code="meeting-not-found", message="Meeting not found.")
    taken = Conflict(code="slot-taken", message="Anna already has a meeting at that time.", field="slot")
    assert (missing.code, missing.message, missing.field) == ("meeting-not-found", "Meeting not found.", None)
    assert (taken.code, str(taken), taken.field) == ("slot-taken", "Anna already has a meeting at that time.", "slot")
