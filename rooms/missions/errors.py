"""The error codes the missions context owns, with what each means (rooms.core.errors)."""

from __future__ import annotations

from collections.abc import Mapping

CODES: Mapping[str, str] = {
    "address-required": "A company visit without an address.",
    "already-member": "The person invited already takes part in the mission.",
    "duplicate-person": "One person given two roles in one change.",
    "email-taken": "Another account already uses this e-mail address.",
    "end-before-start": "A mission or programme item that ends before it starts.",
    "invalid-country": "Not a two-letter country code.",
    "invalid-email": "Not an e-mail address.",
    "invalid-language": "Not a language code.",
    "invalid-website": "A website address that is not http(s).",
    "invitation-closed": "Resend, revoke or copy the link of an invitation that was accepted, revoked or expired.",
    "invitation-not-found": "No such invitation in this mission.",
    "item-not-found": "No such programme item (or not visible to this person).",
    "last-organiser": "An organiser may not remove their own organiser role.",
    "mission-not-found": "No such mission, or the person is not a member (non-members learn nothing of it).",
    "not-a-member": "The person named does not take part in the mission.",
    "not-a-webinar": "Roles per programme item are granted for webinars only.",
    "outside-mission": "A programme item outside the mission's dates.",
    "person-not-found": "No such member of the mission.",
    "profile-not-found": "No profile for this person.",
    "programme-conflict": "A change to the mission that an existing programme item would no longer fit.",
    "required": "A field that may not be empty.",
    "roster-columns-missing": "A roster whose heading row lacks the name or e-mail column.",
    "roster-empty": "A roster file without a heading row or without people.",
    "roster-too-large": "A roster file over 10 MB (docs/onboarding.md).",
    "roster-too-long": "A roster of more than 2000 people.",
    "roster-unreadable": "A roster file that is neither a readable CSV nor XLSX file.",
    "side-required": "A participant without a side (delegation or partner).",
    "token-expired": "An invitation past its expiry.",
    "token-invalid": "An invitation that does not exist.",
    "token-revoked": "An invitation an organiser withdrew.",
    "token-used": "An invitation that was accepted already.",
    "unknown-track": "A programme item's track that is not one of the mission's sectors.",
    "user-not-found": "No such account.",
    "visit-needs-hybrid": "Company visits belong to hybrid missions only.",
    "webinar-too-long": "A webinar longer than the mission's maximum.",
}
