"""Issue 6 end to end in real browsers, run inside a private network namespace (tests/support/netns.py).

`sit_and_mix` starts `roundtable serve` in the namespace and drives four headless Chromium contexts with fake
cameras: Anna, Mike and Tom sit down at one table of the networking lounge and each page decodes both other
members' video (the table's WebRTC mesh); then the organiser, who is in the lounge too, opts in and starts mixing
rounds, the round places everyone present, and each page decodes its new table-mates. It returns plain JSON;
tests/browser/test_lounge.py makes the assertions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import PHONE
from tests.browser.media_pages import (
    SELECTED_PAIRS,
    Watch,
    chromium,
    decoding,
    diagnosed,
    me,
    open_page,
    tile,
    wait_for,
)
from tests.support.procs import serving

PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example", "tom": "tom.hermans@voltera.example",
          "organiser": "organiser@roundtable.example"}
TABLE = "#table-grid"

# Where the page says I sit, and who sits with me.
MY_TABLE = """
() => {
  const s = window.__lounge.session;
  const tb = s.seatOf();
  return { table: tb, members: tb === null ? [] : s.tableById(tb).seats.slice() };
}
"""


def placement(page: Any, name: str, away_from: int | None = None) -> dict[str, Any]:
    """Where the page says I sit once the round placed me (not at `away_from`, the table I sat at before)."""
    def seated() -> dict[str, Any] | None:
        v: dict[str, Any] = page.evaluate(MY_TABLE)
        return v if v["table"] is not None and v["table"] != away_from else None

    found: dict[str, Any] = wait_for(f"{name} placed at a table", seated)
    return found


# What a page shows and holds when something did not happen: printed with the failure.
DIAGNOSIS = (
    "() => ({url: location.href, table: window.__lounge?.session.seatOf(),"
    " toasts: document.querySelector('#l-toasts')?.textContent,"
    " pcs: (window.__rt?.pcs || []).map(pc => [pc.connectionState, pc.signalingState])})")


def sit_and_mix(env: dict[str, str], log_dir: str) -> dict[str, Any]:
    from playwright.sync_api import expect

    out: dict[str, Any] = {}
    watch = Watch()
    with serving(env, Path(log_dir)) as server, chromium() as browser:
        pages = {name: open_page(browser, watch, env, server, email) for name, email in PEOPLE.items()}
        with diagnosed(pages, server.log, DIAGNOSIS):
            ids = {name: me(page) for name, page in pages.items()}
            out["ids"] = ids
            anna = pages["anna"]
            items: list[dict[str, Any]] = anna.evaluate(
                "async () => (await fetch('/api/missions/1/programme', {credentials: 'same-origin'})).json()")
            item = next(i for i in items if i["kind"] == "networking")

            # The programme links the networking item to its lounge.
            link = anna.locator(f"#item-{item['id']} a.join-lounge")
            expect(link).to_be_visible()
            out["link"] = link.get_attribute("href")
            for page in pages.values():
                page.goto(f"{server.url}/m/1/lounge/{item['id']}?test")
                expect(page.get_by_role("heading", name=item["title"], level=1)).to_be_visible()
                expect(page.locator("#l-tables .l-table").first).to_be_visible()

            # Anna, Mike and Tom sit at the last table; each page decodes the other two. (A round seats groups at
            # the emptiest tables, lowest id first: they are sure to move to another table and its media.)
            first = anna.locator("#l-tables .l-table").last.get_attribute("data-table-id")
            out["sat_at"] = int(first or 0)
            for name in ("anna", "mike", "tom"):
                pages[name].locator(f"#l-tables .l-table[data-table-id='{first}'] .l-sit").first.click()
                expect(pages[name].locator("#table-stage")).to_be_visible()
            taken = f"#l-tables .l-table[data-table-id='{first}'] .l-seat.is-taken"
            for page in pages.values():
                expect(page.locator(taken)).to_have_count(3)
            out["seated_seen_by_organiser"] = pages["organiser"].locator(taken).count()
            out["first_table"] = {}
            for name in ("anna", "mike", "tom"):
                for other in ("anna", "mike", "tom"):
                    if other != name:
                        out["first_table"][f"{other}_on_{name}"] = decoding(
                            pages[name], tile(TABLE, ids[other]), f"{other} on {name}'s page at the first table")
            out["pairs"] = {name: pages[name].evaluate(SELECTED_PAIRS) for name in ("anna", "mike", "tom")}
            anna.screenshot(path=str(Path(log_dir) / "lounge-desktop.png"))

            # The organiser starts mixing rounds: everyone present is placed, and the new tables' media connects.
            org = pages["organiser"]
            # Organisers run the rounds from outside them unless they opt in; this one takes part.
            org.locator("#l-optout").check()
            org.locator("#lr-rounds").fill("2")
            org.locator("#lr-minutes").fill("5")
            org.locator("#l-rounds-start").click()
            for page in pages.values():
                expect(page.locator("#l-round")).to_have_attribute("data-state", "round")
                expect(page.locator("#l-countdown")).not_to_have_text("")
            out["countdown"] = anna.locator("#l-countdown").text_content()
            out["round_label"] = anna.locator("#l-round-label").text_content()
            placed = {name: placement(page, name, out["sat_at"] if name != "organiser" else None)
                      for name, page in pages.items()}
            out["placed"] = placed
            out["after_round"] = {}
            for name, page in pages.items():
                expect(page.locator("#table-stage")).to_be_visible()
                for other in placed[name]["members"]:
                    if other != ids[name]:
                        out["after_round"][f"{other}_on_{name}"] = decoding(
                            page, tile(TABLE, other), f"user {other} on {name}'s page after the round")

            # The phone layout of the same page.
            anna.set_viewport_size(PHONE)
            anna.screenshot(path=str(Path(log_dir) / "lounge-phone.png"), full_page=True)
    out["foreign"] = watch.foreign
    out["page_errors"] = watch.page_errors
    return out
