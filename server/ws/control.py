"""Per-person control messages between the nodes: when someone signs out, or their role or membership changes,
every node acts on that person's open connections (docs/protocol.md, "Sign-out and changes of role").

One broker topic, `control`, carries them (room names always have a colon, so no room can be called that); every
node subscribes once at start. The broker delivers at most once: where it says `GAP` (or the subscription had to
be made again) a node re-validates every connection it holds — the session behind it and each room it is in — so
a lost message costs a little work, never a socket that outlives its sign-in.

A message is published after the write it announces has committed, so every node reads the new state when it acts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection, Coroutine
from typing import Any, Protocol

import msgspec

from rooms.core.broker import Broker, Gap

log = logging.getLogger("roundtable.control")

TOPIC = "control"
REVALIDATE_AT_ONCE = 8  # connections checked at once after a gap


class SignOut(msgspec.Struct, frozen=True, tag_field="do", tag="sign-out"):
    user: int
    session: str | None  # the handle of the ended session; None: every session of the person


class Recheck(msgspec.Struct, frozen=True, tag_field="do", tag="recheck"):
    users: list[int]


class Expel(msgspec.Struct, frozen=True, tag_field="do", tag="expel"):
    user: int
    mission: int


Message = SignOut | Recheck | Expel


class Person(Protocol):
    """One open connection, as the control messages see it (the gateway's Session)."""

    @property
    def user_id(self) -> int: ...

    @property
    def session(self) -> str: ...

    async def end(self, reason: str) -> None:
        """Closes the socket with 4401 (the client must sign in again)."""
        ...

    async def recheck(self) -> None:
        """Admits the connection again to each room it is in; leaves (telling the client) those it may not see."""
        ...

    async def expel(self, mission: int) -> None:
        """`end` when the connection is limited to the mission or is in one of its rooms."""
        ...

    async def revalidate(self) -> None:
        """`end` when its session has ended, else `recheck`."""
        ...

    async def restart(self) -> None:
        """Closes the socket with 1012 once the request it is handling is done (the node is draining): the client
        reconnects, to another node, and resumes."""
        ...


class Control:
    """This node's end of the control topic, and its open connections by person."""

    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self._encoder = msgspec.json.Encoder()
        self._decoder = msgspec.json.Decoder(Message)
        self._people: dict[int, set[Person]] = {}
        self._reader: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.ready = asyncio.Event()  # subscribed: messages published from now on reach this node

    # -- the connections of this node ----------------------------------------------------------------------

    def add(self, person: Person) -> None:
        self._people.setdefault(person.user_id, set()).add(person)

    def discard(self, person: Person) -> None:
        mine = self._people.get(person.user_id)
        if mine is not None:
            mine.discard(person)
            if not mine:
                del self._people[person.user_id]

    def everyone(self) -> list[Person]:
        return [p for mine in self._people.values() for p in mine]

    # -- what the HTTP API calls ---------------------------------------------------------------------------

    async def signed_out(self, user_id: int, session: str | None) -> None:
        """Closes (4401) the person's connections made with that session's credentials — every session's when
        `session` is None — on every node."""
        await self._send(SignOut(user_id, session))

    async def recheck(self, user_ids: Collection[int]) -> None:
        """Every node re-admits these people's connections to the rooms they are in."""
        if user_ids:
            await self._send(Recheck(sorted(set(user_ids))))

    async def expelled(self, user_id: int, mission_id: int) -> None:
        """Closes (4401) the person's connections that are limited to the mission or in one of its rooms, on
        every node: they were removed from it or suspended."""
        await self._send(Expel(user_id, mission_id))

    async def _send(self, message: Message) -> None:
        try:
            await self._broker.publish(TOPIC, self._encoder.encode(message))
        except Exception:
            # The other nodes miss it until their subscription reports the gap; this node acts at once. Every
            # token of an ended session already fails on its next use, whatever the broker does.
            log.exception("publishing a control message failed; acting on this node only")
            self._apply(message)

    # -- the reader ----------------------------------------------------------------------------------------

    def start(self) -> None:
        self._reader = asyncio.get_running_loop().create_task(self._read(), name="control messages")

    async def _read(self) -> None:
        backoff = 0.1
        while True:
            try:
                async with self._broker.subscribe(TOPIC) as messages:
                    if self.ready.is_set():
                        self._everyone()  # subscribed again: whatever came meanwhile is lost
                    self.ready.set()
                    backoff = 0.1
                    async for payload in messages:
                        if isinstance(payload, Gap):
                            self._everyone()
                            continue
                        try:
                            message = self._decoder.decode(payload)
                        except msgspec.DecodeError:
                            log.warning("ignoring a malformed control message")
                            continue
                        self._apply(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the control subscription failed; retrying")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    def _apply(self, message: Message) -> None:
        match message:
            case SignOut(user=user, session=session):
                for person in list(self._people.get(user, ())):
                    if session is None or person.session == session:
                        self._spawn(person.end("signed out"))
            case Recheck(users=users):
                for user in users:
                    for person in list(self._people.get(user, ())):
                        self._spawn(person.recheck())
            case Expel(user=user, mission=mission):
                for person in list(self._people.get(user, ())):
                    self._spawn(person.expel(mission))

    def _everyone(self) -> None:
        self._spawn(self._revalidate_all([person for people in self._people.values() for person in people]))

    async def _revalidate_all(self, people: list[Person]) -> None:
        # A few at a time: after a Redis restart every node does this for every socket it holds, and each check
        # reads the database.
        gate = asyncio.Semaphore(REVALIDATE_AT_ONCE)

        async def one(person: Person) -> None:
            async with gate:
                try:
                    await person.revalidate()
                except Exception:
                    log.exception("re-validating a connection failed")

        await asyncio.gather(*(one(p) for p in people))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        # One task per connection: a slow socket must not hold up the others (nor the reader).
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("acting on a control message failed", exc_info=task.exception())

    async def close(self) -> None:
        tasks = [t for t in (self._reader, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
