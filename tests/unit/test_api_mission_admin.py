"""Copying a mission as a template, and granting the right to create missions, over HTTP."""

from __future__ import annotations

import datetime as dt

from rooms.matchmaking.records import MatchmakingRules, WhoMayRequest
from rooms.missions.people import ItemRole
from tests.support.world import World


def test_a_copy_moves_the_programme_and_keeps_rules_but_not_members(world: World) -> None:
    mid = world.mission_id
    org = world.users["organiser"]
    rules = MatchmakingRules(meeting_minutes=30, who_may_request=WhoMayRequest.ANYONE, delegation_timezone="Asia/Tokyo")
    world.run(world.store.save_rules, mid, rules)
    world.run(world.store.set_item_roles, world.item_id, {world.users["host"].id: ItemRole.HOST})
    source = world.call("organiser", "GET", f"/api/missions/{mid}/programme").json()
    r = world.call("organiser", "POST", f"/api/missions/{mid}/copy",
                   {"title": "  Next   year ", "start_date": "2026-11-02", "copy_webinar_roles": True})
    assert r.status_code == 201, r.text
    made = r.json()["mission"]
    assert made["title"] == "Next year" and made["start_date"] == "2026-11-02" and made["end_date"] == "2026-11-06"
    assert made["timezone"] == "America/Los_Angeles" and made["sectors"] == ["EV charging"]
    copied = world.call("organiser", "GET", f"/api/missions/{made['id']}/programme").json()
    assert [i["title"] for i in copied] == [i["title"] for i in source]
    # 9:00 in Los Angeles stays 9:00, though daylight saving time ended in between (UTC moves by an hour).
    first_src = dt.datetime.fromisoformat(source[0]["starts_at"])
    first_new = dt.datetime.fromisoformat(copied[0]["starts_at"])
    assert first_new - first_src == dt.timedelta(days=140, hours=1)
    new_rules = world.call("organiser", "GET", f"/api/missions/{made['id']}/matchmaking/rules").json()
    assert new_rules["delegation_timezone"] \
        == "Asia/Tokyo"
    people = world.call("organiser", "GET", f"/api/missions/{made['id']}/directory").json()
    names = {p["profile"]["name"] for p in people["entries"]}
    assert names == {org.name, world.users["host"].name}  # the host came with their webinar; nobody else
    roles = world.call("organiser", "GET", f"/api/missions/{made['id']}/programme/{copied[0]['id']}/roles").json()
    assert roles["roles"][0]["role"] == "host"


def test_a_copy_refuses_dates_that_strand_an_item_and_writes_nothing(world: World) -> None:
    before = world.call("organiser", "GET", "/api/missions").json()
    r = world.call("organiser", "POST", f"/api/missions/{world.mission_id}/copy",
                   {"title": "Too long", "start_date": "2026-13-01"})
    assert r.status_code == 422
    assert world.call("organiser", "GET", "/api/missions").json() == before


def test_an_organiser_without_the_right_cannot_copy(world: World) -> None:
    world.run(world.store.set_can_create_missions, world.users["organiser"].id, False)
    r = world.call("organiser", "POST", f"/api/missions/{world.mission_id}/copy",
                   {"title": "Next", "start_date": "2026-09-07"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "not-allowed"


def test_granting_makes_the_account_and_lets_the_colleague_create_missions(world: World) -> None:
    r = world.call("organiser", "POST", "/api/mission-creators", {"email": "Colleague@Agency.example"})
    assert r.status_code == 201
    made = r.json()
    assert made["email"] == "colleague@agency.example" and made["name"] == "colleague"
    again = world.call("organiser", "POST", "/api/mission-creators", {"email": "colleague@agency.example",
                                                                       "name": "Other"})
    assert again.json() == made  # idempotent; an existing account keeps its name
    listed = world.call("organiser", "GET", "/api/mission-creators").json()
    assert made in listed
    user = world.run(world.store.get_user, made["user_id"])
    assert user is not None and user.can_create_missions
    bad = world.call("organiser", "POST", "/api/mission-creators", {"email": "not an address"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "email"


def test_the_last_creator_keeps_the_right(world: World) -> None:
    creators = world.call("organiser", "GET", "/api/mission-creators").json()
    me = world.users["organiser"].id
    for c in creators:
        if c["user_id"] != me:
            assert world.call("organiser", "DELETE", f"/api/mission-creators/{c['user_id']}").status_code == 204
    r = world.call("organiser", "DELETE", f"/api/mission-creators/{me}")
    assert r.status_code == 403 and r.json()["error"]["code"] == "last-mission-creator"
    gone = world.call("organiser", "DELETE", f"/api/mission-creators/{world.users['host'].id}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "creator-not-found"


def test_settings_take_the_physical_format(world: World) -> None:
    mission = world.call("organiser", "GET", f"/api/missions/{world.mission_id}").json()["mission"]
    body = {k: mission[k] for k in ("title", "destination", "timezone", "start_date", "end_date", "direction",
                                    "sectors", "description", "webinar_max_minutes")}
    r = world.call("organiser", "PUT", f"/api/missions/{world.mission_id}", {**body, "format": "physical"})
    assert r.status_code == 200 and r.json()["format"] == "physical"
    bad = world.call("organiser", "PUT", f"/api/missions/{world.mission_id}", {**body, "timezone": "Mars/Olympus"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "timezone"
