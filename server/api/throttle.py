"""Limits on signing in: password attempts and sign-in link requests, per e-mail address and per client address.

Counted in the node's RateLimiter (Redis: across nodes) in fixed windows of `signin_window` seconds. The e-mail
address is counted whether or not anyone has it, before anything is looked up, so a refusal is the same answer
at the same speed for a known and an unknown address. The client address is the one the request came from
(uvicorn takes it from X-Forwarded-For only when the peer is a trusted proxy, FORWARDED_ALLOW_IPS); an IPv6
address counts by its /64.
"""

from __future__ import annotations

import hashlib
import math
from typing import Literal

from rooms.missions.people import normalise_email
from server.api.core import Context
from server.api.errors import ApiError
from server.ws.limits import address_key

Action = Literal["password", "link"]


class TooManyAttempts(ApiError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(status=429, code="too-many-attempts",
                         message=f"Too many attempts. Try again in {_minutes(retry_after)}.",
                         headers={"Retry-After": str(retry_after)})


async def throttle(ctx: Context, action: Action, email: str) -> None:
    """Counts one attempt; refuses it (429 with Retry-After) when the e-mail or client address is over its limit."""
    settings = ctx.services.settings
    window = settings.signin_window
    per_account, per_address = ((settings.signin_per_account, settings.signin_per_address) if action == "password"
                                else (settings.link_per_account, settings.link_per_address))
    # Hashed: the keys (in Redis) need not hold anyone's e-mail address.
    account = hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]
    client = ctx.request.client
    address = address_key(client.host) if client is not None else "unknown"
    limiter = ctx.services.limiter
    over_account = await limiter.hit(f"signin:{action}:account:{account}", window) > per_account
    over_address = await limiter.hit(f"signin:{action}:address:{address}", window) > per_address
    if over_account or over_address:
        now = ctx.services.clock.now().timestamp()
        raise TooManyAttempts(max(1, math.ceil(window - now % window)))


def _minutes(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return "a minute" if minutes <= 1 else f"{minutes} minutes"
