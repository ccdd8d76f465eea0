"""Sign-in links and sessions in SQL: a link is used once (a conditional UPDATE claims it), a session is kept by
the hash of its id (its handle), never the id itself."""

from __future__ import annotations

import datetime as dt
import secrets
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.core.errors import Gone, NotFound
from rooms.mail.outbox import MailDraft
from rooms.missions.accounts import session_handle
from server.db.models import SessionRow, SignInLinkRow
from server.db.outbox_sql import add_mail


class _Sessions(Protocol):
    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    async def end_session_by_handle(self, handle: str) -> None: ...


def _check_link(row: SignInLinkRow | None, *, ok: bool) -> None:
    if row is None:
        raise NotFound(code="token-invalid", message="Sign-in link not found.")
    if ok:
        return
    if row.used_at is not None:
        raise Gone(code="token-used", message="This sign-in link was already used.")
    raise Gone(code="token-expired", message="This sign-in link has expired; ask for a new one.")


class SqlSignIns:
    """Mixed into SqlStore, which provides the sessions."""

    async def create_sign_in_link(
        self: _Sessions, user_id: int, mission_id: int | None, now: dt.datetime, expires_at: dt.datetime,
        mail: MailDraft | None = None,
    ) -> int:
        async with self._write() as s:
            row = SignInLinkRow(user_id=user_id, mission_id=mission_id, created_at=now, expires_at=expires_at)
            s.add(row)
            await s.flush()
            if mail is not None:
                add_mail(s, mail, now, row.id)
            return row.id

    async def consume_sign_in_link(self: _Sessions, link_id: int, now: dt.datetime) -> tuple[int, int | None]:
        async with self._write() as s:
            claimed = await s.execute(
                update(SignInLinkRow)
                .where(SignInLinkRow.id == link_id, SignInLinkRow.used_at.is_(None), SignInLinkRow.expires_at > now)
                .values(used_at=now)
            )
            row = await s.get(SignInLinkRow, link_id)
            _check_link(row, ok=isinstance(claimed, CursorResult) and claimed.rowcount == 1)
            assert row is not None
            return row.user_id, row.mission_id

    async def peek_sign_in_link(self: _Sessions, link_id: int, now: dt.datetime) -> tuple[int, int | None]:
        async with self._read() as s:
            row = await s.get(SignInLinkRow, link_id)
            _check_link(row, ok=row is not None and row.used_at is None and now < row.expires_at)
            assert row is not None
            return row.user_id, row.mission_id

    async def create_session(self: _Sessions, user_id: int, now: dt.datetime, expires_at: dt.datetime) -> str:
        session_id = secrets.token_urlsafe(32)
        async with self._write() as s:
            s.add(SessionRow(id_hash=session_handle(session_id), user_id=user_id, created_at=now,
                             expires_at=expires_at))
        return session_id

    async def session_user(self: _Sessions, session_id: str, now: dt.datetime) -> int | None:
        async with self._read() as s:
            return (await s.execute(
                select(SessionRow.user_id).where(
                    SessionRow.id_hash == session_handle(session_id), SessionRow.ended_at.is_(None),
                    SessionRow.expires_at > now)
            )).scalar()

    async def end_session(self: _Sessions, session_id: str) -> None:
        await self.end_session_by_handle(session_handle(session_id))

    async def end_session_by_handle(self: _Sessions, handle: str) -> None:
        async with self._write() as s:
            await s.execute(update(SessionRow).where(SessionRow.id_hash == handle, SessionRow.ended_at.is_(None))
                            .values(ended_at=dt.datetime.now(dt.UTC)))

    async def live_session(self: _Sessions, handle: str, now: dt.datetime) -> int | None:
        async with self._read() as s:
            return (await s.execute(
                select(SessionRow.user_id).where(
                    SessionRow.id_hash == handle, SessionRow.ended_at.is_(None), SessionRow.expires_at > now)
            )).scalar()

    async def end_sessions(self: _Sessions, user_id: int, now: dt.datetime) -> None:
        async with self._write() as s:
            await s.execute(update(SessionRow).where(SessionRow.user_id == user_id, SessionRow.ended_at.is_(None))
                            .values(ended_at=now))
