"""The error codes the ledger context owns, with what each means (rooms.core.errors)."""

from __future__ import annotations

from collections.abc import Mapping

CODES: Mapping[str, str] = {
    "team-not-found": "No such team, or not one of yours (the same answer, so nobody learns another team exists).",
    "bad-team-name": "A team name that is empty or too long.",
    "bad-activity": "An activity with an empty title, a count outside 1–1,000 or a date out of range.",
    "activity-not-found": "No such activity in this team.",
    "bad-plan": "A plan whose period or range does not hold together.",
    "bad-year": "A ledger or activity list asked for a year outside 2000–2100.",
    "bad-correction": "A correction of 0, too large, or for a year out of range.",
    "last-team-member": "Removing the team's last member (a team is never left without anyone).",
    "already-in-team": "Adding someone who is in the team already.",
    "lead-partner-taken": "Linking a mission as lead partner when another team is its lead partner.",
    "mission-not-linked": "Unlinking a mission that the team does not count.",
}
