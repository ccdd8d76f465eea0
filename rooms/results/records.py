"""A mission's results (docs/results.md): each table a record, every figure a count of what was recorded."""

from __future__ import annotations

import datetime as dt

import msgspec

from rooms.organisations.records import CompaniesTakingPart


class Count(msgspec.Struct, frozen=True):
    key: str  # an organisation type, a sector, a status …
    count: int


class Participation(msgspec.Struct, frozen=True):
    people: int  # members with a side (delegation or host-country partner): organisers and staff apart
    by_side: dict[str, int]
    by_role: dict[str, int]  # every member, organisers too
    by_org_type: list[Count]  # people, by the organisation type on their profile ("" none given)
    by_sector: list[Count]  # people, by each sector on their profile (a person may count in several)
    companies: CompaniesTakingPart  # organisations, de-duplicated (rooms/organisations)


class Invitations(msgspec.Struct, frozen=True):
    invited: int  # invitations issued, whatever became of them
    accepted: int
    opened: int  # the link was opened (accepted ones included)
    pending: int
    expired: int
    revoked: int
    mails: dict[str, int]  # invitation mails by outbox status: sent, held (no mail server), retrying, failed …


class WebinarResult(msgspec.Struct, frozen=True):
    item_id: int
    title: str
    starts_at: dt.datetime
    unique_viewers: int  # attendees (not host, moderators, speakers) here at some moment while it was live
    peak: int  # the most attendees here at once while live
    minutes_watched: int  # by attendees, while live
    average_minutes: float | None  # minutes_watched / unique_viewers (None: nobody came)
    questions_asked: int  # in the real session (rehearsal questions are dropped)
    questions_answered: int
    polls: int  # opened at least once
    poll_voters: int  # distinct people who voted in any poll
    poll_participation: float | None  # poll_voters / unique_viewers (None: no viewers or no polls)
    # Attendees who watched the recording afterwards and were not there live (docs/webinar.md, "Recording").
    replay_viewers: int = 0


class Matchmaking(msgspec.Struct, frozen=True):
    requests_sent: int
    requests_accepted: int
    requests_declined: int
    requests_pending: int
    requests_other: int  # countered (a new request the other way) or withdrawn
    meetings_booked: int  # every meeting not cancelled
    held: int  # media flowed both ways for the mission's held_seconds (rooms/matchmaking/call.py)
    no_show: int
    failed_to_connect: int
    ahead: int  # booked, not yet settled
    cancelled: int
    average_held_minutes: float | None  # both members in the room, over held meetings
    ratings: int
    average_rating: float | None


class PersonRef(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    organisation: str


class MeetingResult(msgspec.Struct, frozen=True):
    meeting_id: int
    starts_at: dt.datetime
    a: PersonRef
    b: PersonRef
    status: str
    minutes_together: int  # both in the room
    media_seconds: int  # media both ways
    booked_by_organiser: bool


class LoungeResult(msgspec.Struct, frozen=True):
    item_id: int
    title: str
    connects: int  # mutual: both clicked "connect" (each got a lead)
    one_sided: int  # clicks not (yet) returned
    pairs_met: int  # pairs seated at one table at some moment


class ParticipantLeads(msgspec.Struct, frozen=True):
    person: PersonRef
    total: int
    by_status: dict[str, int]


class Leads(msgspec.Struct, frozen=True):
    total: int
    by_status: dict[str, int]
    by_source: dict[str, int]
    owners: int  # people with at least one lead
    average_per_participant: float | None  # total / participants with a side
    participants: list[ParticipantLeads]  # most leads first


class CompanyVisit(msgspec.Struct, frozen=True):
    item_id: int
    title: str
    starts_at: dt.datetime
    address: str
    attendance: int  # people who checked in on site (with the code, or by an organiser)


class MissionResults(msgspec.Struct, frozen=True):
    mission_id: int
    title: str
    computed_at: dt.datetime
    participation: Participation
    invitations: Invitations
    webinars: list[WebinarResult]
    matchmaking: Matchmaking
    meetings: list[MeetingResult]
    lounges: list[LoungeResult]
    leads: Leads
    company_visits: list[CompanyVisit]
