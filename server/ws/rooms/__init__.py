"""One module per kind of room: what it means on a connection (base.py), listed in registry.py."""
