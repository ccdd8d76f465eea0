"""Several real server processes sharing one PostgreSQL and one Redis: presence and chat cross nodes, clients
resume on another node, a Redis restart loses no acknowledged message, a dead node's people leave presence."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cluster import Cluster, two_nodes
from tests.support.procs import Server, env_for
from tests.support.wsclient import Client, mint_tokens

pytestmark = [pytest.mark.multinode, pytest.mark.redis, pytest.mark.postgres]

LOBBY = "lobby:1"
PEOPLE = {"anna": "anna@voltera.example", "mike": "mike@bayfleet.example", "host": "host@roundtable.example"}


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str) -> Iterator[Cluster]:
    with two_nodes(tmp_path, postgres_url, PEOPLE) as nodes:
        yield nodes


async def _joined(server: Server, token: str, since: int | None = None) -> tuple[Client, dict[str, object]]:
    client = await Client.open(server.url, token)
    joined = await client.join(LOBBY, since=since)
    if since is None:
        await client.expect("reset")
    return client, joined


async def test_presence_and_chat_cross_nodes(cluster: Cluster) -> None:
    anna, _ = await _joined(cluster.a, cluster.tokens["anna"])
    mike, joined = await _joined(cluster.b, cluster.tokens["mike"])
    assert anna.welcome["node"] != mike.welcome["node"]
    presence = joined["presence"]
    assert isinstance(presence, list)
    assert any(m["name"] == "Anna de Vries" for m in presence)
    arrived = await anna.expect("presence-join", skip=())
    assert arrived["member"]["name"] == "Mike Alvarez"

    ack = await mike.say(LOBBY, "Greetings from Oakland", key="m1")
    event = await anna.expect("event")
    assert (event["seq"], event["event"]["text"]) == (ack["seq"], "Greetings from Oakland")
    ack2 = await anna.say(LOBBY, "Hello from Eindhoven", key="a1")
    assert (await mike.expect("event"))["seq"] == ack["seq"]
    assert (await mike.expect("event"))["seq"] == ack2["seq"]

    # Two tabs on two nodes count once; closing one keeps the person present.
    anna2, _ = await _joined(cluster.b, cluster.tokens["anna"])
    await anna2.close()
    await mike.close()
    left = await anna.expect("presence-leave", skip=())
    assert left["user_id"] == arrived["member"]["user_id"]
    await anna.close()


async def test_resume_on_another_node(cluster: Cluster) -> None:
    anna, joined = await _joined(cluster.a, cluster.tokens["anna"])
    since = int(joined["seq"])  # type: ignore[call-overload]
    await anna.close()
    mike, _ = await _joined(cluster.a, cluster.tokens["mike"])
    sent = [(await mike.say(LOBBY, f"missed {i}"))["seq"] for i in range(6)]
    back, rejoined = await _joined(cluster.b, cluster.tokens["anna"], since=since)
    assert rejoined["seq"] == since
    assert [(await back.expect("event"))["seq"] for _ in sent] == sent
    live = await mike.say(LOBBY, "and now live")
    assert (await back.expect("event"))["seq"] == live["seq"]
    with pytest.raises(TimeoutError):
        await back.expect("event", timeout=0.5)
    await mike.close()
    await back.close()


async def test_redis_restart_loses_no_acknowledged_message(cluster: Cluster) -> None:
    import httpx2 as httpx

    anna, _ = await _joined(cluster.a, cluster.tokens["anna"])
    mike, _ = await _joined(cluster.b, cluster.tokens["mike"])
    assert httpx.get(f"{cluster.a.url}/readyz").json()["broker"] == "redis"
    acked: list[int] = []
    for i in range(30):
        if i == 10:
            cluster.redis.kill()
            not_ready = httpx.get(f"{cluster.a.url}/readyz", timeout=10)
            assert (not_ready.status_code, not_ready.json()["error"]["code"]) == (503, "broker-unavailable")
        if i == 20:
            cluster.redis.start()
        with contextlib.suppress(AssertionError):
            ack = await mike.say(LOBBY, f"message {i}", key=f"restart-{i}")
            if ack["type"] == "ack":
                acked.append(ack["seq"])
        await asyncio.sleep(0.05)
    assert len(acked) >= 25  # writes go to PostgreSQL; only the fan-out needed Redis
    got: list[int] = []
    deadline = time.monotonic() + 30
    while not set(acked) <= set(got) and time.monotonic() < deadline:
        with contextlib.suppress(TimeoutError):
            event = await anna.expect("event", timeout=2)
            got.append(event["seq"])
        if not set(acked) <= set(got):
            # A message after the restart makes every node notice the gap, if its subscription has not yet.
            with contextlib.suppress(AssertionError):
                await mike.say(LOBBY, "nudge")
    assert set(acked) <= set(got)
    assert got == sorted(got) and len(got) == len(set(got))  # in order, no duplicates
    await anna.close()
    await mike.close()


async def test_a_dead_nodes_people_leave_presence(cluster: Cluster) -> None:
    anna, _ = await _joined(cluster.a, cluster.tokens["anna"])
    mike, _ = await _joined(cluster.b, cluster.tokens["mike"])
    arrived = await anna.expect("presence-join", skip=())
    cluster.b.process.send_signal(signal.SIGKILL)
    started = time.monotonic()
    left = await anna.expect("presence-leave", timeout=20, skip=())
    assert left["user_id"] == arrived["member"]["user_id"]
    assert time.monotonic() - started <= 15
    with contextlib.suppress(Exception):
        await mike.close()
    await anna.close()


async def test_webinar_hands_and_questions_agree_across_nodes(cluster: Cluster) -> None:
    """Hands raised on two nodes at once queue in one order, the same for everyone on either node."""
    import httpx2 as httpx

    with httpx.Client(base_url=cluster.a.url, headers={"Authorization": f"Bearer {cluster.tokens['host']}"}) as h:
        item = next(i["id"] for i in h.get("/api/missions/1/programme").json() if i["kind"] == "webinar")
    room = f"webinar:{item}"
    people = []
    for server, who in ((cluster.a, "host"), (cluster.a, "anna"), (cluster.b, "mike")):
        client = await Client.open(server.url, cluster.tokens[who])
        await client.join(room)
        await client.expect("webinar")
        people.append(client)
    _, anna, mike = people
    # Raised concurrently from both nodes; the database orders them, once.
    await asyncio.gather(anna.send({"type": "hand", "room": room, "up": True, "id": "a"}),
                         mike.send({"type": "hand", "room": room, "up": True, "id": "m"}))

    async def final_queue(client: Client) -> list[str]:
        while True:
            frame = await client.expect("event")
            hands = frame["event"].get("hands") if frame["event"]["kind"] == "w-hands" else None
            if hands is not None and len(hands) == 2:
                return [h["name"] for h in hands]

    orders = [await final_queue(c) for c in people]
    assert orders[0] == orders[1] == orders[2] and sorted(orders[0]) == ["Anna de Vries", "Mike Alvarez"]
    for client in people:
        await client.close()


async def test_lounge_placement_is_identical_on_both_nodes(cluster: Cluster, tmp_path: Path,
                                                            postgres_url: str) -> None:
    """A mixing round started on one node reaches the clients of both nodes with one placement; presence on both
    nodes decides who is placed."""
    import httpx2 as httpx

    from rooms.core.cards import Side
    from server.demo import mission1_members

    with httpx.Client(base_url=cluster.a.url, headers={"Authorization": f"Bearer {cluster.tokens['host']}"}) as h:
        item = next(i["id"] for i in h.get("/api/missions/1/programme").json() if i["kind"] == "networking")
    room = f"lounge:{item}"
    members = [m for m in mission1_members() if m.side is not None and m.role.value == "participant"]
    emails = [m.email for m in members if m.side is Side.DELEGATION][:4]
    emails += [m.email for m in members if m.side is Side.PARTNER][:4]
    emails.append("organiser@roundtable.example")
    tokens = mint_tokens(env_for(tmp_path / "var", postgres_url), {e: e for e in emails})
    clients: list[Client] = []
    for n, email in enumerate(emails):
        client = await Client.open((cluster.a if n % 2 else cluster.b).url, tokens[email])
        await client.join(room)
        await client.expect("lounge")
        clients.append(client)
    organiser = clients[-1]
    rid = await organiser.request({"type": "rounds-start", "room": room, "rounds": 2, "minutes": 2})
    ack = await organiser.expect("ack", "error")
    assert (ack["type"], ack.get("id")) == ("ack", rid), ack

    async def placement(client: Client) -> dict[str, object]:
        while True:
            frame = await client.expect("event", timeout=10)
            if frame["event"]["kind"] == "l-round" and frame["event"]["round"] is not None:
                return dict(frame["event"]["round"])

    seen = [await placement(c) for c in clients]
    assert all(s == seen[0] for s in seen)
    groups = seen[0]["groups"]
    assert isinstance(groups, list)
    placed = sorted(u for g in groups for u in g["members"])
    # Everyone present on either node, but the organiser: who runs the rounds is placed only after opting in.
    assert placed == sorted(c.welcome["user"]["id"] for c in clients if c is not organiser)
    for client in clients:
        await client.close()
