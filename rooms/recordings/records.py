"""What a recording is, as the programme and the organiser see it."""

from __future__ import annotations

import datetime as dt
import enum

import msgspec


class RecordingStatus(enum.StrEnum):
    PROCESSING = "processing"  # the stage's files are being rendered into one
    READY = "ready"  # a file to watch, served with range requests
    FAILED = "failed"  # rendering failed: `error` says why (organisers only)
    LINK = "link"  # the organiser pasted an external link (e.g. a video platform) instead of a file


class Recording(msgspec.Struct, frozen=True):
    id: int
    item_id: int
    rehearsal: bool  # a rehearsal's: the item's staff only, never published
    status: RecordingStatus
    file: str  # the rendered file's name under the item's recordings directory; "" for a link
    duration_ms: int
    size: int
    external_url: str
    error: str
    created_at: dt.datetime
    updated_at: dt.datetime


class RecordingView(msgspec.Struct, frozen=True):
    """One recording as the API shows it: `url` plays the file (range requests), `external_url` a pasted link."""

    id: int
    item_id: int
    rehearsal: bool
    status: RecordingStatus
    duration_s: float
    size: int
    url: str | None
    external_url: str | None
    error: str | None  # organisers only
    replays: int | None  # people who watched it afterwards; organisers only
    updated_at: dt.datetime
