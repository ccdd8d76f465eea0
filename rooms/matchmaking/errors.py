"""The error codes the matchmaking context owns, with what each means (rooms.core.errors)."""

from __future__ import annotations

from collections.abc import Mapping

CODES: Mapping[str, str] = {
    "already-meeting": "The two already have a meeting.",
    "bad-rating": "A rating outside 1 to 5.",
    "bad-slots": "Too few or too many proposed slots.",
    "meeting-closed": "The meeting's room is closed: the meeting was cancelled or is over.",
    "meeting-not-booked": "The meeting is no longer booked (held, cancelled, …).",
    "meeting-not-found": "No such meeting, or the person is not one of its members.",
    "not-bookable": "The person does not take meetings in this mission (an organiser, or not a member).",
    "not-proposed": "The slot accepted is not one of the request's proposals.",
    "organiser-booking-off": "Organisers may not book on people's behalf in this mission.",
    "request-exists": "An open request between the two exists already.",
    "request-not-found": "No such meeting request, or not the person's.",
    "request-not-pending": "The request was answered already.",
    "same-person": "A meeting needs two different people.",
    "same-side": "The mission's rules allow meetings between the delegation and the partners only.",
    "vip-by-organiser": "Asking a VIP for a meeting where the organisers arrange every meeting with VIPs.",
    "vip-delegation-only": "Asking a VIP for a meeting from the partners' side where only the delegation may.",
    "slot-past": "The slot has begun already.",
    "slot-taken": "One of the two already has a meeting at that time (no double booking).",
    "too-many-meetings": "One of the two has the mission's maximum number of meetings.",
    "too-many-requests": "Too many open requests waiting for an answer.",
    "unknown-slot": "No matchmaking slot starts at that time.",
}
