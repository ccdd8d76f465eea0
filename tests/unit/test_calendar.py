"""Calendar: one meeting's .ics parses back (icalendar) with the right UTC times, the personal feed works
without a cookie, and a rotated feed token stops working."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from tests.support.world import World
from tests.unit.test_api_meetings import SLOT2, matchmaking_world, ok


@pytest.fixture
def mm(world: World) -> World:
    return matchmaking_world(world)


def _meeting(w: World) -> dict[str, object]:
    sent = ok(w.call("anna", "POST", f"/api/missions/{w.mission_id}/meetings/requests",
                     {"to": w.users["participant"].id, "message": "About distribution", "slots": [SLOT2]}), 201)
    meeting: dict[str, object] = ok(w.call("participant", "POST", f"/api/meeting-requests/{sent['id']}/accept",
                                           {"slot": SLOT2}))
    return meeting


def _events(body: bytes) -> list[icalendar.Event]:
    return [e for e in icalendar.Calendar.from_ical(body).walk("VEVENT") if isinstance(e, icalendar.Event)]


def test_meeting_ics_has_utc_times_uid_summary_and_link(mm: World) -> None:
    meeting = _meeting(mm)
    r = mm.call("anna", "GET", f"/api/meetings/{meeting['id']}.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    (event,) = _events(r.content)
    start = dt.datetime(2026, 6, 16, 16, 25, tzinfo=dt.UTC)
    assert event.decoded("dtstart") == start and event.decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert event.decoded("dtend") == start + dt.timedelta(minutes=20)
    assert str(event["uid"]) == f"meeting-{meeting['id']}@roundtable"
    assert str(event["summary"]) == "Meeting: Anna Delegate ↔ Participant Person"
    assert str(event["url"]).endswith(f"/m/{mm.mission_id}/meeting/{meeting['id']}")
    assert str(event["description"]) == "About distribution"
    assert b"DTSTART:20260616T162500Z" in r.content


def test_meeting_ics_is_for_its_members_only(mm: World) -> None:
    meeting = _meeting(mm)
    assert mm.call("participant", "GET", f"/api/meetings/{meeting['id']}.ics").status_code == 200
    assert mm.call("bram", "GET", f"/api/meetings/{meeting['id']}.ics").status_code == 403
    assert mm.call("outsider", "GET", f"/api/meetings/{meeting['id']}.ics").status_code == 404
    assert mm.call("anonymous", "GET", f"/api/meetings/{meeting['id']}.ics").status_code == 401


def test_feed_works_without_a_cookie_and_a_rotated_token_does_not(mm: World) -> None:
    meeting = _meeting(mm)
    url = ok(mm.call("anna", "POST", "/api/calendar-feed"), 201)["url"]
    path = url.removeprefix(mm.settings.public_url)
    assert path.startswith("/calendar/") and path.endswith(".ics")
    r = mm.client.get(path)  # no credentials but the token
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    uids = {str(e["uid"]) for e in _events(r.content)}
    assert f"meeting-{meeting['id']}@roundtable" in uids
    assert f"item-{mm.item_id}@roundtable" in uids  # the programme comes along
    assert not any(u.startswith("item-") and "matchmaking" in u for u in uids)

    newer = ok(mm.call("anna", "POST", "/api/calendar-feed"), 201)["url"].removeprefix(mm.settings.public_url)
    old = mm.client.get(path)
    assert (old.status_code, old.json()["error"]["code"]) == (404, "feed-not-found")
    assert mm.client.get(newer).status_code == 200
    assert mm.client.get("/calendar/not-a-token.ics").status_code == 404
    # Another person's feed holds their own meetings only.
    bram = ok(mm.call("bram", "POST", "/api/calendar-feed"), 201)["url"].removeprefix(mm.settings.public_url)
    assert not any(str(e["uid"]).startswith("meeting-") for e in _events(mm.client.get(bram).content))
