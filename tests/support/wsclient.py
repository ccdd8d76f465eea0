"""A small protocol client for tests (the `websockets` library), following docs/protocol.md."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import time
from collections.abc import Iterable
from typing import Any

import httpx2 as httpx
import itsdangerous
from websockets.asyncio.client import ClientConnection, connect

from tests.support.procs import roundtable

SUBPROTOCOL = "roundtable.v1"


def expired_token(secret: str, payload: dict[str, int]) -> str:
    """A bearer token signed an hour ago (tokens live 10 minutes)."""

    class HourAgo(itsdangerous.TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3600

    serializer = itsdangerous.URLSafeTimedSerializer(secret, salt="roundtable/bearer", signer=HourAgo)
    return serializer.dumps(payload)


def bearer_token(base_url: str, env: dict[str, str], email: str, mission: int | None = 1) -> str:
    """Signs in as `email` with a one-time link and trades the session for a bearer token."""
    link = roundtable(env, "login-link", email).stdout.strip()
    with httpx.Client(base_url=base_url) as http:
        assert http.post("/api/auth/link/use", json={"token": link.split("#t=", 1)[1]}).status_code == 200
        body: dict[str, Any] = {} if mission is None else {"mission_id": mission}
        token: str = http.post("/api/auth/token", json=body).json()["token"]
        return token


def mint_tokens(env: dict[str, str], emails: dict[str, str], mission: int | None = 1) -> dict[str, str]:
    """Bearer tokens signed with the servers' secret for people looked up in their database (faster than
    signing in through the command line, and the same tokens the API would hand out)."""
    import concurrent.futures

    import msgspec

    from rooms.missions.accounts import SESSION_TTL, session_handle
    from server.api.core import BEARER_TTL, BearerClaims
    from server.db.store_sql import SqlStore
    from server.tokens import Purpose, Tokens

    # The servers' database: configured, or the default SQLite file under their var directory.
    url = env.get("ROUNDTABLE_DATABASE_URL") or f"sqlite+aiosqlite:///{env['ROUNDTABLE_VAR_DIR']}/roundtable.db"

    now = dt.datetime.now(dt.UTC)

    async def sessions() -> dict[str, tuple[int, str]]:
        """Each person's id and the handle of a new session of theirs (a token dies with its session)."""
        store = await SqlStore.open(url)
        try:
            found = {name: await store.get_user_by_email(email) for name, email in emails.items()}
            return {name: (user.id, session_handle(await store.create_session(user.id, now, now + SESSION_TTL)))
                    for name, user in found.items() if user is not None}
        finally:
            await store.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        made = pool.submit(asyncio.run, sessions()).result()
    signer = Tokens(env["ROUNDTABLE_SECRET_KEY"])
    ends = int((now + BEARER_TTL).timestamp())
    return {name: signer.sign(Purpose.BEARER, msgspec.to_builtins(BearerClaims(uid, mission, handle, ends)))
            for name, (uid, handle) in made.items()}


class Client:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.welcome: dict[str, Any] = {}
        self._ids = itertools.count(1)
        self._pending: list[dict[str, Any]] = []  # frames read while waiting for another kind

    @classmethod
    async def open(cls, base_url: str, token: str, *, hello: bool = True, **kw: Any) -> Client:
        url = base_url.replace("http://", "ws://") + "/ws"
        ws = await connect(url, subprotocols=[SUBPROTOCOL, f"bearer.{token}"], max_size=2**20,  # type: ignore[list-item]
                           open_timeout=10, **kw)
        client = cls(ws)
        if hello:
            await client.send({"type": "hello", "version": 1})
            client.welcome = await client.expect("welcome")
        return client

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def request(self, message: dict[str, Any]) -> str:
        rid = f"r{next(self._ids)}"
        await self.send({**message, "id": rid})
        return rid

    async def recv(self, timeout: float = 5.0) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.ws.recv(), timeout)
        frame: dict[str, Any] = json.loads(raw)
        return frame

    async def expect(self, *types: str, timeout: float = 5.0, skip: Iterable[str] = ("presence-join",
                     "presence-leave", "presence-update", "presence-batch")) -> dict[str, Any]:
        """The next frame of one of `types`, passing over presence noise; other frames wait their turn (an event
        may overtake the acknowledgement of the request that caused it)."""
        for i, frame in enumerate(self._pending):
            if frame["type"] in types:
                return self._pending.pop(i)
        while True:
            frame = await self.recv(timeout)
            # A presence-batch is its changes one by one, as a client applies them (docs/protocol.md), unless the
            # batch itself is asked for.
            batched = frame["type"] == "presence-batch" and frame["type"] not in types
            found: dict[str, Any] | None = None
            for one in frame["changes"] if batched else [frame]:
                if found is None and one["type"] in types:
                    found = one
                elif one["type"] not in skip:
                    self._pending.append(one)
            if found is not None:
                return found

    async def join(self, room: str, since: int | None = None, **kw: Any) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "join", "room": room, **kw}
        if since is not None:
            message["since"] = since
        rid = await self.request(message)
        joined = await self.expect("joined", "error")
        assert joined["type"] == "joined" and joined.get("id") == rid, joined
        return joined

    async def say(self, room: str, text: str, key: str | None = None) -> dict[str, Any]:
        rid = await self.request({"type": "say", "room": room, "text": text, **({"key": key} if key else {})})
        ack = await self.expect("ack", "error")
        assert ack.get("id") == rid, ack
        return ack

    async def close(self) -> None:
        await self.ws.close()


async def fresh_rate_window() -> None:
    """Waits for the start of the next per-person rate window (one per wall-clock second), so a burst of up to the
    limit is not refused for frames an earlier test sent in the same second."""
    await asyncio.sleep(1.02 - time.time() % 1)
