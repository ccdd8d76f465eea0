"""Organisations as records: one company with its people, whatever its people typed (rooms.organisations.names)."""
