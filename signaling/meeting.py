"""Signalling in the rooms where browsers call each other peer to peer: a matchmaking meeting (two members) and a
lounge table (a mesh of its seated members). docs/protocol.md, "Calls", is the contract.

The server never looks inside a session description: it checks that each signal is well formed and small, that
the sender plays its part (`offerer` decides, per pair, who offers), and hands it to the one member it is for.
Browsers trickle candidates; aiortc sends one complete SDP and no candidates; both are accepted. Pure: no I/O, no
server imports.

Why this shape (the negotiation cannot collide and survives lost signals):
- one side of every pair makes every offer, the other never does: no glare, no rollback, no "polite" side;
- the answering side asks for an offer with `ready` whenever it has no working connection (arriving, after a
  reload, after a failure); `ready` is allowed from either side, so a page that does not know its part yet can
  still ask the other to start (the relayed frame tells each recipient its part);
- every signal names the sender's peer connection (`sid`) and, where it answers one, the recipient's (`to`), so a
  signal from an earlier attempt, an earlier page or another tab is recognised and ignored.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Annotated, assert_never

import msgspec

from rooms.core.errors import DomainError, Invalid
from rooms.policy import require_meeting_signal

MAX_SDP = 32 * 1024
MAX_CANDIDATE = 1024
MAX_MID = 16
MAX_MLINE = 64

# The sizes are enforced at decoding (msgspec refuses longer strings before we see them); the prefixes here.
Sdp = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_SDP)]
CandidateLine = Annotated[str, msgspec.Meta(max_length=MAX_CANDIDATE)]
Mid = Annotated[str, msgspec.Meta(max_length=MAX_MID)]
MLine = Annotated[int, msgspec.Meta(ge=0, le=MAX_MLINE)]
# A peer connection's session id, chosen by the page that made the connection.
Sid = Annotated[str, msgspec.Meta(min_length=1, max_length=32, pattern="^[A-Za-z0-9_-]+$")]


class _Kind(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, tag_field="kind"):
    sid: Sid


class Offer(_Kind, frozen=True, tag="offer"):
    """From the offering side only. `to`: the answering side's connection it is for (from its `ready`), when
    known; an offer made without being asked has none."""

    sdp: Sdp
    to: Sid | None = None


class Answer(_Kind, frozen=True, tag="answer"):
    """From the answering side only; `to` is the offer's `sid`."""

    sdp: Sdp
    to: Sid


class Candidate(_Kind, frozen=True, tag="candidate"):
    """One trickled ICE candidate of connection `sid`; an empty `candidate` says it has gathered all of them."""

    candidate: CandidateLine
    mid: Mid | None = None
    mline: MLine | None = None
    to: Sid | None = None


class Ready(_Kind, frozen=True, tag="ready"):
    """"I am here with connection `sid` and have no working call with you: start one." From the answering side it
    asks for an offer (for `sid`: a fresh connection, or an ICE restart of the one the offerer already has with
    `sid`); from the offering side it asks the answering side to say `ready` itself."""


class Bye(_Kind, frozen=True, tag="bye"):
    """The sender hangs up connection `sid` (the other side closes its own and may wait for a rejoin)."""


Signal = Offer | Answer | Candidate | Ready | Bye


class Role(enum.StrEnum):
    OFFERER = "offerer"
    ANSWERER = "answerer"


def offerer(a: int, b: int) -> int:
    """Who makes the offers between two members: the lower user id. Any fixed rule would do; this one needs no
    state, so every node and every page agrees on it at once."""
    return min(a, b)


def role(me: int, other: int) -> Role:
    return Role.OFFERER if offerer(me, other) == me else Role.ANSWERER


def offer_to(me: int, present: Iterable[int]) -> list[int]:
    """The members present that `me` makes the offers to (told in `joined`, so a page can start at once)."""
    return sorted({p for p in present if p != me and offerer(me, p) == me})


def validate(signal: Signal) -> Signal:
    """Refuses what no WebRTC stack would produce, with a code saying which part is wrong."""
    match signal:
        case Offer() | Answer():
            if not signal.sdp.startswith("v=0"):
                raise Invalid(code="bad-sdp", message="A session description starts with v=0.", field="signal.sdp")
            if "\x00" in signal.sdp:
                raise Invalid(code="bad-sdp", message="A session description is text without NUL characters.",
                              field="signal.sdp")
        case Candidate():
            line = signal.candidate
            if line and not line.startswith("candidate:"):
                raise Invalid(code="bad-candidate",
                              message="An ICE candidate starts with candidate: (or is empty at the end of candidates).",
                              field="signal.candidate")
            if any(c in line for c in "\r\n\x00"):
                raise Invalid(code="bad-candidate", message="An ICE candidate is one line.", field="signal.candidate")
            if line and signal.mid is None and signal.mline is None:
                raise Invalid(code="bad-candidate",
                              message="Say which media section the candidate is for (mid or mline).",
                              field="signal.mid")
        case Ready() | Bye():
            pass
        case _:
            assert_never(signal)
    return signal


def check_part(signal: Signal, sender: int, recipient: int) -> None:
    """Offers come only from the pair's offerer and answers only from the other side (`wrong-role` otherwise):
    the rule that makes two offers crossing each other impossible."""
    part = role(sender, recipient)
    match signal:
        case Offer():
            if part is not Role.OFFERER:
                raise DomainError(code="wrong-role",
                                  message="The other member makes the offers in this call: send ready to "
                                  "ask for one.",
                                  field="signal.kind")
        case Answer():
            if part is not Role.ANSWERER:
                raise DomainError(code="wrong-role",
                                  message="You make the offers in this call; answers come from the other "
                                  "member.",
                                  field="signal.kind")
        case Candidate() | Ready() | Bye():
            pass
        case _:
            assert_never(signal)


def recipient(members: Iterable[int], sender: int) -> int:
    """Who a signal from `sender` goes to: the meeting's other member, never the sender, never anyone else."""
    people = list(members)
    require_meeting_signal(people, sender)
    return next(p for p in people if p != sender)
