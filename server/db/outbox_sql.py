"""The OutboxStore port in SQL, and `add_mail`: the hook by which any store method queues a mail in its own
transaction (an invitation, a sign-in link; later a booking or a reminder)."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.mail.outbox import OPEN, MailDraft, MailStatus, OutboxEntry, Outcome
from server.db.engine import is_sqlite
from server.db.models import OutboxRow

_OPEN = [s.value for s in OPEN]


class _Sessions(Protocol):
    url: str

    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


def add_mail(s: AsyncSession, draft: MailDraft, now: dt.datetime, ref_id: int | None = None) -> OutboxRow:
    """Queues a mail in the caller's transaction: it commits (or rolls back) with what caused it."""
    row = OutboxRow(
        mission_id=draft.mission_id, template=draft.template, to_addr=draft.to_addr, to_name=draft.to_name,
        lang=draft.lang, sender_name=draft.sender_name, params=dict(draft.params),
        ref_id=ref_id if ref_id is not None else draft.ref_id, status=MailStatus.PENDING.value, attempts=0,
        next_attempt_at=now, claim=None, last_answer="", created_at=now, updated_at=now, sent_at=None,
    )
    s.add(row)
    return row


def _entry(row: OutboxRow) -> OutboxEntry:
    draft = MailDraft(template=row.template, to_addr=row.to_addr, to_name=row.to_name, lang=row.lang,
                      sender_name=row.sender_name, params=dict(row.params), mission_id=row.mission_id,
                      ref_id=row.ref_id)
    return OutboxEntry(id=row.id, draft=draft, status=MailStatus(row.status), attempts=row.attempts,
                       next_attempt_at=row.next_attempt_at, created_at=row.created_at, updated_at=row.updated_at,
                       last_answer=row.last_answer, claim=row.claim, sent_at=row.sent_at)


class SqlOutbox:
    """Mixed into SqlStore, which provides the sessions."""

    async def enqueue_mail(self: _Sessions, draft: MailDraft, now: dt.datetime) -> int:
        async with self._write() as s:
            row = add_mail(s, draft, now)
            await s.flush()
            return row.id

    async def claim_mail(self: _Sessions, now: dt.datetime, limit: int, lease: dt.timedelta, claim: str
                         ) -> list[OutboxEntry]:
        query = (select(OutboxRow).where(OutboxRow.status.in_(_OPEN), OutboxRow.next_attempt_at <= now)
                 .order_by(OutboxRow.id).limit(limit))
        if not is_sqlite(self.url):
            # Rows another sender has locked are skipped, not waited for: claimers never queue behind each
            # other, and no row is taken twice. SQLite needs nothing: its writer lock (BEGIN IMMEDIATE) is one.
            query = query.with_for_update(skip_locked=True)
        async with self._write() as s:
            found = list((await s.execute(query)).scalars())
            for row in found:
                row.status, row.claim, row.attempts = MailStatus.SENDING.value, claim, row.attempts + 1
                row.next_attempt_at, row.updated_at = now + lease, now
            await s.flush()
            return [_entry(r) for r in found]

    async def settle_mail(self: _Sessions, mail_id: int, claim: str, outcome: Outcome, now: dt.datetime) -> bool:
        values: dict[str, object] = {
            "status": outcome.status.value, "last_answer": outcome.answer, "claim": None, "updated_at": now}
        if outcome.retry_at is not None:
            values["next_attempt_at"] = outcome.retry_at
        if outcome.status is MailStatus.SENT:
            values["sent_at"] = now
        async with self._write() as s:
            # Only the claim that made the attempt records it: a sender whose lease ran out changes nothing.
            result = await s.execute(update(OutboxRow).where(
                OutboxRow.id == mail_id, OutboxRow.claim == claim,
                OutboxRow.status == MailStatus.SENDING.value).values(**values))
            assert isinstance(result, CursorResult)
            return result.rowcount == 1

    async def hold_mail(self: _Sessions, now: dt.datetime, limit: int) -> list[OutboxEntry]:
        query = (select(OutboxRow).where(OutboxRow.status == MailStatus.PENDING.value)
                 .order_by(OutboxRow.id).limit(limit))
        if not is_sqlite(self.url):
            query = query.with_for_update(skip_locked=True)
        async with self._write() as s:
            found = list((await s.execute(query)).scalars())
            for row in found:
                row.status, row.updated_at = MailStatus.HELD.value, now
            await s.flush()
            return [_entry(r) for r in found]

    async def mail_waiting(self: _Sessions) -> int:
        async with self._read() as s:
            found = await s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.status.in_(_OPEN)))
            return int(found or 0)

    async def mail_entry(self: _Sessions, mail_id: int) -> OutboxEntry | None:
        async with self._read() as s:
            row = await s.get(OutboxRow, mail_id)
            return None if row is None else _entry(row)

    async def outbox(self: _Sessions, mission_id: int | None, limit: int = 200) -> list[OutboxEntry]:
        query = select(OutboxRow).order_by(OutboxRow.created_at.desc(), OutboxRow.id.desc()).limit(limit)
        if mission_id is not None:
            query = query.where(OutboxRow.mission_id == mission_id)
        async with self._read() as s:
            return [_entry(r) for r in (await s.execute(query)).scalars()]
