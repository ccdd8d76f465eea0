"""Signed, expiring tokens for links (invitations, sign-in) and short-lived bearer tokens.

A token names a database row (single use is enforced there) and is signed with the secret key, so a forged or
altered token is refused before any database work. Each purpose has its own salt: a sign-in token is no
invitation token.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import itsdangerous

from rooms.core.errors import DomainError, ErrorKind


class Purpose(enum.StrEnum):
    INVITATION = "invitation"
    SIGN_IN = "sign-in"
    BEARER = "bearer"
    SESSION = "session"
    UNSUBSCRIBE = "unsubscribe"  # a reminder mail's one-click link: [user id, reminder kind], no expiry


class TokenError(DomainError):
    kind = ErrorKind.INVALID


class BadToken(TokenError):
    def __init__(self) -> None:
        super().__init__(code="token-invalid", message="This link or token is not valid.", field="token")


class ExpiredToken(TokenError):
    kind = ErrorKind.GONE

    def __init__(self) -> None:
        super().__init__(code="token-expired", message="This link or token has expired.", field="token")


class Tokens:
    def __init__(self, secret_key: str) -> None:
        self._secret = secret_key

    def _serializer(self, purpose: Purpose) -> itsdangerous.URLSafeTimedSerializer:
        return itsdangerous.URLSafeTimedSerializer(self._secret, salt=f"roundtable/{purpose.value}")

    def sign(self, purpose: Purpose, payload: Any) -> str:
        return self._serializer(purpose).dumps(payload)

    def verify(self, purpose: Purpose, token: str, max_age: dt.timedelta | None = None) -> Any:
        if not isinstance(token, str) or not token or len(token) > 2048:
            raise BadToken()
        try:
            return self._serializer(purpose).loads(
                token, max_age=None if max_age is None else int(max_age.total_seconds())
            )
        except itsdangerous.SignatureExpired as exc:
            raise ExpiredToken() from exc
        except itsdangerous.BadData as exc:
            raise BadToken() from exc

    def row_id(self, purpose: Purpose, token: str) -> int:
        """Verifies a link token and returns the id of the row it names."""
        payload = self.verify(purpose, token)
        if not isinstance(payload, int) or isinstance(payload, bool) or payload <= 0:
            raise BadToken()
        return payload
