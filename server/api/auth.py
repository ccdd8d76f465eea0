"""Signing in and out: passwords, one-time links, sessions, bearer tokens; the signed-in person's own data."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any

import msgspec

from rooms.missions.people import Email, Id, Password, User, normalise_email
from rooms.missions.profile import Profile, ProfileDraft
from rooms.missions.service import MissionView
from server.api.core import Context, Endpoint
from server.api.credentials import BEARER_TTL, BearerClaims
from server.api.errors import ApiError
from server.api.throttle import throttle
from server.tokens import Purpose

log = logging.getLogger("roundtable.auth")

Token = Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]


class PasswordSignIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    email: Email
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class LinkRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    email: Email


class TokenBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    token: Token


class NewPassword(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    password: Password
    current: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class TokenRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    mission_id: Id | None = None


class PublicUser(msgspec.Struct, frozen=True):
    id: int
    name: str
    email: str


class SignedIn(msgspec.Struct, frozen=True):
    user: User
    mission_id: int | None = None


class LinkInfo(msgspec.Struct, frozen=True):
    user: PublicUser
    mission_id: int | None


class Me(msgspec.Struct, frozen=True):
    user: User
    missions: list[MissionView]


class BearerToken(msgspec.Struct, frozen=True):
    token: str
    expires_at: dt.datetime
    mission_id: int | None


class Accepted(msgspec.Struct, frozen=True):
    message: str
    mail_sent: bool = True  # False: this server sends no mail (no SMTP server); the link is in its console


async def sign_in_with_password(ctx: Context, body: PasswordSignIn) -> SignedIn:
    await throttle(ctx, "password", body.email)
    svc = ctx.services
    user = await svc.store.get_user_by_email(normalise_email(body.email))
    stored = None if user is None else await svc.store.get_password_hash(user.id)
    if not svc.passwords.verify(stored, body.password) or user is None:
        raise ApiError(status=401, code="bad-credentials", message="E-mail address or password is wrong.")
    session_id, expires = await svc.accounts.start_session(user)
    ctx.start_session(session_id, expires)
    return SignedIn(user)


async def request_link(ctx: Context, body: LinkRequest) -> Accepted:
    await throttle(ctx, "link", body.email)
    svc = ctx.services
    # The mail is queued with the link, in its transaction; without SMTP the sender prints it, marked not sent.
    await svc.accounts.sign_in_link(body.email, mail=True)
    svc.mail.wake()
    if not svc.mail.sends:
        return Accepted("This server sends no mail (no SMTP server is configured): if this address is known, "
                        "the sign-in link is in the server's console.", mail_sent=False)
    return Accepted("If this address is known, a sign-in link is on its way.")


def sign_in_url(ctx: Context, link_id: int) -> str:
    token = ctx.services.tokens.sign(Purpose.SIGN_IN, link_id)
    return f"{ctx.services.settings.public_url}/link#t={token}"


async def peek_link(ctx: Context, body: TokenBody) -> LinkInfo:
    link_id = ctx.services.tokens.row_id(Purpose.SIGN_IN, body.token)
    user, mission_id = await ctx.services.accounts.peek_link(link_id)
    return LinkInfo(PublicUser(user.id, user.name, user.email), mission_id)


async def use_link(ctx: Context, body: TokenBody) -> SignedIn:
    svc = ctx.services
    user, mission_id = await svc.accounts.use_link(svc.tokens.row_id(Purpose.SIGN_IN, body.token))
    session_id, expires = await svc.accounts.start_session(user)
    ctx.start_session(session_id, expires)
    return SignedIn(user, mission_id)


async def sign_out(ctx: Context, _: Any) -> None:
    """Ends the session the request's credentials come from (the cookie's, or the one a bearer token was minted
    from): every token minted from it stops working and its sockets close, on every node."""
    svc = ctx.services
    try:
        found = await ctx.maybe_identity()
    except ApiError:
        found = None  # already signed out, or a bad token: there is nothing left to end but the cookie
    if found is not None:
        await svc.accounts.end_session_by_handle(found.session)
        await svc.control.signed_out(found.user.id, found.session)
    ctx.end_session()


async def sign_out_everywhere(ctx: Context, _: Any) -> None:
    """Ends every session of the signed-in person: every browser, every token, every socket."""
    svc = ctx.services
    user = await ctx.user()
    await svc.accounts.end_sessions(user.id)
    await svc.control.signed_out(user.id, None)
    ctx.end_session()


async def bearer_token(ctx: Context, body: TokenRequest) -> BearerToken:
    """Only a session mints a fresh token. A bearer token may mint one for its own mission (or, when it has none,
    for any mission its holder may view) that ends when it ends: renewing never extends it."""
    svc = ctx.services
    found = await ctx.identity()
    user = found.user
    if found.scope is not None and body.mission_id != found.scope:
        raise ApiError(status=403, code="token-scope",
                       message="A token limited to one mission only mints tokens for that mission.",
                       field="mission_id")
    if body.mission_id is not None:
        await svc.missions.view(user, body.mission_id)
    ends = found.ends if found.ends is not None else svc.clock.now() + BEARER_TTL
    claims = BearerClaims(user.id, body.mission_id, found.session, int(ends.timestamp()))
    return BearerToken(svc.tokens.sign(Purpose.BEARER, msgspec.to_builtins(claims)),
                       dt.datetime.fromtimestamp(claims.x, dt.UTC), body.mission_id)


async def me(ctx: Context, _: Any) -> Me:
    user = await ctx.user()
    return Me(user, await ctx.services.missions.my_missions(user))


async def my_profile(ctx: Context, _: Any) -> Profile:
    return await ctx.services.profiles.mine(await ctx.user())


async def save_my_profile(ctx: Context, body: ProfileDraft) -> Profile:
    return await ctx.services.profiles.save(await ctx.user(), body)


async def set_password(ctx: Context, body: NewPassword) -> None:
    user = await ctx.user()
    svc = ctx.services
    if user.has_password:
        stored = await svc.store.get_password_hash(user.id)
        if body.current is None or not svc.passwords.verify(stored, body.current):
            raise ApiError(status=403, code="bad-credentials",
                           message="Your current password is needed, and it was wrong.", field="current")
    await svc.store.set_password_hash(user.id, svc.passwords.hash(body.password))


def endpoints() -> list[Endpoint]:
    tag = "auth"
    return [
        Endpoint("POST", "/api/auth/password", sign_in_with_password, "Sign in with e-mail and password", tag,
                 body=PasswordSignIn, returns=SignedIn, public=True, errors=("bad-credentials", "too-many-attempts")),
        Endpoint("POST", "/api/auth/request-link", request_link, "E-mail me a one-time sign-in link", tag,
                 body=LinkRequest, returns=Accepted, status=202, public=True, errors=("too-many-attempts",)),
        Endpoint("POST", "/api/auth/link/peek", peek_link, "Who a sign-in link is for (does not use it)", tag,
                 body=TokenBody, returns=LinkInfo, public=True,
                 errors=("token-invalid", "token-expired", "token-used")),
        Endpoint("POST", "/api/auth/link/use", use_link, "Sign in with a one-time link (uses it up)", tag,
                 body=TokenBody, returns=SignedIn, public=True,
                 errors=("token-invalid", "token-expired", "token-used")),
        Endpoint("POST", "/api/auth/logout", sign_out, "Sign out: ends the session (and every token minted from "
                 "it) and closes its sockets", tag, public=True),
        Endpoint("POST", "/api/auth/logout-everywhere", sign_out_everywhere, "Sign out everywhere: ends every "
                 "session of mine, every token, every socket", tag),
        Endpoint("POST", "/api/auth/token", bearer_token, "A short-lived bearer token for API and WebSocket "
                 "clients, optionally limited to one mission; a token minted with a token is limited to its "
                 "mission and ends when it does", tag, body=TokenRequest, returns=BearerToken,
                 errors=("token-scope",)),
        Endpoint("GET", "/api/me", me, "The signed-in person and their missions", "me", returns=Me),
        Endpoint("GET", "/api/me/profile", my_profile, "My profile", "me", returns=Profile),
        Endpoint("PUT", "/api/me/profile", save_my_profile, "Replace my profile", "me", body=ProfileDraft,
                 returns=Profile),
        Endpoint("PUT", "/api/me/password", set_password, "Set or change my password", "me", body=NewPassword),
    ]
