"""Public registration (rooms/registration): the public page and form at /register/{mission_id}, and the
organiser's settings and approval queue. The public endpoints need no account and are limited per client
address; their answer to a registration is the same whether or not the address registered before."""

from __future__ import annotations

import math
from typing import Any

import msgspec

from rooms.registration.records import Registration, RegistrationDraft, RegistrationSettings, Rejection
from rooms.registration.service import RegistrationPage, RegistrationService
from server.api.core import Context, Endpoint
from server.api.errors import ApiError
from server.ws.limits import address_key


class Registered(msgspec.Struct, frozen=True):
    """The one answer to every accepted registration: check your mail (it says whether you had registered)."""

    mail_sent: bool  # false: this server sends no mail (docs/mail.md), the organiser reads it in the outbox


def _service(ctx: Context) -> RegistrationService:
    # Stateless over the store and clock: made per request, so the composition root needs no new part.
    return RegistrationService(ctx.services.store, ctx.services.clock)


async def _throttle(ctx: Context) -> None:
    """Counts one registration from the client address: at most `link_per_address` (ROUNDTABLE_LINK_PER_ADDRESS,
    30) per `signin_window` (10 minutes), across nodes — the limit of sign-in link requests, which also mail."""
    settings = ctx.services.settings
    window = settings.signin_window
    client = ctx.request.client
    address = address_key(client.host) if client is not None else "unknown"
    if await ctx.services.limiter.hit(f"register:address:{address}", window) > settings.link_per_address:
        wait = max(1, math.ceil(window - ctx.services.clock.now().timestamp() % window))
        raise ApiError(status=429, code="too-many-registrations",
                       message="Too many registrations from this network. Try again later.",
                       headers={"Retry-After": str(wait)})


async def page(ctx: Context, _: Any) -> RegistrationPage:
    return await _service(ctx).page(ctx.path_id("mission_id"))


async def register(ctx: Context, body: RegistrationDraft) -> Registered:
    await _throttle(ctx)
    await _service(ctx).register(ctx.path_id("mission_id"), body)
    ctx.services.mail.wake()  # its mail was queued with it
    return Registered(ctx.services.mail.sends)


async def get_settings(ctx: Context, _: Any) -> RegistrationSettings:
    mid = ctx.path_id("mission_id")
    return await _service(ctx).settings(await ctx.user_in(mid), mid)


async def put_settings(ctx: Context, body: RegistrationSettings) -> RegistrationSettings:
    mid = ctx.path_id("mission_id")
    return await _service(ctx).set_settings(await ctx.user_in(mid), mid, body)


async def queue(ctx: Context, _: Any) -> list[Registration]:
    mid = ctx.path_id("mission_id")
    return await _service(ctx).queue(await ctx.user_in(mid), mid)


async def approve(ctx: Context, _: Any) -> Registration:
    mid = ctx.path_id("mission_id")
    done = await _service(ctx).approve(await ctx.user_in(mid), mid, ctx.path_id("registration_id"))
    ctx.services.mail.wake()
    return done


async def reject(ctx: Context, body: Rejection) -> Registration:
    mid = ctx.path_id("mission_id")
    done = await _service(ctx).reject(await ctx.user_in(mid), mid, ctx.path_id("registration_id"), body)
    ctx.services.mail.wake()
    return done


def endpoints() -> list[Endpoint]:
    pub = "/api/register/{mission_id:int}"
    m = "/api/missions/{mission_id:int}"
    one = f"{m}/registrations/{{registration_id:int}}"
    decided = ("registration-not-found", "registration-decided", "not-allowed")
    return [
        Endpoint("GET", pub, page, "A mission's public registration page: title, dates, organiser, whether open",
                 "registration", returns=RegistrationPage, public=True, errors=("registration-closed",)),
        Endpoint("POST", pub, register, "Register for a mission (no account needed); the same answer whether or "
                 "not the address registered before", "registration", body=RegistrationDraft, returns=Registered,
                 status=202, public=True,
                 errors=("registration-closed", "too-many-registrations", "invalid-email", "invalid-country",
                         "invalid-website", "invalid-language", "unknown-sector", "required")),
        Endpoint("GET", f"{m}/registration", get_settings, "Whether the mission takes registrations (organisers)",
                 "registration", returns=RegistrationSettings, errors=("not-allowed",)),
        Endpoint("PUT", f"{m}/registration", put_settings, "Switch public registration on or off, with an "
                 "optional closing day (organisers)", "registration", body=RegistrationSettings,
                 returns=RegistrationSettings, errors=("not-allowed",)),
        Endpoint("GET", f"{m}/registrations", queue, "The mission's registrations, newest first (organisers)",
                 "registration", returns=list[Registration], errors=("not-allowed",)),
        Endpoint("POST", f"{one}/approve", approve, "Approve a registration: the registrant is invited (the "
                 "invitation mail; a member on accepting)", "registration", returns=Registration,
                 errors=(*decided, "already-member")),
        Endpoint("POST", f"{one}/reject", reject, "Reject a registration with a reason the registrant is mailed",
                 "registration", body=Rejection, returns=Registration, errors=(*decided, "reason-required")),
    ]
