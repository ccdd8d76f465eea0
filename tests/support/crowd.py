"""A crowd in a lobby, for the tests of a large room's presence (tests/system/test_ws_presence_pages.py,
tests/browser/test_lobby_crowd.py): bulk members of the demo mission, each with a real WebSocket in its lobby."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from rooms.core.cards import OrgType, Side
from rooms.missions.people import Role
from rooms.missions.profile import NewMember, ProfileDraft
from server.db.store_sql import SqlStore
from tests.support.wsclient import Client, mint_tokens

T = TypeVar("T")


def crowd_email(n: int) -> str:
    return f"crowd{n}@pages.example"


def seed_crowd(database_url: str, count: int, mission: int = 1) -> None:
    """`count` more participants of the mission, named "Crowd 000"…: the odd ones delegation SMEs, the even ones
    partner investors."""

    async def add() -> None:
        store = await SqlStore.open(database_url)
        try:
            people = [NewMember(crowd_email(n), ProfileDraft(name=f"Crowd {n:03d}", organisation=f"Crowd Org {n}",
                                                             org_type=OrgType.SME if n % 2 else OrgType.INVESTOR),
                                Role.PARTICIPANT, Side.DELEGATION if n % 2 else Side.PARTNER)
                      for n in range(count)]
            assert await store.add_members(mission, people, dt.datetime.now(dt.UTC)) == count
        finally:
            await store.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, add()).result()


async def arrive(base_url: str, tokens: list[str], room: str, at_once: int = 8) -> list[Client]:
    """Each token's connection, joined to `room` (a few at a time: each arrival is announced to everyone there)."""
    gate = asyncio.Semaphore(at_once)

    async def one(token: str) -> Client:
        async with gate:
            client = await Client.open(base_url, token)
            await client.join(room)
            return client

    return list(await asyncio.gather(*(one(t) for t in tokens)))


class CrowdThread:
    """A crowd held in a lobby from a thread of its own, for tests whose main thread runs a synchronous browser."""

    def __init__(self, base_url: str, env: dict[str, str], count: int, room: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="crowd", daemon=True)
        self._thread.start()
        tokens = mint_tokens(env, {f"c{n}": crowd_email(n) for n in range(count)})
        self.clients: list[Client] = self.run(arrive(base_url, [tokens[f"c{n}"] for n in range(count)], room))

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=120)

    def leave(self, index: int) -> int:
        """Closes one person's connection; returns their user id."""
        client = self.clients.pop(index)
        self.run(client.close())
        user_id: int = client.welcome["user"]["id"]
        return user_id

    def close(self) -> None:
        async def close_all() -> None:
            await asyncio.gather(*(c.close() for c in self.clients), return_exceptions=True)

        self.run(close_all())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()
