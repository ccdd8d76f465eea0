"""The RecordingStore port in SQL (rooms/recordings/ports.py)."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.recordings.records import Recording, RecordingStatus
from server.db.models_media import RecordingReplayRow, RecordingRow


class _Sessions(Protocol):
    def _read(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def _write(self) -> AbstractAsyncContextManager[AsyncSession]: ...


def _record(r: RecordingRow) -> Recording:
    return Recording(id=r.id, item_id=r.item_id, rehearsal=r.rehearsal, status=RecordingStatus(r.status), file=r.file,
                     duration_ms=r.duration_ms, size=r.size, external_url=r.external_url, error=r.error,
                     created_at=r.created_at, updated_at=r.updated_at)


async def _row(s: AsyncSession, item_id: int, rehearsal: bool) -> RecordingRow | None:
    found = await s.execute(select(RecordingRow).where(RecordingRow.item_id == item_id,
                                                       RecordingRow.rehearsal == rehearsal).with_for_update())
    return found.scalar_one_or_none()


def _new(item_id: int, rehearsal: bool, status: RecordingStatus, now: dt.datetime, url: str = "") -> RecordingRow:
    return RecordingRow(item_id=item_id, rehearsal=rehearsal, status=status.value, file="", duration_ms=0, size=0,
                        external_url=url, error="", created_at=now, updated_at=now)


class SqlRecordings:
    """Mixed into SqlStore, which provides the sessions."""

    async def recordings(self: _Sessions, item_id: int) -> list[Recording]:
        async with self._read() as s:
            rows = await s.execute(select(RecordingRow).where(RecordingRow.item_id == item_id)
                                   .order_by(RecordingRow.rehearsal))
            return [_record(r) for r in rows.scalars()]

    async def get_recording(self: _Sessions, recording_id: int) -> Recording | None:
        async with self._read() as s:
            found = await s.get(RecordingRow, recording_id)
            return None if found is None else _record(found)

    async def claim_render(self: _Sessions, item_id: int, rehearsal: bool, now: dt.datetime,
                           stale: dt.timedelta) -> Recording | None:
        try:
            async with self._write() as s:
                row = await _row(s, item_id, rehearsal)
                if row is None:
                    row = _new(item_id, rehearsal, RecordingStatus.PROCESSING, now)
                    s.add(row)
                elif row.status == RecordingStatus.LINK.value or (
                        row.status == RecordingStatus.PROCESSING.value and now - row.updated_at < stale):
                    return None
                else:
                    row.status, row.error, row.updated_at = RecordingStatus.PROCESSING.value, "", now
                await s.flush()
                return _record(row)
        except IntegrityError:  # another node created it at the same instant: theirs is the render
            return None

    async def finish_render(self: _Sessions, recording_id: int, file: str, duration_ms: int, size: int,
                            now: dt.datetime) -> None:
        async with self._write() as s:
            row = await s.get(RecordingRow, recording_id)
            if row is not None:
                row.status, row.file, row.duration_ms, row.size = RecordingStatus.READY.value, file, duration_ms, size
                row.error, row.updated_at = "", now

    async def fail_render(self: _Sessions, recording_id: int, error: str, now: dt.datetime) -> None:
        async with self._write() as s:
            row = await s.get(RecordingRow, recording_id)
            if row is not None:
                row.status, row.error, row.updated_at = RecordingStatus.FAILED.value, error[:500], now

    async def set_link(self: _Sessions, item_id: int, url: str, now: dt.datetime) -> tuple[Recording, str]:
        async with self._write() as s:
            row = await _row(s, item_id, False)
            replaced = ""
            if row is None:
                row = _new(item_id, False, RecordingStatus.LINK, now, url)
                s.add(row)
            else:
                replaced = row.file
                row.status, row.file, row.duration_ms, row.size = RecordingStatus.LINK.value, "", 0, 0
                row.external_url, row.error, row.updated_at = url, "", now
            await s.flush()
            return _record(row), replaced

    async def delete_recording(self: _Sessions, recording_id: int) -> None:
        async with self._write() as s:
            await s.execute(delete(RecordingReplayRow).where(RecordingReplayRow.recording_id == recording_id))
            await s.execute(delete(RecordingRow).where(RecordingRow.id == recording_id))

    async def add_replay(self: _Sessions, recording_id: int, user_id: int, now: dt.datetime) -> None:
        for _ in range(3):
            try:
                async with self._write() as s:
                    if await s.get(RecordingRow, recording_id) is None:
                        return
                    row = await s.get(RecordingReplayRow, (recording_id, user_id), with_for_update=True)
                    if row is None:
                        s.add(RecordingReplayRow(recording_id=recording_id, user_id=user_id, first_at=now))
                    elif now < row.first_at:  # requests at the same instant commit in any order: keep the earliest
                        row.first_at = now
                return
            except IntegrityError:  # their other tab inserted it meanwhile: look again, and keep the earlier time
                continue

    async def replays(self: _Sessions, recording_id: int) -> dict[int, dt.datetime]:
        async with self._read() as s:
            rows = await s.execute(select(RecordingReplayRow.user_id, RecordingReplayRow.first_at)
                                   .where(RecordingReplayRow.recording_id == recording_id))
            return {u: at for u, at in rows.all()}
