"""Matchmaking over HTTP, end to end against the test world (real app, SQLite with real migrations): rules,
slots, recommendations, requests and answers, booking, notifications, notes, schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from rooms.core.cards import OrgType, Side
from rooms.missions.accounts import AccountService
from rooms.missions.mission import ItemKind
from rooms.missions.people import Role
from rooms.missions.profile import ProfileDraft
from rooms.missions.service import MissionService
from tests.support.world import World, item_draft

DAY = dt.datetime(2026, 6, 16, 16, 0, tzinfo=dt.UTC)  # 09:00 in Portland, 18:00 in Amsterdam


def iso(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


SLOT1, SLOT2, SLOT3 = (iso(DAY + dt.timedelta(minutes=25 * k)) for k in range(3))


async def _setup(world: World) -> None:
    """A matchmaking block of an hour and two delegation participants (the world's meeters are partners)."""
    missions = MissionService(world.store, world.clock)
    draft = item_draft(ItemKind.MATCHMAKING)
    draft = msgspec.structs.replace(draft, title="Matchmaking", starts_at=DAY, ends_at=DAY + dt.timedelta(hours=1))
    await missions.add_item(world.users["organiser"], world.mission_id, draft)
    accounts = AccountService(world.store, world.clock)
    for who, org_type, offers, seeks in (
            ("anna", OrgType.SME, "Fast chargers for bus depots", "A distribution partner in California"),
            ("bram", OrgType.STARTUP, "Battery software", "Pilot customers")):
        user = await accounts.ensure_user(f"{who}@world.example", who.title())
        await world.store.save_profile(user.id, ProfileDraft(name=f"{who.title()} Delegate", organisation=who.title(),
                                                             org_type=org_type, sectors=["EV charging"],
                                                             offers=offers, seeks=seeks, country="NL").validated())
        await world.store.set_membership(world.mission_id, user.id, Role.PARTICIPANT, Side.DELEGATION)
        world.users[who] = user
    await world.store.save_profile(world.users["participant"].id, ProfileDraft(
        name="Participant Person", organisation="CalGrid Distribution", org_type=OrgType.LOCAL_GOVERNMENT,
        sectors=["EV charging"], offers="We are distributors for charging hardware in California",
        seeks="Fast chargers for our depots", country="US").validated())


def matchmaking_world(world: World) -> World:
    world.run(_setup, world)
    return world


@pytest.fixture
def mm(world: World) -> World:
    return matchmaking_world(world)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def err(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def m(w: World, tail: str) -> str:
    return f"/api/missions/{w.mission_id}{tail}"


def test_rules_slots_and_availability(mm: World) -> None:
    assert ok(mm.call("anna", "GET", m(mm, "/matchmaking/rules")))["meeting_minutes"] == 20
    slots = ok(mm.call("anna", "GET", m(mm, "/matchmaking/slots")))
    assert [s["slot"]["starts_at"] for s in slots] == [SLOT1, SLOT2]  # a third would end after the block
    assert not any(s["available"] for s in slots)
    after = ok(mm.call("anna", "PUT", m(mm, "/matchmaking/availability"), {"slots": [SLOT2]}))
    assert [s["available"] for s in after] == [False, True]
    assert err(mm.call("anna", "PUT", m(mm, "/matchmaking/availability"), {"slots": [SLOT3]})) == (422,
                                                                                                 "unknown-slot")
    rules = {**ok(mm.call("organiser", "GET", m(mm, "/matchmaking/rules"))), "meeting_minutes": 30,
             "break_minutes": 0}
    assert ok(mm.call("organiser", "PUT", m(mm, "/matchmaking/rules"), rules))["meeting_minutes"] == 30
    assert len(ok(mm.call("anna", "GET", m(mm, "/matchmaking/slots")))) == 2


def test_recommendations_rank_the_complementary_partner_first_and_drop_who_i_asked(mm: World) -> None:
    recs = ok(mm.call("anna", "GET", m(mm, "/matchmaking/recommendations?limit=5")))
    ids = [r["person"]["profile"]["user_id"] for r in recs]
    assert ids[0] == mm.users["participant"].id
    assert mm.users["bram"].id not in ids  # same side under the default rules
    assert mm.users["organiser"].id not in ids and mm.users["anna"].id not in ids
    codes = {r["code"] for r in recs[0]["reasons"]}
    assert {"shared-sector", "they-offer-what-you-seek", "they-seek-what-you-offer"} <= codes
    ok(mm.call("anna", "POST", m(mm, "/meetings/requests"),
               {"to": mm.users["participant"].id, "message": "Shall we talk?", "slots": [SLOT1]}), 201)
    again = ok(mm.call("anna", "GET", m(mm, "/matchmaking/recommendations")))
    assert mm.users["participant"].id not in [r["person"]["profile"]["user_id"] for r in again]


def test_request_accept_notifications_and_schedule(mm: World) -> None:
    anna, partner = mm.users["anna"].id, mm.users["participant"].id
    sent = ok(mm.call("anna", "POST", m(mm, "/meetings/requests"),
                      {"to": partner, "message": "Distribution on the West Coast?", "slots": [SLOT1, SLOT2]}), 201)
    assert sent["from"]["user_id"] == anna and sent["to"]["user_id"] == partner and sent["status"] == "pending"
    incoming = ok(mm.call("participant", "GET", m(mm, "/meetings/requests")))
    assert [r["id"] for r in incoming] == [sent["id"]]

    notes = ok(mm.call("participant", "GET", f"/api/notifications?mission={mm.mission_id}"))
    assert notes[0]["event"]["kind"] == "n-request" and notes[0]["read"] is False
    assert notes[0]["event"]["by"]["user_id"] == anna

    meeting = ok(mm.call("participant", "POST", f"/api/meeting-requests/{sent['id']}/accept", {"slot": SLOT2}))
    assert meeting["starts_at"] == SLOT2 and meeting["status"] == "booked"
    assert {meeting["a"]["user_id"], meeting["b"]["user_id"]} == {anna, partner}
    assert err(mm.call("participant", "POST", f"/api/meeting-requests/{sent['id']}/accept",
                       {"slot": SLOT2})) == (409, "request-not-pending")

    anna_notes = ok(mm.call("anna", "GET", f"/api/notifications?mission={mm.mission_id}"))
    assert anna_notes[0]["event"]["kind"] == "n-accepted"
    ok(mm.call("anna", "POST", "/api/notifications/read", {"upto_seq": anna_notes[0]["seq"]}))
    assert all(n["read"] for n in ok(mm.call("anna", "GET", f"/api/notifications?mission={mm.mission_id}")))

    mine = ok(mm.call("anna", "GET", m(mm, "/meetings")))
    assert [x["id"] for x in mine] == [meeting["id"]]
    schedule = ok(mm.call("anna", "GET", m(mm, "/schedule")))
    assert schedule["mission_timezone"] == "America/Los_Angeles"
    assert [x["id"] for x in schedule["meetings"]] == [meeting["id"]]
    assert all(i["kind"] != "matchmaking" for i in schedule["items"]) and schedule["items"]
    slots = ok(mm.call("anna", "GET", m(mm, "/matchmaking/slots")))
    assert [s["meeting_id"] for s in slots] == [None, meeting["id"]]


def test_decline_counter_cancel_and_reschedule(mm: World) -> None:
    partner = mm.users["participant"].id
    first = ok(mm.call("anna", "POST", m(mm, "/meetings/requests"), {"to": partner, "slots": [SLOT1]}), 201)
    declined = ok(mm.call("participant", "POST", f"/api/meeting-requests/{first['id']}/decline",
                          {"reason": "Not our market"}))
    assert declined["status"] == "declined" and declined["reason"] == "Not our market"

    second = ok(mm.call("bram", "POST", m(mm, "/meetings/requests"), {"to": partner, "slots": [SLOT1]}), 201)
    countered = ok(mm.call("participant", "POST", f"/api/meeting-requests/{second['id']}/counter",
                           {"slots": [SLOT2], "message": "Later?"}))
    assert countered["counter_of"] == second["id"] and countered["from"]["user_id"] == partner
    bram_requests = {r["id"]: r["status"] for r in ok(mm.call("bram", "GET", m(mm, "/meetings/requests")))}
    assert bram_requests == {second["id"]: "countered", countered["id"]: "pending"}
    assert ok(mm.call("participant", "POST", f"/api/meeting-requests/{countered['id']}/cancel"))["status"] == \
        "cancelled"

    third = ok(mm.call("bram", "POST", m(mm, "/meetings/requests"), {"to": partner, "slots": [SLOT1]}), 201)
    meeting = ok(mm.call("participant", "POST", f"/api/meeting-requests/{third['id']}/accept", {"slot": SLOT1}))
    moved = ok(mm.call("bram", "POST", f"/api/meetings/{meeting['id']}/reschedule", {"slots": [SLOT2]}))
    assert moved["status"] == "pending" and moved["slots"] == [SLOT2]
    assert ok(mm.call("bram", "GET", f"/api/meetings/{meeting['id']}"))["status"] == "cancelled"
    kinds = [n["event"]["kind"] for n in ok(mm.call("participant", "GET",
                                                    f"/api/notifications?mission={mm.mission_id}"))]
    assert kinds[:2] == ["n-request", "n-cancelled"]


def test_organiser_booking_needs_the_rule_and_notes_are_private(mm: World) -> None:
    a, b = mm.users["anna"].id, mm.users["participant"].id
    body = {"a": a, "b": b, "slot": SLOT1}
    assert err(mm.call("organiser", "POST", m(mm, "/meetings"), body)) == (403, "organiser-booking-off")
    rules = {**ok(mm.call("organiser", "GET", m(mm, "/matchmaking/rules"))), "organiser_booking": True}
    ok(mm.call("organiser", "PUT", m(mm, "/matchmaking/rules"), rules))
    meeting = ok(mm.call("organiser", "POST", m(mm, "/meetings"), body), 201)
    assert meeting["booked_by"] == mm.users["organiser"].id
    assert err(mm.call("organiser", "POST", m(mm, "/meetings"), body))[0] == 409
    assert ok(mm.call("anna", "GET", f"/api/notifications?mission={mm.mission_id}"))[0]["event"]["kind"] == \
        "n-booked"

    saved = ok(mm.call("anna", "PUT", f"/api/meetings/{meeting['id']}/notes", {"notes": "Follow up", "rating": 4}))
    assert (saved["notes"], saved["rating"]) == ("Follow up", 4)
    assert ok(mm.call("anna", "GET", f"/api/meetings/{meeting['id']}/notes"))["notes"] == "Follow up"
    assert ok(mm.call("participant", "GET", f"/api/meetings/{meeting['id']}/notes"))["notes"] == ""
    assert err(mm.call("bram", "GET", f"/api/meetings/{meeting['id']}/notes")) == (403, "not-allowed")
    assert ok(mm.call("anna", "GET", m(mm, "/leads"))) == []  # nobody has met yet
