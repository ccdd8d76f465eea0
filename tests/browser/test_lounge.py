"""Issue 6 in the browser: the networking lounge with real media.

Three people sit at one table and each page decodes both others' video (the table's mesh); a mixing round started
by the organiser moves everyone and the new tables' media connects. It runs inside a private network namespace
(tests/browser/lounge_scenario.py) because browsers talking to each other on the host would use its other
interface (/work/shared/MEDIA-NOTES.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.browser import lounge_scenario
from tests.browser.conftest import SHOTS
from tests.browser.media_pages import assert_pairs_in_namespace, run_scenario

pytestmark = [pytest.mark.browser]


def _grows(seen: dict[str, Any]) -> bool:
    return bool(seen["first"]["width"] > 0 and seen["later"]["frames"] > seen["first"]["frames"]
                and seen["later"]["live"])


def test_three_sit_at_a_table_see_each_other_then_a_round_moves_them(tmp_path: Path) -> None:
    r = run_scenario(lounge_scenario.sit_and_mix, tmp_path)

    assert r["foreign"] == [], r["foreign"]
    assert r["page_errors"] == [], r["page_errors"]
    assert "/lounge/" in (r["link"] or ""), r["link"]
    assert r["seated_seen_by_organiser"] == 3, r

    # At the first table each of the three pages decodes both others.
    assert len(r["first_table"]) == 6, r["first_table"]
    for key, seen in r["first_table"].items():
        assert _grows(seen), (key, seen)
    assert_pairs_in_namespace(r["pairs"])

    # The round placed all four people present, the same way on every page, and each page decodes its table-mates.
    assert r["round_label"].startswith("Mixing round 1 of 2"), r["round_label"]
    placed = r["placed"]
    ids = r["ids"]
    for name, mine in placed.items():
        assert ids[name] in mine["members"], (name, mine)
        for other in mine["members"]:
            other_name = next(n for n, i in ids.items() if i == other)
            assert placed[other_name]["table"] == mine["table"], (name, other_name, placed)
    # The round moved them: a new table, its own room and media (decoded below).
    assert all(p["table"] != r["sat_at"] for p in placed.values()), (r["sat_at"], placed)
    groups = {tuple(sorted(p["members"])) for p in placed.values()}
    assert sorted(u for g in groups for u in g) == sorted(ids.values()), groups
    for key, seen in r["after_round"].items():
        assert _grows(seen), (key, seen)
    assert len(r["after_round"]) == sum(len(p["members"]) - 1 for p in placed.values()), r["after_round"]

    SHOTS.mkdir(parents=True, exist_ok=True)
    for shot in ("lounge-desktop.png", "lounge-phone.png"):
        shutil.copy(tmp_path / shot, SHOTS / shot)
