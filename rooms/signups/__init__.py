"""Places on programme items (sign-up with capacity and a waiting list) and check-in on site (docs/programme.md)."""
