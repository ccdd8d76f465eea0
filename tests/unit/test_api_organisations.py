"""Organisations over HTTP against the test world (real app, SQLite with real migrations): people who spell their
company differently count as one company taking part; the grouped directory; an organiser's edit and merge."""

from __future__ import annotations

from typing import Any

from tests.support.world import World


def _profile(world: World, who: str, organisation: str, country: str, sectors: list[str] | None = None) -> Any:
    response = world.call(who, "PUT", "/api/me/profile", {
        "name": f"{who.title()} Person", "organisation": organisation, "org_type": "sme", "country": country,
        "sectors": sectors or []})
    assert response.status_code == 200, response.text
    return response.json()


def test_two_spellings_of_one_company_count_as_one_company(world: World) -> None:
    a = _profile(world, "speaker", "Acme B.V.", "NL", ["Water"])
    b = _profile(world, "participant", "ACME bv", "NL", ["Energy"])
    assert a["organisation_id"] == b["organisation_id"] is not None
    _profile(world, "host", "Acme", "US")
    _profile(world, "moderator", "Globex GmbH", "DE")
    page = world.call("participant", "GET", f"/api/missions/{world.mission_id}/organisations").json()
    assert page["companies"] == {"total": 3, "by_side": {"delegation": 2, "partner": 1},
                                 "by_org_type": {"sme": 3}, "people_without_organisation": 0}
    acme = next(o for o in page["organisations"] if o["organisation"]["id"] == a["organisation_id"])
    assert acme["organisation"]["name"] == "Acme B.V." and acme["organisation"]["country"] == "NL"
    assert [p["name"] for p in acme["people"]] == ["Participant Person", "Speaker Person"]
    assert acme["sides"] == ["partner"] and acme["sectors"] == ["Energy", "Water"]
    # The organiser (no side) is staff, listed without an organisation, and not a company taking part.
    assert [p["role"] for p in page["unaffiliated"]] == ["organiser"]
    # The directory's filters hold: partners only, then a sector.
    partners = world.call("host", "GET", f"/api/missions/{world.mission_id}/organisations?side=partner").json()
    assert [o["organisation"]["name"] for o in partners["organisations"]] == ["Acme B.V."]
    water = world.call("host", "GET", f"/api/missions/{world.mission_id}/organisations?sector=water").json()
    assert [[p["name"] for p in o["people"]] for o in water["organisations"]] == [["Speaker Person"]]
    bad = world.call("host", "GET", f"/api/missions/{world.mission_id}/organisations?country=N1")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid-country"


def test_an_organiser_corrects_and_merges_organisations(world: World) -> None:
    mid = world.mission_id
    acme = _profile(world, "speaker", "Acme B.V.", "NL")["organisation_id"]
    typo = _profile(world, "participant", "Acem", "NL")["organisation_id"]
    edited = world.call("organiser", "PUT", f"/api/missions/{mid}/organisations/{acme}", {
        "name": "Acme B.V.", "org_type": "corporate", "registration_number": "KvK 1234 5678",
        "website": "https://acme.example"})
    assert edited.status_code == 200 and edited.json()["registration_number"] == "12345678"
    taken = world.call("organiser", "PUT", f"/api/missions/{mid}/organisations/{typo}", {
        "name": "Acem", "org_type": "sme", "registration_number": "12345678"})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "registration-taken"
    same = world.call("organiser", "POST", f"/api/missions/{mid}/organisations/merge",
                      {"source": acme, "target": acme})
    assert same.status_code == 422 and same.json()["error"]["code"] == "merge-same"
    merged = world.call("organiser", "POST", f"/api/missions/{mid}/organisations/merge",
                        {"source": typo, "target": acme})
    assert merged.status_code == 200 and merged.json()["org_type"] == "corporate"
    page = world.call("organiser", "GET", f"/api/missions/{mid}/organisations").json()
    assert [len(o["people"]) for o in page["organisations"]] == [2]
    assert page["companies"]["total"] == 1 and page["companies"]["by_org_type"] == {"corporate": 1}
    # An organisation with nobody in this mission is not this organiser's to touch.
    outsider = _profile(world, "outsider", "Initech", "NL")["organisation_id"]
    refused = world.call("organiser", "PUT", f"/api/missions/{mid}/organisations/{outsider}",
                         {"name": "Initech", "org_type": "sme"})
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "organisation-not-found"
    gone = world.call("organiser", "POST", f"/api/missions/{mid}/organisations/merge",
                      {"source": typo, "target": acme})
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "organisation-not-found"
