"""The floor of a group room (a group session or a roundtable): the chair gives it and takes it back, and mutes a
microphone. Pure decisions over the webinar aggregate, as in rooms.webinar.decide.
"""

from __future__ import annotations

import msgspec

from rooms.core.errors import Conflict, Invalid
from rooms.webinar.decide import Audience, Outcome, hand_raised, lower_hand, require_not_ended, stage_event
from rooms.webinar.events import Muted
from rooms.webinar.state import WebinarState


def _require_group(s: WebinarState) -> None:
    if not s.group:
        raise Invalid(code="not-a-group-room", message="Only a group session or a roundtable has a floor to give.")


def decide_floor(s: WebinarState, target: int | None, by: int) -> Outcome:
    """The chair gives the floor to `target` (who must be here; their raised hand goes down: they are heard
    now), or takes it back with None."""
    require_not_ended(s)
    _require_group(s)
    if target is not None:
        here = s.attendance.get(target)
        if here is None or not here.present:
            raise Conflict(code="not-here", message="This person is not in the room.")
    if s.stage.floor == target:
        return Outcome([], s)
    events = [stage_event(s, msgspec.structs.replace(s.stage, floor=target), by)]
    if target is not None and hand_raised(s, target):
        events += lower_hand(s, target, by).events
    return Outcome(events, s)


def decide_mute(s: WebinarState, target: int, by: int) -> Outcome:
    """The chair mutes a microphone: only someone whose camera and sound are live can be muted."""
    require_not_ended(s)
    _require_group(s)
    if not any(f.user_id == target for f in s.stage.live):
        raise Conflict(code="not-live", message="This person's camera and sound are not on.")
    return Outcome([(Audience.PUBLIC, Muted(user_id=target, by=by))], s)
