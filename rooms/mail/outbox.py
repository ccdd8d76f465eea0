"""What the outbox holds and how a delivery attempt is judged: pure data and rules, no I/O.

A mail is queued as a `MailDraft` — what to say (a template and its parameters), to whom, in which language —
never as finished text: the message is composed when it is sent, so a link inside it (which carries a signed
token) is made then and never stored. `ref_id` names the row that caused the mail (the invitation, the sign-in
link); the store fills it in when it writes both in one transaction.
"""

from __future__ import annotations

import datetime as dt
import enum

import msgspec


class MailStatus(enum.StrEnum):
    PENDING = "pending"  # queued, not tried yet
    SENDING = "sending"  # claimed by one node's sender; due again when its lease runs out
    RETRYING = "retrying"  # an attempt failed for a reason that may pass (server down, 4xx); tried again later
    SENT = "sent"  # the SMTP server accepted it
    BOUNCED = "bounced"  # the SMTP server refused the recipient for good (5xx at RCPT)
    FAILED = "failed"  # given up: refused for good otherwise, or every attempt failed
    HELD = "held"  # no SMTP server configured: kept here, readable by organisers, never sent


# Statuses a sender may still act on; the others are final.
OPEN = frozenset({MailStatus.PENDING, MailStatus.SENDING, MailStatus.RETRYING})

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=1)
# How long a claim holds: a node that claimed a mail and died leaves it due again after this.
LEASE = dt.timedelta(minutes=5)


def retry_after(attempts: int, first: dt.timedelta = FIRST_RETRY) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: doubling from `first`, at most an hour."""
    wait: dt.timedelta = first * (2 ** max(attempts - 1, 0))
    return min(wait, LONGEST_WAIT)


class MailDraft(msgspec.Struct, frozen=True):
    template: str  # a name in rooms.mail.templates.TEMPLATES
    to_addr: str
    to_name: str
    lang: str  # en | nl
    sender_name: str  # the display name of From: the mission and its organiser, or the platform's name
    params: dict[str, str] = msgspec.field(default_factory=dict)
    mission_id: int | None = None
    ref_id: int | None = None


class OutboxEntry(msgspec.Struct, frozen=True):
    id: int
    draft: MailDraft
    status: MailStatus
    attempts: int
    next_attempt_at: dt.datetime
    created_at: dt.datetime
    updated_at: dt.datetime
    last_answer: str = ""  # the SMTP server's last reply (or the connection error), as it said it
    claim: str | None = None  # who holds the current attempt (status SENDING)
    sent_at: dt.datetime | None = None


class Outcome(msgspec.Struct, frozen=True):
    """What one attempt ended in, to be recorded by OutboxStore.settle_mail."""

    status: MailStatus
    answer: str
    retry_at: dt.datetime | None = None


def judge(attempts: int, now: dt.datetime, *, delivered: bool, permanent: bool, recipient_refused: bool,
          answer: str, first_retry: dt.timedelta = FIRST_RETRY) -> Outcome:
    """The outcome of the `attempts`-th attempt: sent; bounced (the recipient refused for good); failed
    (refused for good, or out of attempts); else retried after a doubling wait."""
    answer = answer[:1000]
    if delivered:
        return Outcome(MailStatus.SENT, answer)
    if permanent and recipient_refused:
        return Outcome(MailStatus.BOUNCED, answer)
    if permanent or attempts >= MAX_ATTEMPTS:
        return Outcome(MailStatus.FAILED, answer)
    return Outcome(MailStatus.RETRYING, answer, now + retry_after(attempts, first_retry))
