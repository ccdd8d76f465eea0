"""The permission matrix: for every API endpoint, every role — who may, and what everyone else gets.

Non-members get 404 (a mission's existence is not revealed), members without the right 403 `not-allowed`,
anonymous callers 401 `not-signed-in`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from rooms.core.cards import Side
from server.app import all_endpoints
from tests.support.world import ROLES, World
from tests.unit.test_team_policy import TEAM_TEMPLATES

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
    upload: Callable[[World], bytes] | None = None  # a raw body (a roster file) instead of JSON


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
    Case("DELETE", P, lambda w: f"{_mission(w)}/people/{w.run(w.new_member)}", ORGANISER, ok=204),
    Case("POST", P + "/suspend", lambda w: f"{_mission(w)}/people/{w.run(w.new_member)}/suspend", ORGANISER,
         ok=204),
    Case("POST", P + "/reinstate", lambda w: f"{_mission(w)}/people/{w.run(w.new_suspended)}/reinstate", ORGANISER),
    Case("GET", M + "/suspended", lambda w: f"{_mission(w)}/suspended", ORGANISER),
    Case("POST", M + "/invitations", lambda w: f"{_mission(w)}/invitations", ORGANISER, _invitation_body, 201),
    Case("GET", M + "/invitations", lambda w: f"{_mission(w)}/invitations", ORGANISER),
    Case("GET", M + "/outbox", lambda w: f"{_mission(w)}/outbox", ORGANISER),
    Case("GET", M + "/organisations", lambda w: f"{_mission(w)}/organisations?side=partner", EVERY_MEMBER),
    Case("PUT", M + "/organisations/{organisation_id:int}",
         lambda w: f"{_mission(w)}/organisations/{w.run(w.new_organisation)}", ORGANISER,
         lambda w: {"name": f"Renamed {w.unique()}", "org_type": "sme", "registration_number": str(w.unique())}),
    Case("POST", M + "/organisations/merge", lambda w: f"{_mission(w)}/organisations/merge", ORGANISER,
         lambda w: {"source": w.run(w.new_organisation), "target": w.run(w.new_organisation)}),
    Case("GET", "/api/me", lambda w: "/api/me", SIGNED_IN),
    Case("GET", "/api/me/profile", lambda w: "/api/me/profile", SIGNED_IN),
    Case("PUT", "/api/me/profile", lambda w: "/api/me/profile", SIGNED_IN,
         lambda w: {"name": "Someone New", "org_type": "sme", "country": "NL"}),
    Case("PUT", "/api/me/password", lambda w: "/api/me/password", SIGNED_IN,
         lambda w: {"password": "a long new password"}, 204),
    Case("POST", "/api/auth/token", lambda w: "/api/auth/token", SIGNED_IN, lambda w: {}),
    Case("POST", "/api/auth/logout-everywhere", lambda w: "/api/auth/logout-everywhere", SIGNED_IN, ok=204),
    Case("GET", "/api/me/reminders", lambda w: "/api/me/reminders", SIGNED_IN),
    Case("PUT", "/api/me/reminders", lambda w: "/api/me/reminders", SIGNED_IN,
         lambda w: {"kinds": [{"kind": "digest", "mail": False, "app": True}]}),
]
# Public endpoints: authorised by what they carry (a token, a password), proven in test_api_bad_input.py.
PUBLIC = {("POST", "/api/auth/password"), ("POST", "/api/auth/request-link"), ("POST", "/api/auth/link/peek"),
          ("POST", "/api/auth/link/use"), ("POST", "/api/auth/logout"), ("POST", "/api/invitations/peek"),
          ("POST", "/api/invitations/accept"),
          # A reminder mail's signed link (tests/system/test_reminders_mail.py: forged → unsubscribe-invalid).
          ("POST", "/api/unsubscribe"), ("POST", "/api/unsubscribe/undo")}


def test_matrix_covers_every_endpoint() -> None:
    declared = {(e.method, e.path) for e in all_endpoints()}
    covered = {(c.method, c.template) for c in CASES} | PUBLIC | OWN | TEAM_TEMPLATES
    assert declared == covered
    assert {(e.method, e.path) for e in all_endpoints() if e.public} == PUBLIC


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.template}")
def test_who_may_and_who_may_not(world: World, case: Case) -> None:
    outcomes: dict[str, tuple[int, str | None]] = {}
    for who in ROLES:
        body = case.body(world) if case.body else None
        if case.upload is not None:
            response = world.call(who, case.method, case.path(world), content=case.upload(world),
                                  headers={"content-type": "text/csv"})
        else:
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
            expected[who] = (404, outcomes[who][1] if outcomes[who][1] in ("mission-not-found", "item-not-found",
                                                                       "meeting-not-found", "request-not-found",
                                                                       "recording-not-found")
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
    from rooms.missions.people import ItemRole

    item = w.run(w.new_item)
    w.run(w.store.set_item_roles, item, {w.users["host"].id: ItemRole.HOST,
                                         w.users["moderator"].id: ItemRole.MODERATOR,
                                         w.users["speaker"].id: ItemRole.SPEAKER})
    return f"{_mission(w)}/programme/{item}/attendance"


CASES.append(Case("GET", A, _attendance, {"organiser", "host", "moderator"}))
CASES.append(Case("GET", M + "/webinars", lambda w: f"{_mission(w)}/webinars", EVERY_MEMBER))


# -- matchmaking (docs/matchmaking.md) ---------------------------------------------------------------------
# The world's meeters (speaker, participant) are partners; each case meets a fresh delegate in a fresh slot of a
# long matchmaking block, so one role's call never spoils the next one's.

MM_DAY = "2026-06-16T16:00:00Z"


def _mm_slot(w: World, k: int) -> str:
    import datetime as dt

    start = dt.datetime(2026, 6, 16, 16, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=25 * (k % 19))
    return start.isoformat().replace("+00:00", "Z")


async def _mm_ready(w: World) -> None:
    import datetime as dt

    from rooms.matchmaking.records import MatchmakingRules
    from rooms.missions.mission import ItemDraft, ItemKind

    rules = await w.store.get_rules(w.mission_id)
    if rules.organiser_booking:
        return
    start = dt.datetime(2026, 6, 16, 16, 0, tzinfo=dt.UTC)
    await w.store.add_item(w.mission_id, ItemDraft(kind=ItemKind.MATCHMAKING, title="Matchmaking", starts_at=start,
                                                   ends_at=start + dt.timedelta(hours=8)))
    await w.store.save_rules(w.mission_id, MatchmakingRules(organiser_booking=True))


async def _mm_delegate(w: World) -> int:
    from rooms.core.cards import Side
    from rooms.missions.accounts import AccountService
    from rooms.missions.people import Role

    await _mm_ready(w)
    user = await AccountService(w.store, w.clock).ensure_user(f"delegate{w.unique()}@world.example", "Del Egate")
    await w.store.set_membership(w.mission_id, user.id, Role.PARTICIPANT, Side.DELEGATION)
    return user.id


async def _mm_request(w: World, outgoing: bool) -> int:
    """A pending request between the world's participant and a fresh delegate (from the participant if
    `outgoing`), in a fresh slot."""
    import datetime as dt

    delegate = await _mm_delegate(w)
    # The case's body (built first) may have chosen the slot this request proposes.
    slot = dt.datetime.fromisoformat(w.__dict__.pop("mm_next_slot", None) or _mm_slot(w, w.unique()))
    me = w.users["participant"].id
    a, b = (me, delegate) if outgoing else (delegate, me)
    return (await w.store.create_request(w.mission_id, a, b, "Hello", [slot], w.clock.now())).id


async def _mm_meeting(w: World) -> int:
    import datetime as dt

    delegate = await _mm_delegate(w)
    item = next(i for i in await w.store.programme(w.mission_id) if i.kind.value == "matchmaking")
    start = dt.datetime.fromisoformat(_mm_slot(w, w.unique()))
    found = await w.store.book(w.mission_id, w.users["participant"].id, delegate, item.id, start,
                               start + dt.timedelta(minutes=20), w.users["participant"].id, 30, w.clock.now())
    return found.id


def _mm(w: World, tail: str) -> str:
    w.run(_mm_ready, w)
    return f"{_mission(w)}{tail}"


def _incoming(w: World, tail: str) -> str:
    return f"/api/meeting-requests/{w.run(_mm_request, w, False)}{tail}"


def _outgoing(w: World, tail: str) -> str:
    return f"/api/meeting-requests/{w.run(_mm_request, w, True)}{tail}"


def _meeting(w: World, tail: str = "") -> str:
    return f"/api/meetings/{w.run(_mm_meeting, w)}{tail}"


def _next_slot(w: World) -> str:
    slot: str = w.__dict__.setdefault("mm_next_slot", _mm_slot(w, w.unique()))
    return slot


MEETERS = {"speaker", "participant"}
MEMBER = {"participant"}
MMR = M + "/matchmaking"
REQ = "/api/meeting-requests/{request_id:int}"
MT = "/api/meetings/{meeting_id:int}"

CASES.extend([
    Case("GET", MMR + "/rules", lambda w: _mm(w, "/matchmaking/rules"), EVERY_MEMBER),
    Case("PUT", MMR + "/rules", lambda w: _mm(w, "/matchmaking/rules"), ORGANISER,
         lambda w: {"organiser_booking": True}),
    Case("GET", MMR + "/slots", lambda w: _mm(w, "/matchmaking/slots"), EVERY_MEMBER),
    Case("PUT", MMR + "/availability", lambda w: _mm(w, "/matchmaking/availability"), MEETERS,
         lambda w: {"slots": [MM_DAY]}),
    Case("GET", MMR + "/recommendations", lambda w: _mm(w, "/matchmaking/recommendations"), EVERY_MEMBER),
    Case("GET", MMR + "/meetings", lambda w: _mm(w, "/matchmaking/meetings"), ORGANISER),
    Case("GET", MMR + "/standing",
         lambda w: _mm(w, f"/matchmaking/standing?person={w.users['participant'].id}"), EVERY_MEMBER),
    Case("POST", M + "/meetings/requests", lambda w: _mm(w, "/meetings/requests"), MEETERS,
         lambda w: {"to": w.run(_mm_delegate, w), "slots": [_mm_slot(w, w.unique())]}, 201),
    Case("GET", M + "/meetings/requests", lambda w: _mm(w, "/meetings/requests"), EVERY_MEMBER),
    Case("POST", M + "/meetings", lambda w: _mm(w, "/meetings"), ORGANISER,
         lambda w: {"a": w.run(_mm_delegate, w), "b": w.users["participant"].id, "slot": _mm_slot(w, w.unique())},
         201),
    Case("GET", M + "/meetings", lambda w: _mm(w, "/meetings"), EVERY_MEMBER),
    Case("GET", M + "/leads", lambda w: _mm(w, "/leads"), EVERY_MEMBER),
    Case("GET", M + "/schedule", lambda w: _mm(w, "/schedule"), EVERY_MEMBER),
    Case("POST", REQ + "/accept", lambda w: _incoming(w, "/accept"), MEMBER,
         lambda w: {"slot": _next_slot(w)}),
    Case("POST", REQ + "/decline", lambda w: _incoming(w, "/decline"), MEMBER, lambda w: {}),
    Case("POST", REQ + "/counter", lambda w: _incoming(w, "/counter"), MEMBER,
         lambda w: {"slots": [_mm_slot(w, w.unique())]}),
    Case("POST", REQ + "/cancel", lambda w: _outgoing(w, "/cancel"), MEMBER),
    Case("GET", MT, _meeting, MEMBER),
    Case("POST", MT + "/cancel", lambda w: _meeting(w, "/cancel"), MEMBER | ORGANISER),
    Case("POST", MT + "/reschedule", lambda w: _meeting(w, "/reschedule"), MEMBER,
         lambda w: {"slots": [_mm_slot(w, w.unique())]}),
    Case("GET", MT + "/notes", lambda w: _meeting(w, "/notes"), MEMBER),
    Case("PUT", MT + "/notes", lambda w: _meeting(w, "/notes"), MEMBER, lambda w: {"notes": "Good talk"}),
    Case("GET", MT + ".ics", lambda w: _meeting(w, ".ics"), MEMBER),
    Case("GET", "/api/notifications", lambda w: f"/api/notifications?mission={w.mission_id}", EVERY_MEMBER),
    Case("POST", "/api/notifications/read", lambda w: "/api/notifications/read", SIGNED_IN,
         lambda w: {"upto_seq": 0}),
    Case("POST", "/api/calendar-feed", lambda w: "/api/calendar-feed", SIGNED_IN, ok=201),
])
# The feed is authorised by the secret in its URL (tests/unit/test_calendar.py).
PUBLIC.add(("GET", "/calendar/{token}.ics"))


# -- meeting room: ICE servers (its two members only) ------------------------------------------------------


def _meeting_ice(w: World) -> str:
    """A fresh meeting between the host and the participant, at a time of its own (they are never double-booked)."""
    import datetime as dt

    from rooms.missions.mission import ItemKind
    from tests.support.world import item_draft

    async def book() -> int:
        from rooms.missions.service import MissionService

        item = await MissionService(w.store, w.clock).add_item(w.users["organiser"], w.mission_id,
                                                               item_draft(ItemKind.MATCHMAKING))
        start = dt.datetime(2026, 6, 15, 16, 0, tzinfo=dt.UTC) + dt.timedelta(hours=w.unique())
        meeting = await w.store.book(w.mission_id, w.users["host"].id, w.users["participant"].id, item.id, start,
                                     start + dt.timedelta(minutes=20), w.users["organiser"].id, 30, w.clock.now())
        return meeting.id

    return f"/api/meetings/{w.run(book)}/ice"


CASES.append(Case("GET", "/api/meetings/{meeting_id:int}/ice", _meeting_ice, {"host", "participant"}))


# -- bulk onboarding ---------------------------------------------------------------------------------------

INV = M + "/invitations/{invitation_id:int}"


def _roster(w: World) -> bytes:
    return f"name,email,side\nGuest,roster{w.unique()}@world.example,partner\n".encode()


async def _new_invitation(w: World) -> int:
    from rooms.missions.people import InvitationDraft
    from rooms.missions.service import MissionService
    draft = InvitationDraft(email=f"open{w.unique()}@world.example", name="Open", side=Side.PARTNER)
    return (await MissionService(w.store, w.clock).invite(w.users["organiser"], w.mission_id, draft)).id


def _invitation(action: str) -> Callable[[World], str]:
    return lambda w: f"{_mission(w)}/invitations/{w.run(_new_invitation, w)}/{action}"


CASES.extend([
    Case("POST", M + "/roster/preview", lambda w: f"{_mission(w)}/roster/preview", ORGANISER, upload=_roster),
    Case("POST", M + "/roster/import", lambda w: f"{_mission(w)}/roster/import", ORGANISER, upload=_roster,
         ok=201),
    Case("GET", M + "/invitees", lambda w: f"{_mission(w)}/invitees", ORGANISER),
    Case("POST", INV + "/resend", _invitation("resend"), ORGANISER),
    Case("POST", INV + "/revoke", _invitation("revoke"), ORGANISER),
    Case("POST", INV + "/link", _invitation("link"), ORGANISER),
])


# -- mission as template, colleagues who may create missions ------------------------------------------------
# Copying is for the source's organisers who may create missions; the creators list is for those who may create
# missions (the world's organiser and outsider), whatever their missions.

CREATORS = {"organiser", "outsider"}


def _copy_body(w: World) -> dict[str, Any]:
    return {"title": f"Next mission {w.unique()}", "start_date": "2026-09-07"}


async def _fresh_creator(w: World) -> int:
    n = w.unique()
    user = await w.store.create_user(f"creator{n}@world.example", f"Creator {n}", w.clock.now(),
                                     can_create_missions=True)
    return user.id


CASES.extend([
    Case("POST", M + "/copy", lambda w: f"{_mission(w)}/copy", ORGANISER, _copy_body, 201),
    Case("GET", "/api/mission-creators", lambda w: "/api/mission-creators", CREATORS),
    Case("POST", "/api/mission-creators", lambda w: "/api/mission-creators", CREATORS,
         lambda w: {"email": f"colleague{w.unique()}@world.example"}, 201),
    Case("DELETE", "/api/mission-creators/{user_id:int}",
         lambda w: f"/api/mission-creators/{w.run(_fresh_creator, w)}", CREATORS, ok=204),
])


# -- registration ------------------------------------------------------------------------------------------

REG = M + "/registrations/{registration_id:int}"
PUBLIC |= {("GET", "/api/register/{mission_id:int}"), ("POST", "/api/register/{mission_id:int}")}


async def _new_registration(w: World) -> int:
    from rooms.mail.outbox import MailDraft
    from rooms.registration.records import RegistrationDraft
    n = w.unique()
    draft = RegistrationDraft(name="Reg", email=f"reg{n}@world.example", organisation="Acme", side=Side.PARTNER,
                              country="NL")
    mail = MailDraft(template="registration-received", to_addr=draft.email, to_name="Reg", lang="en",
                     sender_name="W", mission_id=w.mission_id)
    return (await w.store.create_registration(w.mission_id, draft, w.clock.now(), mail)).id


def _registration(action: str) -> Callable[[World], str]:
    return lambda w: f"{_mission(w)}/registrations/{w.run(_new_registration, w)}/{action}"


CASES.extend([
    Case("GET", M + "/registration", lambda w: f"{_mission(w)}/registration", ORGANISER),
    Case("PUT", M + "/registration", lambda w: f"{_mission(w)}/registration", ORGANISER,
         lambda w: {"open": True, "closes_on": None}),
    Case("GET", M + "/registrations", lambda w: f"{_mission(w)}/registrations", ORGANISER),
    Case("POST", REG + "/approve", _registration("approve"), ORGANISER),
    Case("POST", REG + "/reject", _registration("reject"), ORGANISER, lambda w: {"reason": "Full."}),
])


# -- leads (docs/leads.md) ---------------------------------------------------------------------------------
# A person's own leads: anyone signed in has a (maybe empty) list; adding one, a target and the carried-over leads
# are per mission, for its members. One lead is its owner's alone: everyone else gets 404 `lead-not-found`, the
# answer to an unknown id (so these are not in the matrix's 403 shape; OWN_LEAD below).

CASES.extend([
    Case("GET", "/api/leads", lambda w: "/api/leads", SIGNED_IN),
    Case("GET", "/api/leads.csv", lambda w: "/api/leads.csv", SIGNED_IN),
    Case("GET", "/api/leads.vcf", lambda w: "/api/leads.vcf", SIGNED_IN),
    Case("POST", "/api/leads", lambda w: "/api/leads", EVERY_MEMBER,
         lambda w: {"mission_id": w.mission_id, "contact": {"name": "Kim"}}, 201),
    Case("PUT", M + "/lead-target", lambda w: f"{_mission(w)}/lead-target", EVERY_MEMBER, lambda w: {"target": 20}),
    Case("GET", M + "/carried-leads", lambda w: f"{_mission(w)}/carried-leads", EVERY_MEMBER),
])

# -- results (docs/results.md): the mission's figures, for its organisers alone --------------------------------

CASES.extend([
    Case("GET", M + "/results", lambda w: f"{_mission(w)}/results", ORGANISER),
    Case("GET", M + "/results/{table:str}.csv", lambda w: f"{_mission(w)}/results/webinars.csv", ORGANISER),
    Case("GET", M + "/results.xlsx", lambda w: f"{_mission(w)}/results.xlsx", ORGANISER),
    Case("GET", M + "/results/charts/{chart:str}.svg", lambda w: f"{_mission(w)}/results/charts/matchmaking.svg",
         ORGANISER),
])

# -- teams (docs/ledger.md): starting one is for those who may create missions; a team's own endpoints answer its
# members alone, everyone else 404 `team-not-found` (tests/unit/test_team_policy.py, TEAM_TEMPLATES below).

CASES.extend([
    Case("GET", "/api/teams", lambda w: "/api/teams", SIGNED_IN),
    Case("POST", "/api/teams", lambda w: "/api/teams", {"organiser", "outsider"},
         lambda w: {"name": f"Team {w.unique()}"}, 201),
])

LEAD = "/api/leads/{lead_id:int}"
OWN_LEAD = [("GET", LEAD, None), ("PUT", LEAD, {"status": "contacted"}), ("GET", LEAD + ".vcf", None)]
OWN = {(method, template) for method, template, _ in OWN_LEAD}


@pytest.mark.parametrize(("method", "template", "body"), OWN_LEAD, ids=lambda x: str(x))
def test_a_lead_is_its_owners_alone(world: World, method: str, template: str, body: Any) -> None:
    async def add() -> int:
        from rooms.leads.records import Contact, ManualLead

        made = await world.store.add_manual_lead(world.users["participant"].id, ManualLead(
            mission_id=world.mission_id, contact=Contact(name="Kim")), world.clock.now())
        return made.lead.id

    path = template.replace("{lead_id:int}", str(world.run(add)))
    outcomes = {}
    for who in ROLES:
        response = world.call(who, method, path, body)
        outcomes[who] = (response.status_code,
                         response.json()["error"]["code"] if response.status_code >= 400 else None)
    assert outcomes == {who: (200, None) if who == "participant" else (401, "not-signed-in") if who == "anonymous"
                        else (404, "lead-not-found") for who in ROLES}


# -- tracks and invite lists (docs/programme.md) ---------------------------------------------------------------

TR = M + "/tracks"


def _new_track(w: World) -> int:
    from rooms.missions.audience import Track

    track: Track = w.run(w.store.create_track, w.mission_id, f"Track {w.unique()}")
    return track.id


CASES.extend([
    Case("GET", TR, lambda w: f"{_mission(w)}/tracks", EVERY_MEMBER),
    Case("POST", TR, lambda w: f"{_mission(w)}/tracks", ORGANISER, lambda w: {"name": f"Health {w.unique()}"}, 201),
    Case("PUT", TR + "/{track_id:int}", lambda w: f"{_mission(w)}/tracks/{_new_track(w)}", ORGANISER,
         lambda w: {"name": f"Sport {w.unique()}", "members": [w.users["participant"].id]}),
    Case("DELETE", TR + "/{track_id:int}", lambda w: f"{_mission(w)}/tracks/{_new_track(w)}", ORGANISER, ok=204),
    Case("GET", M + "/programme/{item_id:int}/invitees", lambda w: f"{_mission(w)}/programme/{w.item_id}/invitees",
         ORGANISER),
    Case("PUT", M + "/programme/{item_id:int}/invitees", lambda w: f"{_mission(w)}/programme/{w.item_id}/invitees",
         ORGANISER, lambda w: {"user_ids": [w.users["participant"].id]}),
])


# -- places and check-in (docs/programme.md) ---------------------------------------------------------------------

IT = M + "/programme/{item_id:int}"


def _visit(w: World, capacity: int | None = 5) -> int:
    """A fresh company visit that is on now (the world's mission is hybrid), with places."""
    import datetime as dt

    from rooms.missions.mission import ItemDraft, ItemKind, ProgrammeItem

    now = w.clock.now()
    mission = w.run(w.store.get_mission, w.mission_id)
    assert mission is not None
    draft = ItemDraft(kind=ItemKind.COMPANY_VISIT, title=f"Visit {w.unique()}", starts_at=now,
                      ends_at=now + dt.timedelta(hours=2), address="Pier 1", capacity=capacity)
    item: ProgrammeItem = w.run(w.store.add_item, w.mission_id, draft)
    return item.id


def _visit_path(w: World, tail: str) -> str:
    return f"{_mission(w)}/programme/{_visit(w)}{tail}"


def _coded(w: World) -> str:
    item = _visit(w, None)
    w.run(w.store.keep_checkin_code, item, "ABC234")
    return f"{_mission(w)}/programme/{item}/checkin"


CASES.extend([
    Case("GET", M + "/places", lambda w: f"{_mission(w)}/places", EVERY_MEMBER),
    Case("POST", IT + "/signup", lambda w: _visit_path(w, "/signup"), EVERY_MEMBER),
    Case("DELETE", IT + "/signup", lambda w: _visit_path(w, "/signup"), EVERY_MEMBER),
    Case("GET", IT + "/signups", lambda w: _visit_path(w, "/signups"), ORGANISER),
    Case("DELETE", IT + "/signups/{user_id:int}",
         lambda w: _visit_path(w, f"/signups/{w.users['participant'].id}"), ORGANISER),
    Case("GET", IT + "/checkin-code", lambda w: _visit_path(w, "/checkin-code"), ORGANISER),
    Case("POST", IT + "/checkin", _coded, EVERY_MEMBER, lambda w: {"code": "abc-234"}),
    Case("POST", IT + "/checkins/{user_id:int}", lambda w: _visit_path(w, f"/checkins/{w.users['participant'].id}"),
         ORGANISER),
])


# -- recordings (docs/webinar.md, "Recording") -------------------------------------------------------------------


def _webinar(w: World) -> int:
    import datetime as dt

    from rooms.missions.mission import ItemDraft, ItemKind, ProgrammeItem

    now = w.clock.now()
    draft = ItemDraft(kind=ItemKind.WEBINAR, title=f"Recorded {w.unique()}", starts_at=now - dt.timedelta(hours=2),
                      ends_at=now - dt.timedelta(hours=1))
    item: ProgrammeItem = w.run(w.store.add_item, w.mission_id, draft)
    return item.id


def _recording(w: World) -> str:
    """A fresh, ready public recording with its file on disk."""
    import datetime as dt

    item = _webinar(w)
    claimed = w.run(w.store.claim_render, item, False, w.clock.now(), dt.timedelta(minutes=30))
    assert claimed is not None
    files = w.settings.var_dir / "recordings" / str(item) / "files"
    files.mkdir(parents=True, exist_ok=True)
    (files / "stage.webm").write_bytes(b"\x1aE\xdf\xa3" + bytes(1000))
    w.run(w.store.finish_render, claimed.id, "stage.webm", 2000, 1004, w.clock.now())
    return f"{_mission(w)}/recordings/{claimed.id}"


CASES.extend([
    Case("GET", IT + "/recordings", lambda w: f"{_mission(w)}/programme/{_webinar(w)}/recordings", EVERY_MEMBER),
    Case("PUT", IT + "/recording-link", lambda w: f"{_mission(w)}/programme/{_webinar(w)}/recording-link", ORGANISER,
         lambda w: {"url": "https://video.example/watch?v=1"}),
    Case("DELETE", M + "/recordings/{recording_id:int}", _recording, ORGANISER, ok=204),
    Case("GET", M + "/recordings/{recording_id:int}/file", lambda w: _recording(w) + "/file", EVERY_MEMBER),
])
