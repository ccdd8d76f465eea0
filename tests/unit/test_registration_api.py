"""Public registration through the HTTP API on SQLite: the public page and form without an account, the
confirmation mail queued with the registration, the same answer for a second registration, the organiser's queue,
approval (the invitation mail; accepting it makes a member with the intake in their profile) and rejection (a mail
with the reason), closed pages, per-field errors and the limit per client address."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rooms.mail.templates import compose
from server.tokens import Purpose, Tokens
from tests.support.world import World, make_world


def _form(**changes: Any) -> dict[str, Any]:
    return {"name": "Renée de Vries", "email": "Renee@Example.org", "organisation": "Laadpaal BV",
            "side": "delegation", "country": "nl", "language": "nl", "org_type": "sme",
            "registration_number": "KvK 12345678", "website": "https://laadpaal.example",
            "sectors": ["EV charging"], "offers": "Fast chargers", "seeks": "Distributors", **changes}


def _open(w: World, **settings: Any) -> None:
    r = w.call("organiser", "PUT", f"/api/missions/{w.mission_id}/registration", {"open": True, **settings})
    assert r.status_code == 200, r.text


def _mails(w: World) -> list[Any]:
    return w.run(w.store.outbox, w.mission_id)  # type: ignore[no-any-return]


def test_a_registration_is_answered_alike_twice_and_mailed_in_its_language(world: World) -> None:
    page = world.call("anonymous", "GET", f"/api/register/{world.mission_id}")
    assert page.status_code == 404 and page.json()["error"]["code"] == "registration-closed"
    _open(world)
    page = world.call("anonymous", "GET", f"/api/register/{world.mission_id}")
    assert page.status_code == 200
    assert page.json()["title"] == "World mission" and page.json()["organiser"] == "Olga Organiser"
    assert page.json()["open"] is True and page.json()["sectors"] == ["EV charging"]

    first = world.call("anonymous", "POST", f"/api/register/{world.mission_id}", _form())
    again = world.call("anonymous", "POST", f"/api/register/{world.mission_id}", _form(name="Someone Else"))
    assert first.status_code == again.status_code == 202 and first.json() == again.json()
    templates = [(m.draft.template, m.draft.lang, m.draft.to_addr) for m in _mails(world)]
    assert templates == [("registration-again", "nl", "renee@example.org"),
                         ("registration-received", "nl", "renee@example.org")]
    text = compose(_mails(world)[1].draft, "http://testserver").text
    assert "Dank je voor je aanmelding voor World mission" in text and "Olga Organiser" in text

    queue = world.call("organiser", "GET", f"/api/missions/{world.mission_id}/registrations").json()
    assert len(queue) == 1 and queue[0]["status"] == "pending"
    assert queue[0]["draft"]["country"] == "NL" and queue[0]["draft"]["registration_number"] == "KvK 12345678"


def test_approval_invites_and_accepting_makes_a_member_with_the_intake(world: World) -> None:
    _open(world)
    world.call("anonymous", "POST", f"/api/register/{world.mission_id}", _form())
    rid = world.call("organiser", "GET", f"/api/missions/{world.mission_id}/registrations").json()[0]["id"]
    approved = world.call("organiser", "POST", f"/api/missions/{world.mission_id}/registrations/{rid}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    invitation_id = approved.json()["invitation_id"]
    mail = _mails(world)[0]
    assert (mail.draft.template, mail.draft.ref_id, mail.draft.lang) == ("invitation", invitation_id, "nl")
    twice = world.call("organiser", "POST", f"/api/missions/{world.mission_id}/registrations/{rid}/approve")
    assert twice.status_code == 422 and twice.json()["error"]["code"] == "registration-decided"

    token = Tokens(world.settings.secret_key).sign(Purpose.INVITATION, invitation_id)
    accepted = world.call("anonymous", "POST", "/api/invitations/accept", {"token": token, "name": "Renée de Vries"})
    assert accepted.status_code == 200, accepted.text
    people = world.call("organiser", "GET", f"/api/missions/{world.mission_id}/directory?q=Renée").json()
    entry = next(e for e in people["entries"] if e["profile"]["name"] == "Renée de Vries")
    assert entry["side"] == "delegation" and entry["profile"]["organisation"] == "Laadpaal BV"
    assert entry["profile"]["org_type"] == "sme" and entry["profile"]["sectors"] == ["EV charging"]
    profile = entry["profile"]
    assert (profile["country"], profile["website"], profile["offers"], profile["seeks"], profile["languages"]) == (
        "NL", "https://laadpaal.example", "Fast chargers", "Distributors", ["nl"])


def test_rejection_needs_a_reason_and_mails_it(world: World) -> None:
    _open(world)
    world.call("anonymous", "POST", f"/api/register/{world.mission_id}", _form(language="en"))
    rid = world.call("organiser", "GET", f"/api/missions/{world.mission_id}/registrations").json()[0]["id"]
    path = f"/api/missions/{world.mission_id}/registrations/{rid}/reject"
    blank = world.call("organiser", "POST", path, {"reason": "  "})
    assert blank.status_code == 422 and blank.json()["error"]["code"] == "reason-required"
    done = world.call("organiser", "POST", path, {"reason": "Only <b>partners</b> this time."})
    assert done.status_code == 200 and done.json()["reason"] == "Only <b>partners</b> this time."
    message = compose(_mails(world)[0].draft, "http://testserver")
    assert message.lang == "en" and "Only <b>partners</b> this time." in message.text
    assert "Only &lt;b&gt;partners&lt;/b&gt; this time." in message.html  # escaped in the HTML form


def test_bad_fields_are_named_and_a_closed_mission_takes_nothing(world: World) -> None:
    _open(world)
    url = f"/api/register/{world.mission_id}"
    for change, code, field in (({"email": "nope"}, "invalid-email", "email"),
                                ({"country": "Netherlands"}, "invalid-length", "country"),
                                ({"country": "1X"}, "invalid-country", "country"),
                                ({"website": "laadpaal"}, "invalid-website", "website"),
                                ({"organisation": " "}, "required", "organisation"),
                                ({"sectors": ["Mining"]}, "unknown-sector", "sectors")):
        r = world.call("anonymous", "POST", url, _form(**change))
        assert r.status_code == 422, (change, r.text)
        assert (r.json()["error"]["code"], r.json()["error"].get("field")) == (code, field), change
    assert _mails(world) == []
    yesterday = world.clock.now().date() - dt.timedelta(days=1)
    _open(world, closes_on=yesterday.isoformat())
    assert world.call("anonymous", "GET", url).json()["open"] is False
    late = world.call("anonymous", "POST", url, _form())
    assert late.status_code == 422 and late.json()["error"]["code"] == "registration-closed"
    assert world.call("anonymous", "GET", "/api/register/99999").json()["error"]["code"] == "registration-closed"


@pytest.fixture
def strict_world(tmp_path: Path) -> Iterator[World]:
    yield from make_world(tmp_path, link_per_address=2)


def test_registrations_are_limited_per_client_address(strict_world: World) -> None:
    w = strict_world
    _open(w)
    for n in range(2):
        ok = w.call("anonymous", "POST", f"/api/register/{w.mission_id}", _form(email=f"r{n}@x.org"))
        assert ok.status_code == 202
    refused = w.call("anonymous", "POST", f"/api/register/{w.mission_id}", _form(email="r9@x.org"))
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too-many-registrations"
    assert int(refused.headers["retry-after"]) >= 1
