"""A roundtable's group room over real WebSockets (docs/webinar.md, "Group rooms"): a real server process.

An invite-only roundtable is a room for its invitees and its chair only: a member off the list cannot see it in the
programme, fetch it, or join its room over `/ws` (the same `webinar-not-found` as for no such room). Inside, every
member may turn their camera on, the chair gives the floor to the first raised hand and takes it back, and nobody
else may; wrong input gets its documented code and leaves the socket open.
"""

# ruff: noqa: F811 — the server fixtures come from test_item_audience and are named as pytest passes them

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.support.procs import Server
from tests.support.wsclient import Client
from tests.system.test_item_audience import (  # noqa: F401 — the same server set-up: the demo, no Janus
    enter,
    env,
    error_of,
    first_day,
    http,
    invite,
    programme_ids,
    refused_join,
    server,
    still_open,
    tokens,
    user_id,
)

pytestmark = pytest.mark.security


def _roundtable(server: Server, tokens: dict[str, str], title: str, **fields: Any) -> int:
    starts = first_day(server, tokens)
    body = {"kind": "roundtable", "title": title, "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(minutes=90)).isoformat(), **fields}
    with http(server, tokens["organiser"]) as h:
        made = h.post("/api/missions/1/programme", json=body)
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


async def _ask(client: Client, message: dict[str, Any]) -> dict[str, Any]:
    rid = await client.request(message)
    answer = await client.expect("ack", "error")
    assert answer.get("id") == rid, answer
    return answer


async def test_a_roundtable_is_its_invitees_room_and_the_chair_gives_the_floor(server: Server,
                                                                              tokens: dict[str, str]) -> None:
    anna = user_id(server, tokens["anna"])
    item = _roundtable(server, tokens, "Minister with ten CEOs", audience="invited")
    assert invite(server, tokens, item, anna).status_code == 200
    room = f"webinar:{item}"

    # Mike is not on the list: no programme line, no item, no room.
    assert item not in programme_ids(server, tokens["mike"])
    with http(server, tokens["mike"]) as h:
        assert error_of(h.get(f"/api/programme/{item}")) == (404, "item-not-found")
    mike = await Client.open(server.url, tokens["mike"])
    try:
        assert (await refused_join(mike, room))["code"] == "webinar-not-found"
        assert (await refused_join(mike, f"webinar-staff:{item}"))["code"] == "webinar-not-found"
        await still_open(mike)
    finally:
        await mike.close()

    chair, chair_view = await enter(server, tokens["organiser"], item)
    member, member_view = await enter(server, tokens["anna"], item)
    try:
        assert chair_view["role"] == "moderator" and member_view["role"] == "attendee"
        assert member_view["state"]["group"] is True and member_view["state"]["stage"]["floor"] is None
        assert member_view["may_publish"] and "publish" in member_view["permissions"]
        assert "give-floor" not in member_view["permissions"]
        assert {"give-floor", "mute"} <= set(chair_view["permissions"])
        # The time box is the roundtable's 90 minutes, not the mission's webinar cap.
        box = member_view["state"]["timebox"]
        length = dt.datetime.fromisoformat(box["ends_at"]) - dt.datetime.fromisoformat(box["starts_at"])
        assert length == dt.timedelta(minutes=90)

        assert (await _ask(chair, {"type": "webinar-start", "room": room, "confirm": True}))["type"] == "ack"
        assert (await _ask(member, {"type": "hand", "room": room, "up": True}))["type"] == "ack"
        # Only the chair gives the floor.
        refused = await _ask(member, {"type": "floor", "room": room, "user": anna})
        assert (refused["type"], refused["code"]) == ("error", "not-allowed")
        given = await _ask(chair, {"type": "floor", "room": room, "user": anna})
        assert given["type"] == "ack", given
        stage = await member.expect("event")
        while stage["event"]["kind"] != "w-stage":
            stage = await member.expect("event")
        assert stage["event"]["stage"]["floor"] == anna
        hands = await member.expect("event")
        while hands["event"]["kind"] != "w-hands":
            hands = await member.expect("event")
        assert hands["event"]["hands"] == []  # heard now: her hand went down

        # Bad input: documented codes, the sockets stay open.
        not_live = await _ask(chair, {"type": "mute", "room": room, "user": anna})
        assert (not_live["type"], not_live["code"]) == ("error", "not-live")
        wrong = await _ask(chair, {"type": "floor", "room": room, "user": "anna"})
        assert (wrong["type"], wrong["code"]) == ("error", "wrong-type")
        gone = await _ask(chair, {"type": "floor", "room": room, "user": 999999})
        assert (gone["type"], gone["code"]) == ("error", "not-here")
        taken = await _ask(chair, {"type": "floor", "room": room, "user": None})
        assert taken["type"] == "ack", taken
        await still_open(chair)
        await still_open(member)
    finally:
        await chair.close()
        await member.close()


async def test_a_webinar_has_no_floor(server: Server, tokens: dict[str, str]) -> None:
    with http(server, tokens["organiser"]) as h:
        webinars = [i["id"] for i in h.get("/api/missions/1/programme").json() if i["kind"] == "webinar"]
    chair, view = await enter(server, tokens["organiser"], webinars[0])
    try:
        assert view["state"]["group"] is False and "give-floor" not in view["permissions"]
        refused = await _ask(chair, {"type": "floor", "room": f"webinar:{webinars[0]}", "user": None})
        assert (refused["type"], refused["code"]) == ("error", "not-allowed")
    finally:
        await chair.close()
