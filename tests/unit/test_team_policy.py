"""Teams are their members' alone (docs/ledger.md): for every team endpoint, the team's member may, every other
signed-in person — an organiser of another team's missions, a participant of the team's own mission — gets 404
`team-not-found` (the answer to an unknown id), anonymous callers 401. A mission-scoped token reaches no team;
only an organiser of a mission may make a team count it; one lead partner per mission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from rooms.ledger.records import ActivityDraft, ActivityKind, MissionRole, TeamDraft
from rooms.ledger.service import Link
from rooms.missions.people import Role
from tests.support.world import ROLES, World

pytestmark = pytest.mark.security

T = "/api/teams/{team_id:int}"


@dataclass(frozen=True)
class TeamCase:
    method: str
    template: str
    body: Any = None
    ok: int = 200


ACTIVITY = {"kind": "company_visit", "on": "2026-06-03", "title": "Visit to Voltera"}
PLAN = {"figure": "matchmaking", "first_year": 2026, "last_year": 2026, "low": 300, "high": 300}
CORRECTION = {"figure": "missions", "year": 2026, "delta": 2, "reason": "Two missions before we used Roundtable"}

TEAM_CASES = [
    TeamCase("GET", T),
    TeamCase("PUT", T, {"name": "Team East"}),
    TeamCase("POST", T + "/members", {"email": "host@world.example"}),
    TeamCase("DELETE", T + "/members/{user_id:int}"),
    TeamCase("PUT", T + "/missions/{mission_id:int}", {"role": "partner"}),
    TeamCase("DELETE", T + "/missions/{mission_id:int}"),
    TeamCase("GET", T + "/activities"),
    TeamCase("POST", T + "/activities", ACTIVITY, 201),
    TeamCase("DELETE", T + "/activities/{activity_id:int}", ok=204),
    TeamCase("GET", T + "/plans"),
    TeamCase("PUT", T + "/plans", PLAN),
    TeamCase("GET", T + "/corrections"),
    TeamCase("POST", T + "/corrections", CORRECTION, 201),
    TeamCase("GET", T + "/ledger"),
    TeamCase("GET", T + "/ledger.csv"),
    TeamCase("GET", T + "/ledger.xlsx"),
    TeamCase("GET", T + "/ledger.svg"),
]
TEAM_TEMPLATES = {(c.method, c.template) for c in TEAM_CASES}


async def _team(world: World) -> dict[str, int]:
    """A team of the mission's organiser alone, counting the mission, with a member to remove and an activity."""
    service = world.root.services.ledger
    organiser = world.users["organiser"]
    team = await service.create_team(organiser, TeamDraft(name=f"Team {world.unique()}"))
    await service.link(organiser, team.id, world.mission_id, Link(role=MissionRole.PARTNER))
    extra = world.unique()
    user = await world.store.create_user(f"colleague{extra}@world.example", f"Colleague {extra}", world.clock.now())
    await world.store.add_team_member(team.id, user.id)
    activity = await service.add_activity(organiser, team.id, ActivityDraft(
        kind=ActivityKind.PARTNER_SCAN, on=world.clock.now().date(), title="Scan for Voltera"))
    return {"team_id": team.id, "user_id": user.id, "mission_id": world.mission_id, "activity_id": activity.id}


def _path(template: str, ids: dict[str, int]) -> str:
    for name, value in ids.items():
        template = template.replace(f"{{{name}:int}}", str(value))
    return template


@pytest.mark.parametrize("case", TEAM_CASES, ids=lambda c: f"{c.method} {c.template}")
def test_a_team_is_its_members_alone(world: World, case: TeamCase) -> None:
    outcomes: dict[str, tuple[int, str | None]] = {}
    for who in ROLES:
        ids = world.run(_team, world)
        response = world.call(who, case.method, _path(case.template, ids), case.body)
        outcomes[who] = (response.status_code,
                         response.json()["error"]["code"] if response.status_code >= 400 else None)
    assert outcomes == {who: (case.ok, None) if who == "organiser" else (401, "not-signed-in")
                        if who == "anonymous" else (404, "team-not-found") for who in ROLES}


def test_starting_a_team_is_for_those_who_may_create_missions(world: World) -> None:
    made = world.call("outsider", "POST", "/api/teams", {"name": "  Regio   Oost  "})
    assert made.status_code == 201 and made.json()["name"] == "Regio Oost"
    assert world.call("participant", "POST", "/api/teams", {"name": "Mine"}).json()["error"]["code"] == "not-allowed"
    assert world.call("outsider", "POST", "/api/teams", {"name": " "}).json()["error"]["code"] == "bad-team-name"
    assert [t["name"] for t in world.call("outsider", "GET", "/api/teams").json()] == ["Regio Oost"]
    assert world.call("participant", "GET", "/api/teams").json() == []


