"""The shared core every context builds on: room refs, the durable event envelope, errors, the clock, people's
cards, and the generic ports (event log, aggregates, broker, presence, rate limiter) with their in-memory
implementations. It imports no context (tests/unit/test_catalog.py checks)."""
