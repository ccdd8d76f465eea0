"""What the matchmaking use cases share: who is asking (rooms.policy), people's cards, slots, notifications.

Notifications are durable events in the other party's `inbox:<user>` room; the returned `Appended` (or a
result's `appended`) is published as the use case returns (server/ws/delivery.py, `publishing`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple, Protocol

from rooms.core.cards import PersonCard
from rooms.core.clock import Clock
from rooms.core.errors import Invalid, NotFound
from rooms.core.eventlog import EventLog
from rooms.core.events import Appended, EventBody
from rooms.core.refs import inbox
from rooms.matchmaking.ports import MeetingStore
from rooms.matchmaking.records import MatchmakingRules, Meeting, MeetingStatus, Slot
from rooms.matchmaking.slots import overlaps, slot_at
from rooms.missions.audience import AudienceStore
from rooms.missions.mission import Mission
from rooms.missions.people import Membership, User
from rooms.missions.ports import DirectoryStore, MembershipStore, MissionStore, ProfileStore, UserStore
from rooms.policy import Action, Actor, require, require_meeting_member


class MatchmakingStore(MissionStore, MembershipStore, DirectoryStore, UserStore, ProfileStore, MeetingStore, EventLog,
                       AudienceStore, Protocol):
    """What matchmaking uses of the store."""


SYSTEM = 0  # the sender of what happens by itself (the "starting" notice)


class Viewer(NamedTuple):
    actor: Actor
    mission: Mission

    @property
    def membership(self) -> Membership:
        assert self.actor.membership is not None  # require() made sure
        return self.actor.membership


class MatchmakingBase:
    def __init__(self, store: MatchmakingStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # -- shared --------------------------------------------------------------------------------------------

    async def _viewer(self, user: User, mission_id: int, action: Action) -> Viewer:
        mission = await self._store.get_mission(mission_id)
        if mission is None:
            raise NotFound(code="mission-not-found", message="Mission not found.")
        actor = Actor(user, await self._store.get_membership(mission_id, user.id))
        require(actor, action)
        return Viewer(actor, mission)

    async def _meeting_of(self, user: User, meeting_id: int) -> tuple[Meeting, Membership]:
        """The meeting, for one of its two members; the rest of the mission is refused, outsiders learn nothing."""
        found = await self._store.get_meeting(meeting_id)
        if found is None:
            raise NotFound(code="meeting-not-found", message="Meeting not found.")
        membership = await self._store.get_membership(found.mission_id, user.id)
        require_meeting_member(membership, found.members())
        assert membership is not None
        return found, membership

    async def card(self, mission_id: int, user_id: int) -> PersonCard:
        found = await self.cards(mission_id, [user_id])
        if user_id not in found:
            raise NotFound(code="person-not-found", message="Person not found.")
        return found[user_id]

    async def cards(self, mission_id: int, user_ids: Sequence[int]) -> dict[int, PersonCard]:
        """Cards of the people a list of requests or meetings names, by user id (those who left are skipped),
        read in one query."""
        return {e.profile.user_id: PersonCard(e.profile.user_id, e.profile.name, e.profile.organisation,
                                              e.profile.org_type, e.side, e.profile.country)
                for e in await self._store.mission_directory(mission_id, user_ids)}

    async def _notify(self, sender: int, notes: Sequence[tuple[int, EventBody]], key: str | None = None) -> Appended:
        if not notes:
            return Appended([], fresh=True)
        written = await self._store.append([(inbox(to).name, body) for to, body in notes], sender, key,
                                           self._clock.now())
        return Appended([event for event, _ in written], fresh=all(fresh for _, fresh in written))

    async def _slot(self, mission: Mission, rules: MatchmakingRules, start: dt.datetime, field: str) -> Slot:
        found = slot_at(await self._store.programme(mission.id), rules, start.astimezone(dt.UTC))
        if found is None:
            raise Invalid(code="unknown-slot", message=f"There is no matchmaking slot starting at {start.isoformat()}.",
                          field=field)
        return found

    async def _busy(self, mission_id: int, user_id: int, start: dt.datetime, end: dt.datetime) -> Meeting | None:
        for m in await self._store.meetings_of(mission_id, user_id):
            if m.status is not MeetingStatus.CANCELLED and overlaps(m.starts_at, m.ends_at, start, end):
                return m
        return None
