"""The error codes the registration context owns, with what each means (rooms.core.errors)."""

from __future__ import annotations

from collections.abc import Mapping

CODES: Mapping[str, str] = {
    "already-registered": "The e-mail registered for the mission before (never shown: the answer stays the same).",
    "registration-closed": "The mission takes no registrations (switched off, or past its closing date).",
    "registration-decided": "Approve or reject a registration that was already approved or rejected.",
    "registration-not-found": "No such registration in this mission.",
    "reason-required": "A rejection without a reason.",
    "unknown-sector": "A sector that is not one of the mission's sectors.",
}
