"""Benchmarks: `make bench` (or `python -m bench [scenario ...]`) prints one JSON object per result."""
