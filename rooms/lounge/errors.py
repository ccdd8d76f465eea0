"""The error codes the lounge owns, with what each means (rooms.core.errors)."""

from __future__ import annotations

from collections.abc import Mapping

CODES: Mapping[str, str] = {
    "busy-now": "The person answering a \"have a word\" has another meeting now or very soon.",
    "invalid-capacity": "A table's capacity outside the allowed range.",
    "invalid-minutes": "A round's length outside the allowed range.",
    "invalid-name": "A table's name that is empty or too long.",
    "invalid-rounds": "A number of mixing rounds outside the allowed range.",
    "invite-expired": "A \"have a word\" invitation that lapsed.",
    "invite-not-found": "No such open \"have a word\" invitation.",
    "lounge-not-found": "No such lounge (networking item), or not visible to this person.",
    "no-rounds": "No mixing rounds are running.",
    "not-seated": "Only the people seated at a table may join its room.",
    "rounds-running": "Mixing rounds are already running.",
    "table-full": "Every seat at the table is taken.",
    "table-not-found": "No such table in the lounge.",
    "table-occupied": "A table cannot shrink below the people seated at it.",
    "they-are-busy": "The person invited to \"have a word\" has another meeting now or very soon.",
    "too-many-invites": "Too many \"have a word\" invitations waiting for an answer.",
    "too-many-tables": "The lounge has its maximum number of tables.",
}
