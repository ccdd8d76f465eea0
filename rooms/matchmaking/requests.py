"""Meeting requests and bookings (docs/matchmaking.md, "Requests and meetings"): request, accept, decline,
counter, cancel; organiser booking; cancelling and rescheduling a meeting; my requests and meetings.

The store guarantees no double booking however acceptances race; the checks here come first so that the usual
refusals carry a precise reason, not because they could be relied upon alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Generic, NamedTuple, TypeVar

import msgspec

from rooms.core.cards import PersonCard, Side
from rooms.core.errors import Conflict, Invalid, NotFound
from rooms.core.events import Appended, EventBody
from rooms.mail.drafts import meeting_booked_mail
from rooms.mail.outbox import MailDraft
from rooms.matchmaking.base import MatchmakingBase, Viewer
from rooms.matchmaking.events import (
    Cancelled,
    MeetingBooked,
    RequestAccepted,
    RequestCountered,
    RequestDeclined,
    RequestReceived,
)
from rooms.matchmaking.records import MatchmakingRules, Meeting, MeetingRequest, MeetingStatus, RequestStatus
from rooms.matchmaking.standing import StandingWith, meeting_counts, require_member, require_open, standing
from rooms.missions.mission import Mission
from rooms.missions.people import Membership, Role, User
from rooms.policy import (
    Action,
    Actor,
    may_meet,
    require,
    require_meeting_manager,
    require_meeting_member,
    require_organiser_booking,
    require_request_addressee,
    require_request_sender,
)

MAX_MESSAGE = 500
MAX_REASON = 300
MAX_PROPOSED = 5

T = TypeVar("T")


class Done(NamedTuple, Generic[T]):
    """What a use case changed, and the notifications it appended (published as it returns: `publishing`)."""

    value: T
    appended: Appended


def _text(value: str, limit: int, field: str) -> str:
    value = value.strip()
    if len(value) > limit:
        raise Invalid(code="too-long", message=f"At most {limit} characters.", field=field)
    return value


class MeetingRequests(MatchmakingBase):
    async def _proposed(self, viewer: Viewer, rules: MatchmakingRules, starts: Sequence[dt.datetime]
                        ) -> list[dt.datetime]:
        """Validated slot starts proposed by the viewer: 1–5 distinct existing future slots in which the viewer
        has no meeting."""
        if not 1 <= len(starts) <= MAX_PROPOSED:
            raise Invalid(code="bad-slots", message=f"Propose from 1 to {MAX_PROPOSED} slots.", field="slots")
        now = self._clock.now()
        chosen: dict[dt.datetime, None] = {}
        for start in starts:
            if start.tzinfo is None:
                raise Invalid(code="naive-datetime", message="A time needs a UTC offset, e.g. 2026-06-15T17:00:00Z.",
                              field="slots")
            slot = await self._slot(viewer.mission, rules, start, "slots")
            if slot.starts_at <= now:
                raise Invalid(code="slot-past", message="This slot has already begun.", field="slots")
            if await self._busy(viewer.mission.id, viewer.membership.user_id, slot.starts_at, slot.ends_at):
                raise Conflict(code="slot-taken", message="You already have a meeting at that time.", field="slots")
            chosen[slot.starts_at] = None
        return sorted(chosen)

    async def _check_request(self, viewer: Viewer, to: int, counter_of: int | None,
                             moving: int | None = None) -> MatchmakingRules:
        """Everything about a new request but its slots, by the rule every page asks before offering one
        (rooms.matchmaking.standing): the pair, no meeting or open request between them, the caps."""
        mission_id, me = viewer.mission.id, viewer.membership.user_id
        require(viewer.actor, Action.REQUEST_MEETING)
        rules = await self._store.get_rules(mission_id)
        other = require_member(await self._store.get_membership(mission_id, to))
        mine = await self._store.meetings_of(mission_id, me)
        counts = meeting_counts(mine)
        counts[to] = meeting_counts(await self._store.meetings_of(mission_id, to)).get(to, 0)
        found = standing(rules, viewer.membership, other, await self._store.requests_of(mission_id, me), mine,
                         counts, self._clock.now(), ignore_request=counter_of, ignore_meeting=moving)
        require_open(found, rules)
        return rules

    async def standings(self, user: User, mission_id: int, people: Sequence[int]) -> list[StandingWith]:
        """Where I stand with each of `people` (members of the mission; others are left out), in their order:
        what a page offers beside a person. Reads my requests and the mission's meetings once."""
        viewer = await self._viewer(user, mission_id, Action.VIEW_MATCHMAKING)
        rules = await self._store.get_rules(mission_id)
        everyone = await self._store.meetings_in(mission_id)
        counts = meeting_counts(everyone)
        mine = [m for m in everyone if user.id in m.members()]
        requests = await self._store.requests_of(mission_id, user.id)
        now = self._clock.now()
        wanted = list(dict.fromkeys(people))
        found = {e.profile.user_id: e for e in await self._store.mission_directory(mission_id, wanted)}
        out: list[StandingWith] = []
        for person in wanted:
            entry = found.get(person)
            if entry is not None:
                other = Membership(mission_id, person, entry.role, entry.side)
                where = standing(rules, viewer.membership, other, requests, mine, counts, now)
                out.append(msgspec.structs.replace(where, name=entry.profile.name, side=entry.side))
        return out

    async def _open_request(self, viewer: Viewer, to: int, message: str, starts: Sequence[dt.datetime],
                            counter_of: int | None = None) -> MeetingRequest:
        rules = await self._check_request(viewer, to, counter_of)
        message = _text(message, MAX_MESSAGE, "message")
        proposed = await self._proposed(viewer, rules, starts)
        return await self._store.create_request(viewer.mission.id, viewer.membership.user_id, to, message, proposed,
                                                self._clock.now(), counter_of=counter_of)

    async def _request_for(self, user: User, request_id: int) -> tuple[MeetingRequest, Viewer]:
        """The request, for its sender or addressee; the rest of the mission is refused, outsiders learn nothing."""
        request = await self._store.get_request(request_id)
        if request is None:
            raise NotFound(code="request-not-found", message="Meeting request not found.")
        mission = await self._store.get_mission(request.mission_id)
        membership = await self._store.get_membership(request.mission_id, user.id)
        if mission is None or membership is None:
            raise NotFound(code="request-not-found", message="Meeting request not found.")
        require_meeting_member(membership, (request.from_user, request.to_user))
        return request, Viewer(Actor(user, membership), mission)

    @staticmethod
    def _require_pending(request: MeetingRequest) -> None:
        if request.status is not RequestStatus.PENDING:
            raise Conflict(code="request-not-pending", message=f"This request was already {request.status.value}.")

    # -- requests ------------------------------------------------------------------------------------------

    async def request(self, user: User, mission_id: int, to: int, message: str, slots: Sequence[dt.datetime]
                      ) -> Done[MeetingRequest]:
        viewer = await self._viewer(user, mission_id, Action.REQUEST_MEETING)
        created = await self._open_request(viewer, to, message, slots)
        me = await self.card(mission_id, user.id)
        note = RequestReceived(mission_id, created.id, me, list(created.slots), created.message)
        return Done(created, await self._notify(user.id, [(to, note)]))

    async def accept(self, user: User, request_id: int, slot: dt.datetime) -> Done[Meeting]:
        request, viewer = await self._request_for(user, request_id)
        require_request_addressee(user, request.to_user)
        self._require_pending(request)
        if slot.tzinfo is None or slot.astimezone(dt.UTC) not in request.slots:
            raise Invalid(code="not-proposed", message="Pick one of the proposed slots.", field="slot")
        rules = await self._store.get_rules(request.mission_id)
        found = await self._slot(viewer.mission, rules, slot, "slot")
        _, booked = await self._store.accept(request_id, found.starts_at, found.ends_at, found.item_id,
                                             rules.max_meetings, self._clock.now())
        me = await self.card(request.mission_id, user.id)
        note = RequestAccepted(request.mission_id, request.id, booked.id, me, booked.starts_at, booked.ends_at)
        return Done(booked, await self._notify(user.id, [(request.from_user, note)]))

    async def decline(self, user: User, request_id: int, reason: str | None) -> Done[MeetingRequest]:
        request, _ = await self._request_for(user, request_id)
        require_request_addressee(user, request.to_user)
        reason = _text(reason, MAX_REASON, "reason") or None if reason is not None else None
        answered = await self._store.answer_request(request_id, RequestStatus.DECLINED, reason, self._clock.now())
        me = await self.card(request.mission_id, user.id)
        note = RequestDeclined(request.mission_id, request.id, me, reason)
        return Done(answered, await self._notify(user.id, [(request.from_user, note)]))

    async def counter(self, user: User, request_id: int, slots: Sequence[dt.datetime], message: str = ""
                      ) -> Done[MeetingRequest]:
        """A new request the other way (the old one becomes `countered`, atomically)."""
        request, viewer = await self._request_for(user, request_id)
        require_request_addressee(user, request.to_user)
        self._require_pending(request)
        created = await self._open_request(viewer, request.from_user, message, slots, counter_of=request.id)
        me = await self.card(request.mission_id, user.id)
        note = RequestCountered(request.mission_id, created.id, request.id, me, list(created.slots), created.message)
        return Done(created, await self._notify(user.id, [(request.from_user, note)]))

    async def cancel_request(self, user: User, request_id: int) -> Done[MeetingRequest]:
        request, _ = await self._request_for(user, request_id)
        require_request_sender(user, request.from_user)
        answered = await self._store.answer_request(request_id, RequestStatus.CANCELLED, None, self._clock.now())
        me = await self.card(request.mission_id, user.id)
        note = Cancelled(request.mission_id, me, request_id=request.id)
        return Done(answered, await self._notify(user.id, [(request.to_user, note)]))

    async def my_requests(self, user: User, mission_id: int) -> list[MeetingRequest]:
        """Incoming and outgoing, newest first."""
        await self._viewer(user, mission_id, Action.VIEW_MATCHMAKING)
        return await self._store.requests_of(mission_id, user.id)

    # -- meetings ------------------------------------------------------------------------------------------

    async def book(self, user: User, mission_id: int, a: int, b: int, slot: dt.datetime) -> Done[Meeting]:
        """Organiser booking (hosted-buyer style): both are notified (`n-booked`)."""
        viewer = await self._viewer(user, mission_id, Action.VIEW_MATCHMAKING)
        rules = await self._store.get_rules(mission_id)
        require(viewer.actor, Action.BOOK_FOR_OTHERS)
        if a == b:
            raise Invalid(code="same-person", message="A meeting needs two different people.", field="b")
        vip = False
        for person, field in ((a, "a"), (b, "b")):
            membership = await self._store.get_membership(mission_id, person)
            if membership is None:
                raise NotFound(code="person-not-found", message="Person not found.")
            if not may_meet(membership):
                raise Invalid(code="not-bookable", message="This person does not take meetings in this mission.",
                              field=field)
            vip = vip or membership.role is Role.VIP
        require_organiser_booking(viewer.actor, rules, with_vip=vip)
        if slot.tzinfo is None:
            raise Invalid(code="naive-datetime", message="A time needs a UTC offset, e.g. 2026-06-15T17:00:00Z.",
                          field="slot")
        found = await self._slot(viewer.mission, rules, slot, "slot")
        cards = await self.cards(mission_id, [a, b])
        mail = [await self._booked_mail(viewer.mission, rules, user, cards, me, other, found.starts_at)
                for me, other in ((a, b), (b, a))]
        booked = await self._store.book(mission_id, a, b, found.item_id, found.starts_at, found.ends_at, user.id,
                                        rules.max_meetings, self._clock.now(), mail=mail)
        by = await self.card(mission_id, user.id)
        notes: list[tuple[int, EventBody]] = [
            (me, MeetingBooked(mission_id, booked.id, by, cards[booked.other(me)], booked.starts_at, booked.ends_at))
            for me in booked.members()]
        return Done(booked, await self._notify(user.id, notes))

    async def _booked_mail(self, mission: Mission, rules: MatchmakingRules, organiser: User,
                           cards: dict[int, PersonCard], me: int, other: int, starts_at: dt.datetime) -> MailDraft:
        """The mail telling `me` about a meeting an organiser booked, in their language and their side's zone."""
        to = await self._store.get_user(me)
        if to is None or me not in cards or other not in cards:
            raise NotFound(code="person-not-found", message="Person not found.")
        them = cards[other]
        name = f"{them.name} ({them.organisation})" if them.organisation else them.name
        timezone = rules.delegation_timezone if cards[me].side is Side.DELEGATION else mission.timezone
        return meeting_booked_mail(to, await self._store.get_profile(me), name, mission, organiser, starts_at,
                                   timezone)

    async def cancel_meeting(self, user: User, meeting_id: int, *, rescheduled: bool = False) -> Done[Meeting]:
        """By either member (the other is notified) or an organiser (both are)."""
        found = await self._store.get_meeting(meeting_id)
        membership = None if found is None else await self._store.get_membership(found.mission_id, user.id)
        if found is None or membership is None:
            raise NotFound(code="meeting-not-found", message="Meeting not found.")
        require_meeting_manager(membership, found.members())
        cancelled = await self._store.cancel_meeting(meeting_id)
        by = await self.card(found.mission_id, user.id)
        note = Cancelled(found.mission_id, by, meeting_id=found.id, starts_at=found.starts_at,
                         rescheduled=rescheduled)
        told: list[tuple[int, EventBody]] = [(p, note) for p in found.members() if p != user.id]
        return Done(cancelled, await self._notify(user.id, told))

    async def reschedule(self, user: User, meeting_id: int, slots: Sequence[dt.datetime], message: str = ""
                         ) -> Done[MeetingRequest]:
        """Cancels the meeting and opens a new request to the other member. The request is checked before the
        meeting is cancelled, so a refused one leaves the meeting as it was."""
        found, membership = await self._meeting_of(user, meeting_id)
        if found.status is not MeetingStatus.BOOKED:
            raise Conflict(code="meeting-not-booked", message=f"This meeting is {found.status.value}, not booked.")
        mission = await self._store.get_mission(found.mission_id)
        assert mission is not None
        viewer = Viewer(Actor(user, membership), mission)
        rules = await self._check_request(viewer, found.other(user.id), None, moving=found.id)
        _text(message, MAX_MESSAGE, "message")
        # The meeting being moved does not count as busy: checked as if it were already cancelled.
        proposed = await self._proposed_ignoring(viewer, rules, slots, found)
        cancelled = await self.cancel_meeting(user, meeting_id, rescheduled=True)
        created = await self._open_request(viewer, found.other(user.id), message, proposed)
        me = await self.card(found.mission_id, user.id)
        note = RequestReceived(found.mission_id, created.id, me, list(created.slots), created.message)
        sent = await self._notify(user.id, [(found.other(user.id), note)])
        return Done(created, Appended(cancelled.appended.events + sent.events, fresh=True))

    async def _proposed_ignoring(self, viewer: Viewer, rules: MatchmakingRules, starts: Sequence[dt.datetime],
                                 moving: Meeting) -> list[dt.datetime]:
        if not 1 <= len(starts) <= MAX_PROPOSED:
            raise Invalid(code="bad-slots", message=f"Propose from 1 to {MAX_PROPOSED} slots.", field="slots")
        out = []
        for start in starts:
            if start.tzinfo is None:
                raise Invalid(code="naive-datetime", message="A time needs a UTC offset, e.g. 2026-06-15T17:00:00Z.",
                              field="slots")
            slot = await self._slot(viewer.mission, rules, start, "slots")
            if slot.starts_at <= self._clock.now():
                raise Invalid(code="slot-past", message="This slot has already begun.", field="slots")
            busy = await self._busy(viewer.mission.id, viewer.membership.user_id, slot.starts_at, slot.ends_at)
            if busy is not None and busy.id != moving.id:
                raise Conflict(code="slot-taken", message="You already have a meeting at that time.", field="slots")
            out.append(slot.starts_at)
        return out

    async def my_meetings(self, user: User, mission_id: int) -> list[Meeting]:
        """Mine, cancelled too, by start time."""
        await self._viewer(user, mission_id, Action.VIEW_MATCHMAKING)
        return await self._store.meetings_of(mission_id, user.id)
