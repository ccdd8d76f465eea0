"""The ReminderStore port in SQL (rooms/reminders/ports.py): a reminder is inserted with ON CONFLICT DO NOTHING on
its unique key, and its mail queued in the same transaction only when the insert wrote a row — so of two nodes
racing, one writes the reminder and its mail, the other nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.mail.outbox import MailDraft
from rooms.missions.mission import Mission, ProgrammeItem
from rooms.reminders.records import Preference, ReminderKey, ReminderKind
from server.db import rows
from server.db.engine import is_sqlite
from server.db.models import ItemRow, MissionRow, ReminderPreferenceRow, ReminderRow
from server.db.outbox_sql import add_mail


class _Sessions(Protocol):
    url: str

    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


def _insert(url: str, table: Any) -> Any:
    return sqlite.insert(table) if is_sqlite(url) else postgresql.insert(table)


class SqlReminders:
    """Mixed into SqlStore, which provides the sessions."""

    async def preferences(self: _Sessions, user_id: int) -> list[Preference]:
        query = select(ReminderPreferenceRow).where(ReminderPreferenceRow.user_id == user_id)
        async with self._read() as s:
            found = list((await s.execute(query)).scalars())
        known = {k.value for k in ReminderKind}
        return sorted((Preference(ReminderKind(r.kind), r.mail, r.app) for r in found if r.kind in known),
                      key=lambda p: p.kind)

    async def set_preference(self: _Sessions, user_id: int, preference: Preference) -> None:
        values = {"user_id": user_id, "kind": preference.kind.value, "mail": preference.mail,
                  "app": preference.app}
        stmt = _insert(self.url, ReminderPreferenceRow).values(**values).on_conflict_do_update(
            index_elements=["user_id", "kind"], set_={"mail": preference.mail, "app": preference.app})
        async with self._write() as s:
            await s.execute(stmt)

    async def remind(self: _Sessions, key: ReminderKey, mail: MailDraft | None, now: dt.datetime) -> bool:
        stmt = (_insert(self.url, ReminderRow)
                .values(kind=key.kind.value, subject_id=key.subject_id, user_id=key.user_id,
                        at=key.at, created_at=now)
                .on_conflict_do_nothing(index_elements=["kind", "subject_id", "at", "user_id"])
                .returning(ReminderRow.id))
        async with self._write() as s:
            # PostgreSQL: a racing insert of the same key waits for the first to commit, then does nothing.
            written = (await s.execute(stmt)).scalar_one_or_none()
            if written is None:
                return False
            if mail is not None:
                add_mail(s, mail, now, ref_id=written)
            return True

    async def reminded(self: _Sessions, kind: ReminderKind, subject_id: int, at: dt.datetime) -> set[int]:
        query = select(ReminderRow.user_id).where(ReminderRow.kind == kind.value,
                                                  ReminderRow.subject_id == subject_id, ReminderRow.at == at)
        async with self._read() as s:
            return set((await s.execute(query)).scalars())

    async def reminded_of(self: _Sessions, kind: ReminderKind, subject_ids: Sequence[int]) -> set[ReminderKey]:
        if not subject_ids:
            return set()
        query = select(ReminderRow.subject_id, ReminderRow.user_id, ReminderRow.at).where(
            ReminderRow.kind == kind.value, ReminderRow.subject_id.in_(list(subject_ids)))
        async with self._read() as s:
            return {ReminderKey(kind, subject, user, at) for subject, user, at in await s.execute(query)}

    async def items_starting(self: _Sessions, mission_ids: Sequence[int], after: dt.datetime, until: dt.datetime
                             ) -> list[ProgrammeItem]:
        # One range of ix_programme_items_when (mission_id, starts_at) per mission.
        query = (select(ItemRow).where(ItemRow.mission_id.in_(list(mission_ids)), ItemRow.starts_at > after,
                                       ItemRow.starts_at <= until)
                 .order_by(ItemRow.starts_at, ItemRow.id))
        async with self._read() as s:
            return [rows.item(r) for r in (await s.execute(query)).scalars()]

    async def missions_on(self: _Sessions, day: dt.date) -> list[Mission]:
        one = dt.timedelta(days=1)
        query = (select(MissionRow).where(MissionRow.start_date <= day + one, MissionRow.end_date >= day - one)
                 .order_by(MissionRow.id))
        async with self._read() as s:
            return [rows.mission(r) for r in (await s.execute(query)).scalars()]
