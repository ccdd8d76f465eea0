"""The sender: one task per node that claims due mails from the outbox and delivers them.

With an SMTP server (ROUNDTABLE_SMTP_URL) it claims due mails (the store makes each claim exclusive across
nodes), composes each with its link, sends it, and records sent / bounced / failed / retrying with the server's
answer. Without one, it marks new mails HELD — kept in the outbox, where organisers read them — and prints each
labelled as not sent: whole on an interactive terminal (`make run`: whoever runs it passes the link on), and in
the log with its links redacted (server/logs.py: a log never carries a sign-in link).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
import sys
from email.message import EmailMessage
from typing import Protocol

from rooms.core.clock import Clock
from rooms.mail.outbox import LEASE, OutboxEntry, judge
from rooms.mail.ports import OutboxStore
from rooms.mail.reminder_texts import REMINDER_TEXTS
from rooms.mail.templates import Message, compose
from server.mail.smtp import Attempt, email_message
from server.settings import Settings
from server.tokens import Purpose, Tokens

log = logging.getLogger("roundtable.mail")

BATCH = 20
# The pages a mail's link opens, and the token each carries (its row named by the mail's ref_id).
_LINKS = {"sign-in": ("link", Purpose.SIGN_IN), "invitation": ("invite", Purpose.INVITATION)}
_REMINDERS = frozenset(REMINDER_TEXTS)


class Transport(Protocol):
    async def send(self, msg: EmailMessage) -> Attempt: ...


def link_for(settings: Settings, tokens: Tokens, entry: OutboxEntry) -> str:
    """The link inside a mail, made now: its token is signed when sent and never stored."""
    if entry.draft.template in _REMINDERS:
        # A reminder links into the app (its path was chosen where it was queued); signing in may come first.
        return settings.public_url + entry.draft.params.get("path", "/")
    page, purpose = _LINKS.get(entry.draft.template, ("", None))
    if entry.draft.template == "meeting-booked" and entry.draft.mission_id is not None:
        return f"{settings.public_url}/m/{entry.draft.mission_id}/schedule"  # no token: they sign in as usual
    if entry.draft.template == "place-given" and entry.draft.mission_id is not None:
        return f"{settings.public_url}/m/{entry.draft.mission_id}"
    if purpose is None or entry.draft.ref_id is None:
        return settings.public_url
    return f"{settings.public_url}/{page}#t={tokens.sign(purpose, entry.draft.ref_id)}"


def unsubscribe_link(settings: Settings, tokens: Tokens, entry: OutboxEntry) -> str | None:
    """A reminder's one-click unsubscribe link (the page; RFC 8058's POST goes to /api/unsubscribe with the same
    token), signed now for the recipient and the reminder's kind; None for other mail."""
    user, kind = entry.draft.params.get("user"), entry.draft.params.get("kind")
    if entry.draft.template not in _REMINDERS or user is None or not user.isdigit() or kind is None:
        return None
    return f"{settings.public_url}/unsubscribe?t={tokens.sign(Purpose.UNSUBSCRIBE, [int(user), kind])}"


def message_of(settings: Settings, tokens: Tokens, entry: OutboxEntry) -> Message:
    return compose(entry.draft, link_for(settings, tokens, entry),
                   unsubscribe=unsubscribe_link(settings, tokens, entry) or "")


def unsubscribe_post(settings: Settings, tokens: Tokens, entry: OutboxEntry) -> str | None:
    """Where a mail client POSTs RFC 8058's one-click unsubscribe (List-Unsubscribe), or None."""
    page = unsubscribe_link(settings, tokens, entry)
    return None if page is None else page.replace("/unsubscribe?", "/api/unsubscribe?", 1)


class MailSender:
    def __init__(self, store: OutboxStore, clock: Clock, settings: Settings, tokens: Tokens,
                 transport: Transport | None, node_id: str) -> None:
        self._store = store
        self._clock = clock
        self._settings = settings
        self._tokens = tokens
        self._transport = transport
        self._node = node_id
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def sends(self) -> bool:
        """Whether mail really goes out from here (an SMTP server is configured)."""
        return self._transport is not None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="mail sender")

    def wake(self) -> None:
        """Look at the outbox now (something was just queued on this node)."""
        self._wake.set()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                while await self.run_once() == BATCH:
                    pass
            except Exception:
                # The database may be away for a moment: the mails wait in it, so try again on the next round.
                log.exception("mail sender: could not work through the outbox")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.mail_poll)
            self._wake.clear()

    async def run_once(self) -> int:
        """One look at the outbox; returns how many mails it handled."""
        if self._transport is None:
            held = await self._store.hold_mail(self._clock.now(), BATCH)
            for entry in held:
                self._print_unsent(entry)
            return len(held)
        claim = f"{self._node}:{secrets.token_hex(6)}"
        claimed = await self._store.claim_mail(self._clock.now(), BATCH, LEASE, claim)
        for entry in claimed:
            await self._deliver(entry, claim)
        return len(claimed)

    async def _deliver(self, entry: OutboxEntry, claim: str) -> None:
        assert self._transport is not None
        try:
            msg = email_message(message_of(self._settings, self._tokens, entry), self._settings.mail_from,
                                self._clock, entry.id, unsubscribe_post(self._settings, self._tokens, entry))
        except (KeyError, ValueError) as exc:
            # A template this version does not know, or an address no mail can carry: sending again won't help.
            attempt = Attempt(False, f"could not compose the mail: {exc!r}", permanent=True)
        else:
            attempt = await self._transport.send(msg)
        now = self._clock.now()
        outcome = judge(entry.attempts, now, delivered=attempt.delivered, permanent=attempt.permanent,
                        recipient_refused=attempt.recipient_refused, answer=attempt.answer,
                        first_retry=dt.timedelta(seconds=self._settings.mail_first_retry))
        if not await self._store.settle_mail(entry.id, claim, outcome, now):
            log.warning("mail %s: claim lost before its outcome (%s) was recorded", entry.id, outcome.status)
            return
        log.info("mail %s to %s: %s (attempt %s) %s", entry.id, entry.draft.to_addr, outcome.status,
                 entry.attempts, outcome.answer)

    def _print_unsent(self, entry: OutboxEntry) -> None:
        message = message_of(self._settings, self._tokens, entry)
        notice = (f"MAIL NOT SENT (no SMTP server: set ROUNDTABLE_SMTP_URL) — kept in the outbox, mail {entry.id}\n"
                  f"  To: {message.to_name} <{message.to_addr}>\n  Subject: {message.subject}\n\n{message.text}")
        if sys.stderr.isatty():
            # Someone is watching this terminal (a developer's `make run`): the console, not a log, gets the link.
            print(notice, file=sys.stderr, flush=True)
            log.warning("mail %s held: no SMTP server (shown on the terminal)", entry.id)
        else:
            log.warning("%s", notice)  # scrubbed on the way out: its links read /link#t=[redacted]
