"""What the results read beyond the other ports: counts the database can group itself, so 5,000 people and
2,000 meetings cost a few queries, not one per person."""

from __future__ import annotations

from typing import Protocol

import msgspec


class LeadCount(msgspec.Struct, frozen=True):
    owner: int
    status: str
    source: str
    count: int


class ResultsStore(Protocol):
    async def request_counts(self, mission_id: int) -> dict[str, int]:
        """The mission's meeting requests by status (pending, accepted, declined, countered, cancelled)."""
        ...

    async def meeting_ratings(self, mission_id: int) -> dict[int, list[int]]:
        """Meeting id -> the ratings its members gave (1–5), for meetings of the mission that have one."""
        ...

    async def lead_counts(self, mission_id: int) -> list[LeadCount]:
        """The mission's leads counted by owner, pipeline status and source (never their notes)."""
        ...
