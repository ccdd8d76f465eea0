"""Roundtable's adapters: the Starlette app, SQL storage, settings and the command line."""
