"""The leads workspace over HTTP against the test world (real app, SQLite with real migrations): leads of every
source, the pipeline, next steps and their reminders, targets, leads carried over to the same market, the files,
and that a lead is its owner's alone."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from rooms.core.cards import Side
from rooms.matchmaking.records import LeadSource
from rooms.missions.people import Role
from rooms.missions.service import MissionService
from tests.support.world import World, mission_draft


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def err(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def _lounge_lead(world: World) -> int:
    """The participant connected with the speaker at a lounge table."""
    async def add() -> int:
        lead = await world.store.add_lead(world.mission_id, world.users["participant"].id, world.users["speaker"].id,
                                          LeadSource.LOUNGE, None, world.clock.now())
        return lead.id
    found: int = world.run(add)
    return found


def _manual(world: World, **extra: Any) -> Any:
    body = {"mission_id": world.mission_id, "origin": "business-card",
            "contact": {"name": "Kim Lee", "organisation": "=HYPERLINK(\"http://x\")", "email": "kim@pdx.example",
                        "phone": "+1 503 555 0100"}, "notes": "Met at the port; wants a demo", **extra}
    return ok(world.call("participant", "POST", "/api/leads", body), 201)


def test_my_leads_lists_every_source_with_progress_towards_the_target(world: World) -> None:
    lead_id = _lounge_lead(world)
    added = _manual(world)
    assert added["entry"]["lead"]["source"] == "manual" and added["entry"]["lead"]["person"] is None
    assert added["person"] is None and added["entry"]["origin"] == "business-card"
    mine = ok(world.call("participant", "GET", "/api/leads"))
    assert [v["entry"]["lead"]["id"] for v in mine["leads"]] == [added["entry"]["lead"]["id"], lead_id]
    lounge = mine["leads"][1]
    assert lounge["person"]["name"] == "Speaker Person" and lounge["entry"]["status"] == "new"
    assert lounge["mission"] == {"id": world.mission_id, "title": "World mission", "destination": "Portland",
                                 "start_date": "2026-06-15"}
    assert [(p["mission"]["id"], p["target"], p["leads"]) for p in mine["progress"]] == [(world.mission_id, 30, 2)]
    assert mine["markets"] == ["Portland"]
    # The per-mission list of matchmaking still names platform people only.
    listed = ok(world.call("participant", "GET", f"/api/missions/{world.mission_id}/leads"))
    assert [x["id"] for x in listed] == [lead_id]


def test_the_pipeline_keeps_each_change_and_filters_by_status(world: World) -> None:
    lead_id = _lounge_lead(world)
    path = f"/api/leads/{lead_id}"
    for status in ("contacted", "in-discussion", "proposal", "won"):
        world.clock.advance(dt.timedelta(minutes=5))
        saved = ok(world.call("participant", "PUT", path, {"status": status, "next_step_on": "2026-06-20",
                                                           "next_step_note": "Send the offer", "notes": "Keen",
                                                           "contact": {"email": "s@x.example"}}))
    assert [c["status"] for c in saved["entry"]["changes"]] == ["contacted", "in-discussion", "proposal", "won"]
    assert saved["entry"]["next_step_on"] == "2026-06-20" and saved["entry"]["contact"]["email"] == "s@x.example"
    assert ok(world.call("participant", "GET", path)) == saved
    assert ok(world.call("participant", "GET", "/api/leads?status=won"))["leads"][0]["entry"]["lead"]["id"] == lead_id
    assert ok(world.call("participant", "GET", "/api/leads?status=new"))["leads"] == []
    assert ok(world.call("participant", "GET", "/api/leads?destination=%20portland"))["leads"]
    assert ok(world.call("participant", "GET", "/api/leads?destination=Ghana"))["leads"] == []
    assert err(world.call("participant", "PUT", path, {"status": "maybe"}))[0] == 422
    assert err(world.call("participant", "GET", "/api/leads?status=maybe"))[0] == 422


@pytest.mark.parametrize("who", ["speaker", "organiser", "outsider"])
def test_another_persons_lead_is_not_found(world: World, who: str) -> None:
    lead_id = _lounge_lead(world)
    for method, path, body in (("GET", f"/api/leads/{lead_id}", None),
                               ("PUT", f"/api/leads/{lead_id}", {"status": "won"}),
                               ("GET", f"/api/leads/{lead_id}.vcf", None)):
        assert err(world.call(who, method, path, body)) == (404, "lead-not-found")
    assert ok(world.call(who, "GET", "/api/leads"))["leads"] == []
    assert b"Speaker" not in world.call(who, "GET", "/api/leads.csv").content
    assert b"Speaker" not in world.call(who, "GET", "/api/leads.vcf").content
    assert world.call("anonymous", "GET", "/api/leads").status_code == 401
    assert err(world.call("participant", "GET", "/api/leads/999999")) == (404, "lead-not-found")


def test_leads_added_by_hand_are_checked(world: World) -> None:
    base = {"mission_id": world.mission_id, "contact": {"name": "  "}}
    assert err(world.call("participant", "POST", "/api/leads", base)) == (422, "lead-name-missing")
    outsider = world.users["outsider"].id
    assert err(world.call("participant", "POST", "/api/leads", {**base, "person": outsider})) == (
        422, "lead-person-unknown")
    with_person = ok(world.call("participant", "POST", "/api/leads", {**base, "person": world.users["host"].id,
                                                                     "origin": "company-visit"}), 201)
    assert with_person["person"]["name"] == "Host Person"
    assert err(world.call("participant", "POST", "/api/leads", {**base, "mission_id": world.other_mission_id,
                                                               "contact": {"name": "X"}})) == (404, "mission-not-found")
    assert err(world.call("participant", "POST", "/api/leads", {**base, "contact": {"name": "x" * 201}}))[0] == 422


def test_targets_per_mission(world: World) -> None:
    _lounge_lead(world)
    path = f"/api/missions/{world.mission_id}/lead-target"
    assert ok(world.call("participant", "PUT", path, {"target": 12}))["target"] == 12
    assert [(p["target"], p["leads"]) for p in ok(world.call("participant", "GET", "/api/leads"))["progress"]] == [
        (12, 1)]
    for bad in (0, 10_001):
        assert err(world.call("participant", "PUT", path, {"target": bad})) == (422, "bad-target")
    assert err(world.call("participant", "PUT", f"/api/missions/{world.other_mission_id}/lead-target",
                          {"target": 5})) == (404, "mission-not-found")


def test_leads_carry_over_to_the_next_mission_to_the_same_market(world: World) -> None:
    lead_id = _lounge_lead(world)

    async def next_mission() -> int:
        view = await MissionService(world.store, world.clock).create_mission(world.users["organiser"],
                                                                             mission_draft("Portland again"))
        await world.store.set_membership(view.mission.id, world.users["participant"].id, Role.PARTICIPANT,
                                         Side.PARTNER)
        return view.mission.id
    again: int = world.run(next_mission)
    carried = ok(world.call("participant", "GET", f"/api/missions/{again}/carried-leads"))
    assert [c["entry"]["lead"]["id"] for c in carried] == [lead_id]
    assert ok(world.call("participant", "GET", f"/api/missions/{world.mission_id}/carried-leads")) == []
    assert err(world.call("speaker", "GET", f"/api/missions/{again}/carried-leads")) == (404, "mission-not-found")
    progress = ok(world.call("participant", "GET", "/api/leads"))["progress"]
    assert {(p["mission"]["id"], p["leads"]) for p in progress} == {(again, 0), (world.mission_id, 1)}


def test_csv_and_vcard_files(world: World) -> None:
    _lounge_lead(world)
    added = _manual(world)
    response = world.call("participant", "GET", "/api/leads.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="leads.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["name"] for r in rows] == ["Kim Lee", "Speaker Person"]
    assert rows[0]["organisation"] == "'=HYPERLINK(\"http://x\")" and rows[0]["phone"] == "'+1 503 555 0100"
    assert rows[0]["notes"] == "Met at the port; wants a demo" and rows[0]["market"] == "Portland"
    only = world.call("participant", "GET", f"/api/leads.csv?mission_id={world.mission_id}&status=won")
    assert len(list(csv.reader(io.StringIO(only.content.decode("utf-8-sig"))))) == 1  # the header only

    one = world.call("participant", "GET", f"/api/leads/{added['entry']['lead']['id']}.vcf")
    assert one.headers["content-type"].startswith("text/vcard")
    text = one.content.decode()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and text.endswith("END:VCARD\r\n")
    assert "FN:Kim Lee\r\n" in text and "EMAIL;TYPE=INTERNET:kim@pdx.example\r\n" in text
    every = world.call("participant", "GET", "/api/leads.vcf").content.decode()
    assert every.count("BEGIN:VCARD") == 2 and "FN:Speaker Person" in every


def test_a_due_next_step_reminds_once_in_the_inbox(world: World) -> None:
    lead_id = _lounge_lead(world)
    today = world.clock.now().date().isoformat()
    ok(world.call("participant", "PUT", f"/api/leads/{lead_id}", {"next_step_on": today,
                                                                  "next_step_note": "Call Speaker"}))
    leads = world.root.services.leads
    assert len(world.run(leads.remind_due).events) == 1
    assert world.run(leads.remind_due).events == []
    notes = ok(world.call("participant", "GET", f"/api/notifications?mission={world.mission_id}"))
    due = [n["event"] for n in notes if n["event"]["kind"] == "n-lead-due"]
    assert due == [{"kind": "n-lead-due", "lead_id": lead_id, "mission_id": world.mission_id,
                    "name": "Speaker Person", "next_step_on": today, "note": "Call Speaker"}]
    speaker_notes = ok(world.call("speaker", "GET", f"/api/notifications?mission={world.mission_id}"))
    assert not [n for n in speaker_notes if n["event"]["kind"] == "n-lead-due"]


def test_a_token_scoped_to_another_mission_sees_no_leads_of_this_one(world: World) -> None:
    lead_id = _lounge_lead(world)
    token = world.token("participant", world.other_mission_id)
    headers = {"authorization": f"Bearer {token}"}
    assert world.client.get("/api/leads", headers=headers).json()["leads"] == []
    assert world.client.get(f"/api/leads/{lead_id}", headers=headers).status_code == 403
