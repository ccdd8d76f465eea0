"""The webinar stage's media port: what the server asks of an SFU, whichever one it is.

The browser never talks to the SFU's own API; the server calls this port on its behalf, so permissions are checked
by the domain before any media flows, and another SFU can replace Janus by implementing this Protocol.

Guarantees every implementation gives:
- a publisher's `offer_sdp` and a viewer's `answer_sdp` are complete SDPs (all candidates gathered): nothing is
  trickled through this port;
- `kick` removes a feed whichever node published it, and is a no-op for a feed that is already gone;
- `unwatch`, `unpublish` and `close` are idempotent;
- errors are `StageError`s with a stable code: `stage-full`, `stage-unavailable`, `stage-media-missing`,
  `recording-unavailable` or `bad-sdp`;
- consent to recording is the caller's to decide and this port's to keep: nothing of a (user, source) is ever
  written to disk unless `record` named a directory for it, and nothing more after `record(..., None)` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from rooms.core.errors import DomainError, ErrorKind

Source = Literal["camera", "screen"]
SOURCES: tuple[Source, ...] = ("camera", "screen")


@dataclass(frozen=True)
class Published:
    answer_sdp: str
    feed: int


class StageError(DomainError):
    """Base of the stage errors, so adapters can map them in one place."""


class StageFull(StageError):
    kind = ErrorKind.CONFLICT

    def __init__(self, cap: int) -> None:
        super().__init__(
            code="stage-full",
            message=f"This webinar is full in this installation: at most {cap} people may watch the stage at once "
            "without a media server (SFU). Ask the organiser to install Janus for larger audiences.")
        self.cap = cap


class StageUnavailable(StageError):
    # No dedicated "unavailable" kind exists in rooms.core.errors; CONFLICT keeps it a refusal rather than bad input.
    kind = ErrorKind.CONFLICT

    def __init__(self, why: str) -> None:
        super().__init__(code="stage-unavailable",
                         message=f"The stage's media server is not available right now ({why}).")


class StageMediaMissing(StageError):
    """This installation has no stage media at all: no Janus, and the relay's aiortc is not installed. Unlike
    `stage-unavailable`, trying again will not help; the rest of the webinar works without it."""

    kind = ErrorKind.CONFLICT

    def __init__(self) -> None:
        super().__init__(
            code="stage-media-missing",
            message="This installation has no media server for webinar stages, so the stage's video and sound are "
            "unavailable; questions, polls and chat work. The organiser can install Janus, or the in-process relay "
            "with pip install 'roundtable[relay]'.")


class RecordingUnavailable(StageError):
    """Only an SFU records the stage (Janus's recorder); the in-process relay cannot."""

    kind = ErrorKind.CONFLICT

    def __init__(self, stage: str) -> None:
        super().__init__(
            code="recording-unavailable",
            message=f"This installation's stage media ({stage}) cannot record webinars; recordings need Janus "
            "(the Debian packages janus and janus-tools).")


class BadSdp(StageError):
    kind = ErrorKind.INVALID

    def __init__(self, why: str) -> None:
        super().__init__(code="bad-sdp", message=f"The session description was refused: {why}.", field="sdp")


class StageMedia(Protocol):
    """One SFU (or the in-process relay) serving every webinar's stage on this node."""

    @property
    def name(self) -> str:
        """Short name for logs and diagnostics, e.g. "janus" or "relay"."""
        ...

    @property
    def viewer_cap(self) -> int | None:
        """How many may watch one webinar at once, or None when the SFU sets no limit of ours."""
        ...

    async def open(self, webinar: int) -> None:
        """Prepares the webinar's stage (idempotent; also done implicitly by publish/watch)."""

    async def publish(self, webinar: int, user_id: int, source: Source, display: str, offer_sdp: str) -> Published:
        """Takes a publisher's offer, returns the SFU's answer and the feed id viewers subscribe to.
        Publishing the same (user, source) again replaces the earlier feed."""
        ...

    async def unpublish(self, webinar: int, user_id: int, source: Source) -> None:
        """Stops the (user, source) feed published through this node, if any."""

    async def kick(self, webinar: int, feed: int) -> None:
        """Revocation: removes the feed from the SFU server-side, whichever node holds its connection."""

    @property
    def can_record(self) -> bool:
        """Whether `record` may be given a directory here (False: it raises `recording-unavailable`)."""
        ...

    async def record(self, webinar: int, user_id: int, source: Source, into: Path | None) -> None:
        """Records the (user, source) feed published through this node into the directory `into`, or stops
        recording it (None; idempotent). The choice holds on this node until changed or the webinar's `close`: it
        applies at once to the live feed, and from its first packet to a later `publish` of the same (user, source).
        Each recorded span gets files of its own in `into` (named by `signaling.recording.recording_base`); the
        directory must be one the SFU can create and write. Never call it with a directory for a person who
        declined: that is the whole of consent here."""

    async def watch(self, webinar: int, viewer: str, feeds: list[int]) -> str:
        """Starts a subscription for `viewer` (unique per connection) and returns the SFU's offer for it."""
        ...

    async def rewatch(self, webinar: int, viewer: str, feeds: list[int]) -> str | None:
        """Brings the subscription to exactly `feeds`; returns a renegotiation offer, or None if nothing changed."""
        ...

    async def watch_answer(self, webinar: int, viewer: str, answer_sdp: str) -> None:
        """The viewer's answer to the last offer from `watch` or `rewatch`."""

    async def present_feeds(self, webinar: int) -> set[int]:
        """The feeds the SFU knows now (publishing, or still connecting): a feed the SFU lost (it restarted, the
        feed was kicked) is on the stage as far as the domain knows, but not here."""
        ...

    def streams(self, webinar: int, viewer: str) -> dict[str, int]:
        """Which feed each media section (by its mid) of the viewer's last offer carries: the browser names its
        video tiles by it, since SFUs recycle and reorder m-lines on renegotiation."""
        ...

    async def unwatch(self, webinar: int, viewer: str) -> None:
        """Ends the viewer's subscription (idempotent)."""

    async def close(self, webinar: int) -> None:
        """Ends every feed and subscription of the webinar and frees its SFU room."""

    async def aclose(self) -> None:
        """Releases everything this port holds (sockets, peer connections)."""


def feed_for(user_id: int, source: Source) -> int:
    """A feed id derived from who publishes what, so that any node can name (and kick) a feed it never saw."""
    return user_id * len(SOURCES) + SOURCES.index(source) + 1


def check_sdp(sdp: str, kind: Literal["offer", "answer"]) -> str:
    """Cheap sanity check before an SDP reaches the SFU: the SFU's own error would be less helpful."""
    if not isinstance(sdp, str) or not sdp.startswith("v=0") or "\nm=" not in sdp:
        raise BadSdp(f"the {kind} is not an SDP (it must start with v=0 and have at least one m= line)")
    if len(sdp) > 64 * 1024:
        raise BadSdp(f"the {kind} is larger than 64 KiB")
    return sdp
