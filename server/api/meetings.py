"""Matchmaking over HTTP (docs/matchmaking.md): rules, slots and availability, recommendations, requests,
meetings, notes, leads and notifications. Every handler decodes, calls rooms.matchmaking.service, publishes the
notifications it appended through the node's live hub, and encodes records with people's cards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any

import msgspec

from rooms.core.aggregate import Decision
from rooms.core.cards import OrgType, PersonCard
from rooms.core.events import RoomEvent
from rooms.core.refs import inbox
from rooms.leads.events import LeadDue
from rooms.matchmaking.events import (
    Cancelled,
    MeetingBooked,
    MeetingStarting,
    Notification,
    RequestAccepted,
    RequestCountered,
    RequestDeclined,
    RequestReceived,
)
from rooms.matchmaking.recommend import Reason, recommend
from rooms.matchmaking.records import (
    CallQuality,
    Lead,
    LeadSource,
    MatchmakingRules,
    Meeting,
    MeetingNotes,
    MeetingRequest,
    MeetingStatus,
    RequestStatus,
    WhoMayRequest,
)
from rooms.matchmaking.service import MatchmakingService, MySlot
from rooms.matchmaking.standing import StandingWith
from rooms.missions.people import Id, User
from rooms.missions.profile import DirectoryEntry
from rooms.policy import Action, require
from rooms.reminders.events import DayDigest, ReminderNotice, WebinarStarting
from rooms.reminders.records import Channel, ReminderKind
from rooms.signups.events import PlaceGiven
from server.api.core import Context, Endpoint

Message = Annotated[str, msgspec.Meta(max_length=500)]
Slots = Annotated[list[dt.datetime], msgspec.Meta(min_length=1, max_length=5)]


# -- bodies and queries ----------------------------------------------------------------------------------------


class AvailabilityBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    slots: Annotated[list[dt.datetime], msgspec.Meta(max_length=1000)]


class RequestBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    to: Id
    slots: Slots
    message: Message = ""


class AcceptBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    slot: dt.datetime


class DeclineBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=300)] | None = None


class CounterBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    slots: Slots
    message: Message = ""


class BookBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    a: Id
    b: Id
    slot: dt.datetime


class NotesBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    notes: Annotated[str, msgspec.Meta(max_length=5000)] = ""
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)] | None = None


class RecommendationQuery(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20


class StandingQuery(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    person: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=200)]


class NotificationQuery(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    mission: Id


class ReadBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    upto_seq: Annotated[int, msgspec.Meta(ge=0, le=2**53)]


# -- views -----------------------------------------------------------------------------------------------------


class RequestView(msgspec.Struct, frozen=True):
    id: int
    mission_id: int
    from_: PersonCard = msgspec.field(name="from")
    to: PersonCard
    message: str
    slots: list[dt.datetime]
    status: RequestStatus
    reason: str | None
    meeting_id: int | None
    created_at: dt.datetime
    answered_at: dt.datetime | None
    counter_of: int | None


class MeetingView(msgspec.Struct, frozen=True):
    id: int
    mission_id: int
    a: PersonCard
    b: PersonCard
    item_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: MeetingStatus
    booked_by: int
    request_id: int | None
    created_at: dt.datetime
    a_seconds: int  # in the meeting room
    b_seconds: int
    both_seconds: int
    quality: CallQuality  # how the call went: what made it held, or not


class LeadView(msgspec.Struct, frozen=True):
    id: int
    mission_id: int
    person: PersonCard
    source: LeadSource
    meeting_id: int | None
    created_at: dt.datetime


class Recommendation(msgspec.Struct, frozen=True):
    person: DirectoryEntry
    score: float
    reasons: list[Reason]


_APP_KIND = {"n-request": ReminderKind.MEETING_REQUEST, "n-countered": ReminderKind.MEETING_REQUEST,
             "n-accepted": ReminderKind.MEETING_ACCEPTED, "n-starting": ReminderKind.MEETING_STARTING,
             "n-webinar": ReminderKind.WEBINAR_STARTING, "n-digest": ReminderKind.DIGEST}


class NotificationView(msgspec.Struct, frozen=True):
    seq: int
    at: dt.datetime
    read: bool
    event: Notification | ReminderNotice | LeadDue | PlaceGiven


class ReadUpTo(msgspec.Struct, frozen=True):
    upto_seq: int


def _gone_card(user_id: int) -> PersonCard:
    # Someone who has since left the mission still appears in the records they were part of.
    return PersonCard(user_id=user_id, name="(left the mission)", organisation="", org_type=OrgType.OTHER,
                      side=None, country="")


class Views:
    """Turns records into what clients see: ids of people become their cards (looked up once per answer)."""

    def __init__(self, service: MatchmakingService) -> None:
        self._service = service

    async def _cards(self, mission_id: int, ids: Iterable[int]) -> dict[int, PersonCard]:
        return await self._service.cards(mission_id, list(ids))

    async def requests(self, found: list[MeetingRequest]) -> list[RequestView]:
        if not found:
            return []
        cards = await self._cards(found[0].mission_id, [i for r in found for i in (r.from_user, r.to_user)])
        return [self._request(r, cards) for r in found]

    async def request(self, found: MeetingRequest) -> RequestView:
        return (await self.requests([found]))[0]

    @staticmethod
    def _request(r: MeetingRequest, cards: dict[int, PersonCard]) -> RequestView:
        return RequestView(
            id=r.id, mission_id=r.mission_id, from_=cards.get(r.from_user) or _gone_card(r.from_user),
            to=cards.get(r.to_user) or _gone_card(r.to_user), message=r.message, slots=list(r.slots),
            status=r.status, reason=r.reason, meeting_id=r.meeting_id, created_at=r.created_at,
            answered_at=r.answered_at, counter_of=r.counter_of)

    async def meetings(self, found: list[Meeting]) -> list[MeetingView]:
        if not found:
            return []
        cards = await self._cards(found[0].mission_id, [i for m in found for i in m.members()])
        return [self._meeting(m, cards) for m in found]

    async def meeting(self, found: Meeting) -> MeetingView:
        return (await self.meetings([found]))[0]

    @staticmethod
    def _meeting(m: Meeting, cards: dict[int, PersonCard]) -> MeetingView:
        return MeetingView(
            id=m.id, mission_id=m.mission_id, a=cards.get(m.a) or _gone_card(m.a), b=cards.get(m.b) or _gone_card(m.b),
            item_id=m.item_id, starts_at=m.starts_at, ends_at=m.ends_at, status=m.status, booked_by=m.booked_by,
            request_id=m.request_id, created_at=m.created_at, a_seconds=m.a_seconds, b_seconds=m.b_seconds,
            both_seconds=m.both_seconds, quality=m.quality)

    async def leads(self, found: list[Lead]) -> list[LeadView]:
        if not found:
            return []
        # People on the platform only: a lead added by hand is in the workspace (/api/leads, server/api/leads.py).
        people = [(lead, lead.person) for lead in found if lead.person is not None]
        cards = await self._cards(found[0].mission_id, [person for _, person in people])
        return [LeadView(lead.id, lead.mission_id, cards.get(person) or _gone_card(person), lead.source,
                         lead.meeting_id, lead.created_at) for lead, person in people]


# -- helpers ---------------------------------------------------------------------------------------------------


def service(ctx: Context) -> MatchmakingService:
    return ctx.services.meetings


def _mission_id(ctx: Context) -> int:
    return ctx.path_id("mission_id")


async def _request_user(ctx: Context) -> tuple[User, int]:
    """The caller and the request id; a bearer token scoped to another mission is refused."""
    request_id = ctx.path_id("request_id")
    user = await ctx.user()
    found = await ctx.services.store.get_request(request_id)
    if found is not None:
        await ctx.user_in(found.mission_id)
    return user, request_id


async def _meeting_user(ctx: Context) -> tuple[User, int]:
    meeting_id = ctx.path_id("meeting_id")
    user = await ctx.user()
    found = await ctx.services.store.get_meeting(meeting_id)
    if found is not None:
        await ctx.user_in(found.mission_id)
    return user, meeting_id


# -- rules, slots, availability --------------------------------------------------------------------------------


async def get_rules(ctx: Context, _: Any) -> MatchmakingRules:
    mid = _mission_id(ctx)
    return await service(ctx).rules(await ctx.user_in(mid), mid)


async def put_rules(ctx: Context, body: MatchmakingRules) -> MatchmakingRules:
    mid = _mission_id(ctx)
    return await service(ctx).save_rules(await ctx.user_in(mid), mid, body)


async def get_slots(ctx: Context, _: Any) -> list[MySlot]:
    mid = _mission_id(ctx)
    return await service(ctx).slots(await ctx.user_in(mid), mid)


async def put_availability(ctx: Context, body: AvailabilityBody) -> list[MySlot]:
    mid = _mission_id(ctx)
    user = await ctx.user_in(mid)
    await service(ctx).set_availability(user, mid, body.slots)
    return await service(ctx).slots(user, mid)


# -- recommendations -------------------------------------------------------------------------------------------


async def _not_again(svc: MatchmakingService, user: User, mission_id: int) -> set[int]:
    """People not to recommend: met or meeting (any meeting not cancelled), asked or asking (pending or
    accepted), and anyone who declined me or whom I declined."""
    out: set[int] = set()
    for m in await svc.my_meetings(user, mission_id):
        if m.status is not MeetingStatus.CANCELLED:
            out.add(m.other(user.id))
    for r in await svc.my_requests(user, mission_id):
        if r.status in (RequestStatus.PENDING, RequestStatus.ACCEPTED, RequestStatus.DECLINED):
            out.add(r.to_user if r.from_user == user.id else r.from_user)
    return out


async def recommendations(ctx: Context, query: RecommendationQuery) -> list[Recommendation]:
    mid = _mission_id(ctx)
    user = await ctx.user_in(mid)
    actor, mission = await ctx.services.missions.actor(user, mid)
    require(actor, Action.VIEW_MATCHMAKING)
    svc = service(ctx)
    rules = await svc.rules(user, mid)
    entries = await ctx.services.store.mission_directory(mid)
    cache = ctx.services.recommendations
    index = cache.index(mid, entries, mission.sectors)
    ranked = recommend(index, user.id, await _not_again(svc, user, mid),
                       other_side_only=rules.who_may_request is WhoMayRequest.OTHER_SIDE, limit=query.limit)
    by_id = {e.profile.user_id: e for e in entries}
    return [Recommendation(by_id[r.user_id], r.score, r.reasons) for r in ranked]


async def standings(ctx: Context, query: StandingQuery) -> list[StandingWith]:
    mid = _mission_id(ctx)
    return await service(ctx).standings(await ctx.user_in(mid), mid, query.person)


# -- requests --------------------------------------------------------------------------------------------------


async def _remind(ctx: Context, *, request: MeetingRequest | None = None, meeting: Meeting | None = None) -> None:
    """The reminder mail of a request received or a meeting booked (docs/mail.md, "Reminders"), queued right
    after what caused it and woken on this node: the fast path. If this node dies first, the reminder clock's
    sweep records the same reminder (same key: once) on its next tick."""
    if request is not None:
        await ctx.services.reminders.request_received(request)
    if meeting is not None:
        await ctx.services.reminders.meeting_booked(meeting)
    ctx.services.mail.wake()


async def create_request(ctx: Context, body: RequestBody) -> RequestView:
    mid = _mission_id(ctx)
    svc = service(ctx)
    done = await svc.request(await ctx.user_in(mid), mid, body.to, body.message, body.slots)
    await _remind(ctx, request=done.value)
    return await Views(svc).request(done.value)


async def list_requests(ctx: Context, _: Any) -> list[RequestView]:
    mid = _mission_id(ctx)
    svc = service(ctx)
    return await Views(svc).requests(await svc.my_requests(await ctx.user_in(mid), mid))


async def accept(ctx: Context, body: AcceptBody) -> MeetingView:
    user, request_id = await _request_user(ctx)
    svc = service(ctx)
    done = await svc.accept(user, request_id, body.slot)
    await _remind(ctx, meeting=done.value)
    return await Views(svc).meeting(done.value)


async def decline(ctx: Context, body: DeclineBody) -> RequestView:
    user, request_id = await _request_user(ctx)
    svc = service(ctx)
    done = await svc.decline(user, request_id, body.reason)
    return await Views(svc).request(done.value)


async def counter(ctx: Context, body: CounterBody) -> RequestView:
    user, request_id = await _request_user(ctx)
    svc = service(ctx)
    done = await svc.counter(user, request_id, body.slots, body.message)
    await _remind(ctx, request=done.value)
    return await Views(svc).request(done.value)


async def cancel_request(ctx: Context, _: Any) -> RequestView:
    user, request_id = await _request_user(ctx)
    svc = service(ctx)
    done = await svc.cancel_request(user, request_id)
    return await Views(svc).request(done.value)


# -- meetings --------------------------------------------------------------------------------------------------


async def book(ctx: Context, body: BookBody) -> MeetingView:
    mid = _mission_id(ctx)
    svc = service(ctx)
    done = await svc.book(await ctx.user_in(mid), mid, body.a, body.b, body.slot)
    return await Views(svc).meeting(done.value)


async def list_meetings(ctx: Context, _: Any) -> list[MeetingView]:
    mid = _mission_id(ctx)
    svc = service(ctx)
    return await Views(svc).meetings(await svc.my_meetings(await ctx.user_in(mid), mid))


async def mission_meetings(ctx: Context, _: Any) -> list[MeetingView]:
    mid = _mission_id(ctx)
    svc = service(ctx)
    return await Views(svc).meetings(await svc.mission_meetings(await ctx.user_in(mid), mid))


async def get_meeting(ctx: Context, _: Any) -> MeetingView:
    user, meeting_id = await _meeting_user(ctx)
    svc = service(ctx)
    return await Views(svc).meeting(await svc.get_meeting(user, meeting_id))


async def cancel_meeting(ctx: Context, _: Any) -> MeetingView:
    user, meeting_id = await _meeting_user(ctx)
    svc = service(ctx)
    done = await svc.cancel_meeting(user, meeting_id)
    return await Views(svc).meeting(done.value)


async def reschedule(ctx: Context, body: CounterBody) -> RequestView:
    user, meeting_id = await _meeting_user(ctx)
    svc = service(ctx)
    done = await svc.reschedule(user, meeting_id, body.slots, body.message)
    await _remind(ctx, request=done.value)
    return await Views(svc).request(done.value)


async def put_notes(ctx: Context, body: NotesBody) -> MeetingNotes:
    user, meeting_id = await _meeting_user(ctx)
    return await service(ctx).save_notes(user, meeting_id, body.notes, body.rating)


async def get_notes(ctx: Context, _: Any) -> MeetingNotes:
    user, meeting_id = await _meeting_user(ctx)
    found = await service(ctx).notes(user, meeting_id)
    if found is None:
        now = ctx.services.clock.now()
        return MeetingNotes(meeting_id=meeting_id, user_id=user.id, notes="", rating=None, updated_at=now)
    return found


async def leads(ctx: Context, _: Any) -> list[LeadView]:
    mid = _mission_id(ctx)
    svc = service(ctx)
    return await Views(svc).leads(await svc.leads(await ctx.user_in(mid), mid))


# -- notifications ---------------------------------------------------------------------------------------------

NOTIFICATIONS_SHOWN = 100
_PAGE = 200


def _read_aggregate(user_id: int) -> str:
    return f"notifications-read:{user_id}"


async def _read_upto(ctx: Context, user_id: int) -> int:
    state, _ = await ctx.services.store.load(_read_aggregate(user_id), inbox(user_id).name)
    return 0 if state is None else msgspec.json.decode(state, type=ReadUpTo).upto_seq


async def notifications(ctx: Context, query: NotificationQuery) -> list[NotificationView]:
    user = await ctx.user_in(query.mission)
    await ctx.services.missions.view(user, query.mission)  # members only; outsiders learn nothing
    store = ctx.services.store
    room = inbox(user.id).name
    read = await _read_upto(ctx, user.id)
    # The kinds the person turned off in the app (profile, "Reminders") are left out.
    prefs = await ctx.services.reminders.preferences(user.id)
    hidden = {tag for tag, kind in _APP_KIND.items() if not prefs.allows(kind, Channel.APP)}
    found: list[NotificationView] = []
    # Newest first: walk the inbox backwards a page at a time (it also holds direct messages).
    upper = await store.last_seq(room)
    while upper > 0 and len(found) < NOTIFICATIONS_SHOWN:
        lower = max(0, upper - _PAGE)
        page = await store.since(room, lower, upper - lower)
        for event in reversed(page):
            note = _notification(event, query.mission)
            if note is not None and type(note).__struct_config__.tag not in hidden:
                found.append(NotificationView(event.seq, event.at, event.seq <= read, note))
        upper = lower
    return found[:NOTIFICATIONS_SHOWN]


def _notification(event: RoomEvent, mission_id: int) -> Notification | ReminderNotice | LeadDue | PlaceGiven | None:
    body = event.body
    match body:
        case (RequestReceived() | RequestAccepted() | RequestDeclined() | RequestCountered() | Cancelled()
              | MeetingBooked() | MeetingStarting() | WebinarStarting() | DayDigest()):
            return body if body.mission_id == mission_id else None
        case LeadDue():  # a lead's next step is due (docs/leads.md, "Reminders")
            return body if body.mission_id == mission_id else None
        case PlaceGiven():  # a place from the waiting list (docs/programme.md)
            return body if body.mission_id == mission_id else None
        case _:
            return None  # direct messages share the inbox


async def mark_read(ctx: Context, body: ReadBody) -> ReadUpTo:
    user = await ctx.user()
    room = inbox(user.id).name
    last = await ctx.services.store.last_seq(room)
    upto = min(body.upto_seq, last)

    def decide(state: bytes | None) -> Decision:
        before = 0 if state is None else msgspec.json.decode(state, type=ReadUpTo).upto_seq
        # Marks only move forward: a stale tab cannot make read notifications unread again.
        return Decision([], msgspec.json.encode(ReadUpTo(max(before, upto))))

    await ctx.services.store.transact(_read_aggregate(user.id), [], user.id, None, ctx.services.clock.now(), decide)
    return ReadUpTo(max(await _read_upto(ctx, user.id), 0))


def endpoints() -> list[Endpoint]:
    m = "/api/missions/{mission_id:int}"
    mm = f"{m}/matchmaking"
    req = "/api/meeting-requests/{request_id:int}"
    meet = "/api/meetings/{meeting_id:int}"
    slot_errors = ("unknown-slot", "slot-past", "slot-taken", "naive-datetime")
    return [
        Endpoint("GET", f"{mm}/rules", get_rules, "The mission's matchmaking rules", "matchmaking",
                 returns=MatchmakingRules),
        Endpoint("PUT", f"{mm}/rules", put_rules, "Change the matchmaking rules (organisers)", "matchmaking",
                 body=MatchmakingRules, returns=MatchmakingRules, errors=("invalid-timezone",)),
        Endpoint("GET", f"{mm}/slots", get_slots, "Every matchmaking slot, local times of both sides, night flags, "
                 "and whether I am available or booked", "matchmaking", returns=list[MySlot]),
        Endpoint("PUT", f"{mm}/availability", put_availability, "Replace the slots I am available in",
                 "matchmaking", body=AvailabilityBody, returns=list[MySlot], errors=("unknown-slot",)),
        Endpoint("GET", f"{mm}/recommendations", recommendations, "People I could meet, best first, with reasons",
                 "matchmaking", query=RecommendationQuery, returns=list[Recommendation]),
        Endpoint("GET", f"{mm}/standing", standings, "Whether I may ask each person for a meeting, or why not "
                 "(one or more `person` ids; non-members are left out)", "matchmaking", query=StandingQuery,
                 returns=list[StandingWith]),
        Endpoint("POST", f"{m}/meetings/requests", create_request, "Ask someone for a meeting in 1–5 slots",
                 "meetings", body=RequestBody, returns=RequestView, status=201,
                 errors=("to-self", "same-side", "not-bookable", "person-not-found", "request-exists",
                         "already-meeting", "too-many-meetings", "too-many-requests", "too-long", "bad-slots",
                         *slot_errors)),
        Endpoint("GET", f"{m}/meetings/requests", list_requests, "My meeting requests, incoming and outgoing, "
                 "newest first", "meetings", returns=list[RequestView]),
        Endpoint("POST", f"{req}/accept", accept, "Accept a request in one of its slots: books the meeting",
                 "meetings", body=AcceptBody, returns=MeetingView,
                 errors=("request-not-found", "request-not-pending", "too-many-meetings", *slot_errors)),
        Endpoint("POST", f"{req}/decline", decline, "Decline a request, optionally saying why", "meetings",
                 body=DeclineBody, returns=RequestView, errors=("request-not-found", "request-not-pending")),
        Endpoint("POST", f"{req}/counter", counter, "Propose other slots: a new request the other way", "meetings",
                 body=CounterBody, returns=RequestView,
                 errors=("request-not-found", "request-not-pending", "bad-slots", *slot_errors)),
        Endpoint("POST", f"{req}/cancel", cancel_request, "Withdraw my pending request", "meetings",
                 returns=RequestView, errors=("request-not-found", "request-not-pending")),
        Endpoint("POST", f"{m}/meetings", book, "Book a meeting between two participants (organisers, when the "
                 "rules allow)", "meetings", body=BookBody, returns=MeetingView, status=201,
                 errors=("organiser-booking-off", "too-many-meetings", *slot_errors)),
        Endpoint("GET", f"{m}/meetings", list_meetings, "My meetings, by start time", "meetings",
                 returns=list[MeetingView]),
        Endpoint("GET", f"{mm}/meetings", mission_meetings, "Every meeting of the mission with its outcome and "
                 "call quality (organisers)", "matchmaking", returns=list[MeetingView]),
        Endpoint("GET", meet, get_meeting, "One of my meetings", "meetings", returns=MeetingView,
                 errors=("meeting-not-found",)),
        Endpoint("POST", f"{meet}/cancel", cancel_meeting, "Cancel a meeting (its members, organisers)", "meetings",
                 returns=MeetingView, errors=("meeting-not-found", "meeting-not-booked")),
        Endpoint("POST", f"{meet}/reschedule", reschedule, "Cancel a meeting and ask the other member for other "
                 "slots", "meetings", body=CounterBody, returns=RequestView,
                 errors=("meeting-not-found", "meeting-not-booked", "bad-slots", *slot_errors)),
        Endpoint("GET", f"{meet}/notes", get_notes, "My private notes and rating of a meeting", "meetings",
                 returns=MeetingNotes, errors=("meeting-not-found",)),
        Endpoint("PUT", f"{meet}/notes", put_notes, "Save my private notes and rating of a meeting", "meetings",
                 body=NotesBody, returns=MeetingNotes, errors=("meeting-not-found",)),
        Endpoint("GET", f"{m}/leads", leads, "My leads, newest first", "meetings", returns=list[LeadView]),
        Endpoint("GET", "/api/notifications", notifications, "My notifications in a mission, newest first",
                 "notifications", query=NotificationQuery, returns=list[NotificationView]),
        Endpoint("POST", "/api/notifications/read", mark_read, "Mark my notifications read up to a sequence number",
                 "notifications", body=ReadBody, returns=ReadUpTo),
    ]
