"""Roundtable's domain: missions, programme, people, directory, policy and the ports to storage.

Pure Python: this package imports the standard library and msgspec only (a test enforces it).
"""
