"""Recordings of webinar stages and group rooms, on demand after the item (docs/webinar.md, "Recording")."""
