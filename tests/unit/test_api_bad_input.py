"""Bad input gets a clear 4xx with a stable code, and nothing is half-written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rooms.core.cards import Side
from rooms.missions.accounts import AccountService
from rooms.missions.people import InvitationDraft, Role
from rooms.missions.profile import DirectoryQuery
from rooms.missions.service import MissionService
from server.tokens import Purpose, Tokens
from tests.support.world import World

pytestmark = pytest.mark.security


def _programme_count(world: World) -> int:
    return len(world.run(world.store.programme, world.mission_id))


def _error(response: Any) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body["error"]["code"], body["error"].get("field")


def _post_item(world: World, **kw: Any) -> Any:
    return world.call("organiser", "POST", f"/api/missions/{world.mission_id}/programme", **kw)


GOOD_ITEM = {"kind": "webinar", "title": "Grid integration", "starts_at": "2026-06-16T17:00:00Z",
             "ends_at": "2026-06-16T17:45:00Z"}


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"content": b'{"kind": "webinar",', "headers": {"content-type": "application/json"}},
         (400, "malformed-json", None)),
        ({"content": b"", "headers": {"content-type": "application/json"}}, (400, "malformed-json", None)),
        ({"content": b"kind=webinar", "headers": {"content-type": "application/x-www-form-urlencoded"}},
         (415, "unsupported-media-type", None)),
        ({"json": [GOOD_ITEM]}, (422, "wrong-type", None)),
        ({"json": {k: v for k, v in GOOD_ITEM.items() if k != "title"}}, (422, "required", "title")),
        ({"json": {**GOOD_ITEM, "title": 42}}, (422, "wrong-type", "title")),
        ({"json": {**GOOD_ITEM, "title": "x" * 161}}, (422, "invalid-length", "title")),
        ({"json": {**GOOD_ITEM, "title": "   "}}, (422, "required", "title")),
        ({"json": {**GOOD_ITEM, "kind": "party"}}, (422, "invalid-choice", "kind")),
        ({"json": {**GOOD_ITEM, "starts_at": "tomorrow"}}, (422, "invalid-format", "starts_at")),
        ({"json": {**GOOD_ITEM, "starts_at": "2026-06-16T17:00:00"}}, (422, "naive-datetime", "starts_at")),
        ({"json": {**GOOD_ITEM, "ends_at": "2026-06-16T16:00:00Z"}}, (422, "end-before-start", "ends_at")),
        ({"json": {**GOOD_ITEM, "ends_at": "2026-06-16T19:00:00Z"}}, (422, "webinar-too-long", "ends_at")),
        ({"json": {**GOOD_ITEM, "starts_at": "2026-07-16T17:00:00Z", "ends_at": "2026-07-16T17:30:00Z"}},
         (422, "outside-mission", "starts_at")),
        ({"json": {**GOOD_ITEM, "kind": "company_visit"}}, (422, "address-required", "address")),
        ({"json": {**GOOD_ITEM, "track": "Aerospace"}}, (422, "unknown-track", "track")),
        ({"json": {**GOOD_ITEM, "colour": "red"}}, (422, "unknown-field", "colour")),
    ],
    ids=lambda v: v[1] if isinstance(v, tuple) else None,
)
def test_bad_programme_items_are_refused_and_nothing_is_written(world: World, kw: dict[str, Any],
                                                                 expected: tuple[int, str, str | None]) -> None:
    before = _programme_count(world)
    assert _error(_post_item(world, **kw)) == expected
    assert _programme_count(world) == before


def test_ten_megabyte_body_is_refused(world: World) -> None:
    before = _programme_count(world)
    big = b'{"title": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    status, code, _ = _error(_post_item(world, content=big, headers={"content-type": "application/json"}))
    assert (status, code) == (413, "body-too-large")
    assert _programme_count(world) == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"title": "M", "destination": "X", "timezone": "Mars/Olympus", "start_date": "2026-06-15",
          "end_date": "2026-06-19"}, (422, "invalid-timezone", "timezone")),
        ({"title": "M", "destination": "X", "timezone": "Europe/Amsterdam", "start_date": "2026-06-15",
          "end_date": "2026-06-10"}, (422, "end-before-start", "end_date")),
        ({"title": "M", "destination": "X", "timezone": "Europe/Amsterdam", "start_date": "2026-02-30",
          "end_date": "2026-06-10"}, (422, "invalid-format", "start_date")),
        ({"title": "M", "destination": "X", "timezone": "Europe/Amsterdam", "start_date": "2026-06-15",
          "end_date": "2026-06-19", "direction": "sideways"}, (422, "invalid-choice", "direction")),
        ({"title": "M", "destination": "X", "timezone": "Europe/Amsterdam", "start_date": "2026-06-15",
          "end_date": "2026-06-19", "sectors": ["s"] * 13}, (422, "invalid-length", "sectors")),
    ],
    ids=lambda v: v[1] if isinstance(v, tuple) else None,
)
def test_bad_missions_are_refused(world: World, body: dict[str, Any], expected: tuple[int, str, str]) -> None:
    before = world.run(world.store.missions_of, world.users["organiser"].id)
    assert _error(world.call("organiser", "POST", "/api/missions", body)) == expected
    assert world.run(world.store.missions_of, world.users["organiser"].id) == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"email": "not-an-address", "name": "X", "role": "participant", "side": "partner"},
         (422, "invalid-email", "email")),
        ({"email": "a@b.example", "name": "X", "role": "emperor", "side": "partner"},
         (422, "invalid-choice", "role")),
        ({"email": "a@b.example", "name": "X", "role": "participant"}, (422, "side-required", "side")),
        ({"email": "a@b.example", "name": "X" * 121, "role": "participant", "side": "partner"},
         (422, "invalid-length", "name")),
        ({"email": "participant@world.example", "name": "X", "role": "participant", "side": "partner"},
         (422, "already-member", "email")),
    ],
    ids=lambda v: v[1] if isinstance(v, tuple) else None,
)
def test_bad_invitations_are_refused(world: World, body: dict[str, Any], expected: tuple[int, str, str]) -> None:
    path = f"/api/missions/{world.mission_id}/invitations"
    assert _error(world.call("organiser", "POST", path, body)) == expected
    assert world.call("organiser", "GET", path).json() == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("org_type=royalty", (422, "invalid-choice", "org_type")),
        ("page=0", (422, "out-of-range", "page")),
        ("page_size=1000", (422, "out-of-range", "page_size")),
        ("page=two", (422, "wrong-type", "page")),
        ("side=both", (422, "invalid-choice", "side")),
        ("q=" + "x" * 101, (422, "invalid-length", "q")),
        ("country=Netherlands", (422, "invalid-length", "country")),
        ("limit=5", (422, "unknown-field", "limit")),
    ],
)
def test_bad_directory_queries_are_refused(world: World, query: str, expected: tuple[int, str, str]) -> None:
    assert _error(world.call("participant", "GET", f"/api/missions/{world.mission_id}/directory?{query}")) == expected


def test_bad_profile_is_refused_and_profile_unchanged(world: World) -> None:
    before = world.call("participant", "GET", "/api/me/profile").json()
    for body, expected in [
        ({"name": "P", "website": "javascript:alert(1)"}, (422, "invalid-website", "website")),
        ({"name": "P", "country": "N1"}, (422, "invalid-country", "country")),
        ({"name": "P", "languages": ["english"]}, (422, "invalid-length", "languages")),
        ({"name": "P", "org_type": "mega-corp"}, (422, "invalid-choice", "org_type")),
        ({"name": "P", "offers": "x" * 1001}, (422, "invalid-length", "offers")),
        ({"name": ""}, (422, "invalid-length", "name")),
    ]:
        assert _error(world.call("participant", "PUT", "/api/me/profile", body)) == expected
    assert world.call("participant", "GET", "/api/me/profile").json() == before


def test_unknown_routes_and_methods_answer_in_the_error_format(world: World) -> None:
    assert _error(world.call("participant", "GET", "/api/nothing-here")) == (404, "not-found", None)
    assert _error(world.call("participant", "PATCH", "/api/me")) == (405, "method-not-allowed", None)
    assert world.call("participant", "GET", "/api/missions/999999").json()["error"]["code"] == "mission-not-found"


def test_forged_and_foreign_tokens_are_refused(world: World) -> None:
    forged = Tokens("another secret key, not ours").sign(Purpose.BEARER, {"u": world.users["organiser"].id})
    r = world.client.get("/api/me", headers={"authorization": f"Bearer {forged}"})
    assert _error(r) == (401, "token-invalid", None)
    # A sign-in link token is not an invitation token, even with a valid signature.
    link = Tokens(world.settings.secret_key).sign(Purpose.SIGN_IN, 1)
    assert _error(world.client.post("/api/invitations/peek", json={"token": link})) == (422, "token-invalid", "token")
    assert _error(world.client.post("/api/auth/link/use", json={"token": "garbage"})) == (422, "token-invalid", "token")
    from tests.support.wsclient import expired_token

    old = expired_token(world.settings.secret_key, {"u": world.users["organiser"].id})
    assert _error(world.client.get("/api/me", headers={"authorization": f"Bearer {old}"})) == (
        401, "token-expired", None)


def _sign_in_token(world: World, who: str, ttl: dt.timedelta = dt.timedelta(minutes=30)) -> str:
    async def issue() -> int:
        issued = await AccountService(world.store, world.clock).sign_in_link(world.users[who].email, None, ttl)
        assert issued is not None
        return issued[0]

    return Tokens(world.settings.secret_key).sign(Purpose.SIGN_IN, world.run(issue))


def test_sign_in_link_is_single_use(world: World) -> None:
    token = _sign_in_token(world, "participant")
    first = world.client.post("/api/auth/link/use", json={"token": token})
    assert first.status_code == 200
    assert "rt_session" in first.cookies
    world.client.cookies.clear()
    assert _error(world.client.post("/api/auth/link/use", json={"token": token})) == (410, "token-used", None)
    assert _error(world.client.post("/api/auth/link/peek", json={"token": token})) == (410, "token-used", None)


def test_expired_sign_in_link_is_refused(world: World) -> None:
    token = _sign_in_token(world, "participant", dt.timedelta(minutes=30))
    world.clock.advance(dt.timedelta(minutes=31))
    assert _error(world.client.post("/api/auth/link/use", json={"token": token})) == (410, "token-expired", None)
    assert "rt_session" not in world.client.cookies


def _invitation_token(world: World, email: str) -> str:
    async def invite() -> int:
        svc = MissionService(world.store, world.clock)
        draft = InvitationDraft(email=email, name="New Person", role=Role.PARTICIPANT, side=Side.DELEGATION)
        return (await svc.invite(world.users["organiser"], world.mission_id, draft)).id

    return Tokens(world.settings.secret_key).sign(Purpose.INVITATION, world.run(invite))


def _members(world: World) -> int:
    page = world.run(world.store.search_directory, world.mission_id, DirectoryQuery())
    return int(page.total)


def test_invitation_is_single_use(world: World) -> None:
    token = _invitation_token(world, "new.person@world.example")
    before = _members(world)
    assert world.client.post("/api/invitations/accept", json={"token": token, "name": "New Person"}).status_code == 200
    assert _members(world) == before + 1
    world.client.cookies.clear()
    again = world.client.post("/api/invitations/accept", json={"token": token, "name": "Someone Else"})
    assert _error(again) == (410, "token-used", None)
    assert _members(world) == before + 1


def test_expired_invitation_creates_nothing(world: World) -> None:
    token = _invitation_token(world, "late.person@world.example")
    world.clock.advance(dt.timedelta(days=15))
    before = _members(world)
    r = world.client.post("/api/invitations/accept", json={"token": token, "name": "Late Person",
                                                            "password": "a long enough password"})
    assert _error(r) == (410, "token-expired", None)
    assert _members(world) == before
    assert world.run(world.store.get_user_by_email, "late.person@world.example") is None
    peek = world.client.post("/api/invitations/peek", json={"token": token}).json()
    assert peek["status"] == "expired"


def test_short_password_on_acceptance_is_refused_before_anything_is_used(world: World) -> None:
    token = _invitation_token(world, "short.pw@world.example")
    r = world.client.post("/api/invitations/accept", json={"token": token, "name": "S", "password": "short"})
    assert _error(r) == (422, "invalid-length", "password")
    assert world.client.post("/api/invitations/peek", json={"token": token}).json()["status"] == "pending"


def test_wrong_password_and_unknown_user_look_the_same(world: World) -> None:
    world.call("participant", "PUT", "/api/me/password", {"password": "correct horse battery"})
    wrong = world.client.post("/api/auth/password", json={"email": "participant@world.example", "password": "nope"})
    unknown = world.client.post("/api/auth/password", json={"email": "nobody@world.example", "password": "nope"})
    assert _error(wrong) == _error(unknown) == (401, "bad-credentials", None)
    right = world.client.post("/api/auth/password", json={"email": "Participant@World.example",
                                                          "password": "correct horse battery"})
    assert right.status_code == 200


def test_changing_a_password_needs_the_current_one(world: World) -> None:
    assert world.call("host", "PUT", "/api/me/password", {"password": "first long password"}).status_code == 204
    r = world.call("host", "PUT", "/api/me/password", {"password": "second long password"})
    assert _error(r) == (403, "bad-credentials", "current")
    r = world.call("host", "PUT", "/api/me/password", {"password": "second long password",
                                                       "current": "first long password"})
    assert r.status_code == 204


def test_cross_site_writes_are_refused(world: World) -> None:
    r = world.call("organiser", "POST", f"/api/missions/{world.mission_id}/programme", GOOD_ITEM,
                   headers={"origin": "https://evil.example"})
    assert _error(r) == (403, "bad-origin", None)
    ok = world.call("organiser", "POST", f"/api/missions/{world.mission_id}/programme", GOOD_ITEM,
                    headers={"origin": "http://testserver"})
    assert ok.status_code == 201


def _roles_path(world: World, item_id: int | None = None) -> str:
    return f"/api/missions/{world.mission_id}/programme/{item_id or world.item_id}/roles"


def _grant(world: World, who: str, role: str = "speaker") -> dict[str, Any]:
    return {"user_id": world.users[who].id, "role": role}


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (lambda w: [{**_grant(w, "speaker"), "role": "keynote"}], (422, "invalid-choice", "roles")),
        (lambda w: [{"user_id": 999_999, "role": "speaker"}], (422, "not-a-member", "roles")),
        (lambda w: [_grant(w, "outsider")], (422, "not-a-member", "roles")),
        (lambda w: [{"user_id": 0, "role": "speaker"}], (422, "out-of-range", "roles")),
        (lambda w: [_grant(w, "speaker"), _grant(w, "speaker", "host")], (422, "duplicate-person", "roles")),
        (lambda w: [_grant(w, "speaker")] * 51, (422, "invalid-length", "roles")),
        (lambda w: [{**_grant(w, "speaker"), "note": "x"}], (422, "unknown-field", "roles")),
    ],
    ids=["unknown-role", "unknown-user", "non-member", "zero-id", "duplicate", "too-many", "unknown-field"],
)
def test_bad_role_grants_are_refused_and_grants_unchanged(world: World, roles: Any,
                                                           expected: tuple[int, str, str]) -> None:
    path = _roles_path(world)
    assert world.call("organiser", "PUT", path, {"roles": [_grant(world, "host", "host")]}).status_code == 200
    assert _error(world.call("organiser", "PUT", path, {"roles": roles(world)})) == expected
    shown = world.call("participant", "GET", path).json()["roles"]
    assert shown == [{"user_id": world.users["host"].id, "name": "Host Person", "organisation": "", "role": "host"}]


def test_roles_are_granted_for_items_with_a_live_room_only(world: World) -> None:
    """Webinars, group sessions and roundtables have a room with a host (the chair); a matchmaking block not."""
    from rooms.missions.mission import ItemKind
    from tests.support.world import item_draft

    missions = MissionService(world.store, world.clock)
    block = world.run(missions.add_item, world.users["organiser"], world.mission_id,
                      item_draft(ItemKind.MATCHMAKING))
    r = world.call("organiser", "PUT", _roles_path(world, block.id), {"roles": [_grant(world, "host", "host")]})
    assert _error(r) == (422, "not-a-webinar", None)
    assert world.run(world.store.item_roles, block.id) == {}
    session = world.run(missions.add_item, world.users["organiser"], world.mission_id,
                        item_draft(ItemKind.GROUP_SESSION))
    r = world.call("organiser", "PUT", _roles_path(world, session.id), {"roles": [_grant(world, "host", "host")]})
    assert r.status_code == 200, r.text


def test_an_item_of_another_mission_is_not_found_under_this_one(world: World) -> None:
    missions = MissionService(world.store, world.clock)
    from tests.support.world import item_draft

    foreign = world.run(missions.add_item, world.users["outsider"], world.other_mission_id, item_draft())
    for method, body in (("GET", None), ("PUT", {"roles": []})):
        r = world.call("organiser", method, _roles_path(world, foreign.id), body)
        assert _error(r)[:2] == (404, "item-not-found")


# -- matchmaking -------------------------------------------------------------------------------------------

from tests.unit.test_api_meetings import SLOT1, SLOT2, SLOT3, matchmaking_world  # noqa: E402


@pytest.fixture
def mm(world: World) -> World:
    return matchmaking_world(world)


def _ask(w: World, who: str, body: dict[str, Any]) -> Any:
    return w.call(who, "POST", f"/api/missions/{w.mission_id}/meetings/requests", body)


def _requests(w: World, who: str) -> int:
    return len(w.call(who, "GET", f"/api/missions/{w.mission_id}/meetings/requests").json())


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"slots": [SLOT3]}, (422, "unknown-slot", "slots")),
        ({"slots": ["2026-06-16T16:05:00Z"]}, (422, "unknown-slot", "slots")),
        ({"slots": ["2026-06-16T16:00:00"]}, (422, "naive-datetime", "slots")),
        ({"slots": [SLOT1] * 6}, (422, "invalid-length", "slots")),
        ({"slots": []}, (422, "invalid-length", "slots")),
        ({"slots": [SLOT1], "message": "x" * 501}, (422, "invalid-length", "message")),
        ({"slots": [SLOT1], "to": "someone"}, (422, "wrong-type", "to")),
        ({"slots": [SLOT1], "to": 0}, (422, "out-of-range", "to")),
    ],
    ids=lambda v: v[1] if isinstance(v, tuple) else None,
)
def test_bad_meeting_requests_are_refused_and_nothing_is_written(mm: World, body: dict[str, Any],
                                                                 expected: tuple[int, str, str | None]) -> None:
    full = {"to": mm.users["participant"].id, **body}
    assert _error(_ask(mm, "anna", full)) == expected
    assert _requests(mm, "anna") == 0


def test_requests_to_self_same_side_and_non_meeters_are_refused(mm: World) -> None:
    assert _error(_ask(mm, "anna", {"to": mm.users["anna"].id, "slots": [SLOT1]}))[:2] == (403, "to-self")
    assert _error(_ask(mm, "anna", {"to": mm.users["bram"].id, "slots": [SLOT1]}))[:2] == (403, "same-side")
    assert _error(_ask(mm, "anna", {"to": mm.users["host"].id, "slots": [SLOT1]}))[:2] == (403, "not-bookable")
    assert _error(_ask(mm, "anna", {"to": mm.users["outsider"].id, "slots": [SLOT1]}))[:2] == (404,
                                                                                             "person-not-found")
    assert _requests(mm, "anna") == 0


def test_accepting_twice_someone_elses_or_an_unproposed_slot_is_refused(mm: World) -> None:
    sent = _ask(mm, "anna", {"to": mm.users["participant"].id, "slots": [SLOT1]}).json()
    accept = f"/api/meeting-requests/{sent['id']}/accept"
    assert _error(mm.call("anna", "POST", accept, {"slot": SLOT1}))[:2] == (403, "not-allowed")
    assert _error(mm.call("speaker", "POST", accept, {"slot": SLOT1}))[:2] == (403, "not-allowed")
    assert _error(mm.call("outsider", "POST", accept, {"slot": SLOT1}))[:2] == (404, "request-not-found")
    assert mm.call("participant", "POST", accept, {"slot": SLOT2}).status_code == 422
    assert mm.call("participant", "POST", accept, {"slot": SLOT1}).status_code == 200
    assert _error(mm.call("participant", "POST", accept, {"slot": SLOT1}))[:2] == (409, "request-not-pending")
    assert len(mm.call("participant", "GET", f"/api/missions/{mm.mission_id}/meetings").json()) == 1


def test_rotated_or_unknown_feed_tokens_are_not_found(mm: World) -> None:
    old = mm.call("anna", "POST", "/api/calendar-feed").json()["url"].removeprefix(mm.settings.public_url)
    mm.call("anna", "POST", "/api/calendar-feed")
    for path in (old, "/calendar/x.ics", "/calendar/" + "a" * 500 + ".ics"):
        r = mm.client.get(path)
        assert (r.status_code, r.json()["error"]["code"]) == (404, "feed-not-found")
