"""Every permission decision is made in rooms/policy.py (README, docs/architecture.md): a refusal (`NotAllowed`) is
built nowhere else. Read with `ast`, so a refusal built by another name for the class cannot slip past."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import rooms

ROOT = Path(rooms.__file__).parent.parent
POLICY = "rooms/policy.py"
ERRORS = "rooms/core/errors.py"  # where the class is defined


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for package in ("rooms", "server", "signaling"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(path))


def _named(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "NotAllowed") or (
        isinstance(node, ast.Attribute) and node.attr == "NotAllowed")


def _builds_refusal(node: ast.AST) -> bool:
    """A NotAllowed built, or another name for it made (an alias, a subclass) that could build one."""
    match node:
        case ast.Call(func=func):
            return _named(func)
        case ast.ClassDef(bases=bases):
            return any(_named(base) for base in bases)
        case ast.ImportFrom(names=names):
            return any(a.name == "NotAllowed" and a.asname not in (None, "NotAllowed") for a in names)
        case ast.Assign(value=value) | ast.AnnAssign(value=ast.expr() as value):
            return _named(value)
    return False


def _refusals_built(tree: ast.Module) -> list[int]:
    return sorted(node.lineno for node in ast.walk(tree) if _builds_refusal(node)
                  and isinstance(node, ast.stmt | ast.expr))


def test_only_the_policy_refuses() -> None:
    outside = [f"{path}:{line}" for path, tree in _modules() if path not in (POLICY, ERRORS)
               for line in _refusals_built(tree)]
    assert outside == []


def test_the_policy_does_refuse() -> None:
    # The check above must see what it looks for: the policy builds refusals, by each way the check knows.
    trees = dict(_modules())
    assert _refusals_built(trees[POLICY])
    sample = ast.parse("from rooms.core.errors import NotAllowed as No\nclass Mine(errors.NotAllowed): pass\n"
                       "refuse = NotAllowed\nraise errors.NotAllowed(code='x', message='y')\n")
    assert _refusals_built(sample) == [1, 2, 3, 4]
