"""Steps an organiser takes on screen that several browser tests share: choosing a person with the directory
picker, and finding a matchmaking slot two people are both free in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Server


def json_of(response: Any) -> Any:
    assert response.ok, f"{response.status} {response.text()}"
    return response.json()


def pick(page: Any, label: str, name: str) -> None:
    """Find a person with the directory picker labelled `label` and choose them, by keyboard."""
    box = page.get_by_label(label)
    box.fill(name)
    box.press("Enter")
    option = page.locator(".picker-option", has_text=name).first
    expect(option).to_be_visible()
    box.press("ArrowDown")
    expect(option).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"{name} chosen.")).to_be_visible()


def free_slot(org: Any, server: Server, people: set[int]) -> str:
    """The first future matchmaking slot in which none of `people` has a meeting."""
    base = f"{server.base}/api/missions/1"
    slots = json_of(org.request.get(f"{base}/matchmaking/slots"))
    meetings = json_of(org.request.get(f"{base}/matchmaking/meetings"))
    busy = [(m["starts_at"], m["ends_at"]) for m in meetings
            if m["status"] == "booked" and {m["a"]["user_id"], m["b"]["user_id"]} & people]
    now = dt.datetime.now(dt.UTC)
    for s in slots:
        start, end = s["slot"]["starts_at"], s["slot"]["ends_at"]
        if dt.datetime.fromisoformat(start) > now + dt.timedelta(minutes=5) and all(
                not (start < b_end and b_start < end) for b_start, b_end in busy):
            return str(start)
    raise AssertionError("no free future slot for them")
