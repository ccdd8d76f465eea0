"""The error codes the leads context owns, with what each means (rooms.core.errors)."""

from __future__ import annotations

from collections.abc import Mapping

CODES: Mapping[str, str] = {
    "bad-target": "A lead target outside 1 to 10,000.",
    "lead-name-missing": "A lead added by hand needs a name (or a person on the platform).",
    "lead-not-found": "No such lead, or not the person's own.",
    "lead-person-unknown": "The person named is not a member of the lead's mission.",
}
