"""The EventLog port: the durable, sequenced history of each room.

Guarantees (tests/contract/test_eventlog_contract.py, every implementation):
- `append` is atomic over all its entries and gives each room's events consecutive sequence numbers 1, 2, 3 …
  in commit order: when event n is readable, so is every event before it;
- an append with an idempotency key that this sender already used in a room returns the stored events
  (fresh=False) and writes nothing;
- an acknowledged append is durable (on disk, for SQL) before the call returns;
- a removed message is redacted in place: from the moment `mark_removed` returns, every read (`since`,
  `get_event`, `recent`, `latest`) gives that seq as a `Redacted` tombstone (removed=True) without the author or
  the text. Its seq stays, so resumes stay gapless; nothing of it is kept to be served again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from rooms.core.events import EventBody, RoomEvent

HISTORY_KINDS = ("chat", "announcement", "dm")


class EventLog(Protocol):
    async def append(
        self, entries: Sequence[tuple[str, EventBody]], sender: int, key: str | None, now: dt.datetime
    ) -> list[tuple[RoomEvent, bool]]:
        """Appends one event per (room, body), atomically; returns each with fresh=False when it was a retry."""
        ...

    async def since(self, room: str, after_seq: int, limit: int) -> list[RoomEvent]:
        """Events with seq > after_seq, ascending, at most `limit`."""
        ...

    async def recent(self, room: str, limit: int) -> list[RoomEvent]:
        """The last `limit` messages (chat, announcements, direct messages) not removed, ascending."""
        ...

    async def latest(self, room: str, kind: str) -> RoomEvent | None:
        """The most recent event of one kind (e.g. the current announcement)."""
        ...

    async def last_seq(self, room: str) -> int:
        """The highest sequence number in the room, 0 when empty."""
        ...

    async def last_seqs(self, rooms: Sequence[str]) -> dict[str, int]:
        """`last_seq` of many rooms at once (the node's heartbeat checks every room it holds): each room asked for
        is a key, 0 when empty."""
        ...

    async def get_event(self, room: str, seq: int) -> RoomEvent | None: ...

    async def mark_removed(self, room: str, seq: int) -> bool:
        """Removes a chat message or announcement: its stored event becomes a `Redacted` tombstone (removed=True).
        False if it does not exist, is of another kind or was removed already."""
        ...
