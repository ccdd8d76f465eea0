"""Whether a meeting happened, as pure functions (rooms/matchmaking/call.py): media spans from page reports, both ways
at once, time to connect, reconnects, and the outcome held / no-show / failed to connect."""

from __future__ import annotations

import datetime as dt

from rooms.matchmaking.call import CallFigures, Report, call_figures, media_spans, overlap
from rooms.matchmaking.records import Attendance, CallQuality, MeetingStatus
from rooms.matchmaking.settlement import outcome

T = dt.datetime(2027, 3, 26, 16, 0, tzinfo=dt.UTC)
S = dt.timedelta(seconds=1)


def _r(user: int, second: int, frames: int, *, sid: str = "x", connected: bool = True) -> Report:
    return Report(user, T + second * S, sid, connected, frames)


def test_media_counts_between_reports_of_one_connection_with_growing_frames() -> None:
    reports = [_r(1, 0, 0), _r(1, 5, 30), _r(1, 10, 180), _r(1, 15, 330), _r(1, 20, 330), _r(1, 25, 480)]
    # 0→5: nothing had arrived at 0, so the start of the call is not counted before it happened;
    # 15→20: no new frames (frozen); 20→25 flows again.
    assert media_spans(reports) == [(T + 5 * S, T + 15 * S), (T + 20 * S, T + 25 * S)]


def test_a_silent_page_a_disconnected_one_or_another_connection_is_not_media() -> None:
    assert media_spans([_r(1, 0, 10), _r(1, 40, 900)]) == []  # 40 s of silence is not trusted
    assert media_spans([_r(1, 0, 10), _r(1, 5, 90, connected=False)]) == []
    assert media_spans([_r(1, 0, 10), _r(1, 5, 90, sid="y"), _r(1, 10, 120, sid="y")]) == [(T + 5 * S, T + 10 * S)]


def test_both_ways_is_the_overlap_of_the_two_sides() -> None:
    a = [(T, T + 60 * S), (T + 100 * S, T + 200 * S)]
    b = [(T + 30 * S, T + 150 * S)]
    assert overlap(a, b) == 30 + 50
    assert overlap(a, []) == 0


def test_figures_time_to_connect_counts_from_when_both_were_in_the_room() -> None:
    changes = [(1, True, T), (2, True, T + 20 * S)]
    reports = [_r(1, 21, 0), _r(2, 21, 0), _r(1, 23, 12), _r(2, 24, 9), _r(1, 28, 160), _r(2, 29, 150)]
    figures = call_figures(changes, reports, 1, 2, T + 30 * S)
    assert figures.came == (True, True) and figures.present == (True, True)
    assert (figures.quality.a.connect_seconds, figures.quality.b.connect_seconds) == (3, 4)
    assert (figures.quality.a.media_seconds, figures.quality.b.media_seconds) == (5, 5)
    assert figures.quality.media_seconds == 4  # 24→28
    alone = call_figures([(1, True, T)], [_r(1, 5, 0)], 1, 2, T + 30 * S)
    assert alone.came == (True, False) and alone.quality.a.connect_seconds is None


def _figures(media: int, came: tuple[bool, bool] = (True, True)) -> CallFigures:
    return CallFigures(Attendance(60, 60, 60), CallQuality(media_seconds=media), came, (False, False))


def test_outcome_held_as_soon_as_enough_media_both_ways_otherwise_decided_at_the_close() -> None:
    booked = MeetingStatus.BOOKED
    assert outcome(booked, _figures(120), 120, closed=False) is MeetingStatus.HELD
    assert outcome(booked, _figures(119), 120, closed=False) is booked
    assert outcome(booked, _figures(119), 120, closed=True) is MeetingStatus.FAILED
    assert outcome(booked, _figures(0, (True, False)), 120, closed=True) is MeetingStatus.NO_SHOW
    # Held and cancelled are final; a side room that ended early still becomes held if the call goes on.
    assert outcome(MeetingStatus.HELD, _figures(0), 120, closed=True) is MeetingStatus.HELD
    assert outcome(MeetingStatus.CANCELLED, _figures(600), 120, closed=True) is MeetingStatus.CANCELLED
    assert outcome(MeetingStatus.FAILED, _figures(130), 120, closed=False) is MeetingStatus.HELD
