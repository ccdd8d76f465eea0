"""Domain errors: a stable code, a human message, optionally the offending field.

Adapters map the kind onto their own vocabulary (HTTP status, WebSocket error frame).
"""

from __future__ import annotations

import enum


class ErrorKind(enum.Enum):
    INVALID = "invalid"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"
    GONE = "gone"


class DomainError(Exception):
    kind: ErrorKind = ErrorKind.INVALID

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class Invalid(DomainError):
    kind = ErrorKind.INVALID


class NotAllowed(DomainError):
    kind = ErrorKind.FORBIDDEN

    def __init__(self, message: str = "You may not do this.", code: str = "not-allowed") -> None:
        super().__init__(code, message)


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND

    def __init__(self, what: str, code: str = "not-found") -> None:
        super().__init__(code, f"{what} not found.")


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT


class Gone(DomainError):
    kind = ErrorKind.GONE
