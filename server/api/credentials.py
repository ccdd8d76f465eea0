"""Who is asking: the one place a bearer token or a session cookie becomes a user, for HTTP and WebSocket alike.

Each transport reads its credentials where it finds them (an `Authorization` header or a `bearer.` subprotocol; the
session cookie) and checks origins its own way; what the credentials are worth is decided here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec

from rooms.catalog import Store
from rooms.missions.accounts import AccountService
from rooms.missions.people import User
from server.api.errors import Unauthenticated
from server.tokens import ExpiredToken, Purpose, TokenError, Tokens

SESSION_COOKIE = "rt_session"
BEARER_TTL = dt.timedelta(minutes=10)
MAX_SESSION_ID = 128


class BearerClaims(msgspec.Struct, frozen=True):
    u: int  # user id
    m: int | None = None  # the one mission this token may act in, if scoped


@dataclass(frozen=True)
class Identity:
    user: User
    scope: int | None = None  # the one mission a scoped bearer token limits its holder to


async def authenticate(tokens: Tokens, store: Store, accounts: AccountService, *, bearer: str | None,
                       session_id: str | None) -> Identity | None:
    """The identity behind a bearer token (which wins when both are given) or a session id; None when neither
    names anyone. A bearer token that is forged, expired or names nobody raises `Unauthenticated`."""
    if bearer is not None:
        try:
            claims = msgspec.convert(tokens.verify(Purpose.BEARER, bearer, BEARER_TTL), BearerClaims)
        except ExpiredToken as exc:
            raise Unauthenticated(code="token-expired", message="This token has expired; get a new one.") from exc
        except (TokenError, msgspec.ValidationError) as exc:
            raise Unauthenticated(code="token-invalid", message="This token is not valid.") from exc
        user = await store.get_user(claims.u)
        if user is None:
            raise Unauthenticated(code="token-invalid", message="This token is not valid.")
        return Identity(user, claims.m)
    if session_id and len(session_id) <= MAX_SESSION_ID:
        found = await accounts.session_user(session_id)
        return None if found is None else Identity(found)
    return None
