"""Matchmaking: slots and availability, recommendations, meeting requests and bookings, the 1:1 meeting and
whether it was held, notifications and leads (docs/matchmaking.md)."""
