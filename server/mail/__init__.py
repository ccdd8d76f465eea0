"""Mail delivery: the outbox's sender task (one per node) and its SMTP transport."""