def test_a_team_counts_only_missions_its_member_organises_and_one_lead_partner(world: World) -> None:
    ids = world.run(_team, world)
    team = ids["team_id"]
    lead = world.call("organiser", "PUT", f"/api/teams/{team}/missions/{world.mission_id}", {"role": "lead_partner"})
    assert [m["role"] for m in lead.json()["missions"]] == ["lead_partner"]
    # The outsider's own team may not claim the organiser's mission: he does not organise it.
    theirs = world.call("outsider", "POST", "/api/teams", {"name": "Other agency"}).json()["id"]
    refused = world.call("outsider", "PUT", f"/api/teams/{theirs}/missions/{world.mission_id}", {"role": "partner"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (404, "mission-not-found")
    # Once he is an organiser of it too, his team may count it as partner, never as a second lead partner.
    world.run(_make_organiser, world, "outsider")
    second = world.call("outsider", "PUT", f"/api/teams/{theirs}/missions/{world.mission_id}",
                        {"role": "lead_partner"})
    assert (second.status_code, second.json()["error"]["code"]) == (409, "lead-partner-taken")
    ok = world.call("outsider", "PUT", f"/api/teams/{theirs}/missions/{world.mission_id}", {"role": "partner"})
    assert ok.status_code == 200 and [m["role"] for m in ok.json()["missions"]] == ["partner"]
    # A participant of the mission is not an organiser: refused for want of the role.
    world.call("organiser", "POST", f"/api/teams/{team}/members", {"email": "participant@world.example"})
    as_member = world.call("participant", "PUT", f"/api/teams/{team}/missions/{world.other_mission_id}",
                           {"role": "partner"})
    assert (as_member.status_code, as_member.json()["error"]["code"]) == (404, "mission-not-found")
    mine = world.call("participant", "PUT", f"/api/teams/{team}/missions/{world.mission_id}", {"role": "partner"})
    assert (mine.status_code, mine.json()["error"]["code"]) == (403, "not-allowed")


async def _make_organiser(world: World, who: str) -> None:
    await world.store.set_membership(world.mission_id, world.users[who].id, Role.ORGANISER, None)


def test_the_last_member_stays_and_a_mission_token_reaches_no_team(world: World) -> None:
    team = world.call("outsider", "POST", "/api/teams", {"name": "Solo"}).json()["id"]
    me = world.users["outsider"].id
    last = world.call("outsider", "DELETE", f"/api/teams/{team}/members/{me}")
    assert (last.status_code, last.json()["error"]["code"]) == (409, "last-team-member")
    scoped = world.token("outsider", world.other_mission_id)
    response = world.client.get(f"/api/teams/{team}", headers={"authorization": f"Bearer {scoped}"})
    assert (response.status_code, response.json()["error"]["code"]) == (403, "token-scope")


def test_bad_input_gets_its_code(world: World) -> None:
    team = world.call("outsider", "POST", "/api/teams", {"name": "Checks"}).json()["id"]
    base = f"/api/teams/{team}"
    cases: list[tuple[str, str, Any, str]] = [
        ("POST", "/activities", {**ACTIVITY, "count": 0}, "bad-activity"),
        ("POST", "/activities", {**ACTIVITY, "title": ""}, "bad-activity"),
        ("PUT", "/plans", {**PLAN, "low": 10, "high": 5}, "bad-plan"),
        ("PUT", "/plans", {**PLAN, "first_year": 2027, "last_year": 2026}, "bad-plan"),
        ("POST", "/corrections", {**CORRECTION, "delta": 0}, "bad-correction"),
        ("POST", "/corrections", {**CORRECTION, "reason": "  "}, "reason-required"),
        ("POST", "/members", {"email": "nobody@world.example"}, "user-not-found"),
        ("POST", "/members", {"email": "outsider@world.example"}, "already-in-team"),
        ("DELETE", "/missions/999", None, "mission-not-linked"),
        ("DELETE", "/activities/999", None, "activity-not-found"),
        ("GET", "/ledger?year=1999", None, "bad-year"),
    ]
    for method, path, body, code in cases:
        response = world.call("outsider", method, base + path, body)
        assert response.status_code in (404, 409, 422) and response.json()["error"]["code"] == code, (path, body,
                                                                                                     response.text)
    malformed = world.call("outsider", "PUT", base + "/plans", {**PLAN, "figure": "happiness"})
    assert malformed.status_code == 422

