"""The error codes the organisations context owns (rooms.core.errors)."""

from __future__ import annotations

from collections.abc import Mapping

CODES: Mapping[str, str] = {
    "invalid-registration": "A registration number with no letters or digits.",
    "merge-same": "A merge of an organisation into itself.",
    "organisation-exists": "An edit that would give an organisation the name of another in the same country and "
                           "with the same registration number: merge the two instead.",
    "organisation-not-found": "No such organisation among the people of this mission.",
    "registration-taken": "Another organisation in that country has this registration number: merge the two.",
}
