"""A large lobby's `joined` carries counts and a first page of people, and `presence-page` brings the rest: a real
server process (in-memory presence, and Redis presence on a private redis-server), real WebSocket clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from server.ws.rooms.presence_batch import WINDOW
from tests.support.crowd import arrive, crowd_email, seed_crowd
from tests.support.procs import Server, env_for, roundtable, serving
from tests.support.services import RedisServer
from tests.support.wsclient import Client, mint_tokens

LOBBY = "lobby:1"
CROWD = 130  # more than one page (100)
STORM = 40  # more people, who arrive all at once
PAGE = 100

# One event loop for the module: the crowd's sockets are opened once and serve every test.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module", params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def setup(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Server, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp(f"pages-{request.param}")
    redis: RedisServer | None = None
    extra: dict[str, str] = {}
    if request.param == "redis":
        redis = RedisServer(tmp)
        redis.start()
        extra["ROUNDTABLE_REDIS_URL"] = redis.url
    try:
        env = env_for(tmp / "var", **extra)
        roundtable(env, "demo", "--no-links")
        seed_crowd(f"sqlite+aiosqlite:///{env['ROUNDTABLE_VAR_DIR']}/roundtable.db", CROWD + STORM)
        with serving(env, tmp) as server:
            emails = {f"c{n}": crowd_email(n) for n in range(CROWD + STORM)}
            emails |= {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example"}
            yield server, mint_tokens(env, emails)
    finally:
        if redis is not None:
            redis.kill()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def crowd(setup: tuple[Server, dict[str, str]]) -> AsyncIterator[list[Client]]:
    """The crowd, in the lobby."""
    server, tokens = setup
    clients: list[Client] = []
    try:
        clients = await arrive(server.url, [tokens[f"c{n}"] for n in range(CROWD)], LOBBY)
        yield clients
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


async def reply(client: Client, message: dict[str, Any]) -> dict[str, Any]:
    rid = await client.request(message)
    frame = await client.expect("presence-page", "error", "pong")
    assert frame.get("id") == rid, frame
    return frame


async def all_people(client: Client, first: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    people, after = list(first["presence"]), first.get("presence_next")
    while after is not None:
        page = await reply(client, {"type": "presence-page", "room": LOBBY, "after": after, "limit": limit})
        assert page["type"] == "presence-page" and page["room"] == LOBBY, page
        assert len(page["members"]) <= limit
        people += page["members"]
        after = page.get("next")
    return people


async def changes_until(client: Client, done: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The presence frames a client gets until `done(changes)`: the frames, and the changes in them."""
    frames: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    while not done(changes):
        frame = await client.recv(timeout=10)
        if frame["type"] == "presence-batch":
            frames.append(frame)
            changes += frame["changes"]
        elif frame["type"].startswith("presence-"):
            frames.append(frame)
            changes.append(frame)
    return frames, changes


async def test_a_storm_of_arrivals_reaches_everyone_in_few_frames_each_person_once(
        setup: tuple[Server, dict[str, str]], crowd: list[Client]) -> None:
    server, tokens = setup
    mike = await Client.open(server.url, tokens["mike"])
    storm: list[Client] = []
    try:
        await mike.join(LOBBY)
        # Changes made just before Mike's join may reach him after it (his own arrival among them, batched after
        # the crowd's last): let that window end and pass over them.
        await asyncio.sleep(2 * WINDOW)
        await reply(mike, {"type": "ping"})  # what came before the pong is read (and passed over)
        before = await reply(mike, {"type": "presence-page", "room": LOBBY, "after": 0, "limit": 1})
        assert before["counts"]["total"] == len(crowd) + 1
        storm = await arrive(server.url, [tokens[f"c{n}"] for n in range(CROWD, CROWD + STORM)], LOBBY,
                             at_once=STORM)
        ids = {c.welcome["user"]["id"] for c in storm}
        frames, changes = await changes_until(mike, lambda got: len(got) >= STORM)
        assert sorted(c["member"]["user_id"] for c in changes) == sorted(ids)  # each once, nobody else
        assert {c["type"] for c in changes} == {"presence-join"}
        assert len(frames) < STORM  # batched: not one frame per arrival
        assert any(f["type"] == "presence-batch" for f in frames)
        # What a client following the frames counts (web/live.js): a batch sets the counts, a lone join adds one.
        total = before["counts"]["total"]
        for f in frames:
            total = f["counts"]["total"] if f["type"] == "presence-batch" else total + 1
        assert total == len(crowd) + 1 + STORM

        await asyncio.gather(*(c.close() for c in storm))
        frames, changes = await changes_until(mike, lambda got: len(got) >= STORM)
        assert sorted(c["user_id"] for c in changes) == sorted(ids)
        assert {c["type"] for c in changes} == {"presence-leave"}
        page = await reply(mike, {"type": "presence-page", "room": LOBBY, "after": 0, "limit": 1})
        assert page["counts"]["total"] == len(crowd) + 1
    finally:
        await asyncio.gather(*(c.close() for c in storm), return_exceptions=True)
        await mike.close()


