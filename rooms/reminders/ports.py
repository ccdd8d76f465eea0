"""The ReminderStore port: preferences and the record of reminders sent. `rooms.reminders.memory` implements it
in memory, `server/db/reminders_sql.py` in SQL.

Guarantees (tests/contract/test_reminders_contract.py, every implementation):
- `remind` writes a reminder and its mail (if any) in one transaction, at most once per ReminderKey however many
  nodes race: the key is unique in the table, a second writer writes nothing and is told False;
- `items_starting` reads one index range per mission (ix_programme_items_when), never the whole programme table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from rooms.mail.outbox import MailDraft
from rooms.missions.mission import Mission, ProgrammeItem
from rooms.reminders.records import Preference, ReminderKey, ReminderKind


class ReminderStore(Protocol):
    async def preferences(self, user_id: int) -> list[Preference]:
        """What the person chose (kinds never chosen are absent: on)."""
        ...

    async def set_preference(self, user_id: int, preference: Preference) -> None: ...

    async def remind(self, key: ReminderKey, mail: MailDraft | None, now: dt.datetime) -> bool:
        """Records the reminder and queues its mail in one transaction; False (nothing written) if it was
        recorded before."""
        ...

    async def reminded(self, kind: ReminderKind, subject_id: int, at: dt.datetime) -> set[int]:
        """Who has been reminded of this subject at this moment."""
        ...

    async def reminded_of(self, kind: ReminderKind, subject_ids: Sequence[int]) -> set[ReminderKey]:
        """The reminders of this kind recorded for any of these subjects: one index range (uq_reminders_key) for
        the sweep's whole batch, not a query per subject."""
        ...

    async def items_starting(self, mission_ids: Sequence[int], after: dt.datetime, until: dt.datetime
                             ) -> list[ProgrammeItem]:
        """Programme items of these missions with after < starts_at <= until, by start then id."""
        ...

    async def missions_on(self, day: dt.date) -> list[Mission]:
        """Missions whose dates include `day` (give or take the zones: start_date - 1 <= day <= end_date + 1)."""
        ...
