"""The mission's outbox, for organisers: every mail about the mission, what it says and what became of it.

Without an SMTP server this is where mail lands (status `held`): organisers read the invitations here. A mail
whose link signs someone in (a sign-in link) is shown with its link withheld: it is the recipient's alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from rooms.mail.outbox import OPEN, MailStatus, OutboxEntry
from rooms.mail.templates import compose
from server.api.core import Context, Endpoint
from server.mail.sender import message_of

# Templates whose link the organisers may read: they were handed the same link when they invited.
_LINK_SHOWN = frozenset({"invitation", "meeting-booked", "place-given"})  # the last two: no token
WITHHELD = "[link withheld: it is for the recipient only]"


class MailView(msgspec.Struct, frozen=True):
    id: int
    template: str
    to_addr: str
    to_name: str
    lang: str
    subject: str
    text: str
    status: MailStatus
    attempts: int
    last_answer: str
    created_at: dt.datetime
    updated_at: dt.datetime
    sent_at: dt.datetime | None
    next_attempt_at: dt.datetime | None  # when a sender tries (again); None once the mail is settled
    link_withheld: bool


def mail_view(ctx: Context, entry: OutboxEntry) -> MailView:
    shown = entry.draft.template in _LINK_SHOWN
    svc = ctx.services
    message = message_of(svc.settings, svc.tokens, entry) if shown else compose(entry.draft, WITHHELD)
    return MailView(
        id=entry.id, template=entry.draft.template, to_addr=entry.draft.to_addr, to_name=entry.draft.to_name,
        lang=message.lang, subject=message.subject, text=message.text, status=entry.status,
        attempts=entry.attempts, last_answer=entry.last_answer, created_at=entry.created_at,
        updated_at=entry.updated_at, sent_at=entry.sent_at,
        next_attempt_at=entry.next_attempt_at if entry.status in OPEN else None, link_withheld=not shown)


class OutboxPage(msgspec.Struct, frozen=True):
    mail_sent: bool  # False: this server has no SMTP server, mail is kept here and never sent
    mails: list[MailView]


async def mission_outbox(ctx: Context, _: Any) -> OutboxPage:
    mid = ctx.path_id("mission_id")
    found = await ctx.services.missions.outbox(await ctx.user_in(mid), mid)
    return OutboxPage(ctx.services.mail.sends, [mail_view(ctx, e) for e in found])


def endpoints() -> list[Endpoint]:
    return [
        Endpoint("GET", "/api/missions/{mission_id:int}/outbox", mission_outbox, "The mission's mails and what "
                 "became of each, newest first (organisers)", "invitations", returns=OutboxPage),
    ]
