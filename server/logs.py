"""Logging: one JSON object per line for machines, the short human format on a terminal; secrets never written.

`ROUNDTABLE_LOG_FORMAT=json|text` chooses; unset, JSON unless stderr is a terminal (`make run` stays readable).
Every record carries the ids bound in its task (`bind`): the HTTP request, the WebSocket connection and its user,
the room being joined. Before a record is written, anything that looks like a credential is replaced by `[redacted]`:
sign-in links (`/link#t=…`, `?t=…`), `token=`/`password=` pairs, bearer tokens and cookies (docs/operations.md).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import os
import re
import sys
from typing import Any

# The ids of what the current task is doing; an asyncio task copies the context it was created in.
_bound: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("roundtable_log_ids", default=None)

REDACTED = "[redacted]"
_SECRETS = [
    # a sign-in link's fragment or query (`/link#t=…`, `?t=…`, `&t=…`) and named secrets in query strings or text
    re.compile(r"(?i)([#?&;](?:t|token|key|secret|password|code)=)[^&#\s\"']+"),
    re.compile(r"(?i)((?:password|passwd|secret|token|session|cookie)[\"']?\s*[:=]\s*[\"']?)[^\s\"',;&}]+"),
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic)?\s*)[^\s\"',;}]+"),
    re.compile(r"(?i)(bearer[ .])[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)((?:set-)?cookie[\"']?\s*[:=]\s*[\"']?)[^\"'\n]+"),
    # credentials inside a URL: scheme://user:password@host
    re.compile(r"(\w+://[^/\s:@]+:)[^@\s/]+(@)"),
]


def scrub(text: str) -> str:
    """`text` with every credential it seems to hold replaced by `[redacted]`."""
    for pattern in _SECRETS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED + (m.group(2) if m.re.groups > 1 else ""), text)
    return text


def bind(**ids: Any) -> None:
    """Adds ids (request, conn, user, room) to every record logged from this task and the tasks it starts."""
    _bound.set({**(_bound.get() or {}), **ids})


def bound() -> dict[str, Any]:
    return dict(_bound.get() or {})


class ContextIds(logging.Filter):
    """Copies the task's bound ids onto the record (fields passed with `extra=` win)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_bound.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


# The record's own attributes, and uvicorn's coloured duplicate of the message: not fields of the event.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName",
                                                                        "color_message"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, then the record's ids and extras,
    then `exception` with the traceback; every string scrubbed."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                event[key] = scrub(value) if isinstance(value, str) else value
        if record.exc_info:
            event["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(event, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The short human format, scrubbed as well."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def log_format(environ: dict[str, str] | None = None, stream: Any = None) -> str:
    env = os.environ if environ is None else environ
    chosen = env.get("ROUNDTABLE_LOG_FORMAT", "").strip().lower()
    if chosen in ("json", "text"):
        return chosen
    stream = sys.stderr if stream is None else stream
    return "text" if getattr(stream, "isatty", lambda: False)() else "json"


def configure(level: int = logging.INFO, fmt: str | None = None) -> str:
    """Sends every logger (ours, uvicorn's, the libraries') through one handler on stderr; returns the format."""
    fmt = fmt or log_format()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(ContextIds())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn's own handlers would print around ours: its records go through the root's handler instead.
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    return fmt
