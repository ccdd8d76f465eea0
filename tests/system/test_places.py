"""Places with a real server (docs/programme.md, "Places"): twenty people taking five places at the same instant,
people giving up places at once, two tabs of one person — as people act, over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest

from server.demo import mission1_members
from tests.support.procs import Server, env_for, roundtable, serving
from tests.support.wsclient import mint_tokens

CAPACITY = 5
CROWD = 20


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    e = env_for(tmp_path_factory.mktemp("places") / "var", ROUNDTABLE_JANUS="off")
    roundtable(e, "demo", "--no-links")
    return e


@pytest.fixture(scope="module")
def server(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(env, tmp_path_factory.mktemp("places-logs")) as s:
        yield s


@pytest.fixture(scope="module")
def tokens(server: Server, env: dict[str, str]) -> dict[str, str]:
    people = [m.email for m in mission1_members() if m.role.value == "participant"][:CROWD + 1]
    assert len(people) == CROWD + 1
    found = mint_tokens(env, {f"p{i}": email for i, email in enumerate(people)}
                        | {"organiser": "organiser@roundtable.example"})
    assert len(found) == CROWD + 2
    return found


async def _api(server: Server, token: str, method: str, path: str, body: Any = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as h:
        return await h.request(method, path, json=body)


async def _item(server: Server, tokens: dict[str, str], title: str) -> int:
    first = (await _api(server, tokens["organiser"], "GET", "/api/missions/1/programme")).json()[0]
    starts = dt.datetime.fromisoformat(first["starts_at"]) + dt.timedelta(days=1)
    made = await _api(server, tokens["organiser"], "POST", "/api/missions/1/programme", {
        "kind": "roundtable", "title": title, "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=1)).isoformat(), "capacity": CAPACITY})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


async def _places(server: Server, token: str, item: int) -> dict[str, Any]:
    got = await _api(server, token, "GET", "/api/missions/1/places")
    assert got.status_code == 200, got.text
    [mine] = [p for p in got.json() if p["item_id"] == item]
    return dict(mine)


async def test_twenty_people_taking_five_places_at_once(server: Server, tokens: dict[str, str]) -> None:
    item = await _item(server, tokens, "Roundtable with the minister")
    crowd = [f"p{i}" for i in range(CROWD)]
    answers = await asyncio.gather(*(_api(server, tokens[p], "POST", f"/api/missions/1/programme/{item}/signup")
                                     for p in crowd))
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers if a.status_code != 200]
    got = [a.json() for a in answers]
    confirmed = sorted(g["position"] for g in got if g["mine"] == "confirmed")
    waiting = sorted(g["position"] for g in got if g["mine"] == "waiting")
    assert confirmed == list(range(1, CAPACITY + 1))  # never a sixth, never two with one number
    assert waiting == list(range(1, CROWD - CAPACITY + 1))
    listed = (await _api(server, tokens["organiser"], "GET", f"/api/missions/1/programme/{item}/signups")).json()
    assert [p["status"] for p in listed["people"]] == ["confirmed"] * CAPACITY + ["waiting"] * (CROWD - CAPACITY)

    # Three holders give up their places at the same instant: the first three waiting move up, each told once.
    holders = [p for p, g in zip(crowd, got, strict=True) if g["mine"] == "confirmed"][:3]
    next_up = {g["position"]: p for p, g in zip(crowd, got, strict=True) if g["mine"] == "waiting"}
    gone = await asyncio.gather(*(_api(server, tokens[p], "DELETE", f"/api/missions/1/programme/{item}/signup")
                                  for p in holders))
    assert all(g.status_code == 200 and g.json()["mine"] is None for g in gone)
    for position in (1, 2, 3):
        moved = next_up[position]
        mine = await _places(server, tokens[moved], item)
        assert mine["mine"] == "confirmed", (position, mine)
        notes = (await _api(server, tokens[moved], "GET", "/api/notifications?mission=1")).json()
        assert [n["event"]["item_id"] for n in notes if n["event"]["kind"] == "n-place"] == [item]
    fourth = await _places(server, tokens[next_up[4]], item)
    assert (fourth["mine"], fourth["position"]) == ("waiting", 1)
    outbox = (await _api(server, tokens["organiser"], "GET", "/api/missions/1/outbox")).json()["mails"]
    assert sum(1 for m in outbox if m["template"] == "place-given") == 3, outbox[:3]


async def test_two_tabs_of_one_person_take_one_place(server: Server, tokens: dict[str, str]) -> None:
    item = await _item(server, tokens, "CEO breakfast")
    path = f"/api/missions/1/programme/{item}/signup"
    both = await asyncio.gather(*(_api(server, tokens["p20"], "POST", path) for _ in range(2)))
    assert [b.status_code for b in both] == [200, 200]
    assert {(b.json()["mine"], b.json()["position"], b.json()["taken"]) for b in both} == {("confirmed", 1, 1)}
    listed = (await _api(server, tokens["organiser"], "GET", f"/api/missions/1/programme/{item}/signups")).json()
    assert len(listed["people"]) == 1
    # Giving it up twice (a retry): the second finds nothing and tells nobody.
    for _ in range(2):
        again = await _api(server, tokens["p20"], "DELETE", path)
        assert again.status_code == 200 and again.json()["mine"] is None


async def test_bad_input_gets_a_clear_error(server: Server, tokens: dict[str, str]) -> None:
    item = await _item(server, tokens, "Closed roundtable")
    for body, code in (({"kind": "webinar", "capacity": 5}, "capacity-not-for-kind"),
                       ({"kind": "roundtable", "capacity": 0}, None), ({"kind": "roundtable", "capacity": "5"}, None)):
        first = (await _api(server, tokens["organiser"], "GET", "/api/missions/1/programme")).json()[0]
        made = await _api(server, tokens["organiser"], "POST", "/api/missions/1/programme", {
            "title": "x", "starts_at": first["starts_at"], "ends_at": first["ends_at"], **body})
        assert made.status_code == 422, made.text
        if code is not None:
            assert made.json()["error"]["code"] == code
    wrong = await _api(server, tokens["p1"], "POST", f"/api/missions/1/programme/{item}/checkin", {"code": "X" * 40})
    assert wrong.status_code == 422  # too long for a code, before anything is looked up
    nowhere = await _api(server, tokens["organiser"], "GET", f"/api/missions/1/programme/{item}/checkin-code")
    assert (nowhere.status_code, nowhere.json()["error"]["code"]) == (422, "checkin-not-here")  # an online mission
    assert (await _api(server, tokens["p1"], "GET", f"/api/missions/1/programme/{item}/signups")).status_code == 403
