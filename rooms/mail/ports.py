"""The outbox's port. `server/db/outbox_sql.py` implements it in SQL, `rooms.mail.memory` in memory.

Guarantees every implementation keeps (tests/contract/test_outbox_contract.py proves them):
- a mail is queued in the same transaction as what causes it: store methods that create such a thing take an
  optional MailDraft and write both or neither (create_invitation, create_sign_in_link; a new cause does the
  same through `add_mail` in server/db/outbox_sql.py and `MemoryOutbox._add_mail`);
- of concurrent claimers, each due mail goes to exactly one (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: its
  single writer); a claim lasts until its lease runs out, after which the mail is due again;
- an outcome is recorded only by the claim that made the attempt: a claimer whose lease ran out and whose mail
  another claimed meanwhile changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from rooms.mail.outbox import MailDraft, OutboxEntry, Outcome


class OutboxStore(Protocol):
    async def enqueue_mail(self, draft: MailDraft, now: dt.datetime) -> int:
        """Queues a mail on its own (when nothing else is written with it); returns its id."""
        ...

    async def claim_mail(self, now: dt.datetime, limit: int, lease: dt.timedelta, claim: str
                         ) -> list[OutboxEntry]:
        """Atomically takes up to `limit` due mails (pending or retrying whose time has come, or sending whose
        lease ran out), oldest first: each becomes SENDING under `claim` until now + lease, its attempts + 1."""
        ...

    async def settle_mail(self, mail_id: int, claim: str, outcome: Outcome, now: dt.datetime) -> bool:
        """Records an attempt's outcome if `claim` still holds the mail; False (and nothing changed) if not."""
        ...

    async def hold_mail(self, now: dt.datetime, limit: int) -> list[OutboxEntry]:
        """Without an SMTP server: atomically marks up to `limit` pending mails HELD and returns them."""
        ...

    async def mail_entry(self, mail_id: int) -> OutboxEntry | None: ...

    async def mail_waiting(self) -> int:
        """How many mails wait to be sent: pending, sending or retrying (the outbox depth /metrics reports)."""
        ...

    async def outbox(self, mission_id: int | None, limit: int = 200) -> list[OutboxEntry]:
        """The mails of one mission (None: every mail), newest first."""
        ...
