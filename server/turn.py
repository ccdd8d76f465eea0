"""ICE servers for a meeting: STUN as configured, TURN with short-lived credentials.

TURN credentials follow the TURN REST scheme that coturn checks with `use-auth-secret`: the username is
`"<expiry unix time>:<user id>"` and the credential is base64(HMAC-SHA1(shared secret, username)). coturn
recomputes the HMAC and refuses a username whose expiry has passed, so nothing is stored and every node
issues the same credentials.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import msgspec


class IceServer(msgspec.Struct, frozen=True, omit_defaults=True):
    """An RTCIceServer as browsers and aiortc take it."""

    urls: list[str]
    username: str | None = None
    credential: str | None = None


class IceServers(msgspec.Struct, frozen=True):
    ice_servers: list[IceServer]
    expires_at: dt.datetime | None  # when the TURN credentials stop working; None without TURN


def turn_username(expiry: dt.datetime, user_id: int) -> str:
    return f"{int(expiry.timestamp())}:{user_id}"


def turn_credential(secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def ice_servers(stun_urls: tuple[str, ...], turn_urls: tuple[str, ...], turn_secret: str | None, user_id: int,
                expiry: dt.datetime) -> IceServers:
    """The servers one person gets for one meeting; TURN only when both its URLs and its secret are set."""
    servers = [IceServer(urls=list(stun_urls))] if stun_urls else []
    if not turn_urls or not turn_secret:
        return IceServers(servers, None)
    # Whole seconds, rounded down: the credential never outlives the expiry it was asked for.
    expiry = expiry.replace(microsecond=0)
    username = turn_username(expiry, user_id)
    servers.append(IceServer(urls=list(turn_urls), username=username,
                             credential=turn_credential(turn_secret, username)))
    return IceServers(servers, expiry)
