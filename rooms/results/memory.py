"""ResultsStore in memory, mixed into rooms.catalog.MemoryStore over the meetings and leads it already holds."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rooms.leads.records import LeadStatus
from rooms.matchmaking.records import Lead, Meeting, MeetingNotes, MeetingRequest
from rooms.results.ports import LeadCount


class MemoryResults:
    # Provided by MemoryMeetings and MemoryLeads in the same store (rooms.catalog.MemoryStore).
    _requests: dict[int, MeetingRequest]
    _meetings: dict[int, Meeting]
    _notes: dict[tuple[int, int], MeetingNotes]
    _leads: dict[int, Lead]
    _tracks: dict[int, Any]  # rooms.leads.memory._Track

    def _status_of(self, lead_id: int) -> str:
        track = self._tracks.get(lead_id)
        return (LeadStatus.NEW if track is None else track.edit.status).value

    async def request_counts(self, mission_id: int) -> dict[str, int]:
        return dict(Counter(r.status.value for r in self._requests.values() if r.mission_id == mission_id))

    async def meeting_ratings(self, mission_id: int) -> dict[int, list[int]]:
        mine = {m.id for m in self._meetings.values() if m.mission_id == mission_id}
        found: dict[int, list[int]] = {}
        for (meeting_id, _), notes in sorted(self._notes.items()):
            if meeting_id in mine and notes.rating is not None:
                found.setdefault(meeting_id, []).append(notes.rating)
        return found

    async def lead_counts(self, mission_id: int) -> list[LeadCount]:
        counted = Counter((lead.owner, self._status_of(lead.id), lead.source.value)
                          for lead in self._leads.values() if lead.mission_id == mission_id)
        return [LeadCount(owner=o, status=st, source=src, count=n) for (o, st, src), n in sorted(counted.items())]
