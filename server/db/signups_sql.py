"""The SignupStore port in SQL (rooms/signups/ports.py)."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.signups.records import CheckIn, Signup
from server.db.models import CheckinCodeRow, ItemCheckinRow, ItemRow, ItemSignupRow, MembershipRow


class _Sessions(Protocol):
    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


def _ordered_signups() -> Select[int, int, dt.datetime, int]:
    # A place lapses with the membership it was taken on.
    return (select(ItemSignupRow.item_id, ItemSignupRow.user_id, ItemSignupRow.signed_up_at, ItemSignupRow.seq)
            .join(ItemRow, ItemRow.id == ItemSignupRow.item_id)
            .join(MembershipRow, (MembershipRow.mission_id == ItemRow.mission_id)
                  & (MembershipRow.user_id == ItemSignupRow.user_id))
            .order_by(ItemSignupRow.item_id, ItemSignupRow.seq))


class SqlSignups:
    """Mixed into SqlStore, which provides the sessions."""

    async def signups(self: _Sessions, item_id: int) -> list[Signup]:
        async with self._read() as s:
            found = await s.execute(_ordered_signups().where(ItemSignupRow.item_id == item_id))
            return [Signup(i, u, at, seq) for i, u, at, seq in found.all()]

    async def mission_signups(self: _Sessions, mission_id: int) -> dict[int, list[int]]:
        async with self._read() as s:
            out: dict[int, list[int]] = {}
            for item_id, user_id, _, _ in (await s.execute(
                    _ordered_signups().where(ItemRow.mission_id == mission_id))).all():
                out.setdefault(item_id, []).append(user_id)
            return out

    async def add_signup(self: _Sessions, item_id: int, user_id: int, at: dt.datetime) -> bool:
        try:
            async with self._write() as s:
                # The item's row locked (PostgreSQL; SQLite's writes are serial): sign-ups take their number one
                # after the other, in the order they commit.
                await s.execute(select(ItemRow.id).where(ItemRow.id == item_id).with_for_update())
                if await s.get(ItemSignupRow, (item_id, user_id)) is not None:
                    return False
                last = (await s.execute(select(func.max(ItemSignupRow.seq))
                                        .where(ItemSignupRow.item_id == item_id))).scalar()
                s.add(ItemSignupRow(item_id=item_id, user_id=user_id, seq=(last or 0) + 1, signed_up_at=at))
            return True
        except IntegrityError:  # the same person's second tab at the same instant
            return False

    async def remove_signup(self: _Sessions, item_id: int, user_id: int) -> bool:
        async with self._write() as s:
            done = await s.execute(delete(ItemSignupRow).where(ItemSignupRow.item_id == item_id,
                                                               ItemSignupRow.user_id == user_id))
            return bool(getattr(done, "rowcount", 0))

    async def checkins(self: _Sessions, item_id: int) -> list[CheckIn]:
        async with self._read() as s:
            found = await s.execute(select(ItemCheckinRow).where(ItemCheckinRow.item_id == item_id)
                                    .order_by(ItemCheckinRow.checked_in_at, ItemCheckinRow.user_id))
            return [CheckIn(r.item_id, r.user_id, r.checked_in_at, r.checked_in_by) for r in found.scalars()]

    async def add_checkin(self: _Sessions, item_id: int, user_id: int, at: dt.datetime, by: int | None) -> bool:
        try:
            async with self._write() as s:
                if await s.get(ItemCheckinRow, (item_id, user_id)) is not None:
                    return False
                s.add(ItemCheckinRow(item_id=item_id, user_id=user_id, checked_in_at=at, checked_in_by=by))
            return True
        except IntegrityError:  # scanned twice at once
            return False

    async def checkin_counts(self: _Sessions, mission_id: int) -> dict[int, int]:
        async with self._read() as s:
            found = await s.execute(select(ItemCheckinRow.item_id, func.count())
                                    .join(ItemRow, ItemRow.id == ItemCheckinRow.item_id)
                                    .where(ItemRow.mission_id == mission_id).group_by(ItemCheckinRow.item_id))
            return {i: n for i, n in found.all()}

    async def checkin_code(self: _Sessions, item_id: int) -> str | None:
        async with self._read() as s:
            row = await s.get(CheckinCodeRow, item_id)
            return None if row is None else row.code

    async def keep_checkin_code(self: _Sessions, item_id: int, code: str) -> str:
        try:
            async with self._write() as s:
                row = await s.get(CheckinCodeRow, item_id)
                if row is not None:
                    return row.code
                s.add(CheckinCodeRow(item_id=item_id, code=code))
            return code
        except IntegrityError:  # two organisers opened the code at once: the first stored wins
            async with self._read() as s:
                row = await s.get(CheckinCodeRow, item_id)
                assert row is not None
                return row.code
