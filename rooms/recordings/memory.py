"""The recordings' in-memory store, for tests and the embedded default's unit of truth (the contract suite runs
this and the SQL store alike)."""

from __future__ import annotations

import datetime as dt

import msgspec

from rooms.recordings.records import Recording, RecordingStatus


class MemoryRecordings:
    def __init__(self) -> None:
        super().__init__()
        self._recording_rows: dict[int, Recording] = {}
        self._recording_replays: dict[int, dict[int, dt.datetime]] = {}
        self._recording_ids = 0

    async def recordings(self, item_id: int) -> list[Recording]:
        return sorted((r for r in self._recording_rows.values() if r.item_id == item_id), key=lambda r: r.rehearsal)

    async def get_recording(self, recording_id: int) -> Recording | None:
        return self._recording_rows.get(recording_id)

    def _find(self, item_id: int, rehearsal: bool) -> Recording | None:
        key = (item_id, rehearsal)
        return next((r for r in self._recording_rows.values() if (r.item_id, r.rehearsal) == key), None)

    async def claim_render(self, item_id: int, rehearsal: bool, now: dt.datetime,
                           stale: dt.timedelta) -> Recording | None:
        found = self._find(item_id, rehearsal)
        if found is not None:
            if found.status is RecordingStatus.LINK:
                return None
            if found.status is RecordingStatus.PROCESSING and now - found.updated_at < stale:
                return None
            claimed = msgspec.structs.replace(found, status=RecordingStatus.PROCESSING, error="", updated_at=now)
        else:
            self._recording_ids += 1
            claimed = Recording(id=self._recording_ids, item_id=item_id, rehearsal=rehearsal,
                                status=RecordingStatus.PROCESSING, file="", duration_ms=0, size=0, external_url="",
                                error="", created_at=now, updated_at=now)
        self._recording_rows[claimed.id] = claimed
        return claimed

    def _update(self, recording_id: int, **changes: object) -> None:
        found = self._recording_rows.get(recording_id)
        if found is not None:
            self._recording_rows[recording_id] = msgspec.structs.replace(found, **changes)

    async def finish_render(self, recording_id: int, file: str, duration_ms: int, size: int,
                            now: dt.datetime) -> None:
        self._update(recording_id, status=RecordingStatus.READY, file=file, duration_ms=duration_ms, size=size,
                     error="", updated_at=now)

    async def fail_render(self, recording_id: int, error: str, now: dt.datetime) -> None:
        self._update(recording_id, status=RecordingStatus.FAILED, error=error[:500], updated_at=now)

    async def set_link(self, item_id: int, url: str, now: dt.datetime) -> tuple[Recording, str]:
        found = self._find(item_id, False)
        replaced = found.file if found is not None else ""
        if found is None:
            self._recording_ids += 1
            found = Recording(id=self._recording_ids, item_id=item_id, rehearsal=False, status=RecordingStatus.LINK,
                              file="", duration_ms=0, size=0, external_url=url, error="", created_at=now,
                              updated_at=now)
        linked = msgspec.structs.replace(found, status=RecordingStatus.LINK, file="", duration_ms=0, size=0,
                                         external_url=url, error="", updated_at=now)
        self._recording_rows[linked.id] = linked
        return linked, replaced

    async def delete_recording(self, recording_id: int) -> None:
        self._recording_rows.pop(recording_id, None)
        self._recording_replays.pop(recording_id, None)

    async def add_replay(self, recording_id: int, user_id: int, now: dt.datetime) -> None:
        if recording_id in self._recording_rows:
            seen = self._recording_replays.setdefault(recording_id, {})
            seen[user_id] = min(now, seen.get(user_id, now))

    async def replays(self, recording_id: int) -> dict[int, dt.datetime]:
        return dict(self._recording_replays.get(recording_id, {}))
