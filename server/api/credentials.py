"""Who is asking: the one place a bearer token or a session cookie becomes a user, for HTTP and WebSocket alike.

Each transport reads its credentials where it finds them (an `Authorization` header or a `bearer.` subprotocol; the
session cookie) and checks origins its own way; what the credentials are worth is decided here.

A bearer token carries the handle of the session it was minted from and is worth nothing once that session has
ended (signed out, signed out everywhere, expired): every use looks the session up. It also carries its own end
(`x`), which a token minted from it inherits, so a chain of tokens never outlives the first one (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec

from rooms.catalog import Store
from rooms.missions.accounts import AccountService, session_handle
from rooms.missions.people import User
from server.api.errors import Unauthenticated
from server.tokens import ExpiredToken, Purpose, TokenError, Tokens

SESSION_COOKIE = "rt_session"
BEARER_TTL = dt.timedelta(minutes=10)
MAX_SESSION_ID = 128


class BearerClaims(msgspec.Struct, frozen=True):
    u: int  # user id
    m: int | None  # the one mission this token may act in, if scoped
    s: str  # the handle of the session it was minted from (rooms.missions.accounts.session_handle)
    x: int  # when it ends, in seconds since the epoch (never later than the token it was minted from)


@dataclass(frozen=True)
class Identity:
    user: User
    session: str  # the handle of the session behind the credentials: ending it ends them
    scope: int | None = None  # the one mission a scoped bearer token limits its holder to
    ends: dt.datetime | None = None  # a bearer token's end; None for the session cookie itself

    @property
    def bearer(self) -> bool:
        return self.ends is not None


def session_ended() -> Unauthenticated:
    return Unauthenticated(code="session-ended", message="The sign-in this token came from has ended; sign in again.")


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
        ends = dt.datetime.fromtimestamp(claims.x, dt.UTC)
        if accounts.now() >= ends:
            raise Unauthenticated(code="token-expired", message="This token has expired; get a new one.")
        if await accounts.live_session(claims.s) != claims.u:
            raise session_ended()
        user = await store.get_user(claims.u)
        if user is None:
            raise Unauthenticated(code="token-invalid", message="This token is not valid.")
        return Identity(user, claims.s, claims.m, ends)
    if session_id and len(session_id) <= MAX_SESSION_ID:
        found = await accounts.session_user(session_id)
        return None if found is None else Identity(found, session_handle(session_id))
    return None
