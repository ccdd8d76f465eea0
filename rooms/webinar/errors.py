"""The error codes the webinar context owns, with what each means (rooms.core.errors)."""

from __future__ import annotations

from collections.abc import Mapping

CODES: Mapping[str, str] = {
    "already-approved": "The question is approved already.",
    "already-dismissed": "The question is dismissed already.",
    "already-invited": "The person is invited to the stage already.",
    "already-live": "The webinar has started already.",
    "already-on-stage": "The person is on stage already.",
    "already-pinned": "The question is pinned already.",
    "already-rehearsing": "A rehearsal is running already.",
    "already-voted": "The person upvoted this question already.",
    "early-start": "A start more than the allowed time early, not confirmed.",
    "empty-question": "A question with no text.",
    "hand-already-raised": "The hand is raised already.",
    "hand-not-raised": "The hand is not raised.",
    "invalid-choice": "A value that is none of the allowed choices (a poll ballot's options, a field's values).",
    "invalid-options": "A poll with too few or too many options.",
    "invalid-poll": "A poll question that is empty or too long.",
    "invalid-status": "A poll can only be opened or closed.",
    "invalid-warning": "A time warning at a time that is not one of the warnings.",
    "not-a-guest": "The person is not a guest on stage.",
    "not-answerable": "The question cannot be marked answered in its state.",
    "not-approved": "Only an approved question can be pinned.",
    "not-ended": "Only an ended webinar can be reopened.",
    "not-invited": "The person was not invited to the stage.",
    "not-on-stage": "Only the host, speakers and guests on stage may publish.",
    "not-pinned": "The question is not pinned.",
    "not-rehearsing": "No rehearsal is running.",
    "not-started": "The stage opens to attendees when the webinar starts.",
    "not-voted": "The person has not upvoted this question.",
    "poll-already-closed": "The poll is closed already.",
    "poll-already-open": "The poll is open already.",
    "poll-closed": "The poll is closed: no more votes.",
    "poll-not-found": "No such poll.",
    "question-not-found": "No such question.",
    "slot-over": "The webinar's time slot is over: it cannot be reopened.",
    "stage-full": "The stage shows its maximum number of cameras.",
    "webinar-ended": "The webinar has ended.",
    "webinar-not-found": "No such webinar, or not visible to this person.",
}
