"""Every error leaves the API as {"error": {"code", "message", "field"?}} with a fitting status."""

from __future__ import annotations

import logging
import re

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from rooms.core.errors import DomainError, ErrorKind

log = logging.getLogger("roundtable.api")

STATUS = {
    ErrorKind.INVALID: 422,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.GONE: 410,
    ErrorKind.UNAVAILABLE: 503,
}
# Seconds a client waits before retrying a request the database could not take (PostgreSQL restarting).
RETRY_AFTER = "2"


class ApiError(DomainError):
    """An error of the HTTP layer itself (body, media type, authentication)."""

    def __init__(self, *, status: int, code: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(code=code, message=message, field=field)
        self.status = status
        self.headers = headers or {}  # e.g. Retry-After on a 429


class Unauthenticated(ApiError):
    kind = ErrorKind.UNAUTHENTICATED

    def __init__(self, *, code: str = "not-signed-in", message: str = "Sign in first.") -> None:
        super().__init__(status=401, code=code, message=message)


class ErrorBody(msgspec.Struct, omit_defaults=True):
    code: str
    message: str
    field: str | None = None


class ErrorEnvelope(msgspec.Struct):
    error: ErrorBody


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    body = msgspec.json.encode(ErrorEnvelope(ErrorBody(code, message, field)))
    return Response(body, status_code=status, media_type="application/json")


_AT_PATH = re.compile(r" - at `\$((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)`$")


def validation_error(exc: msgspec.ValidationError) -> Response:
    return error_response(422, *describe_validation(exc))


def describe_validation(exc: msgspec.ValidationError) -> tuple[str, str, str | None]:
    """msgspec says e.g. "Expected `str`, got `int` - at `$.title`"; we make that a code, message and field."""
    message = str(exc)
    field = None
    match = _AT_PATH.search(message)
    if match:
        message = message[: match.start()]
        path = match.group(1)
        field = path.lstrip(".").split(".")[0].split("[")[0] or None
    if message.startswith("Object missing required field"):
        code = "required"
        field = field or message.rsplit("`", 2)[-2]
    elif message.startswith("Object contains unknown field"):
        code = "unknown-field"
        field = field or message.rsplit("`", 2)[-2]
    elif message.startswith("Invalid enum value"):
        code = "invalid-choice"
    elif "length" in message:
        code = "invalid-length"
    elif message.startswith("Expected") and (">" in message or "<" in message):
        code = "out-of-range"
    elif message.startswith("Invalid") and "encoded" in message:
        code = "invalid-format"
    elif message.startswith("Expected"):
        code = "wrong-type"
    else:
        code = "invalid"
    if field == "type" and message.startswith("Invalid value"):
        code = "unknown-type"
    return code, message, field


async def domain_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if isinstance(exc, ApiError):
        response = error_response(exc.status, exc.code, exc.message, exc.field)
        response.headers.update(exc.headers)
        return response
    response = error_response(STATUS[exc.kind], exc.code, exc.message, exc.field)
    if exc.kind is ErrorKind.UNAVAILABLE:
        response.headers["retry-after"] = RETRY_AFTER
    return response


async def validation_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, msgspec.ValidationError)
    return validation_error(exc)


_HTTP_CODES = {404: "not-found", 405: "method-not-allowed", 400: "bad-request"}


async def http_exception_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http-error")
    return error_response(exc.status_code, code, str(exc.detail))


async def internal_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal", "Something went wrong on our side; it has been logged.")
