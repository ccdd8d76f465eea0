"""Signals between the members of a call room (a meeting, a lounge table; docs/protocol.md, "Calls").

Signals are not room events: they go to one person, are worthless a minute later and are never stored. Each
travels on a broker topic of its own per (room, recipient), `signal:<room>:<user>` (`signal:meeting:<id>:<user>`,
`signal:table:<item>:<table>:<user>`), to which a node subscribes only while it holds a connection of that person
in that room (one subscription per pair per node, like the hub's per room). A connection is registered under its
own user id and only after the domain let it into the room, so a signal reaches the recipient's connections in
that room and nobody else — not the sender's other tabs, not the rest of the mission — on whichever node they are.
Delivery is at most once, like the broker's: pages ask again (`ready`) or offer afresh when a signal went missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from rooms.core.broker import Broker, Gap
from server.ws.connection import Connection
from server.ws.frames import Outgoing, encode
from server.ws.protocol import Frame

log = logging.getLogger("roundtable.meeting")


def signal_topic(room: str, user_id: int) -> str:
    return f"signal:{room}:{user_id}"


@dataclass
class _Mailbox:
    """One person's connections in one signalling room on this node, and the subscription feeding them."""

    user_id: int
    conns: set[Connection] = field(default_factory=set)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class SignalRelay:
    """The node's side of signal delivery: one broker subscription per (room, person) held here."""

    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self._boxes: dict[tuple[str, int], _Mailbox] = {}

    async def open(self, room: str, user_id: int) -> None:
        """Subscribes for this person in this room (once per node); returns when signals can arrive."""
        key = (room, user_id)
        box = self._boxes.get(key)
        if box is None:
            box = self._boxes[key] = _Mailbox(user_id)
            box.task = asyncio.get_running_loop().create_task(self._read(key, box), name=f"signals {key}")
        await box.ready.wait()

    def add(self, room: str, conn: Connection) -> None:
        box = self._boxes.get((room, conn.user.id))
        if box is None:
            raise RuntimeError("open() the mailbox before adding a connection to it")
        box.conns.add(conn)

    def remove(self, room: str, conn: Connection) -> None:
        key = (room, conn.user.id)
        box = self._boxes.get(key)
        if box is None:
            return
        box.conns.discard(conn)
        if not box.conns:
            del self._boxes[key]
            if box.task is not None:
                box.task.cancel()

    async def send(self, room: str, to: int, frame: Frame) -> None:
        await self._broker.publish(signal_topic(room, to), encode(frame))

    async def _read(self, key: tuple[str, int], box: _Mailbox) -> None:
        backoff = 0.1
        while True:
            try:
                async with self._broker.subscribe(signal_topic(*key)) as payloads:
                    box.ready.set()
                    backoff = 0.1
                    async for payload in payloads:
                        if isinstance(payload, Gap):
                            continue  # whatever was missed stays missed: pages ask again
                        out = Outgoing(payload)
                        for conn in list(box.conns):
                            if conn.user.id == box.user_id:  # by construction; checked anyway, it is cheap
                                conn.traffic.frames_out += 1
                                conn.send(out)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("signals for %s: subscription failed; retrying", key)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def close(self) -> None:
        for box in list(self._boxes.values()):
            if box.task is not None:
                box.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await box.task
        self._boxes.clear()
