"""What the results read beyond the other ports: counts the database can group itself, and slim rows of the
members and meetings (only the columns the results use), so 5,000 people and 2,000 meetings cost a few narrow
queries, not one per person nor whole profiles."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import msgspec


class LeadCount(msgspec.Struct, frozen=True):
    owner: int
    status: str
    source: str
    count: int


class ResultMember(msgspec.Struct, frozen=True):
    """A member of the mission as the results see them (suspended people are no members)."""

    user_id: int
    name: str
    role: str  # rooms.missions.people.Role value
    side: str | None  # rooms.core.cards.Side value; None for organisers and staff
    org_type: str  # the profile's rooms.core.cards.OrgType value
    sectors: list[str]  # the profile's, as given
    organisation_id: int | None  # the organisation record the profile links to; None when none (or it is gone)
    organisation: str  # that record's name when linked, else the profile's own organisation text
    organisation_type: str | None  # that record's OrgType value when linked, else None


class ResultMeeting(msgspec.Struct, frozen=True):
    """A meeting of the mission as the results see it."""

    id: int
    a: int
    b: int
    starts_at: dt.datetime
    status: str  # rooms.matchmaking.records.MeetingStatus value
    both_seconds: int
    media_seconds: int  # CallQuality.media_seconds
    request_id: int | None  # None when an organiser booked it


class ResultsStore(Protocol):
    async def result_members(self, mission_id: int) -> list[ResultMember]:
        """The mission's members (as DirectoryStore.mission_directory has them), by user id."""
        ...

    async def meeting_rows(self, mission_id: int) -> list[ResultMeeting]:
        """The mission's meetings (as MeetingStore.meetings_in has them), by start then id."""
        ...

    async def request_counts(self, mission_id: int) -> dict[str, int]:
        """The mission's meeting requests by status (pending, accepted, declined, countered, cancelled)."""
        ...

    async def meeting_ratings(self, mission_id: int) -> dict[int, list[int]]:
        """Meeting id -> the ratings its members gave (1–5), for meetings of the mission that have one."""
        ...

    async def lead_counts(self, mission_id: int) -> list[LeadCount]:
        """The mission's leads counted by owner, pipeline status and source (never their notes)."""
        ...
