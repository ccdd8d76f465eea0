"""Reminder preferences (signed in) and the one-click unsubscribe (no sign-in: the signed link is the proof).

`POST /api/unsubscribe?t=…` is both what the landing page calls and RFC 8058's one-click target (a mail client
POSTs `List-Unsubscribe=One-Click` as a form; the body is not read). Turning a kind off twice is turning it off
once; `POST /api/unsubscribe/undo?t=…` turns it on again.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from rooms.reminders.records import Channel, Preference, Preferences, ReminderKind
from server.api.core import Context, Endpoint
from server.api.errors import ApiError
from server.tokens import Purpose, TokenError


class PreferencesBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    kinds: Annotated[list[Preference], msgspec.Meta(max_length=len(ReminderKind))]


class UnsubscribeQuery(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    t: Annotated[str, msgspec.Meta(max_length=2048)] = ""


class Unsubscribed(msgspec.Struct, frozen=True):
    kind: ReminderKind
    mail: bool  # whether mail of this kind is on now
    email: str  # whose (masked: the link may have been forwarded)


async def get_preferences(ctx: Context, _: Any) -> Preferences:
    return await ctx.services.reminders.preferences((await ctx.user()).id)


async def put_preferences(ctx: Context, body: PreferencesBody) -> Preferences:
    return await ctx.services.reminders.set_preferences(await ctx.user(), body.kinds)


def _masked(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}"


def _invalid() -> ApiError:
    return ApiError(status=422, code="unsubscribe-invalid", field="t",
                    message="This unsubscribe link is not valid (altered or cut short). Turn reminders off on "
                            "your profile page instead.")


async def _set(ctx: Context, query: UnsubscribeQuery, on: bool) -> Unsubscribed:
    try:
        payload = ctx.services.tokens.verify(Purpose.UNSUBSCRIBE, query.t)
        user_id, kind = msgspec.convert(payload, tuple[int, ReminderKind])
    except (TokenError, msgspec.ValidationError) as exc:
        raise _invalid() from exc
    user = await ctx.services.store.get_user(user_id)
    if user is None:  # the account is gone: nothing of it is left to turn off
        raise _invalid()
    done = await ctx.services.reminders.set_mail(user_id, kind, on)
    return Unsubscribed(kind, done.allows(kind, Channel.MAIL), _masked(user.email))


async def unsubscribe(ctx: Context, query: UnsubscribeQuery) -> Unsubscribed:
    return await _set(ctx, query, False)


async def undo(ctx: Context, query: UnsubscribeQuery) -> Unsubscribed:
    return await _set(ctx, query, True)


def endpoints() -> list[Endpoint]:
    return [
        Endpoint("GET", "/api/me/reminders", get_preferences, "My reminder preferences: per kind, mail and in-app",
                 "reminders", returns=Preferences),
        Endpoint("PUT", "/api/me/reminders", put_preferences, "Change my reminder preferences (the kinds named)",
                 "reminders", body=PreferencesBody, returns=Preferences),
        Endpoint("POST", "/api/unsubscribe", unsubscribe, "One-click unsubscribe from a reminder mail's link "
                 "(RFC 8058): turns that kind's mail off, no sign-in", "reminders", query=UnsubscribeQuery,
                 returns=Unsubscribed, errors=("unsubscribe-invalid",), public=True),
        Endpoint("POST", "/api/unsubscribe/undo", undo, "Undo a one-click unsubscribe: that kind's mail on again",
                 "reminders", query=UnsubscribeQuery, returns=Unsubscribed, errors=("unsubscribe-invalid",),
                 public=True),
    ]
