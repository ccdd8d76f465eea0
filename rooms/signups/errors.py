"""The error codes the sign-ups context owns, with what each means (rooms.core.errors)."""

from __future__ import annotations

from collections.abc import Mapping

CODES: Mapping[str, str] = {
    "capacity-not-for-kind": "A capacity (sign-up) on a webinar or a matchmaking block, which have none.",
    "checkin-closed": "Checking in outside the item's window (an hour before its start to an hour after its end).",
    "checkin-code-wrong": "A check-in code that is not the item's.",
    "checkin-not-here": "Checking in to an item that does not take place on location.",
    "item-over": "Signing up for an item that has ended.",
    "no-place": "Checking in to an item with places without holding one (the organiser can check anyone in).",
    "no-signup": "Signing up for an item that takes no sign-ups (it has no capacity).",
}
