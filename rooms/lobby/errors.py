"""The error codes the lobby owns, with what each means (rooms.core.errors)."""

from __future__ import annotations

from collections.abc import Mapping

CODES: Mapping[str, str] = {
    "empty-message": "A chat or direct message with no text.",
    "message-not-found": "No such chat message to remove (or it was removed already).",
}
