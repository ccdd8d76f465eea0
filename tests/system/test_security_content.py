"""Moderated and anonymous content stays so against a real server process (issue 12, items 4 and 5).

- A message a moderator removed is never served again: not to a member resuming from before it (`join` with
  `since`), not in the recent history of a first join, on SQLite and on PostgreSQL.
- Votes on questions travel as counts: another attendee's `w-vote` frame names no voter, so an anonymous asker
  who upvotes stays anonymous; upvoting one's own question is refused (`own-question`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.support.procs import Server, env_for, roundtable, serving
from tests.support.wsclient import Client, mint_tokens

pytestmark = pytest.mark.security

LOBBY = "lobby:1"
PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example",
          "moderator": "moderator@roundtable.example", "organiser": "organiser@roundtable.example"}
SECRET = "my home address is 12 Secret Lane"


class Served:
    def __init__(self, server: Server, tokens: dict[str, str]) -> None:
        self.server = server
        self.tokens = tokens


def _serve(tmp_path: Path, database_url: str | None) -> Iterator[Served]:
    env = env_for(tmp_path / "var", database_url, ROUNDTABLE_JANUS="off")
    roundtable(env, "demo", "--no-links")
    with serving(env, tmp_path) as server:
        yield Served(server, mint_tokens(env, PEOPLE))


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[Served]:
    yield from _serve(tmp_path, None)


@pytest.fixture
def postgres_server(tmp_path: Path, postgres_url: str) -> Iterator[Served]:
    yield from _serve(tmp_path, postgres_url)


async def _removed_message_is_not_served_again(s: Served) -> None:
    url, tokens = s.server.url, s.tokens
    anna = await Client.open(url, tokens["anna"])
    moderator = await Client.open(url, tokens["moderator"])
    for c in (anna, moderator):
        await c.join(LOBBY)
        await c.expect("reset")
    said = await anna.say(LOBBY, SECRET)
    await moderator.request({"type": "remove", "room": LOBBY, "seq": said["seq"]})
    assert (await moderator.expect("ack", "error"))["type"] == "ack"
    await anna.close()
    await moderator.close()

    # Mike never saw it; he resumes from just before it (and from long before it), and joins afresh.
    for since in (said["seq"] - 1, 0):
        mike = await Client.open(url, tokens["mike"])
        await mike.join(LOBBY, since=since)
        frames: list[dict[str, Any]] = []
        # Everything up to the removal marker: the resume replays the removed seq on the way.
        while not frames or frames[-1]["event"] != {"kind": "removed", "target_seq": said["seq"],
                                                    "by": moderator.welcome["user"]["id"]}:
            frames.append(await mike.expect("event"))
        await mike.close()
        assert SECRET not in json.dumps(frames), frames
        assert [f["event"] for f in frames if f["seq"] == said["seq"]] == [{"kind": "redacted"}]
    fresh = await Client.open(url, tokens["mike"])
    await fresh.join(LOBBY)
    assert SECRET not in json.dumps(await fresh.expect("reset"))
    await fresh.close()

    # No HTTP endpoint serves it either: every page a member reads in the mission, and the notifications.
    headers = {"Authorization": f"Bearer {tokens['mike']}"}
    with httpx.Client(base_url=url, headers=headers) as http:
        for path in ("/api/notifications?mission=1", "/api/missions/1/programme", "/api/me"):
            assert SECRET not in http.get(path).text, path


async def test_a_removed_message_is_not_served_again_sqlite(sqlite_server: Served) -> None:
    await _removed_message_is_not_served_again(sqlite_server)


@pytest.mark.postgres
async def test_a_removed_message_is_not_served_again_postgres(postgres_server: Served) -> None:
    await _removed_message_is_not_served_again(postgres_server)


# -- votes -----------------------------------------------------------------------------------------------------


async def _webinar_room(s: Served) -> str:
    with httpx.Client(base_url=s.server.url, headers={"Authorization": f"Bearer {s.tokens['organiser']}"}) as http:
        items: list[dict[str, Any]] = http.get("/api/missions/1/programme").json()
    return f"webinar:{[i for i in items if i['kind'] == 'webinar'][2]['id']}"


async def _in_webinar(s: Served, room: str, *people: str) -> list[Client]:
    clients = []
    for who in people:
        client = await Client.open(s.server.url, s.tokens[who])
        await client.join(room)
        await client.expect("webinar")
        clients.append(client)
    return clients


async def _call(client: Client, message: dict[str, Any]) -> dict[str, Any]:
    rid = await client.request(message)
    reply = await client.expect("ack", "error")
    assert reply.get("id") == rid, reply
    return reply


async def _next(client: Client, kind: str) -> dict[str, Any]:
    while True:
        frame = await client.expect("event")
        if frame["event"]["kind"] == kind:
            return frame


async def test_votes_carry_no_voter_and_own_questions_cannot_be_upvoted(sqlite_server: Served) -> None:
    url, tokens = sqlite_server.server.url, sqlite_server.tokens
    room = await _webinar_room(sqlite_server)
    anna, mike = await _in_webinar(sqlite_server, room, "anna", "mike")
    try:
        asked = await _call(anna, {"type": "ask", "room": room, "text": "Who pays for the grid?", "anonymous": True,
                                   "key": "q1"})
        assert asked["type"] == "ack"
        question = (await _next(mike, "w-question"))["event"]["question"]
        assert question["author"] is None and question["anonymous"] is True
        # The asker learns which question is hers from her own ack only.
        assert asked["question"] == question["id"]

        # Upvoting her own question is refused, and nothing is published.
        own = await _call(anna, {"type": "vote", "room": room, "question": question["id"], "up": True})
        assert own["type"] == "error" and own["code"] == "own-question"

        # Mike's vote reaches Anna as a count: no voter, nothing to tell who it was.
        assert (await _call(mike, {"type": "vote", "room": room, "question": question["id"], "up": True}))["type"] \
            == "ack"
        seen = await _next(anna, "w-vote")
        assert seen["event"] == {"kind": "w-vote", "question": question | {"votes": 1}}
        # Anna (the anonymous asker) upvotes Mike's question: Mike sees a new count and nothing that names her.
        await _next(mike, "w-vote")
        await _call(mike, {"type": "ask", "room": room, "text": "And the storage?", "anonymous": False, "key": "q2"})
        other = (await _next(anna, "w-question"))["event"]["question"]
        assert (await _call(anna, {"type": "vote", "room": room, "question": other["id"], "up": True}))["type"] == "ack"
        frame = await _next(mike, "w-vote")
        assert frame["event"] == {"kind": "w-vote", "question": other | {"votes": 1}}
        assert set(frame) == {"type", "room", "seq", "at", "event"}

        # The voter's own vote state comes back to the voter alone, in the snapshot; so do their own questions.
        mine: tuple[tuple[str, list[int], list[int]], ...] = (
            ("mike", [question["id"]], [other["id"]]), ("anna", [other["id"]], [question["id"]]))
        for who, my_votes, my_questions in mine:
            again = await Client.open(url, tokens[who])
            await again.join(room)
            snap = await again.expect("webinar")
            await again.close()
            assert (snap["my_votes"], snap["my_questions"]) == (my_votes, my_questions), who
    finally:
        await anna.close()
        await mike.close()


async def test_a_dismissed_question_is_not_served_again(sqlite_server: Served) -> None:
    """A moderator's dismissal is the webinar's removal: the public room's dismissal event carries no text, and
    whoever joins later (with any `since`) gets a snapshot without the question."""
    url, tokens = sqlite_server.server.url, sqlite_server.tokens
    room = await _webinar_room(sqlite_server)
    anna, moderator = await _in_webinar(sqlite_server, room, "anna", "moderator")
    try:
        await _call(anna, {"type": "ask", "room": room, "text": SECRET, "anonymous": False, "key": "q-secret"})
        question = (await _next(moderator, "w-question"))["event"]["question"]
        assert question["text"] == SECRET
        assert (await _call(moderator, {"type": "moderate", "room": room, "question": question["id"],
                                        "action": "dismiss"}))["type"] == "ack"
        while (dismissed := await _next(anna, "w-question"))["event"]["question"]["status"] != "dismissed":
            pass  # her own question's arrival first
        assert SECRET not in json.dumps(dismissed) and "Anna" not in json.dumps(dismissed["event"]["question"])
        for since in (dismissed["seq"] - 1, 0):  # from just before the dismissal, and from before the question
            mike = await Client.open(url, tokens["mike"])
            await mike.join(room, since=since)
            snapshot = await mike.expect("webinar")
            assert SECRET not in json.dumps(snapshot)
            # A question asked afterwards is the next event: nothing about the dismissed one comes before it.
            asked = await _call(anna, {"type": "ask", "room": room, "text": f"next {since}", "key": f"n{since}"})
            assert asked["type"] == "ack", asked
            after = await mike.expect("event")
            assert after["event"]["question"]["text"] == f"next {since}", after
            await mike.close()
    finally:
        await anna.close()
        await moderator.close()
