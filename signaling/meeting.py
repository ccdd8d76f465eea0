"""Signalling between the two members of a matchmaking meeting (docs/matchmaking.md, "Meeting room").

The server never looks inside a session description: it checks that each signal is well formed and small, and
hands it to the other member only. Browsers trickle candidates; aiortc sends one complete SDP and no candidates;
both are accepted. Pure: no I/O, no server imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, assert_never

import msgspec

from rooms.errors import Invalid, NotAllowed

MAX_SDP = 32 * 1024
MAX_CANDIDATE = 1024
MAX_MID = 16
MAX_MLINE = 64

# The sizes are enforced at decoding (msgspec refuses longer strings before we see them); the prefixes here.
Sdp = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_SDP)]
CandidateLine = Annotated[str, msgspec.Meta(max_length=MAX_CANDIDATE)]
Mid = Annotated[str, msgspec.Meta(max_length=MAX_MID)]
MLine = Annotated[int, msgspec.Meta(ge=0, le=MAX_MLINE)]


class _Kind(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, tag_field="kind"):
    pass


class Offer(_Kind, frozen=True, tag="offer"):
    sdp: Sdp


class Answer(_Kind, frozen=True, tag="answer"):
    sdp: Sdp


class Candidate(_Kind, frozen=True, tag="candidate"):
    """One trickled ICE candidate; an empty `candidate` says the sender has gathered all of them."""

    candidate: CandidateLine
    mid: Mid | None = None
    mline: MLine | None = None


class Bye(_Kind, frozen=True, tag="bye"):
    """The sender hangs up (the other side closes its peer connection and may wait for a rejoin)."""


Signal = Offer | Answer | Candidate | Bye


def validate(signal: Signal) -> Signal:
    """Refuses what no WebRTC stack would produce, with a code saying which part is wrong."""
    match signal:
        case Offer() | Answer():
            if not signal.sdp.startswith("v=0"):
                raise Invalid("bad-sdp", "A session description starts with v=0.", "signal.sdp")
            if "\x00" in signal.sdp:
                raise Invalid("bad-sdp", "A session description is text without NUL characters.", "signal.sdp")
        case Candidate():
            line = signal.candidate
            if line and not line.startswith("candidate:"):
                raise Invalid("bad-candidate",
                              "An ICE candidate starts with candidate: (or is empty at the end of candidates).",
                              "signal.candidate")
            if any(c in line for c in "\r\n\x00"):
                raise Invalid("bad-candidate", "An ICE candidate is one line.", "signal.candidate")
            if line and signal.mid is None and signal.mline is None:
                raise Invalid("bad-candidate", "Say which media section the candidate is for (mid or mline).",
                              "signal.mid")
        case Bye():
            pass
        case _:
            assert_never(signal)
    return signal


def recipient(members: Iterable[int], sender: int) -> int:
    """Who a signal from `sender` goes to: the meeting's other member, never the sender, never anyone else."""
    people = list(members)
    if sender not in people:
        raise NotAllowed("Only the two people meeting may signal in this meeting.")
    others = [p for p in people if p != sender]
    if len(others) != 1:
        # A meeting with oneself (or a group) has no single other party: nothing to route, refuse it.
        raise NotAllowed("This meeting has no other member to signal to.")
    return others[0]
