"""Who sees a programme item (docs/programme.md): a real server process, real WebSocket clients.

An item for a track's members or for an invite list does not exist to anyone else: it is absent from their
programme, schedule, webinar list and calendar feed, fetching it answers 404 `item-not-found`, and joining its room
answers `webinar-not-found` — the same answers as for an id that does not exist. Taking someone off an invite list
or a track, or changing an item's audience, takes their open socket out of its room (`revoked`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest

from server.demo import mission1_members, mission2_members
from tests.support.procs import Server, env_for, roundtable, serving
from tests.support.wsclient import Client, mint_tokens

pytestmark = pytest.mark.security

PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example",
          "organiser": "organiser@roundtable.example"}


def _outsider() -> str:
    """Someone of the demo's second mission who takes no part in the first."""
    first = {m.email for m in mission1_members()} | {PEOPLE["organiser"]}
    return next(m.email for m in mission2_members() if m.email not in first)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    e = env_for(tmp_path_factory.mktemp("audience") / "var", ROUNDTABLE_JANUS="off")
    roundtable(e, "demo", "--no-links")
    return e


@pytest.fixture(scope="module")
def server(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(env, tmp_path_factory.mktemp("audience-logs")) as s:
        yield s


@pytest.fixture(scope="module")
def tokens(server: Server, env: dict[str, str]) -> dict[str, str]:
    found = mint_tokens(env, PEOPLE)
    found.update(mint_tokens(env, {"outsider": _outsider()}, mission=None))
    assert set(found) == {*PEOPLE, "outsider"}
    return found


def http(server: Server, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"})


def user_id(server: Server, token: str) -> int:
    with http(server, token) as h:
        return int(h.get("/api/me").json()["user"]["id"])


def programme_ids(server: Server, token: str) -> set[int]:
    with http(server, token) as h:
        got = h.get("/api/missions/1/programme")
    assert got.status_code == 200, got.text
    return {i["id"] for i in got.json()}


def schedule_ids(server: Server, token: str) -> set[int]:
    with http(server, token) as h:
        got = h.get("/api/missions/1/schedule")
    assert got.status_code == 200, got.text
    return {i["id"] for i in got.json()["items"]}


def webinar_list_ids(server: Server, token: str) -> set[int]:
    with http(server, token) as h:
        got = h.get("/api/missions/1/webinars")
    assert got.status_code == 200, got.text
    return {s["item_id"] for s in got.json()}


def calendar_feed(server: Server, token: str) -> str:
    """The person's calendar feed, fetched as a calendar app would: by its secret URL, without credentials."""
    with http(server, token) as h:
        made = h.post("/api/calendar-feed")
    assert made.status_code == 201, made.text
    got = httpx.get(made.json()["url"])
    assert got.status_code == 200, got.text
    return got.text


def first_day(server: Server, tokens: dict[str, str]) -> dt.datetime:
    """When the demo mission's programme starts (a week or more ahead: inside the mission's dates)."""
    with http(server, tokens["organiser"]) as h:
        return dt.datetime.fromisoformat(h.get("/api/missions/1/programme").json()[0]["starts_at"])


def draft(server: Server, tokens: dict[str, str], title: str, **fields: Any) -> dict[str, Any]:
    starts = first_day(server, tokens)
    return {"kind": "webinar", "title": title, "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(minutes=60)).isoformat(), **fields}


def new_item(server: Server, tokens: dict[str, str], title: str, **fields: Any) -> dict[str, Any]:
    with http(server, tokens["organiser"]) as h:
        made = h.post("/api/missions/1/programme", json=draft(server, tokens, title, **fields))
    assert made.status_code == 201, made.text
    item: dict[str, Any] = made.json()
    return item


def invite(server: Server, tokens: dict[str, str], item: int, *people: int) -> httpx.Response:
    with http(server, tokens["organiser"]) as h:
        return h.put(f"/api/missions/1/programme/{item}/invitees", json={"user_ids": list(people)})


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


async def enter(server: Server, token: str, item: int) -> tuple[Client, dict[str, Any]]:
    client = await Client.open(server.url, token)
    await client.join(f"webinar:{item}")
    return client, await client.expect("webinar")


async def refused_join(client: Client, room: str) -> dict[str, Any]:
    rid = await client.request({"type": "join", "room": room})
    refused = await client.expect("joined", "error")
    assert refused["type"] == "error" and refused.get("id") == rid, refused
    return refused


async def still_open(client: Client) -> None:
    rid = await client.request({"type": "ping"})
    assert (await client.expect("pong"))["id"] == rid


async def test_invite_only_webinar_exists_for_its_invitees_only(server: Server, tokens: dict[str, str]) -> None:
    anna = user_id(server, tokens["anna"])
    made = new_item(server, tokens, "Minister's roundtable", audience="invited", city="Rotterdam",
                    venue="City Hall")
    item = made["id"]
    assert (made["audience"], made["city"], made["venue"], made["timezone"]) == ("invited", "Rotterdam",
                                                                                "City Hall", "")
    listed = invite(server, tokens, item, anna)
    assert listed.status_code == 200, listed.text
    assert [p["name"] for p in listed.json()["invitees"]] == ["Anna de Vries"]

    # The organiser sees it; so does Anna, everywhere.
    assert item in programme_ids(server, tokens["organiser"])
    assert item in programme_ids(server, tokens["anna"])
    assert item in schedule_ids(server, tokens["anna"])
    assert item in webinar_list_ids(server, tokens["anna"])
    assert f"item-{item}@" in calendar_feed(server, tokens["anna"])
    with http(server, tokens["anna"]) as h:
        got = h.get(f"/api/programme/{item}")
        roles = h.get(f"/api/missions/1/programme/{item}/roles")
    assert got.status_code == 200 and got.json()["audience"] == "invited", got.text
    assert roles.status_code == 200, roles.text
    client, snapshot = await enter(server, tokens["anna"], item)
    try:
        assert snapshot["role"] == "attendee"
    finally:
        await client.close()

    # To Mike, another participant, it does not exist.
    assert item not in programme_ids(server, tokens["mike"])
    assert item not in schedule_ids(server, tokens["mike"])
    assert item not in webinar_list_ids(server, tokens["mike"])
    feed = calendar_feed(server, tokens["mike"])
    assert "BEGIN:VEVENT" in feed  # the feed holds his other items ...
    assert f"item-{item}@" not in feed and "Minister's roundtable" not in feed  # ... but not this one
    with http(server, tokens["mike"]) as h:
        assert error_of(h.get(f"/api/programme/{item}")) == (404, "item-not-found")
        assert error_of(h.get("/api/programme/999999")) == (404, "item-not-found")  # the same as no such item
        assert h.get(f"/api/missions/1/programme/{item}/roles").status_code == 404
    mike = await Client.open(server.url, tokens["mike"])
    try:
        refused = await refused_join(mike, f"webinar:{item}")
        assert refused["code"] == "webinar-not-found"
        assert (await refused_join(mike, "webinar:999999"))["code"] == "webinar-not-found"
        # His socket is none the worse: he joins a webinar he may see.
        visible = sorted(webinar_list_ids(server, tokens["mike"]))[0]
        await mike.join(f"webinar:{visible}")
        assert (await mike.expect("webinar"))["role"] == "attendee"
    finally:
        await mike.close()


async def test_taken_off_the_invite_list_leaves_the_room(server: Server, tokens: dict[str, str]) -> None:
    anna = user_id(server, tokens["anna"])
    item = new_item(server, tokens, "CEO roundtable", audience="invited")["id"]
    assert invite(server, tokens, item, anna).status_code == 200
    client, _ = await enter(server, tokens["anna"], item)
    try:
        taken_off = invite(server, tokens, item)
        assert taken_off.status_code == 200 and taken_off.json()["invitees"] == [], taken_off.text
        revoked = await client.expect("revoked")
        assert (revoked["room"], revoked["code"]) == (f"webinar:{item}", "webinar-not-found")
        assert (await refused_join(client, f"webinar:{item}"))["code"] == "webinar-not-found"
        await still_open(client)
        assert item not in programme_ids(server, tokens["anna"])
        with http(server, tokens["anna"]) as h:
            assert error_of(h.get(f"/api/programme/{item}")) == (404, "item-not-found")
    finally:
        await client.close()


async def test_track_members_see_its_items_and_a_rename_carries_them(server: Server, tokens: dict[str, str]) -> None:
    mike = user_id(server, tokens["mike"])
    with http(server, tokens["organiser"]) as h:
        made = h.post("/api/missions/1/tracks", json={"name": "Health"})
        assert made.status_code == 201, made.text
        track = made.json()
        assert (track["name"], track["size"], track["mine"], track["members"]) == ("Health", 0, False, [])
        filled = h.put(f"/api/missions/1/tracks/{track['id']}", json={"name": "Health", "members": [mike]})
        assert filled.status_code == 200, filled.text
        assert filled.json()["size"] == 1 and [p["user_id"] for p in filled.json()["members"]] == [mike]
    item = new_item(server, tokens, "Hospital procurement", audience="track", track="health")
    assert (item["audience"], item["track"]) == ("track", "Health")  # the track record's own spelling
    iid = item["id"]

    with http(server, tokens["mike"]) as h:
        mine = {t["name"]: t for t in h.get("/api/missions/1/tracks").json()}
    assert mine["Health"]["mine"] is True and mine["Health"]["members"] == []  # names for organisers only
    assert iid in programme_ids(server, tokens["mike"]) and iid in schedule_ids(server, tokens["mike"])
    assert iid not in programme_ids(server, tokens["anna"]) and iid not in schedule_ids(server, tokens["anna"])
    with http(server, tokens["anna"]) as h:
        assert error_of(h.get(f"/api/programme/{iid}")) == (404, "item-not-found")

    # An item for everyone that carries the track as a label: in everyone's programme, in its members' schedule.
    label = new_item(server, tokens, "Health plenary", track="Health")["id"]
    assert label in programme_ids(server, tokens["anna"]) and label not in schedule_ids(server, tokens["anna"])
    assert label in schedule_ids(server, tokens["mike"])

    client, _ = await enter(server, tokens["mike"], iid)
    anna = await Client.open(server.url, tokens["anna"])
    try:
        assert (await refused_join(anna, f"webinar:{iid}"))["code"] == "webinar-not-found"

        # Renamed, the track keeps its members and its items follow the name.
        with http(server, tokens["organiser"]) as h:
            renamed = h.put(f"/api/missions/1/tracks/{track['id']}", json={"name": "Life sciences",
                                                                           "members": [mike]})
            assert renamed.status_code == 200 and renamed.json()["name"] == "Life sciences", renamed.text
            assert h.get(f"/api/programme/{iid}").json()["track"] == "Life sciences"
            in_use = h.delete(f"/api/missions/1/tracks/{track['id']}")
        assert error_of(in_use) == (409, "track-in-use")
        with http(server, tokens["mike"]) as h:
            got = h.get(f"/api/programme/{iid}")
        assert got.status_code == 200 and got.json()["track"] == "Life sciences", got.text
        assert iid in schedule_ids(server, tokens["mike"])
        await still_open(client)
        with pytest.raises(TimeoutError):  # the rename took nobody out of the room
            await client.expect("revoked", timeout=1.0)

        # Taken off the track, Mike leaves the room.
        with http(server, tokens["organiser"]) as h:
            emptied = h.put(f"/api/missions/1/tracks/{track['id']}", json={"name": "Life sciences", "members": []})
        assert emptied.status_code == 200 and emptied.json()["size"] == 0, emptied.text
        revoked = await client.expect("revoked")
        assert (revoked["room"], revoked["code"]) == (f"webinar:{iid}", "webinar-not-found")
        assert iid not in programme_ids(server, tokens["mike"])
    finally:
        await client.close()
        await anna.close()


async def test_changing_the_audience_takes_the_outsiders_out(server: Server, tokens: dict[str, str]) -> None:
    anna = user_id(server, tokens["anna"])
    item = new_item(server, tokens, "Open briefing")
    iid = item["id"]
    assert invite(server, tokens, iid, anna).status_code == 200  # kept, and used once the item is invite-only
    mike, _ = await enter(server, tokens["mike"], iid)
    annas, _ = await enter(server, tokens["anna"], iid)
    try:
        body = {k: item[k] for k in ("kind", "title", "starts_at", "ends_at")} | {"audience": "invited"}
        with http(server, tokens["organiser"]) as h:
            changed = h.put(f"/api/programme/{iid}", json=body)
        assert changed.status_code == 200 and changed.json()["audience"] == "invited", changed.text
        revoked = await mike.expect("revoked")
        assert (revoked["room"], revoked["code"]) == (f"webinar:{iid}", "webinar-not-found")
        with pytest.raises(TimeoutError):  # Anna is on the list: she stays
            await annas.expect("revoked", timeout=1.0)
        await still_open(annas)
        assert iid not in programme_ids(server, tokens["mike"]) and iid in programme_ids(server, tokens["anna"])
    finally:
        await mike.close()
        await annas.close()


async def test_bad_audiences_lists_and_callers_are_refused(server: Server, tokens: dict[str, str]) -> None:
    before = programme_ids(server, tokens["organiser"])
    with http(server, tokens["organiser"]) as h:
        untracked = h.post("/api/missions/1/programme", json=draft(server, tokens, "For nobody", audience="track"))
        assert error_of(untracked) == (422, "track-needs-track")
        assert untracked.json()["error"]["field"] == "track"
        no_record = h.post("/api/missions/1/programme", json=draft(server, tokens, "For nobody", audience="track",
                                                                   track="No such track"))
        assert error_of(no_record) == (422, "track-needs-track")
        vip = h.post("/api/missions/1/programme", json=draft(server, tokens, "For VIPs", audience="vip"))
        assert error_of(vip) == (422, "invalid-choice") and vip.json()["error"]["field"] == "audience"
    assert programme_ids(server, tokens["organiser"]) == before  # nothing was added

    item = new_item(server, tokens, "Bilateral", audience="invited")["id"]
    anna, outsider = user_id(server, tokens["anna"]), user_id(server, tokens["outsider"])
    for stranger in (outsider, 999_999):
        refused = invite(server, tokens, item, anna, stranger)
        assert error_of(refused) == (422, "not-a-member"), stranger
    with http(server, tokens["organiser"]) as h:
        assert h.get(f"/api/missions/1/programme/{item}/invitees").json()["invitees"] == []  # nothing half-done
    with http(server, tokens["anna"]) as h:
        own = h.put(f"/api/missions/1/programme/{item}/invitees", json={"user_ids": [anna]})
        assert error_of(own) == (403, "not-allowed")
        assert error_of(h.post("/api/missions/1/tracks", json={"name": "Mine"})) == (403, "not-allowed")
    assert item not in programme_ids(server, tokens["anna"])


async def test_invite_only_lounge(server: Server, tokens: dict[str, str]) -> None:
    """The networking lounge answers as the webinar does, with its own not-found."""
    anna = user_id(server, tokens["anna"])
    item = new_item(server, tokens, "Ministers' reception", kind="networking", audience="invited")["id"]
    assert invite(server, tokens, item, anna).status_code == 200
    annas = await Client.open(server.url, tokens["anna"])
    mike = await Client.open(server.url, tokens["mike"])
    try:
        await annas.join(f"lounge:{item}")
        await annas.expect("lounge")
        assert (await refused_join(mike, f"lounge:{item}"))["code"] == "lounge-not-found"
        await still_open(mike)
        assert invite(server, tokens, item).status_code == 200
        revoked = await annas.expect("revoked")
        assert (revoked["room"], revoked["code"]) == (f"lounge:{item}", "lounge-not-found")
        assert (await refused_join(annas, f"lounge:{item}"))["code"] == "lounge-not-found"
    finally:
        await annas.close()
        await mike.close()


async def test_the_end_of_a_webinar_announces_no_hidden_item(server: Server, tokens: dict[str, str]) -> None:
    """A webinar's end sends its attendees on to the next programme item (`w-ended`'s `next`): never to one they
    may not see, which would tell them it exists, its title and when."""
    starts = first_day(server, tokens) + dt.timedelta(hours=5)
    at = {"starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(minutes=30)).isoformat()}
    open_item = new_item(server, tokens, "Open session", **at)["id"]
    hidden = new_item(server, tokens, "Secret bilateral", audience="invited", **at)["id"]  # next after it
    organiser, _ = await enter(server, tokens["organiser"], open_item)
    mike, _ = await enter(server, tokens["mike"], open_item)
    try:
        for message in ({"type": "webinar-start", "room": f"webinar:{open_item}", "confirm": True},
                        {"type": "webinar-end", "room": f"webinar:{open_item}"}):
            rid = await organiser.request(message)
            reply = await organiser.expect("ack", "error")
            assert reply["type"] == "ack" and reply["id"] == rid, reply
        while (frame := await mike.expect("event"))["event"]["kind"] != "w-ended":
            pass
        following = frame["event"]["next"]
        assert following is None or (following["id"] != hidden and following["title"] != "Secret bilateral"), \
            following
    finally:
        await organiser.close()
        await mike.close()


def feed_item_ids(feed: str) -> set[int]:
    return {int(m) for m in re.findall(r"UID:item-(\d+)@", feed)}


async def test_a_track_members_schedule_and_feed_hold_exactly_their_items(server: Server,
                                                                           tokens: dict[str, str]) -> None:
    """Two sub-delegations (health to Kazan, sport to Rostov) and a minister's bilateral: each person's schedule
    and calendar feed gain exactly the plenary, their own track's items and what they are invited to."""
    mike, anna = user_id(server, tokens["mike"]), user_id(server, tokens["anna"])
    before = {who: (schedule_ids(server, tokens[who]), feed_item_ids(calendar_feed(server, tokens[who])))
              for who in ("mike", "anna")}
    with http(server, tokens["organiser"]) as h:
        for name, member in (("Kazan health", mike), ("Rostov sport", anna)):
            made = h.post("/api/missions/1/tracks", json={"name": name})
            assert made.status_code == 201, made.text
            assert h.put(f"/api/missions/1/tracks/{made.json()['id']}",
                         json={"name": name, "members": [member]}).status_code == 200
    plenary = new_item(server, tokens, "Closing plenary in Moscow", kind="group_session", city="Moscow",
                       timezone="Europe/Moscow")["id"]
    health = new_item(server, tokens, "Clinic visit", kind="group_session", audience="track", track="Kazan health",
                      city="Kazan", timezone="Europe/Moscow")["id"]
    sport = new_item(server, tokens, "Stadium tour", kind="group_session", audience="track", track="Rostov sport",
                     city="Rostov-on-Don", timezone="Europe/Moscow")["id"]
    labelled = new_item(server, tokens, "Health round-up (open to all)", kind="group_session",
                        track="Kazan health")["id"]
    bilateral = new_item(server, tokens, "Bilateral with the minister", kind="roundtable", audience="invited")["id"]
    assert invite(server, tokens, bilateral, anna).status_code == 200
    expected = {"mike": {plenary, health, labelled}, "anna": {plenary, sport, bilateral}}
    for who in ("mike", "anna"):
        schedule, feed = before[who]
        assert schedule_ids(server, tokens[who]) == schedule | expected[who]
        assert feed_item_ids(calendar_feed(server, tokens[who])) == feed | expected[who]
    # Each item keeps its own place and zone.
    with http(server, tokens["mike"]) as h:
        got = h.get(f"/api/programme/{health}").json()
    assert (got["city"], got["timezone"]) == ("Kazan", "Europe/Moscow")
