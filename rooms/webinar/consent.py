"""Recording a stage, with consent (docs/webinar.md, "Recording"): the staff switch recording on and off; anyone
may decline to be recorded, before their camera goes live or at any time after. Pure decisions over the webinar
aggregate, as in rooms.webinar.decide; what is written to disk follows from the state (server/ws/recording_node.py).
"""

from __future__ import annotations

from rooms.core.errors import Conflict
from rooms.webinar.decide import Audience, Outcome, require_not_ended
from rooms.webinar.events import RecordingChanged
from rooms.webinar.state import WebinarState


def _changed(s: WebinarState, by: int) -> Outcome:
    return Outcome([(Audience.PUBLIC, RecordingChanged(on=s.recording, declined=list(s.declined), by=by))], s)


def decide_record(s: WebinarState, on: bool, by: int) -> Outcome:
    require_not_ended(s)
    if s.recording is on:
        raise Conflict(code="already-recording" if on else "not-recording",
                       message="The stage is being recorded already." if on else "The stage is not being recorded.")
    s.recording = on
    return _changed(s, by)


def decide_consent(s: WebinarState, user_id: int, accept: bool) -> Outcome:
    """Declining holds for the rest of the session (and its reopenings); accepting again lifts it."""
    if (user_id not in s.declined) is accept:
        return Outcome([], s)
    s.declined = [u for u in s.declined if u != user_id] if accept else [*s.declined, user_id]
    return _changed(s, user_id)


def recorded(s: WebinarState, user_id: int) -> bool:
    """Whether this person's feeds are to be written now."""
    return s.recording and user_id not in s.declined
