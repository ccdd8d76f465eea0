"""Every error code the server can send, found in its source, and the codes the documents name.

Codes are read with `ast`, not imported: every `.py` under rooms/, server/ and signaling/, walked recursively, and
names matched by name alone, so moving modules between packages changes nothing here. An *error constructor* is a
function, method or class with "error" in its name, or a class deriving (by name, transitively) from one or from
`Exception`, whose signature has a parameter named `code` (for a class without `__init__`: a field named `code`,
or its base's signature; a class whose own `__init__` takes no `code` fixes it in its `super().__init__` call).
A code is

- a string literal given for `code` in a call of an error constructor (positionally or as `code=`, both arms of
  `a if c else b`, `super().__init__(...)` included), or an f-string there (kept as a pattern);
- the string default of such a parameter (`NotAllowed(message, code="not-allowed")`);
- a string literal in a value assigned to a variable named `code`, or a value of a `*_CODES` dict (the HTTP and
  validation mappings in server/api/errors.py).

Anything else given for `code` must be a pass-through (a parameter of the enclosing function, a variable named
`code`, or `x.code` of an error being re-raised); a `code` annotated `int` is Janus's own, which never reaches a
client. `unresolved` lists what is none of these, so a new way of building errors cannot slip past.

    python -m tests.support.error_codes    # every code with where it is built; undocumented ones marked !
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("rooms", "server", "signaling")
DOCS = ROOT / "docs"
CONTRACT = DOCS / "protocol.md"


@dataclass(frozen=True)
class Signature:
    index: int | None  # position of `code` among the positional arguments (self excluded), None: keyword only
    default: str | None


@dataclass
class Found:
    codes: dict[str, list[str]] = field(default_factory=dict)  # code -> ["path:line", ...]
    patterns: dict[str, list[str]] = field(default_factory=dict)  # regex of an f-string code -> ["path:line", ...]
    unresolved: list[str] = field(default_factory=list)

    def add(self, code: str, where: str) -> None:
        self.codes.setdefault(code, []).append(where)


Signatures = dict[str, set[Signature]]  # by name: names are not unique across modules (two ErrorBody structs)


def source_files(root: Path = ROOT) -> Iterator[tuple[str, ast.Module]]:
    for package in SOURCES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            rel = path.relative_to(root).as_posix()
            yield rel, ast.parse(path.read_text(encoding="utf-8"), rel)


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _numeric(annotation: ast.expr | None) -> bool:
    # Janus's errors carry its numeric codes, which stay between the server and Janus.
    return isinstance(annotation, ast.Name) and annotation.id == "int"


def _signature(fn: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> Signature | None:
    if any(a.arg == "code" and _numeric(a.annotation) for a in [*fn.args.posonlyargs, *fn.args.args,
                                                                   *fn.args.kwonlyargs]):
        return None
    positional = [*fn.args.posonlyargs, *fn.args.args]
    if method and positional:
        positional = positional[1:]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(fn.args.defaults)) + list(fn.args.defaults)
    for i, arg in enumerate(positional):
        if arg.arg == "code":
            return Signature(i, _literal(defaults[i]))
    for arg, default in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True):
        if arg.arg == "code":
            return Signature(None, _literal(default))
    return None


def _errorish(name: str) -> bool:
    return "error" in name.lower()


def _base_names(cls: ast.ClassDef) -> list[str]:
    return [b.id if isinstance(b, ast.Name) else b.attr for b in cls.bases if isinstance(b, ast.Name | ast.Attribute)]


def _init(cls: ast.ClassDef) -> ast.FunctionDef | None:
    return next((i for i in cls.body if isinstance(i, ast.FunctionDef) and i.name == "__init__"), None)


def _fields(cls: ast.ClassDef) -> list[str]:
    return [i.target.id for i in cls.body if isinstance(i, ast.AnnAssign) and isinstance(i.target, ast.Name)
            and not (i.target.id == "code" and _numeric(i.annotation))]


def signatures(modules: list[tuple[str, ast.Module]]) -> tuple[Signatures, dict[str, list[str]]]:
    """Error constructors by name (functions, methods, classes), and every class's base names."""
    found: Signatures = {}
    classes: dict[str, list[ast.ClassDef]] = {}
    for _, module in modules:
        methods = {id(f) for c in ast.walk(module) if isinstance(c, ast.ClassDef) for f in c.body}
        for node in ast.walk(module):
            if isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, []).append(node)
            elif (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name != "__init__"
                  and _errorish(node.name)):
                sig = _signature(node, method=id(node) in methods)
                if sig is not None:
                    found.setdefault(node.name, set()).add(sig)
    bases = {name: [b for c in defs for b in _base_names(c)] for name, defs in classes.items()}

    def is_error(name: str, seen: frozenset[str] = frozenset()) -> bool:
        if _errorish(name) or name in ("Exception", "BaseException"):
            return True
        return any(is_error(b, seen | {name}) for b in bases.get(name, []) if b not in seen)

    # A class without __init__ of its own and without a `code` field takes its bases' signatures.
    own: dict[str, set[Signature]] = {}
    inherits: dict[str, list[str]] = {}
    for name, defs in classes.items():
        if not is_error(name):
            continue
        for cls in defs:
            init = _init(cls)
            fields = _fields(cls)
            if init is not None:
                sig = _signature(init, method=True)
            elif "code" in fields:
                sig = Signature(fields.index("code"), None)
            else:
                inherits.setdefault(name, []).extend(_base_names(cls))
                continue
            if sig is not None:
                own.setdefault(name, set()).add(sig)
    changed = True
    while changed:
        changed = False
        for name, parents in inherits.items():
            for parent in parents:
                extra = own.get(parent, set()) - own.get(name, set())
                if extra:
                    own.setdefault(name, set()).update(extra)
                    changed = True
    for name, sigs in own.items():
        found.setdefault(name, set()).update(sigs)
    return found, bases


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _is_super_init(call: ast.Call) -> bool:
    f = call.func
    return (isinstance(f, ast.Attribute) and f.attr == "__init__" and isinstance(f.value, ast.Call)
            and isinstance(f.value.func, ast.Name) and f.value.func.id == "super")


