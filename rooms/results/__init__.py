"""A mission's results for its organisers (docs/results.md): computed from what the platform recorded — members,
invitations, webinar and lounge aggregates, meeting requests, meetings and their settlement, ratings, leads —
never typed in."""
