"""Computes a mission's results from what was recorded (docs/results.md). Organisers only (Action.VIEW_RESULTS).

Everything is read once per call: the members, invitations, meetings and counts in a few queries, and one
aggregate per webinar and lounge; the sums are made here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Protocol

import msgspec

from rooms.core.aggregate import AggregateStore
from rooms.core.clock import Clock
from rooms.core.refs import lounge, webinar
from rooms.lounge.state import LoungeState
from rooms.mail.ports import OutboxStore
from rooms.matchmaking.records import MeetingStatus, RequestStatus
from rooms.missions.mission import ItemKind, ProgrammeItem
from rooms.missions.people import Invitation, User
from rooms.missions.ports import InvitationStore, MissionStore
from rooms.missions.service import MissionService
from rooms.organisations.records import count_companies
from rooms.policy import Action, require
from rooms.recordings.ports import RecordingStore
from rooms.results.ports import LeadCount, ResultMeeting, ResultMember, ResultsStore
from rooms.results.records import (
    CompanyVisit,
    Count,
    Invitations,
    Leads,
    LoungeResult,
    Matchmaking,
    MeetingResult,
    MissionResults,
    ParticipantLeads,
    Participation,
    PersonRef,
    WebinarResult,
)
from rooms.signups.ports import SignupStore
from rooms.webinar.events import PollStatus, QuestionStatus
from rooms.webinar.state import WebinarState

INVITATION_MAIL = "invitation"
EVERY_MAIL = 1_000_000  # the outbox of one mission, whole


class ResultsServiceStore(MissionStore, InvitationStore, AggregateStore, OutboxStore, ResultsStore, SignupStore,
                          RecordingStore, Protocol):
    """What the results read."""


def _ratio(part: float, whole: int, digits: int = 1) -> float | None:
    return None if whole == 0 else round(part / whole, digits)


def _counts(counter: Counter[str]) -> list[Count]:
    return [Count(key=k, count=n) for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def participation(members: Sequence[ResultMember]) -> Participation:
    sided = [m for m in members if m.side is not None]
    return Participation(
        people=len(sided),
        by_side=dict(sorted(Counter(m.side for m in sided if m.side is not None).items())),
        by_role=dict(sorted(Counter(m.role for m in members).items())),
        by_org_type=_counts(Counter(m.org_type for m in sided)),
        by_sector=_counts(Counter(s for m in sided for s in m.sectors)),
        companies=count_companies((m.side, m.organisation_id, m.organisation_type) for m in members),
    )


def invitations(found: Sequence[Invitation], mails: Counter[str], now: dt.datetime) -> Invitations:
    statuses = Counter(i.status(now) for i in found)
    return Invitations(invited=len(found), accepted=statuses["accepted"],
                       opened=sum(1 for i in found if i.opened_at is not None or i.accepted_at is not None),
                       pending=statuses["pending"], expired=statuses["expired"], revoked=statuses["revoked"],
                       mails=dict(sorted(mails.items())))


def webinar_result(item: ProgrammeItem, state: WebinarState | None, now: dt.datetime,
                   replayers: Collection[int] = ()) -> WebinarResult:
    if state is None:
        return WebinarResult(item_id=item.id, title=item.title, starts_at=item.starts_at, unique_viewers=0, peak=0,
                             minutes_watched=0, average_minutes=None, questions_asked=0, questions_answered=0,
                             polls=0, poll_voters=0, poll_participation=None, replay_viewers=len(set(replayers)))
    viewers = [a for a in state.attendance.values() if a.attended and not a.card.staff]
    # Who watched afterwards and was not there live; the staff (who made it) are not its audience.
    there = {a.card.user_id for a in state.attendance.values() if a.attended or a.card.staff}
    seconds = sum(a.watched(now) for a in viewers)
    questions = [q for q in state.questions.values() if not q.rehearsal]
    polls = [p for p in state.polls.values() if not p.rehearsal and p.status is not PollStatus.DRAFT]
    voters = {voter for p in polls for voter in p.ballots}
    return WebinarResult(
        item_id=item.id, title=item.title, starts_at=item.starts_at, unique_viewers=len(viewers), peak=state.peak,
        minutes_watched=int(seconds // 60), average_minutes=_ratio(seconds / 60, len(viewers)),
        questions_asked=len(questions),
        questions_answered=sum(1 for q in questions if q.status is QuestionStatus.ANSWERED),
        polls=len(polls), poll_voters=len(voters),
        poll_participation=_ratio(len(voters), len(viewers), 2) if polls else None,
        replay_viewers=len(set(replayers) - there))


def lounge_result(item: ProgrammeItem, state: LoungeState | None) -> LoungeResult:
    connects = set() if state is None else state.connects
    mutual = {(min(a, b), max(a, b)) for a, b in connects if (b, a) in connects}
    return LoungeResult(item_id=item.id, title=item.title, connects=len(mutual),
                        one_sided=sum(1 for a, b in connects if (b, a) not in connects),
                        pairs_met=0 if state is None else len(state.met))


def matchmaking(meetings: Sequence[ResultMeeting], requests: dict[str, int], ratings: dict[int, list[int]]
                ) -> Matchmaking:
    status = Counter(m.status for m in meetings)
    held = [m for m in meetings if m.status == MeetingStatus.HELD.value]
    given = [r for found in ratings.values() for r in found]
    return Matchmaking(
        requests_sent=sum(requests.values()), requests_accepted=requests.get(RequestStatus.ACCEPTED.value, 0),
        requests_declined=requests.get(RequestStatus.DECLINED.value, 0),
        requests_pending=requests.get(RequestStatus.PENDING.value, 0),
        requests_other=requests.get(RequestStatus.COUNTERED.value, 0) + requests.get(RequestStatus.CANCELLED.value, 0),
        meetings_booked=len(meetings) - status[MeetingStatus.CANCELLED.value],
        held=status[MeetingStatus.HELD.value], no_show=status[MeetingStatus.NO_SHOW.value],
        failed_to_connect=status[MeetingStatus.FAILED.value], ahead=status[MeetingStatus.BOOKED.value],
        cancelled=status[MeetingStatus.CANCELLED.value],
        average_held_minutes=_ratio(sum(m.both_seconds for m in held) / 60, len(held)),
        ratings=len(given), average_rating=_ratio(sum(given), len(given), 2))


def meeting_results(meetings: Sequence[ResultMeeting], people: dict[int, PersonRef]) -> list[MeetingResult]:
    """The meetings by start, then id; a person no longer a member shows as user 0 without a name."""
    unknown = PersonRef(user_id=0, name="", organisation="")
    return [MeetingResult(meeting_id=m.id, starts_at=m.starts_at, a=people.get(m.a, unknown),
                          b=people.get(m.b, unknown), status=m.status, minutes_together=m.both_seconds // 60,
                          media_seconds=m.media_seconds, booked_by_organiser=m.request_id is None)
            for m in sorted(meetings, key=lambda m: (m.starts_at, m.id))]


def leads(counts: Sequence[LeadCount], people: dict[int, PersonRef], participants: int) -> Leads:
    by_owner: dict[int, Counter[str]] = {}
    for c in counts:
        by_owner.setdefault(c.owner, Counter())[c.status] += c.count
    total = sum(c.count for c in counts)
    rows = [ParticipantLeads(person=people.get(owner, PersonRef(user_id=owner, name="", organisation="")),
                             total=sum(found.values()), by_status=dict(sorted(found.items())))
            for owner, found in by_owner.items()]
    rows.sort(key=lambda r: (-r.total, r.person.name.casefold(), r.person.user_id))
    by_status: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    for c in counts:
        by_status[c.status] += c.count
        by_source[c.source] += c.count
    return Leads(total=total, by_status=dict(sorted(by_status.items())), by_source=dict(sorted(by_source.items())),
                 owners=len(rows), average_per_participant=_ratio(total, participants), participants=rows)


class ResultsService:
    def __init__(self, store: ResultsServiceStore, missions: MissionService, clock: Clock) -> None:
        self._store = store
        self._missions = missions
        self._clock = clock
        self._webinar = msgspec.json.Decoder(WebinarState)
        self._lounge = msgspec.json.Decoder(LoungeState)

    async def results(self, user: User, mission_id: int) -> MissionResults:
        actor, mission = await self._missions.actor(user, mission_id)
        require(actor, Action.VIEW_RESULTS)
        store, now = self._store, self._clock.now()
        members = await store.result_members(mission_id)
        people = {m.user_id: PersonRef(user_id=m.user_id, name=m.name, organisation=m.organisation)
                  for m in members}
        found = await store.invitations(mission_id)
        mails = Counter(m.status.value for m in await store.outbox(mission_id, EVERY_MAIL)
                        if m.draft.template == INVITATION_MAIL)
        programme = await store.programme(mission_id)
        webinars, lounges = [], []
        for item in programme:
            if item.kind is ItemKind.WEBINAR:
                raw = await self._raw(webinar(item.id).name)
                webinars.append(webinar_result(item, None if raw is None else self._webinar.decode(raw), now,
                                               await self._replayers(item.id)))
            elif item.kind is ItemKind.NETWORKING:
                raw = await self._raw(lounge(item.id).name)
                lounges.append(lounge_result(item, None if raw is None else self._lounge.decode(raw)))
        meetings = await store.meeting_rows(mission_id)
        there = await store.checkin_counts(mission_id)
        ratings = await store.meeting_ratings(mission_id)
        shown = participation(members)
        return MissionResults(
            mission_id=mission_id, title=mission.title, computed_at=now, participation=shown,
            invitations=invitations(found, mails, now), webinars=webinars,
            matchmaking=matchmaking(meetings, await store.request_counts(mission_id), ratings),
            meetings=meeting_results(meetings, people), lounges=lounges,
            leads=leads(await store.lead_counts(mission_id), people, shown.people),
            company_visits=[CompanyVisit(item_id=i.id, title=i.title, starts_at=i.starts_at, address=i.address,
                                         attendance=there.get(i.id, 0))
                            for i in programme if i.kind is ItemKind.COMPANY_VISIT])

    async def _replayers(self, item_id: int) -> set[int]:
        out: set[int] = set()
        for r in await self._store.recordings(item_id):
            if not r.rehearsal:
                out |= set(await self._store.replays(r.id))
        return out

    async def _raw(self, room: str) -> bytes | None:
        """A webinar's or lounge's aggregate as stored (its name is its room's)."""
        raw, _ = await self._store.load(room, room)
        return raw
