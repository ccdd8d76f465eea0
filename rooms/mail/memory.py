"""The outbox in memory (one process: tests and the in-memory store)."""

from __future__ import annotations

import datetime as dt

import msgspec

from rooms.mail.outbox import OPEN, MailDraft, MailStatus, OutboxEntry, Outcome


class MemoryOutbox:
    """Mixed into rooms.catalog.MemoryStore. No method awaits, so each runs to completion: that is the claim."""

    def __init__(self) -> None:
        super().__init__()
        self._mail: dict[int, OutboxEntry] = {}

    def _add_mail(self, draft: MailDraft, now: dt.datetime, ref_id: int | None = None) -> int:
        """Queues a mail inside whatever the caller is writing (the hook for a new cause of mail)."""
        mail_id = len(self._mail) + 1
        if ref_id is not None:
            draft = msgspec.structs.replace(draft, ref_id=ref_id)
        self._mail[mail_id] = OutboxEntry(id=mail_id, draft=draft, status=MailStatus.PENDING, attempts=0,
                                          next_attempt_at=now, created_at=now, updated_at=now)
        return mail_id

    async def enqueue_mail(self, draft: MailDraft, now: dt.datetime) -> int:
        return self._add_mail(draft, now)

    async def claim_mail(self, now: dt.datetime, limit: int, lease: dt.timedelta, claim: str
                         ) -> list[OutboxEntry]:
        due = [e for e in self._mail.values() if e.status in OPEN and e.next_attempt_at <= now][:limit]
        claimed = []
        for e in due:
            taken = msgspec.structs.replace(e, status=MailStatus.SENDING, claim=claim, attempts=e.attempts + 1,
                                            next_attempt_at=now + lease, updated_at=now)
            self._mail[e.id] = taken
            claimed.append(taken)
        return claimed

    async def settle_mail(self, mail_id: int, claim: str, outcome: Outcome, now: dt.datetime) -> bool:
        e = self._mail.get(mail_id)
        if e is None or e.claim != claim or e.status is not MailStatus.SENDING:
            return False
        self._mail[mail_id] = msgspec.structs.replace(
            e, status=outcome.status, last_answer=outcome.answer, claim=None, updated_at=now,
            next_attempt_at=outcome.retry_at or e.next_attempt_at,
            sent_at=now if outcome.status is MailStatus.SENT else None)
        return True

    async def hold_mail(self, now: dt.datetime, limit: int) -> list[OutboxEntry]:
        pending = [e for e in self._mail.values() if e.status is MailStatus.PENDING][:limit]
        held = [msgspec.structs.replace(e, status=MailStatus.HELD, updated_at=now) for e in pending]
        self._mail.update((e.id, e) for e in held)
        return held

    async def mail_entry(self, mail_id: int) -> OutboxEntry | None:
        return self._mail.get(mail_id)

    async def mail_waiting(self) -> int:
        return sum(1 for e in self._mail.values() if e.status in OPEN)

    async def outbox(self, mission_id: int | None, limit: int = 200) -> list[OutboxEntry]:
        found = [e for e in self._mail.values() if mission_id is None or e.draft.mission_id == mission_id]
        return sorted(found, key=lambda e: (e.created_at, e.id), reverse=True)[:limit]
