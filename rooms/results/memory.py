"""ResultsStore in memory, mixed into rooms.catalog.MemoryStore over the members, organisations, meetings and leads
it already holds."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rooms.leads.records import LeadStatus
from rooms.matchmaking.records import Lead, Meeting, MeetingNotes, MeetingRequest
from rooms.missions.people import Membership
from rooms.missions.profile import Profile
from rooms.organisations.records import Organisation
from rooms.results.ports import LeadCount, ResultMeeting, ResultMember


class MemoryResults:
    # Provided by MemoryMissions (with MemoryOrganisations) in the same store (rooms.catalog.MemoryStore).
    _profiles: dict[int, Profile]
    _memberships: dict[tuple[int, int], Membership]
    _organisations: dict[int, Organisation]
    # Provided by MemoryMeetings and MemoryLeads in the same store.
    _requests: dict[int, MeetingRequest]
    _meetings: dict[int, Meeting]
    _notes: dict[tuple[int, int], MeetingNotes]
    _leads: dict[int, Lead]
    _tracks: dict[int, Any]  # rooms.leads.memory._Track

    def _status_of(self, lead_id: int) -> str:
        track = self._tracks.get(lead_id)
        return (LeadStatus.NEW if track is None else track.edit.status).value

    async def result_members(self, mission_id: int) -> list[ResultMember]:
        found = []
        for (member_mission_id, user_id), membership in self._memberships.items():
            if member_mission_id != mission_id:
                continue
            profile = self._profiles[user_id]
            org = None if profile.organisation_id is None else self._organisations.get(profile.organisation_id)
            found.append(ResultMember(
                user_id=user_id, name=profile.name, role=membership.role.value,
                side=None if membership.side is None else membership.side.value, org_type=profile.org_type.value,
                sectors=list(profile.sectors), organisation_id=None if org is None else org.id,
                organisation=profile.organisation if org is None else org.name,
                organisation_type=None if org is None else org.org_type.value))
        return sorted(found, key=lambda m: m.user_id)

    async def meeting_rows(self, mission_id: int) -> list[ResultMeeting]:
        return [ResultMeeting(id=m.id, a=m.a, b=m.b, starts_at=m.starts_at, status=m.status.value,
                              both_seconds=m.both_seconds, media_seconds=m.quality.media_seconds,
                              request_id=m.request_id)
                for m in sorted((m for m in self._meetings.values() if m.mission_id == mission_id),
                                key=lambda m: (m.starts_at, m.id))]

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
