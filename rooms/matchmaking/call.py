"""Whether a meeting happened (docs/matchmaking.md, "Held, no-show, failed to connect"). Pure functions over the
meeting room's log: who was in the room when (`m-joined`/`m-left`) and what each page reported about its call
(`m-media`).

Being in the room is not a call: a meeting is **held** only when media flowed both ways at once for the mission's
`held_seconds`. Each page reports, every few seconds and when its media starts, its peer connection, whether it is
connected and how many media frames it has received on it. Media reached that member between two consecutive
reports of the same connection when the later one is connected and counts more frames than the earlier, which
had received some already (so the moment a call starts is not counted before it happened), and the reports are at
most MAX_GAP apart (a page that fell silent is not trusted for the silence). Both ways at once is the overlap of
the two members' spans. What the meeting then is (held, no-show, failed to connect) is
rooms/matchmaking/settlement.py's decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import msgspec

from rooms.matchmaking.records import Attendance, CallQuality, SideQuality
from rooms.matchmaking.slots import attendance

MAX_GAP = dt.timedelta(seconds=20)  # pages report every 5 s; a longer silence is not media

Span = tuple[dt.datetime, dt.datetime]


class Report(NamedTuple):
    user_id: int
    at: dt.datetime
    sid: str
    connected: bool
    frames: int


class CallFigures(msgspec.Struct, frozen=True):
    attendance: Attendance
    quality: CallQuality
    came: tuple[bool, bool]  # whether a and b were ever in the room
    present: tuple[bool, bool]  # whether a and b are in the room now


def media_spans(reports: Iterable[Report]) -> list[Span]:
    """When media reached one member, from that member's reports in log order; adjacent spans are merged."""
    spans: list[Span] = []
    previous: Report | None = None
    for report in reports:
        flowed = (previous is not None and previous.sid == report.sid and report.connected
                  and previous.frames > 0 and report.frames > previous.frames
                  and dt.timedelta(0) < report.at - previous.at <= MAX_GAP)
        if flowed:
            assert previous is not None
            if spans and spans[-1][1] >= previous.at:
                spans[-1] = (spans[-1][0], report.at)
            else:
                spans.append((previous.at, report.at))
        previous = report
    return spans


def overlap(a: Sequence[Span], b: Sequence[Span]) -> float:
    """Seconds covered by both lists of (sorted, disjoint) spans."""
    total, i, j = 0.0, 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if end > start:
            total += (end - start).total_seconds()
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _together(changes: Iterable[tuple[int, bool, dt.datetime]], a: int, b: int
              ) -> tuple[list[dt.datetime], tuple[bool, bool], tuple[bool, bool]]:
    """When both came to be in the room at once (each time), whether each ever came, whether each is there now."""
    open_connections = {a: 0, b: 0}
    came = {a: False, b: False}
    together: list[dt.datetime] = []
    for user_id, joined, at in changes:
        if user_id not in open_connections:
            continue
        both_before = open_connections[a] > 0 and open_connections[b] > 0
        open_connections[user_id] = open_connections[user_id] + 1 if joined else max(open_connections[user_id] - 1, 0)
        came[user_id] = came[user_id] or joined
        if not both_before and open_connections[a] > 0 and open_connections[b] > 0:
            together.append(at)
    return together, (came[a], came[b]), (open_connections[a] > 0, open_connections[b] > 0)


def _side(reports: Sequence[Report], spans: Sequence[Span], together: Sequence[dt.datetime]) -> SideQuality:
    """Time to connect counts from the moment both were in the room, the last time before media first came."""
    first = next((r.at for r in reports if r.connected and r.frames > 0), None)
    since = None if first is None else next((t for t in reversed(together) if t <= first), None)
    connect = None if first is None or since is None else round((first - since).total_seconds())
    return SideQuality(media_seconds=round(sum((end - start).total_seconds() for start, end in spans)),
                       connect_seconds=connect, reconnects=max(len(spans) - 1, 0))


def call_figures(changes: Sequence[tuple[int, bool, dt.datetime]], reports: Sequence[Report], a: int, b: int,
                 now: dt.datetime) -> CallFigures:
    """Everything the room's log says about the meeting: attendance, the call's quality per side, who came."""
    together, came, present = _together(changes, a, b)
    mine = {person: [r for r in reports if r.user_id == person] for person in (a, b)}
    spans = {person: media_spans(mine[person]) for person in (a, b)}
    quality = CallQuality(media_seconds=round(overlap(spans[a], spans[b])),
                          a=_side(mine[a], spans[a], together), b=_side(mine[b], spans[b], together))
    return CallFigures(attendance(changes, a, b, now), quality, came, present)
