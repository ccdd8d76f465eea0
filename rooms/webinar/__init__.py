"""Webinars: one aggregate per webinar (Q&A, hands, stage, polls, time box, attendance) and emoji reactions
(docs/webinar.md)."""
