"""Issue 5 in the browser: matchmaking, the schedule and the 1:1 meeting room with real media.

The media test runs the whole scenario inside a private network namespace (tests/browser/meeting_scenario.py)
because two browsers talking to each other on the host would use its other interface (/work/shared/MEDIA-NOTES.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import meeting_scenario
from tests.browser.media_pages import assert_pairs_in_namespace, run_scenario

pytestmark = [pytest.mark.browser]


def test_request_accept_and_meet_with_video_through_a_drop_and_a_reload(tmp_path: Path) -> None:
    r = run_scenario(meeting_scenario.book_and_meet, tmp_path)

    assert r["foreign"] == [], r["foreign"]
    assert r["page_errors"] == [], r["page_errors"]
    assert r["reason"].strip(), r
    assert "Mike" in r["anna_note"] and "accepted" in r["anna_note"], r["anna_note"]
    for key in ("anna_sees_mike", "mike_sees_anna", "after_drop", "after_drop_anna", "after_reload",
                "after_reload_anna"):
        seen = r[key]
        assert seen["first"]["width"] > 0 and seen["later"]["frames"] > seen["first"]["frames"], (key, seen)
        assert seen["later"]["live"], (key, seen)
    assert r["reload_new_track"], r
    assert_pairs_in_namespace(r["pairs"])
