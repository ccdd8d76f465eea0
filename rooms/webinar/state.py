"""The webinar aggregate: everything every client must see alike (Q&A, hands, stage, polls, time box,
attendance), as stored beside its room's sequence number. It carries server-side facts that no event or view
reveals: who asked an anonymous question, who voted for what.

The fold that changes it is rooms.webinar.decide; the records clients see are in rooms.webinar.events.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from rooms.core.cards import Author
from rooms.webinar.events import (
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
    rehearsal: bool = False  # asked by the staff while rehearsing: the staff room's only, dropped afterwards

    def record(self, *, public: bool) -> Question:
        author = None if public and self.anonymous else self.author
        return Question(id=self.id, text=self.text, author=author, anonymous=self.anonymous, status=self.status,
                        pinned=self.pinned, votes=len(self.voters), asked_at=self.asked_at, seq=self.seq,
                        rehearsal=self.rehearsal)

    @property
    def shown(self) -> bool:
        """Approved or answered: in the list of questions (a pending one waits in the moderators' queue)."""
        return self.status in (QuestionStatus.APPROVED, QuestionStatus.ANSWERED)

    @property
    def public(self) -> bool:
        """Whether the public room shows it (a pending question appears only with its approval; a rehearsal
        question never)."""
        return self.shown and not self.rehearsal


class PollRecord(msgspec.Struct):
    id: int
    question: str
    options: list[str]
    multiple: bool
    status: PollStatus
    ballots: dict[int, list[int]]  # voter -> chosen option indexes; a new ballot replaces the old one
    rehearsal: bool = False  # opened while rehearsing: the staff room's only; a draft again afterwards

    def record(self) -> Poll:
        counts = [0] * len(self.options)
        for choices in self.ballots.values():
            for choice in choices:
                counts[choice] += 1
        return Poll(id=self.id, question=self.question, options=list(self.options), multiple=self.multiple,
                    status=self.status, counts=counts, voters=len(self.ballots), rehearsal=self.rehearsal)

    @property
    def public(self) -> bool:
        return self.status is not PollStatus.DRAFT and not self.rehearsal


class Attendee(msgspec.Struct):
    card: AttendeeCard  # `card.staff`: host, moderator or speaker, kept apart from the attendees' figures
    first_joined: dt.datetime
    last_joined: dt.datetime
    left_at: dt.datetime | None = None
    # The gateway attends a person's first connection and leaves their last (presence counts the tabs and nodes),
    # so one flag is enough: a repeated attend refreshes the card, a leave closes the session.
    present: bool = False
    # Only time while the webinar is live counts: the green room before the start and the page after the end
    # do not. `live_since` is when the current counted stretch began (present and live), `seconds` the stretches
    # already closed, `attended` whether this person was ever here while live.
    seconds: float = 0.0
    questions: int = 0
    live_since: dt.datetime | None = None
    attended: bool = False

    @property
    def staff(self) -> bool:
        return self.card.staff

    def begin_stretch(self, now: dt.datetime) -> None:
        if self.live_since is None:
            self.live_since, self.attended = now, True

    def end_stretch(self, now: dt.datetime) -> None:
        if self.live_since is not None:
            self.seconds += max(0.0, (now - self.live_since).total_seconds())
            self.live_since = None

    def watched(self, now: dt.datetime) -> float:
        open_stretch = (now - self.live_since).total_seconds() if self.live_since is not None else 0.0
        return self.seconds + max(0.0, open_stretch)


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
    peak: int = 0  # the most attendees (not staff) here at once while live
    warned: list[int] = msgspec.field(default_factory=list)  # minutes-left warnings already given
    version: int = 0  # counts decisions; gives questions their `seq` and new questions and polls their ids
    # A group session's or a roundtable's room: everyone may turn their camera on (up to GROUP_MAX_CAMERAS), the
    # chair gives the floor. Fixed by the item's kind when the room's state is first made.
    group: bool = False
    # Recording (docs/webinar.md, "Recording"): whether the stage is being recorded now, and who declined to be
    # (never recorded, whenever they publish). A rehearsal's recording is the staff's only.
    recording: bool = False
    declined: list[int] = msgspec.field(default_factory=list)

    def counts(self) -> Counts:
        """The attendees' figures: here now, most at once while live, and how many were here while live. The
        staff are not attendees."""
        attendees = [a for a in self.attendance.values() if not a.staff]
        return Counts(now=sum(1 for a in attendees if a.present), peak=self.peak,
                      unique=sum(1 for a in attendees if a.attended))


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
    group: bool = False  # a group room (docs/webinar.md, "Group rooms")
    recording: bool = False
    declined: list[int] = msgspec.field(default_factory=list)


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
    group: bool = False
    recording: bool = False
    declined: list[int] = msgspec.field(default_factory=list)


class AttendanceRecord(msgspec.Struct, frozen=True):
    """One person's attendance, for the console and the organiser's figures."""

    person: AttendeeCard
    first_joined: dt.datetime
    last_joined: dt.datetime
    left_at: dt.datetime | None
    present: bool
    seconds: int  # watched while live, counted up to now for someone still here
    questions: int
    attended: bool  # here at some moment while the webinar was live
    staff: bool  # host, moderator or speaker: not counted in the attendees' figures


class Publisher(msgspec.Struct, frozen=True):
    """Who is about to publish what: what the stage media labels the feed with."""

    user_id: int
    name: str
    organisation: str
    source: Source
