"""Roundtable's domain, one package per context (core, missions, lobby, webinar, matchmaking, lounge), the
policy, and rooms.catalog, the one module that lists the contexts.

Pure Python: this package imports the standard library and msgspec only (a test enforces it).
"""
