"""The webinar aggregate: everything every client must see alike (Q&A, hands, stage, polls, time box,
attendance), as stored beside its room's sequence number. It carries server-side facts that no event or view
reveals: who asked an anonymous question, who voted for what.

The fold that changes it is rooms.webinar_state; the records clients see are in rooms.webinar_events.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from rooms.author import Author
from rooms.webinar_events import (
    AttendeeCard,
    Counts,
    Hand,
    Poll,
    PollStatus,
    QaMode,
    Question,
    QuestionStatus,
    Source,
    Stage,
    Timebox,
)


class AskedQuestion(msgspec.Struct):
    id: int
    text: str
    author: Author  # always known here, even when the room is not told
    anonymous: bool
    status: QuestionStatus
    pinned: bool
    voters: list[int]
    asked_at: dt.datetime
    seq: int

    def record(self, *, public: bool) -> Question:
        author = None if public and self.anonymous else self.author
        return Question(id=self.id, text=self.text, author=author, anonymous=self.anonymous, status=self.status,
                        pinned=self.pinned, votes=len(self.voters), asked_at=self.asked_at, seq=self.seq)

    @property
    def public(self) -> bool:
        """Whether the public room shows it (a pending question appears only with its approval)."""
        return self.status in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED)


class PollRecord(msgspec.Struct):
    id: int
    question: str
    options: list[str]
    multiple: bool
    status: PollStatus
    ballots: dict[int, list[int]]  # voter -> chosen option indexes; a new ballot replaces the old one

    def record(self) -> Poll:
        counts = [0] * len(self.options)
        for choices in self.ballots.values():
            for choice in choices:
                counts[choice] += 1
        return Poll(id=self.id, question=self.question, options=list(self.options), multiple=self.multiple,
                    status=self.status, counts=counts, voters=len(self.ballots))


class Attendee(msgspec.Struct):
    card: AttendeeCard
    first_joined: dt.datetime
    last_joined: dt.datetime
    left_at: dt.datetime | None = None
    # The gateway attends a person's first connection and leaves their last (presence counts the tabs and nodes),
    # so one flag is enough: a repeated attend refreshes the card, a leave closes the session.
    present: bool = False
    seconds: float = 0.0  # watched in closed sessions
    questions: int = 0


class WebinarState(msgspec.Struct):
    item_id: int
    timebox: Timebox
    length_s: int  # the scheduled length, already capped by the mission's maximum
    qa_mode: QaMode = QaMode.OPEN
    questions: dict[int, AskedQuestion] = msgspec.field(default_factory=dict)
    hands: list[Hand] = msgspec.field(default_factory=list)
    stage: Stage = msgspec.field(default_factory=Stage)
    polls: dict[int, PollRecord] = msgspec.field(default_factory=dict)
    attendance: dict[int, Attendee] = msgspec.field(default_factory=dict)
    peak: int = 0
    warned: list[int] = msgspec.field(default_factory=list)  # minutes-left warnings already given
    version: int = 0  # counts decisions; gives questions their `seq` and new questions and polls their ids

    def counts(self) -> Counts:
        return Counts(now=sum(1 for a in self.attendance.values() if a.present), peak=self.peak,
                      unique=len(self.attendance))


# -- views -------------------------------------------------------------------------------------------------------


class PublicView(msgspec.Struct, frozen=True, tag_field="view", tag="public"):
    """What the public room shows: approved and answered questions (anonymous ones without author), open and
    closed polls. Lists are in their display order."""

    timebox: Timebox
    qa_mode: QaMode
    questions: list[Question]
    hands: list[Hand]
    stage: Stage
    polls: list[Poll]


class StaffView(msgspec.Struct, frozen=True, tag_field="view", tag="staff"):
    """What the staff room shows: every question with its author, draft polls too, and who is here."""

    timebox: Timebox
    qa_mode: QaMode
    questions: list[Question]
    hands: list[Hand]
    stage: Stage
    polls: list[Poll]
    attendees: list[AttendeeCard]  # present now, by time joined
    counts: Counts


class AttendanceRecord(msgspec.Struct, frozen=True):
    """One person's attendance, for the console and the organiser's figures."""

    person: AttendeeCard
    first_joined: dt.datetime
    last_joined: dt.datetime
    left_at: dt.datetime | None
    present: bool
    seconds: int  # watched, counted up to now for someone still here
    questions: int


class Publisher(msgspec.Struct, frozen=True):
    """Who is about to publish what: what the stage media labels the feed with."""

    user_id: int
    name: str
    organisation: str
    source: Source
