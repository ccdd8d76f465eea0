"""The ReminderStore in memory. Mixed into rooms.catalog.MemoryStore, whose missions part holds the programme and
the outbox: no method awaits, so each runs to completion — that is its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rooms.mail.outbox import MailDraft
from rooms.missions.mission import Mission, ProgrammeItem
from rooms.reminders.records import Preference, ReminderKey, ReminderKind


class MemoryReminders:
    # Provided by the missions part of MemoryStore.
    _items: dict[int, ProgrammeItem]
    _missions: dict[int, Mission]

    def __init__(self) -> None:
        super().__init__()
        self._preferences: dict[tuple[int, ReminderKind], Preference] = {}
        self._reminders: set[ReminderKey] = set()

    def _add_mail(self, draft: MailDraft, now: dt.datetime, ref_id: int | None = None) -> int:
        raise NotImplementedError  # the outbox part of MemoryStore

    async def preferences(self, user_id: int) -> list[Preference]:
        return [p for (u, _), p in sorted(self._preferences.items()) if u == user_id]

    async def set_preference(self, user_id: int, preference: Preference) -> None:
        self._preferences[(user_id, preference.kind)] = preference

    async def remind(self, key: ReminderKey, mail: MailDraft | None, now: dt.datetime) -> bool:
        if key in self._reminders:
            return False
        self._reminders.add(key)
        if mail is not None:
            self._add_mail(mail, now)
        return True

    async def reminded(self, kind: ReminderKind, subject_id: int, at: dt.datetime) -> set[int]:
        return {k.user_id for k in self._reminders if (k.kind, k.subject_id, k.at) == (kind, subject_id, at)}

    async def reminded_of(self, kind: ReminderKind, subject_ids: Sequence[int]) -> set[ReminderKey]:
        wanted = set(subject_ids)
        return {k for k in self._reminders if k.kind is kind and k.subject_id in wanted}

    async def items_starting(self, mission_ids: Sequence[int], after: dt.datetime, until: dt.datetime
                             ) -> list[ProgrammeItem]:
        found = [i for i in self._items.values() if i.mission_id in mission_ids and after < i.starts_at <= until]
        return sorted(found, key=lambda i: (i.starts_at, i.id))

    async def missions_on(self, day: dt.date) -> list[Mission]:
        one = dt.timedelta(days=1)
        return sorted((m for m in self._missions.values() if m.start_date - one <= day <= m.end_date + one),
                      key=lambda m: m.id)
