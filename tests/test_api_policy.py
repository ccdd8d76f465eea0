"""The permission matrix: for every API endpoint, every role — who may, and what everyone else gets.

Non-members get 404 (a mission's existence is not revealed), members without the right 403 `not-allowed`,
anonymous callers 401 `not-signed-in`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from server.app import all_endpoints
from tests.world import ROLES, World

pytestmark = pytest.mark.security

EVERY_MEMBER = {"organiser", "host", "moderator", "speaker", "participant"}
ORGANISER = {"organiser"}
SIGNED_IN = EVERY_MEMBER | {"outsider"}


@dataclass(frozen=True)
class Case:
    method: str
    template: str  # as declared by the endpoint
    path: Callable[[World], str]
    allowed: set[str]
    body: Callable[[World], Any] | None = None
    ok: int = 200


def _mission(w: World) -> str:
    return f"/api/missions/{w.mission_id}"


def _item(w: World) -> str:
    return f"/api/programme/{w.item_id}"


def _fresh_item(w: World) -> str:
    return f"/api/programme/{w.run(w.new_item)}"


def _item_body(w: World) -> dict[str, Any]:
    return {"kind": "group_session", "title": f"Daily briefing {w.unique()}", "starts_at": "2026-06-16T15:00:00Z",
            "ends_at": "2026-06-16T15:30:00Z"}


def _mission_body(w: World) -> dict[str, Any]:
    return {"title": f"World mission {w.unique()}", "destination": "Portland", "timezone": "America/Los_Angeles",
            "start_date": "2026-06-15", "end_date": "2026-06-19", "format": "hybrid", "sectors": ["EV charging"]}


def _invitation_body(w: World) -> dict[str, Any]:
    return {"email": f"guest{w.unique()}@world.example", "name": "Guest", "role": "participant",
            "side": "partner"}


M = "/api/missions/{mission_id:int}"
I = "/api/programme/{item_id:int}"  # noqa: E741
P = M + "/people/{user_id:int}"

CASES = [
    Case("GET", "/api/missions", lambda w: "/api/missions", SIGNED_IN),
    Case("POST", "/api/missions", lambda w: "/api/missions", {"organiser", "outsider"}, _mission_body, 201),
    Case("GET", M, _mission, EVERY_MEMBER),
    Case("PUT", M, _mission, ORGANISER, _mission_body),
    Case("GET", M + "/programme", lambda w: f"{_mission(w)}/programme", EVERY_MEMBER),
    Case("POST", M + "/programme", lambda w: f"{_mission(w)}/programme", ORGANISER, _item_body, 201),
    Case("GET", I, _item, EVERY_MEMBER),
    Case("PUT", I, _item, ORGANISER, _item_body),
    Case("DELETE", I, _fresh_item, ORGANISER, ok=204),
    Case("GET", M + "/directory", lambda w: f"{_mission(w)}/directory?side=partner", EVERY_MEMBER),
    Case("GET", P, lambda w: f"{_mission(w)}/people/{w.users['participant'].id}", EVERY_MEMBER),
    Case("PUT", P, lambda w: f"{_mission(w)}/people/{w.users['speaker'].id}", ORGANISER,
         lambda w: {"role": "speaker", "side": "partner"}),
    Case("POST", M + "/invitations", lambda w: f"{_mission(w)}/invitations", ORGANISER, _invitation_body, 201),
    Case("GET", M + "/invitations", lambda w: f"{_mission(w)}/invitations", ORGANISER),
    Case("GET", "/api/me", lambda w: "/api/me", SIGNED_IN),
    Case("GET", "/api/me/profile", lambda w: "/api/me/profile", SIGNED_IN),
    Case("PUT", "/api/me/profile", lambda w: "/api/me/profile", SIGNED_IN,
         lambda w: {"name": "Someone New", "org_type": "sme", "country": "NL"}),
    Case("PUT", "/api/me/password", lambda w: "/api/me/password", SIGNED_IN,
         lambda w: {"password": "a long new password"}, 204),
    Case("POST", "/api/auth/token", lambda w: "/api/auth/token", SIGNED_IN, lambda w: {}),
]
# Public endpoints: authorised by what they carry (a token, a password), proven in test_api_bad_input.py.
PUBLIC = {("POST", "/api/auth/password"), ("POST", "/api/auth/request-link"), ("POST", "/api/auth/link/peek"),
          ("POST", "/api/auth/link/use"), ("POST", "/api/auth/logout"), ("POST", "/api/invitations/peek"),
          ("POST", "/api/invitations/accept")}


def test_matrix_covers_every_endpoint() -> None:
    declared = {(e.method, e.path) for e in all_endpoints()}
    covered = {(c.method, c.template) for c in CASES} | PUBLIC
    assert declared == covered
    assert {(e.method, e.path) for e in all_endpoints() if e.public} == PUBLIC


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.template}")
def test_who_may_and_who_may_not(world: World, case: Case) -> None:
    outcomes: dict[str, tuple[int, str | None]] = {}
    for who in ROLES:
        body = case.body(world) if case.body else None
        response = world.call(who, case.method, case.path(world), body)
        code = response.json()["error"]["code"] if response.status_code >= 400 else None
        outcomes[who] = (response.status_code, code)
    expected: dict[str, tuple[int, str | None]] = {}
    for who in ROLES:
        if who in case.allowed:
            expected[who] = (case.ok, None)
        elif who == "anonymous":
            expected[who] = (401, "not-signed-in")
        elif who == "outsider":
            expected[who] = (404, outcomes[who][1] if outcomes[who][1] in ("mission-not-found", "item-not-found")
                             else "mission-not-found")
        else:
            expected[who] = (403, "not-allowed")
    assert outcomes == expected


def test_scoped_token_cannot_act_in_another_mission(world: World) -> None:
    token = world.token("outsider", mission_id=world.other_mission_id)
    ok = world.client.get(f"/api/missions/{world.other_mission_id}", headers={"authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    scoped = world.token("organiser", mission_id=world.other_mission_id)
    refused = world.client.get(f"/api/missions/{world.mission_id}", headers={"authorization": f"Bearer {scoped}"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "token-scope"


def test_organiser_cannot_demote_themselves(world: World) -> None:
    r = world.call("organiser", "PUT", f"/api/missions/{world.mission_id}/people/{world.users['organiser'].id}",
                   {"role": "participant", "side": "delegation"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "last-organiser"


# -- webinars ---------------------------------------------------------------------------------------------
# Appended after the matrix above: pytest expands CASES at collection, after the whole module has run.

R = M + "/programme/{item_id:int}/roles"


def _roles(w: World) -> str:
    return f"{_mission(w)}/programme/{w.item_id}/roles"


def _roles_body(w: World) -> dict[str, Any]:
    return {"roles": [{"user_id": w.users["host"].id, "role": "host"},
                      {"user_id": w.users["speaker"].id, "role": "speaker"}]}


CASES.extend([
    Case("GET", R, _roles, EVERY_MEMBER),
    Case("PUT", R, _roles, ORGANISER, _roles_body),
])


A = M + "/programme/{item_id:int}/attendance"


def _attendance(w: World) -> str:
    """A fresh webinar whose host and moderator are granted: they and organisers see who attended."""
    from rooms.people import ItemRole

    item = w.run(w.new_item)
    w.run(w.store.set_item_roles, item, {w.users["host"].id: ItemRole.HOST,
                                         w.users["moderator"].id: ItemRole.MODERATOR,
                                         w.users["speaker"].id: ItemRole.SPEAKER})
    return f"{_mission(w)}/programme/{item}/attendance"


CASES.append(Case("GET", A, _attendance, {"organiser", "host", "moderator"}))