async def test_a_large_lobby_answers_a_first_page_with_counts_and_pages_the_rest(
        setup: tuple[Server, dict[str, str]], crowd: list[Client]) -> None:
    server, tokens = setup
    anna = await Client.open(server.url, tokens["anna"])
    anna_again = await Client.open(server.url, tokens["anna"])  # a second tab: counted once
    try:
        joined = await anna.join(LOBBY)
        await anna_again.join(LOBBY)
        me = anna.welcome["user"]["id"]
        assert len(joined["presence"]) == PAGE  # not the whole room
        ids = [m["user_id"] for m in joined["presence"]]
        assert ids == sorted(ids) and joined["presence_next"] == ids[-1]
        # The crowd: 65 per side (the odd ones delegation SMEs, the even ones partner investors); Anna is a
        # delegation SME.
        assert joined["counts"] == {"total": CROWD + 1, "sides": {"delegation": 66, "partner": 65},
                                    "org_types": {"investor": 65, "sme": 66}}
        people = await all_people(anna, joined, 20)
        assert len(people) == CROWD + 1
        assert [p["user_id"] for p in people] == sorted({p["user_id"] for p in people})  # each once, in order
        assert me in {p["user_id"] for p in people}
        assert sum(p["name"].startswith("Crowd ") for p in people) == CROWD

        # Deltas still keep a client right: a leave says what the person was counted under.
        leaving = crowd.pop()  # Crowd 129: a delegation SME
        who = leaving.welcome["user"]["id"]
        await leaving.close()
        # (What the previous test's people did just before Anna came may still reach her: she looks for this leave.)
        _, changes = await changes_until(anna, lambda got: any(c.get("user_id") == who for c in got))
        [left] = [c for c in changes if c.get("user_id") == who]
        assert (left["user_id"], left["side"], left["org_type"]) == (who, "delegation", "sme")
        page = await reply(anna, {"type": "presence-page", "room": LOBBY, "after": 0, "limit": 100})
        assert page["counts"]["total"] == CROWD and page["counts"]["sides"]["delegation"] == 65
        assert who not in {p["user_id"] for p in page["members"]}
    finally:
        await anna.close()
        await anna_again.close()


async def test_an_invisible_person_sees_themselves_first_and_is_not_counted(
        setup: tuple[Server, dict[str, str]], crowd: list[Client]) -> None:
    server, tokens = setup
    mike = await Client.open(server.url, tokens["mike"])
    watcher = crowd[0]
    try:
        joined = await mike.join(LOBBY, status="invisible")
        me = mike.welcome["user"]["id"]
        assert joined["presence"][0]["user_id"] == me and joined["presence"][0]["status"] == "invisible"
        assert joined["counts"]["total"] == len(crowd)
        page = await reply(watcher, {"type": "presence-page", "room": LOBBY, "after": 0, "limit": 100})
        assert me not in {p["user_id"] for p in page["members"]} and page["counts"]["total"] == len(crowd)
    finally:
        await mike.close()


@pytest.mark.parametrize(("fields", "code", "field"), [
    ({"after": "7"}, "wrong-type", "after"),  # a cursor is a user id, not a string
    ({"after": 1.5}, "wrong-type", "after"),
    ({"after": -1}, "out-of-range", "after"),
    ({"after": 0, "limit": -5}, "out-of-range", "limit"),
    ({"after": 0, "limit": 0}, "out-of-range", "limit"),
    ({"after": 0, "limit": 101}, "out-of-range", "limit"),
    ({"after": 0, "limit": "ten"}, "wrong-type", "limit"),
    ({"limit": 10}, "required", "after"),
    ({"after": 0, "cursor": 3}, "unknown-field", "cursor"),
])
async def test_bad_page_requests_are_refused_with_their_code_and_the_socket_stays_open(
        setup: tuple[Server, dict[str, str]], crowd: list[Client], fields: dict[str, Any], code: str,
        field: str) -> None:
    client = crowd[1]
    error = await reply(client, {"type": "presence-page", "room": LOBBY, **fields})
    assert (error["type"], error["code"], error.get("field")) == ("error", code, field), error
    assert (await reply(client, {"type": "ping"}))["type"] == "pong"


async def test_paging_a_lobby_one_has_not_joined_is_refused(setup: tuple[Server, dict[str, str]],
                                                            crowd: list[Client]) -> None:
    server, tokens = setup
    mike = await Client.open(server.url, tokens["mike"])
    try:
        error = await reply(mike, {"type": "presence-page", "room": LOBBY, "after": 0})
        assert (error["type"], error["code"]) == ("error", "not-joined")
        error = await reply(crowd[2], {"type": "presence-page", "room": "lobby:2", "after": 0})
        assert (error["type"], error["code"]) == ("error", "not-joined")
        assert (await reply(mike, {"type": "ping"}))["type"] == "pong"
    finally:
        await mike.close()
