"""The recordings' storage port (memory: rooms/recordings/memory.py; SQL: server/db/recordings_sql.py)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from rooms.recordings.records import Recording


class RecordingStore(Protocol):
    async def recordings(self, item_id: int) -> list[Recording]:
        """The item's recordings: the public one and the rehearsal's, each at most once."""
        ...

    async def get_recording(self, recording_id: int) -> Recording | None: ...

    async def claim_render(self, item_id: int, rehearsal: bool, now: dt.datetime,
                           stale: dt.timedelta) -> Recording | None:
        """Marks the item's (public or rehearsal) recording as being rendered, creating it if needed, and returns
        it; None when another node's render started less than `stale` ago (one render at a time), or when the
        organiser replaced the public recording by a link."""
        ...

    async def finish_render(self, recording_id: int, file: str, duration_ms: int, size: int,
                            now: dt.datetime) -> None: ...

    async def fail_render(self, recording_id: int, error: str, now: dt.datetime) -> None: ...

    async def set_link(self, item_id: int, url: str, now: dt.datetime) -> tuple[Recording, str]:
        """The public recording becomes a link; returns it and the file it replaced ("" if none), to delete."""
        ...

    async def delete_recording(self, recording_id: int) -> None: ...

    async def add_replay(self, recording_id: int, user_id: int, now: dt.datetime) -> None:
        """Someone watched the recording afterwards (idempotent: a person counts once, at the earliest time given,
        whatever order requests made at the same instant commit in)."""

    async def replays(self, recording_id: int) -> dict[int, dt.datetime]:
        """Who watched it afterwards, with when they first did."""
        ...
