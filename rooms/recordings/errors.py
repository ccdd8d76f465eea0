"""The error codes the recordings context owns, with what each means (rooms.core.errors)."""

from __future__ import annotations

from collections.abc import Mapping

CODES: Mapping[str, str] = {
    "recording-not-found": "No such recording, or not one this person may watch.",
    "invalid-url": "An external link that is not an http(s) URL.",
    "no-stage": "Only a webinar, a group session or a roundtable is recorded.",
}
