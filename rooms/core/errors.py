"""Domain errors: a stable code, a human message, optionally the offending field.

Adapters map the kind onto their own vocabulary (HTTP status, WebSocket error frame). Each context lists the codes
it owns with what they mean (its `errors.py`, CODES); rooms.catalog.ERROR_CODES is all of them, each once.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar


class ErrorKind(enum.Enum):
    INVALID = "invalid"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"
    GONE = "gone"
    UNAVAILABLE = "unavailable"


class DomainError(Exception):
    """Every domain error takes the same keyword-only arguments: a stable `code` (registered, with its meaning,
    in the CODES of the context that owns it; rooms.catalog.ERROR_CODES gathers them), a human `message`, and
    optionally the offending `field`."""

    kind: ClassVar[ErrorKind] = ErrorKind.INVALID

    def __init__(self, *, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class Invalid(DomainError):
    kind = ErrorKind.INVALID


class NotAllowed(DomainError):
    kind = ErrorKind.FORBIDDEN


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT


class Gone(DomainError):
    kind = ErrorKind.GONE


class Unavailable(DomainError):
    """Something the request needs (the database) cannot be reached just now. Not a refusal: the same request may
    succeed in a moment, and a write retried with its idempotency key is stored once whatever became of the first
    attempt. Raised by adapters (server/db/outage.py), never decided by the domain."""

    kind = ErrorKind.UNAVAILABLE


def codebook(*tables: Mapping[str, str]) -> Mapping[str, str]:
    """One table of every error code and its meaning, from each context's CODES; a code belongs to one context."""
    merged: dict[str, str] = {}
    for table in tables:
        if twice := sorted(set(merged) & set(table)):
            raise ValueError(f"error codes registered twice: {', '.join(twice)}")
        merged.update(table)
    return MappingProxyType(merged)


# Codes more than one context raises, about things the core owns (rooms, time, refusals in general).
CODES: Mapping[str, str] = {
    "bad-room": "The room named does not exist, or this request does not apply to that kind of room.",
    "invalid-timezone": "Not an IANA time zone name.",
    "naive-datetime": "A time without a UTC offset.",
    "not-allowed": "The policy refuses this action to this person.",
    "to-self": "The action needs another person than the one asking (a message, a meeting, a connect).",
    "too-long": "A text is longer than its field allows.",
}
