"""Every browser test is marked `browser`: `make unit` leaves them out, and a machine without Chromium fails them
with what to install instead of running them half-way."""

from __future__ import annotations

from pathlib import Path

BROWSER_TESTS = Path(__file__).resolve().parents[1] / "browser"


def test_every_browser_test_module_is_marked_browser() -> None:
    unmarked = [p.name for p in sorted(BROWSER_TESTS.glob("test_*.py"))
                if "pytest.mark.browser" not in p.read_text()]
    assert unmarked == []
