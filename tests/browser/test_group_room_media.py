"""The group room's done-when with real media: five headless Chromium pages with fake cameras, our server and its
Janus, all inside one private network namespace (tests/support/netns.py). The scenario runs in the namespace
(tests/browser/group_media_scenario.py) and returns what each page saw; the assertions are here.

"Five people in a group session all turn their camera on; one raises a hand, the chair gives them the floor, and
every other page shows their tile large and decodes their video."
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.browser import group_media_scenario
from tests.browser.conftest import CHROMIUM
from tests.browser.media_pages import assert_pairs_in_namespace
from tests.browser.test_webinar_media import _png_size
from tests.support.netns import HOST_ADDRESS, HOST_INTERFACE, in_netns
from tests.support.procs import env_for, roundtable

pytestmark = [pytest.mark.browser, pytest.mark.janus]

TIMEOUT = 480.0


def test_five_cameras_and_every_page_decodes_who_has_the_floor(tmp_path: Path) -> None:
    if shutil.which("janus") is None:
        pytest.fail("janus is not installed: apt-get install janus", pytrace=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    env = env_for(tmp_path / "var", ROUNDTABLE_JANUS="auto", ROUNDTABLE_JANUS_INTERFACE=HOST_ADDRESS,
                  ROUNDTABLE_JANUS_ICE_ENFORCE=HOST_INTERFACE)
    roundtable(env, "demo", "--no-links")
    r: dict[str, Any] = in_netns(group_media_scenario.floor_given, env, str(tmp_path), timeout=TIMEOUT)
    print("timings (s):", r["timings"])

    # Nothing left the namespace's addresses, and no page threw.
    assert r["foreign"] == [], r["foreign"]
    assert r["page_errors"] == [], r["page_errors"]
    assert r["roles"]["chair"] == "Chair" and r["roles"]["anna"] == "Member", r["roles"]

    # All five cameras reached every page (each page shows its own and the four others).
    everyone = sorted(r["ids"].values())
    assert r["tiles"] == {name: everyone for name in r["ids"]}, r["tiles"]

    # The floor: Anna's hand went down, and on every other page hers is the one large tile, named.
    speaker = r["ids"][group_media_scenario.SPEAKER]
    assert r["hands_after"] == 0, r
    viewers = {name for name in r["ids"] if name != group_media_scenario.SPEAKER}
    assert set(r["large"]) == set(r["decoded"]) == viewers, r
    assert all(large == [speaker] for large in r["large"].values()), r["large"]
    assert all(text == "Anna de Vries has the floor" for text in r["floor_text"].values()), r["floor_text"]

    # Every other page decodes her video: a picture, more frames presented over time, inbound-rtp framesDecoded up.
    for name, seen in r["decoded"].items():
        video, stats = seen["video"], seen["stats"]
        assert video["first"]["width"] > 0 and video["first"]["height"] > 0, (name, video)
        assert video["later"]["frames"] > video["first"]["frames"] and video["later"]["live"], (name, video)
        assert 0 < stats["first"] < stats["later"], (name, stats)

    # Media stays on the namespace's addresses, on every page.
    assert_pairs_in_namespace(r["pairs"])
    # The floor holder's picture is sent large, the small tiles' small.
    assert r["speaker_width"] >= 640 and r["small_width"] <= 480, r
    # Recording, with consent: Mike declined on his page, and the server holds it.
    assert r["declined"] == [r["ids"]["mike"]], r
    assert r["recording_after_stop"] is False
    assert _png_size(Path(r["screenshot"])) == (1280, 800)
