"""The matchmaking use cases (docs/matchmaking.md): rules, slots and availability, the schedule, and what
happens around a booked meeting (its room, attendance, notes, leads). Requests and bookings are in
rooms.matchmaking.requests, which extends this class.

Each use case loads who is asking, checks rooms.policy, writes through the store and, when the other party must
know, appends a durable notification to their `inbox:<user>` room; the returned `Appended` (or a result's
`appended`) is published as the use case returns (server/ws/delivery.py, `publishing`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

import msgspec

from rooms.core.errors import Gone, Invalid, NotFound
from rooms.core.events import Appended, EventBody, RoomEvent
from rooms.core.refs import meeting
from rooms.core.timezones import zone
from rooms.matchmaking.base import SYSTEM
from rooms.matchmaking.call import Report, call_figures
from rooms.matchmaking.events import MeetingJoined, MeetingLeft, MeetingMedia, MeetingStarting
from rooms.matchmaking.records import (
    Attendance,
    Lead,
    LeadSource,
    MatchmakingRules,
    Meeting,
    MeetingNotes,
    MeetingStatus,
)
from rooms.matchmaking.requests import MeetingRequests
from rooms.matchmaking.settlement import ends_of_rooms_closed, outcome, room_closes_at
from rooms.matchmaking.slots import TimedSlot, overlaps, slots
from rooms.missions.mission import ItemKind, ProgrammeItem
from rooms.missions.people import User
from rooms.policy import Action, in_own_schedule

MAX_NOTES = 5000
_LOG_PAGE = 1000


class MySlot(msgspec.Struct, frozen=True):
    slot: TimedSlot
    available: bool  # I marked myself available
    meeting_id: int | None  # my booked meeting overlapping this slot

    @property
    def booked(self) -> bool:
        return self.meeting_id is not None


class Settled(NamedTuple):
    meeting: Meeting
    present: tuple[bool, bool]  # whether a and b are in the room now

    @property
    def status(self) -> MeetingStatus:
        return self.meeting.status


class Schedule(msgspec.Struct, frozen=True):
    mission_timezone: str
    meetings: list[Meeting]  # mine, not cancelled, by start
    items: list[ProgrammeItem]  # the programme I attend: everything but the matchmaking blocks (my meetings are)


class MatchmakingService(MeetingRequests):
    # -- rules, slots, availability ------------------------------------------------------------------------

    async def rules(self, user: User, mission_id: int) -> MatchmakingRules:
        await self._viewer(user, mission_id, Action.VIEW_MATCHMAKING)
        return await self._store.get_rules(mission_id)

    async def save_rules(self, user: User, mission_id: int, rules: MatchmakingRules) -> MatchmakingRules:
        await self._viewer(user, mission_id, Action.MANAGE_MATCHMAKING)
        zone(rules.delegation_timezone, "delegation_timezone")
        await self._store.save_rules(mission_id, rules)
        return rules

    async def slots(self, user: User, mission_id: int) -> list[MySlot]:
        viewer = await self._viewer(user, mission_id, Action.VIEW_MATCHMAKING)
        rules = await self._store.get_rules(mission_id)
        timed = slots(await self._store.programme(mission_id), rules, viewer.mission.timezone)
        available = set(await self._store.availability(mission_id, user.id))
        mine = [m for m in await self._store.meetings_of(mission_id, user.id)
                if m.status is not MeetingStatus.CANCELLED]

        def booked(slot: TimedSlot) -> int | None:
            return next((m.id for m in mine if overlaps(m.starts_at, m.ends_at, slot.starts_at, slot.ends_at)), None)

        return [MySlot(s, s.starts_at in available, booked(s)) for s in timed]

    async def set_availability(self, user: User, mission_id: int, starts: Sequence[dt.datetime]) -> list[dt.datetime]:
        viewer = await self._viewer(user, mission_id, Action.REQUEST_MEETING)
        rules = await self._store.get_rules(mission_id)
        known = {s.starts_at for s in slots(await self._store.programme(mission_id), rules, viewer.mission.timezone)}
        chosen: set[dt.datetime] = set()
        for start in starts:
            if start.tzinfo is None:
                raise Invalid(code="naive-datetime", message="A time needs a UTC offset, e.g. 2026-06-15T17:00:00Z.",
                              field="slots")
            if start.astimezone(dt.UTC) not in known:
                raise Invalid(code="unknown-slot",
                              message=f"There is no matchmaking slot starting at {start.isoformat()}.", field="slots")
            chosen.add(start.astimezone(dt.UTC))
        await self._store.set_availability(mission_id, user.id, sorted(chosen))
        return sorted(chosen)

    async def schedule(self, user: User, mission_id: int) -> Schedule:
        viewer = await self._viewer(user, mission_id, Action.VIEW_MISSION)
        meetings = [m for m in await self._store.meetings_of(mission_id, user.id)
                    if m.status is not MeetingStatus.CANCELLED]
        audience = await self._store.mission_audience(mission_id)
        items = [i for i in await self._store.programme(mission_id)
                 if i.kind is not ItemKind.MATCHMAKING and in_own_schedule(viewer.actor.membership, i, audience)]
        return Schedule(viewer.mission.timezone, meetings, items)

    # -- the meeting room ----------------------------------------------------------------------------------

    async def get_meeting(self, user: User, meeting_id: int) -> Meeting:
        found, _ = await self._meeting_of(user, meeting_id)
        return found

    async def may_join_meeting(self, user: User, meeting_id: int) -> Meeting:
        """Raises unless this user may be in the meeting's room now: one of its two members, while it is not
        cancelled, until ROOM_OPEN_AFTER past its end."""
        found, _ = await self._meeting_of(user, meeting_id)
        if found.status is MeetingStatus.CANCELLED:
            raise Gone(code="meeting-closed", message="This meeting was cancelled.")
        if self._clock.now() > room_closes_at(found):
            raise Gone(code="meeting-closed", message="This meeting is over.")
        return found

    async def meeting_joined(self, user: User, meeting_id: int) -> Appended:
        """The person entered the room (their first connection): recorded durably (`m-joined`), figures updated."""
        await self.may_join_meeting(user, meeting_id)
        return await self._presence(meeting_id, user.id, joined=True)

    async def meeting_left(self, user_id: int, meeting_id: int) -> Appended:
        """The person's last connection left (or dropped). No check: leaving is always allowed, even once the room
        closed. A meeting booked from the lounge ("have a word") ends when its room empties: its time is free
        again, and it is settled as it stands."""
        return await self._presence(meeting_id, user_id, joined=False)

    async def call_report(self, user: User, meeting_id: int, sid: str, connected: bool, frames: int) -> Appended:
        """A member's page says how its call goes (`m-media`, rooms/matchmaking/call.py); the meeting becomes held as
        soon as media flowed both ways for the mission's `held_seconds`."""
        found = await self.may_join_meeting(user, meeting_id)
        written = await self._store.append(
            [(meeting(meeting_id).name, MeetingMedia(user.id, sid, connected, frames))], user.id, None,
            self._clock.now())
        # Only a report of media can make the meeting held; once held, the figures are settled when people leave.
        if found.status is not MeetingStatus.HELD and connected and frames > 0:
            await self.settle_call(meeting_id)
        return Appended([event for event, _ in written], fresh=True)

    async def _presence(self, meeting_id: int, user_id: int, *, joined: bool) -> Appended:
        now = self._clock.now()
        found = await self._store.get_meeting(meeting_id)
        if found is None or user_id not in found.members():
            raise NotFound(code="meeting-not-found", message="Meeting not found.")
        body = MeetingJoined(user_id) if joined else MeetingLeft(user_id)
        written = await self._store.append([(meeting(meeting_id).name, body)], user_id, None, now)
        settled = await self.settle_call(meeting_id)
        if not joined and not any(settled.present) and now < found.ends_at and await self._from_lounge(found):
            await self._store.end_meeting(meeting_id, now)
            await self.settle_call(meeting_id, closed=True)
        return Appended([event for event, _ in written], fresh=True)

    async def _from_lounge(self, found: Meeting) -> bool:
        """A side room booked from the lounge ("have a word") rather than a matchmaking slot."""
        item = await self._store.get_item(found.item_id)
        return item is not None and item.kind is ItemKind.NETWORKING

    async def settle_call(self, meeting_id: int, *, closed: bool = False) -> Settled:
        """Recomputes the meeting's figures from its room's log up to now, stores them with the status they give
        (rooms/matchmaking/settlement.py; `closed`: the room has closed, so a meeting not held is a no-show or failed to
        connect), and gives each side a lead once the meeting is held. Idempotent: every node, and the meeting
        clock at the room's close, may call it again."""
        found = await self._store.get_meeting(meeting_id)
        if found is None:
            raise NotFound(code="meeting-not-found", message="Meeting not found.")
        if found.status is MeetingStatus.CANCELLED:
            return Settled(found, (False, False))
        rules = await self._store.get_rules(found.mission_id)
        changes, reports = await self._room_log(meeting_id)
        figures = call_figures(changes, reports, found.a, found.b, self._clock.now())
        status = outcome(found.status, figures, rules.held_seconds, closed=closed)
        recorded = found
        if (figures.attendance, figures.quality, status) != (
                Attendance(found.a_seconds, found.b_seconds, found.both_seconds), found.quality, found.status):
            recorded = await self._store.record_call(meeting_id, figures.attendance, figures.quality, status)
        if recorded.status is MeetingStatus.HELD:  # again on every call: add_lead is idempotent
            for owner in recorded.members():
                await self._store.add_lead(recorded.mission_id, owner, recorded.other(owner), LeadSource.MEETING,
                                           recorded.id, self._clock.now())
        return Settled(recorded, figures.present)

    async def rooms_closed(self, after: dt.datetime, until: dt.datetime) -> list[Meeting]:
        """Booked or held meetings whose rooms closed in (after, until], by end: the meeting clock settles each
        with settle_closed_room."""
        return await self._store.meetings_closing(*ends_of_rooms_closed(after, until))

    async def settle_closed_room(self, meeting_id: int) -> Settled:
        """Settles a meeting whose room has closed: not held by now, it is a no-show or failed to connect."""
        return await self.settle_call(meeting_id, closed=True)

    async def _room_log(self, meeting_id: int) -> tuple[list[tuple[int, bool, dt.datetime]], list[Report]]:
        room, after = meeting(meeting_id).name, 0
        changes: list[tuple[int, bool, dt.datetime]] = []
        reports: list[Report] = []
        while True:
            page: list[RoomEvent] = await self._store.since(room, after, _LOG_PAGE)
            for event in page:
                match event.body:
                    case MeetingJoined(user_id=user_id):
                        changes.append((user_id, True, event.at))
                    case MeetingLeft(user_id=user_id):
                        changes.append((user_id, False, event.at))
                    case MeetingMedia(user_id=user_id, sid=sid, connected=connected, frames=frames):
                        reports.append(Report(user_id, event.at, sid, connected, frames))
                    case _:
                        pass  # the room carries only these
            if len(page) < _LOG_PAGE:
                return changes, reports
            after = page[-1].seq

    async def starting(self, meeting_id: int) -> Appended:
        """`n-starting` to both members, once (idempotency key `starting-<id>`): a per-node timer may fire on
        every node. Nothing for a meeting that is no longer booked."""
        found = await self._store.get_meeting(meeting_id)
        if found is None:
            raise NotFound(code="meeting-not-found", message="Meeting not found.")
        if found.status is not MeetingStatus.BOOKED:
            return Appended([], fresh=False)
        cards = await self.cards(found.mission_id, found.members())
        notes: list[tuple[int, EventBody]] = [
            (me, MeetingStarting(found.mission_id, found.id, cards[found.other(me)], found.starts_at, found.ends_at))
            for me in found.members() if found.other(me) in cards]
        return await self._notify(SYSTEM, notes, key=f"starting-{meeting_id}")

    # -- after the meeting ---------------------------------------------------------------------------------

    async def save_notes(self, user: User, meeting_id: int, notes: str, rating: int | None) -> MeetingNotes:
        await self._meeting_of(user, meeting_id)
        if len(notes) > MAX_NOTES:
            raise Invalid(code="too-long", message=f"Notes have at most {MAX_NOTES} characters.", field="notes")
        if rating is not None and not 1 <= rating <= 5:
            raise Invalid(code="bad-rating", message="A rating is from 1 to 5.", field="rating")
        return await self._store.save_notes(meeting_id, user.id, notes, rating, self._clock.now())

    async def notes(self, user: User, meeting_id: int) -> MeetingNotes | None:
        """My notes on the meeting (private: never anyone else's)."""
        await self._meeting_of(user, meeting_id)
        return await self._store.get_notes(meeting_id, user.id)

    async def mission_meetings(self, user: User, mission_id: int) -> list[Meeting]:
        """Every meeting of the mission with its outcome and call quality (organisers): where a call failed, the
        figures say whether the people or the network did."""
        await self._viewer(user, mission_id, Action.MANAGE_MATCHMAKING)
        return await self._store.meetings_in(mission_id)

    async def leads(self, user: User, mission_id: int) -> list[Lead]:
        await self._viewer(user, mission_id, Action.VIEW_MATCHMAKING)
        return await self._store.leads_of(mission_id, user.id)
