"""Webinar events and the public records they carry (docs/webinar.md, "Events").

Records here are what clients may see: the server-side parts of the aggregate (who asked an anonymous question,
who voted, each ballot) live in rooms.webinar.state and never appear in an event.
"""

from __future__ import annotations

import datetime as dt
import enum

import msgspec

from rooms.core.cards import Author, PersonCard
from rooms.core.events import EventBody
from rooms.missions.mission import ItemKind


class TimeboxStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class QaMode(enum.StrEnum):
    OPEN = "open"  # questions are public at once
    PRE_APPROVED = "pre-approved"  # questions wait for a moderator


class QuestionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DISMISSED = "dismissed"
    ANSWERED = "answered"


class Moderation(enum.StrEnum):
    APPROVE = "approve"
    DISMISS = "dismiss"
    PIN = "pin"
    UNPIN = "unpin"
    ANSWERED = "answered"


class PollStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Source(enum.StrEnum):
    CAMERA = "camera"
    SCREEN = "screen"


# -- records ---------------------------------------------------------------------------------------------------


class Timebox(msgspec.Struct, frozen=True):
    status: TimeboxStatus
    starts_at: dt.datetime  # the scheduled start
    ends_at: dt.datetime  # the scheduled end, moved by an early or late start
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    # Counts the runs of the time box: 1 at the start, one more per reopening. The timers of one run write their
    # warnings and end with keys of that run, so a reopened webinar warns and ends again.
    run: int = 0
    # The staff are rehearsing in the green room (before the start): what they ask and the polls they open now
    # are try-outs, seen by the staff only and dropped when the rehearsal stops or the webinar starts.
    rehearsal: bool = False


class Question(msgspec.Struct, frozen=True):
    id: int
    text: str
    author: Author | None  # None in the public view of an anonymous question
    anonymous: bool
    status: QuestionStatus
    pinned: bool
    votes: int
    asked_at: dt.datetime
    seq: int  # the aggregate's order of asking: the tie-break after pin and votes
    rehearsal: bool = False  # asked by the staff while rehearsing: only the staff see it, then it is dropped


class Hand(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    organisation: str
    raised_at: dt.datetime


class Invite(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    by: int
    question: int | None = None


class Feed(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    organisation: str
    source: Source
    feed: int  # the stage media's id for this published stream


class Stage(msgspec.Struct, frozen=True):
    guests: list[int] = msgspec.field(default_factory=list)
    invited: list[Invite] = msgspec.field(default_factory=list)
    live: list[Feed] = msgspec.field(default_factory=list)
    # A group room's speaker, given the floor by the chair: the large tile for everyone, and the one whose hand
    # went down when they got it. None when the floor is open (the chair's own voice, or a free conversation).
    floor: int | None = None


class Poll(msgspec.Struct, frozen=True):
    id: int
    question: str
    options: list[str]
    multiple: bool
    status: PollStatus
    counts: list[int]
    voters: int
    rehearsal: bool = False  # opened while rehearsing: only the staff see it; then it is a draft again


class Counts(msgspec.Struct, frozen=True):
    now: int
    peak: int
    unique: int


class AttendeeCard(PersonCard, frozen=True):
    joined_at: dt.datetime
    staff: bool = False  # host, moderator or speaker: recorded, but not counted as an attendee


class NextItem(msgspec.Struct, frozen=True):
    id: int
    title: str
    kind: ItemKind
    starts_at: dt.datetime


class AttendanceSummary(msgspec.Struct, frozen=True):
    unique: int
    peak: int


# -- events ----------------------------------------------------------------------------------------------------


class Attended(EventBody, frozen=True, tag="w-attend"):
    person: AttendeeCard
    counts: Counts


class Left(EventBody, frozen=True, tag="w-leave"):
    user_id: int
    counts: Counts


class Greeted(EventBody, frozen=True, tag="w-greet"):
    user_id: int
    name: str
    organisation: str
    by: int


class QuestionChanged(EventBody, frozen=True, tag="w-question"):
    question: Question
    by: int  # 0 in the public room when the change would name an anonymous asker


class QuestionVoted(EventBody, frozen=True, tag="w-vote"):
    """The new count. Who voted is in no event (an anonymous asker's vote would name them); the voter's own votes
    come back in their snapshot's `my_votes`. Events stored before carry `by` and `up`: decoding drops them."""

    question: Question


class QaModeChanged(EventBody, frozen=True, tag="w-qa-mode"):
    mode: QaMode


class HandsChanged(EventBody, frozen=True, tag="w-hands"):
    hands: list[Hand]
    by: int


class StageChanged(EventBody, frozen=True, tag="w-stage"):
    stage: Stage
    by: int


class PollChanged(EventBody, frozen=True, tag="w-poll"):
    poll: Poll
    by: int


class PollVoted(EventBody, frozen=True, tag="w-poll-vote"):
    """New counts. Ballots are secret: who voted for what is in no event (the voter's own ballot comes back in
    their snapshot's `my_ballots`)."""

    poll: Poll


class Muted(EventBody, frozen=True, tag="w-mute"):
    """The chair muted someone's microphone in a group room. Their client turns its microphone off and says
    why; they may turn it on again (a chair who needs silence takes the floor, or ends their camera)."""

    user_id: int
    by: int


class RecordingChanged(EventBody, frozen=True, tag="w-recording"):
    """Recording switched on or off by the staff, or someone declined (or accepted) being recorded. `declined`
    is everyone who declined: nothing of theirs is recorded, whenever they publish."""

    on: bool
    declined: list[int]
    by: int


class TimeboxChanged(EventBody, frozen=True, tag="w-timebox"):
    timebox: Timebox


class TimeWarning(EventBody, frozen=True, tag="w-warning"):
    minutes: int


class WebinarEnded(EventBody, frozen=True, tag="w-ended"):
    next: NextItem | None
    attendance: AttendanceSummary


WebinarEvent = (Attended | Left | Greeted | QuestionChanged | QuestionVoted | QaModeChanged | HandsChanged
                | StageChanged | Muted | RecordingChanged | PollChanged | PollVoted | TimeboxChanged | TimeWarning
                | WebinarEnded)
