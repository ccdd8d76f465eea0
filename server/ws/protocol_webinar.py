"""Webinar requests and frames (docs/webinar.md). Part of the protocol union in server/ws/protocol.py."""

from __future__ import annotations

from typing import Annotated

import msgspec

from rooms.core.events import IdempotencyKey
from rooms.webinar.events import Feed, Moderation, PollStatus, QaMode, Source
from server.ws.protocol import Frame, Id, Request, RoomName

QuestionText = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
PollText = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
# Complete SDP with every candidate in it (no trickle): a few KiB for audio, camera and screen.
Sdp = Annotated[str, msgspec.Meta(min_length=1, max_length=32_000)]
Emoji = Annotated[str, msgspec.Meta(min_length=1, max_length=8)]


class Ask(Request, frozen=True, tag="ask"):
    room: RoomName
    text: QuestionText
    anonymous: bool = False
    key: IdempotencyKey | None = None


class Vote(Request, frozen=True, tag="vote"):
    room: RoomName
    question: Id
    up: bool = True


class Moderate(Request, frozen=True, tag="moderate"):
    room: RoomName
    question: Id
    action: Moderation


class SetQaMode(Request, frozen=True, tag="qa-mode"):
    room: RoomName
    mode: QaMode


class Hand(Request, frozen=True, tag="hand"):
    room: RoomName
    up: bool = True


class LowerHand(Request, frozen=True, tag="lower-hand"):
    room: RoomName
    user: Id


class StageInvite(Request, frozen=True, tag="stage-invite"):
    room: RoomName
    user: Id
    question: Id | None = None


class StageReply(Request, frozen=True, tag="stage-reply"):
    room: RoomName
    accept: bool


class StageEnd(Request, frozen=True, tag="stage-end"):
    room: RoomName
    user: Id


class Floor(Request, frozen=True, tag="floor"):
    """The chair of a group room gives the floor to `user`, or takes it back with null."""

    room: RoomName
    user: Id | None = None


class Mute(Request, frozen=True, tag="mute"):
    room: RoomName
    user: Id


class Record(Request, frozen=True, tag="record"):
    """The staff switch the stage's recording on or off."""

    room: RoomName
    on: bool


class RecordConsent(Request, frozen=True, tag="record-consent"):
    """One's own choice: `accept: false` declines being recorded (before going live, or any time after)."""

    room: RoomName
    accept: bool


class PollCreate(Request, frozen=True, tag="poll-create"):
    room: RoomName
    question: PollText
    options: Annotated[list[PollText], msgspec.Meta(min_length=2, max_length=8)]
    multiple: bool = False
    key: IdempotencyKey | None = None


class PollState(Request, frozen=True, tag="poll-state"):
    room: RoomName
    poll: Id
    status: PollStatus


class PollVote(Request, frozen=True, tag="poll-vote"):
    room: RoomName
    poll: Id
    choices: Annotated[list[Annotated[int, msgspec.Meta(ge=0, le=7)]], msgspec.Meta(max_length=8)]


class Greet(Request, frozen=True, tag="greet"):
    room: RoomName
    user: Id


class WebinarStart(Request, frozen=True, tag="webinar-start"):
    room: RoomName
    confirm: bool = False  # needed to start more than 15 minutes before the scheduled start (else `early-start`)


class WebinarEnd(Request, frozen=True, tag="webinar-end"):
    room: RoomName


class WebinarReopen(Request, frozen=True, tag="webinar-reopen"):
    room: RoomName


class WebinarRehearse(Request, frozen=True, tag="webinar-rehearse"):
    room: RoomName
    on: bool


class React(Request, frozen=True, tag="react"):
    room: RoomName
    emoji: Emoji


class StagePublish(Request, frozen=True, tag="stage-publish"):
    room: RoomName
    sdp: Sdp
    source: Source = Source.CAMERA


class StageUnpublish(Request, frozen=True, tag="stage-unpublish"):
    room: RoomName
    source: Source = Source.CAMERA


class StageWatch(Request, frozen=True, tag="stage-watch"):
    room: RoomName


class StageWatchAnswer(Request, frozen=True, tag="stage-watch-answer"):
    room: RoomName
    sdp: Sdp


class StageUnwatch(Request, frozen=True, tag="stage-unwatch"):
    room: RoomName


WebinarRequest = (Ask | Vote | Moderate | SetQaMode | Hand | LowerHand | StageInvite | StageReply | StageEnd
                  | Floor | Mute | Record | RecordConsent | PollCreate | PollState | PollVote | Greet | WebinarStart
                  | WebinarEnd | WebinarReopen | WebinarRehearse | React | StagePublish | StageUnpublish | StageWatch
                  | StageWatchAnswer | StageUnwatch)


# -- server frames -------------------------------------------------------------------------------------------


class WebinarSnapshot(Frame, frozen=True, tag="webinar"):
    """Sent right after `joined` in a webinar room: the state at `seq` as this room shows it."""

    room: str
    seq: int
    state: msgspec.Raw
    role: str
    may_publish: bool
    permissions: list[str]
    media: str  # which stage media serves this webinar: "janus" or "relay"
    my_votes: list[int]
    my_ballots: dict[int, list[int]]
    my_questions: list[int] = msgspec.field(default_factory=list)  # asked by this viewer (anonymous ones too)
    ice_servers: list[dict[str, object]] = msgspec.field(default_factory=list)
    may_reopen: bool = False  # ended within its time slot, and this viewer is its host


class Reactions(Frame, frozen=True, tag="reactions"):
    room: str
    counts: dict[str, int]


class StageAnswer(Frame, frozen=True, tag="stage-answer"):
    room: str
    source: Source
    sdp: str
    feed: int
    id: str | None = None


class StageOffer(Frame, frozen=True, tag="stage-offer"):
    room: str
    sdp: str
    feeds: list[Feed]
    mids: dict[str, int]  # media section id → the feed it carries
    id: str | None = None


class StageReset(Frame, frozen=True, tag="stage-reset"):
    """The stage's media server restarted (or this node lost it) and is reachable again: every feed and
    subscription through it is gone. A publisher publishes again, a watcher watches again, on the same socket."""

    room: str
