"""What a client sends is read here first, the same way for the HTTP API (bodies and query strings) and the
WebSocket (every text frame), before it is decoded into its type and long before a handler, a domain rule or a
database sees it (docs/security.md, "Input").

- JSON nested more than MAX_DEPTH deep is refused as malformed: the decoders recurse, and at about 1,000 levels
  (a 2 KB body) they raise RecursionError instead of a decoding error.
- No text may hold a control character (Unicode category Cc) other than tab, line feed and carriage return: every
  string at any depth, and object keys. PostgreSQL refuses U+0000 in text while SQLite stores it, so the same input
  would be an error on one database and stored on the other; the rest have no business in names, messages or
  questions (they corrupt logs, exports and terminals). Tab and line breaks are allowed in every text, single-line
  fields too: they are harmless there (every page escapes and lays out text itself) and refusing them would only
  break pasted text.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from server.api.errors import ApiError

MAX_DEPTH = 32  # objects and arrays inside each other; our deepest request needs 4

# C0 controls but tab (09), line feed (0A) and carriage return (0D); DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def too_deep() -> ApiError:
    return ApiError(status=400, code="malformed-json",
                    message=f"The JSON is nested more than {MAX_DEPTH} levels deep.")


def parse(data: bytes | str) -> Any:
    """The JSON value in `data`, checked (see the module's doc); an ApiError saying what is wrong otherwise."""
    try:
        value = msgspec.json.decode(data)
    except RecursionError as exc:
        raise too_deep() from exc
    except msgspec.DecodeError as exc:
        raise ApiError(status=400, code="malformed-json", message=f"Not valid JSON: {exc}.") from exc
    check(value)
    return value


def check(value: Any) -> None:
    """Refuses a value nested too deeply or holding a control character; `field` names the top-level field."""
    # A loop and not recursion: the walk itself must not be what a deep value breaks.
    stack: list[tuple[Any, int, str | None]] = [(value, 0, None)]
    while stack:
        item, depth, field = stack.pop()
        if isinstance(item, str):
            if _CONTROL.search(item):
                raise control_character(field)
        elif isinstance(item, dict):
            if depth >= MAX_DEPTH:
                raise too_deep()
            for key, inner in item.items():
                name = key if field is None else field
                if _CONTROL.search(key):
                    raise control_character(field)
                stack.append((inner, depth + 1, name))
        elif isinstance(item, list):
            if depth >= MAX_DEPTH:
                raise too_deep()
            stack.extend((inner, depth + 1, field) for inner in item)


def control_character(field: str | None) -> ApiError:
    where = f" in `{field}`" if field else ""
    return ApiError(status=422, code="control-character", field=field,
                    message=f"Text may not contain control characters{where} (tabs and line breaks are fine).")