def _pattern(node: ast.JoinedStr) -> str:
    parts = [re.escape(str(v.value)) if isinstance(v, ast.Constant) else "[a-z0-9-]+" for v in node.values]
    return "".join(parts)


class _Collector(ast.NodeVisitor):
    def __init__(self, path: str, sigs: Signatures, bases: dict[str, list[str]], out: Found) -> None:
        self.path, self.sigs, self.bases, self.out = path, sigs, bases, out
        self.classes: list[str] = []
        self.params: list[set[str]] = [set()]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        a = node.args
        names = {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]}
        self.params.append(self.params[-1] | names)
        self.generic_visit(node)
        self.params.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_Assign(self, node: ast.Assign) -> None:
        where = f"{self.path}:{node.lineno}"
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == "code":
                for sub in ast.walk(node.value):
                    if isinstance(sub, ast.Constant) and (code := _literal(sub)):
                        self.out.add(code, where)
            if isinstance(target, ast.Name) and target.id.endswith("_CODES") and isinstance(node.value, ast.Dict):
                for value in node.value.values:
                    if code := _literal(value):
                        self.out.add(code, where)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        for sig in self._signatures_of(node):
            arg = next((k.value for k in node.keywords if k.arg == "code"), None)
            if arg is None and sig.index is not None and sig.index < len(node.args):
                if any(isinstance(a, ast.Starred) for a in node.args[: sig.index + 1]):
                    continue  # `f(*describe_validation(exc))`: the codes are collected where they are assigned
                arg = node.args[sig.index]
            if arg is None:
                if sig.default is not None:
                    self.out.add(sig.default, f"{self.path}:{node.lineno}")
            else:
                self._argument(arg, node.lineno)
        self.generic_visit(node)

    def _signatures_of(self, node: ast.Call) -> set[Signature]:
        if _is_super_init(node) and self.classes:
            return {s for b in self.bases.get(self.classes[-1], []) for s in self.sigs.get(b, set())}
        name = _callee(node)
        return self.sigs.get(name, set()) if name is not None else set()

    def _argument(self, arg: ast.expr, line: int) -> None:
        where = f"{self.path}:{line}"
        if (code := _literal(arg)) is not None:
            self.out.add(code, where)
        elif isinstance(arg, ast.JoinedStr):
            self.out.patterns.setdefault(_pattern(arg), []).append(where)
        elif isinstance(arg, ast.IfExp):
            self._argument(arg.body, line)
            self._argument(arg.orelse, line)
        elif isinstance(arg, ast.Constant) and isinstance(arg.value, int):
            pass  # a number is never a code of ours: a call of a same-named class elsewhere (Janus's ErrorBody)
        elif isinstance(arg, ast.Name) and (arg.id in self.params[-1] or arg.id == "code"):
            pass  # handed on from the caller, or assigned from literals (collected there)
        elif isinstance(arg, ast.Attribute) and arg.attr == "code":
            pass  # another error's code, passed on
        else:
            self.out.unresolved.append(f"{where}: {ast.unparse(arg)}")


def server_codes(root: Path = ROOT) -> Found:
    modules = list(source_files(root))
    sigs, bases = signatures(modules)
    found = Found()
    for path, module in modules:
        _Collector(path, sigs, bases, found).visit(module)
    return found


_LINK = re.compile(r"\]\(([A-Za-z0-9_./-]+\.md)(?:#[^)]*)?\)")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def documents(start: Path = CONTRACT) -> list[Path]:
    """docs/protocol.md and every document under docs/ it links to, directly or through another."""
    seen: list[Path] = []
    todo = [start.resolve()]
    while todo:
        doc = todo.pop()
        if doc in seen or not doc.is_file() or DOCS.resolve() not in doc.parents:
            continue
        seen.append(doc)
        todo.extend((doc.parent / link).resolve() for link in _LINK.findall(doc.read_text(encoding="utf-8")))
    return seen


def documented_codes(start: Path = CONTRACT) -> set[str]:
    """Every `code span` in the documents: a code counts as documented where it is written as code."""
    spans: set[str] = set()
    for doc in documents(start):
        for span in _CODE_SPAN.findall(doc.read_text(encoding="utf-8")):
            spans.update(p.strip() for p in span.split(","))
    return spans


def main() -> int:
    found = server_codes()
    documented = documented_codes()
    for code in sorted(found.codes):
        mark = " " if code in documented else "!"
        print(f"{mark} {code:32} {', '.join(found.codes[code])}")
    for pattern in sorted(found.patterns):
        mark = " " if any(re.fullmatch(pattern, c) for c in documented) else "!"
        print(f"{mark} /{pattern}/ {', '.join(found.patterns[pattern])}")
    for line in found.unresolved:
        print(f"? {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
