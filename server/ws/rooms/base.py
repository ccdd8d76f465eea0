"""Room types: what one kind of room means on a connection.

Each kind of room (docs/protocol.md, "Rooms") is one module in this package with one `RoomType`: who may come in
(`admit`), what coming in does and sends (`join`, built on the shared `enter`), what leaving means (`leave`), what
it means when a person's node died (`gone`) and the requests it answers (`handle`). The gateway finds them in the
registry by a room's kind or a request's type and names no kind itself.

Everything a connection holds on this node is one `ConnectionState`: the token's mission, and a `Here` per room
it is in (kinds that keep more per connection — a call's epoch, a webinar's stage media — subclass `Here`).
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rooms.core.errors import DomainError, Invalid
from rooms.core.events import Appended
from rooms.core.presence import PresenceCounts, PresenceEntry
from rooms.core.refs import RoomKind, RoomRef
from server.ws.connection import Connection
from server.ws.hub import LocalRoom
from server.ws.node import PRESENCE_TTL, Node
from server.ws.protocol import Ack, EventFrame, Frame, Join, Joined, Request, Reset

log = logging.getLogger("roundtable.ws")

R = TypeVar("R", bound=Request)
H = TypeVar("H", bound="Here")


@dataclass(eq=False)
class Here:
    """A connection's part in one room."""

    ref: RoomRef
    room: LocalRoom | None = None  # the hub's room, held while the connection is in it
    present: bool = False  # counted in the room's presence under the connection's id


@dataclass(frozen=True)
class Opening:
    """What `joined` carries and where the room's stream starts for the connection.

    Without a snapshot the client resumes from the seq it asked for (or gets recent history); with one, `joined`
    is followed by the snapshot and the stream starts at its seq (events the snapshot has may follow: clients skip
    them)."""

    presence: list[PresenceEntry]
    snapshot: Frame | None = None
    snapshot_seq: int = 0
    announcement: EventFrame | None = None
    offer_to: list[int] | None = None  # in a call room: the members present this connection makes offers to
    counts: PresenceCounts | None = None  # in a lobby: how many are listed (`presence` is then a first page)
    presence_next: int | None = None  # the cursor of the page after `presence`, when there is one


class ConnectionState:
    """One connection's state on this node: the mission its token is limited to and the rooms it is in."""

    def __init__(self, conn: Connection, scope: int | None, node: Node,
                 types: Mapping[RoomKind, RoomType[Any]]) -> None:
        self.conn = conn
        self.scope = scope
        self.node = node
        self.rooms: dict[str, Here] = {}
        self._types = types

    def in_scope(self, mission_id: int) -> None:
        if self.scope is not None and mission_id != self.scope:
            raise DomainError(code="token-scope", message="This token is for another mission.")

    async def in_scope_room(self, ref: RoomRef) -> None:
        """Refuses a room of another mission than the token's (rooms of no mission, such as inboxes, pass)."""
        if self.scope is None:
            return
        mission = await self._types[ref.kind].mission_of(ref)
        if mission is not None:
            self.in_scope(mission)

    def find(self, name: str, cls: type[H]) -> H | None:
        here = self.rooms.get(name)
        return here if isinstance(here, cls) else None

    def of_kind(self, kind: RoomKind) -> list[Here]:
        return [here for here in self.rooms.values() if here.ref.kind is kind]

    async def reply(self, request_id: str | None, appended: Appended, question: int | None = None) -> None:
        """Acknowledges what a request wrote (published already, as the use case returned) with the first event's
        room and seq (and, for a webinar question just asked, its id: see Ack.question)."""
        if not appended.events:
            self.conn.send_frame(Ack(id=request_id, question=question))
            return
        first = appended.events[0]
        self.conn.send_frame(Ack(id=request_id, room=first.room, seq=first.seq, duplicate=not appended.fresh,
                                 question=question))

    async def leave(self, name: str) -> None:
        here = self.rooms.pop(name, None)
        if here is None:
            raise DomainError(code="not-joined", message=f"You are not in {name[:40]}.", field="room")
        self.release(here)
        await self._types[here.ref.kind].leave(self, here)

    async def close(self) -> None:
        """The connection closed: it leaves every room."""
        for name in list(self.rooms):
            try:
                await self.leave(name)
            except Exception:
                log.exception("leaving %s failed", name)

    def release(self, here: Here) -> None:
        if here.room is not None:
            self.node.hub.release(here.room, self.conn)
            here.room = None


class RoomType(ABC, Generic[R]):
    """One kind of room on this node. `requests` are the request types it answers (`R` is their union)."""

    kind: ClassVar[RoomKind]
    requests: ClassVar[tuple[type[Request], ...]] = ()
    exclusive: ClassVar[bool] = False  # a connection is in one room of this kind: joining another leaves it
    presence: ClassVar[bool] = True  # who is in it is kept in presence (refreshed by the node's heartbeat)

    def __init__(self, node: Node) -> None:
        self.node = node

    def start(self) -> None:
        """The node started: start the timers this kind runs."""

    async def close(self) -> None:
        """The node stops."""

    async def mission_of(self, ref: RoomRef) -> int | None:
        """The mission the room belongs to, for tokens limited to one (None: no check)."""
        return None

    async def admit(self, s: ConnectionState, ref: RoomRef) -> None:
        """Checks made before the connection leaves a room it is in to join this one."""
        await s.in_scope_room(ref)

    @abstractmethod
    async def join(self, s: ConnectionState, ref: RoomRef, request: Join) -> None: ...

    async def leave(self, s: ConnectionState, here: Here) -> None:
        """The connection left the room (or closed); the hub's room is already released."""

    async def undo(self, s: ConnectionState, here: Here) -> None:
        """A join failed half-way: take back what it did (by default, leave)."""
        await self.leave(s, here)

    async def gone(self, ref: RoomRef, entry: PresenceEntry) -> None:
        """A person whose node stopped refreshing them left the room."""

    async def handle(self, s: ConnectionState, request: R) -> None:
        raise Invalid(code="bad-room", message="This request is not for this room.", field="room")

    async def enter(self, s: ConnectionState, here: Here, request: Join, entry: PresenceEntry | None,
                    prepare: Callable[[bool], Awaitable[Opening]]) -> bool:
        """Presence → hold → attach: records the connection in the room's presence (when `entry` is given), asks
        `prepare(first)` what to open with (`first`: the person just arrived), holds the hub's room and streams it.
        Returns `first`. On failure the room is released and `undo` takes back the rest."""
        node = self.node
        name = here.ref.name
        s.rooms[name] = here
        try:
            first = False
            if entry is not None:
                here.present = True
                first = await node.presence.enter(name, s.conn.id, entry, PRESENCE_TTL)
            opening = await prepare(first)
            room = here.room = await node.hub.hold(name)
            if opening.snapshot is None:
                since, history = request.since, node.history
            else:
                since, history = min(opening.snapshot_seq, room.last_seq), 0
            await node.hub.attach(room, s.conn, since, history, _starter(s.conn, name, request.id, opening))
        except BaseException:
            if s.rooms.get(name) is here:
                del s.rooms[name]
            s.release(here)
            await self.undo(s, here)
            raise
        return first


def _starter(conn: Connection, name: str, request_id: str | None,
             opening: Opening) -> Callable[[int, list[EventFrame] | None], None]:
    def start(seq: int, history: list[EventFrame] | None) -> None:
        if opening.snapshot is not None:
            conn.send_frame(Joined(id=request_id, room=name, seq=opening.snapshot_seq, presence=opening.presence))
            conn.send_frame(opening.snapshot)
            return
        conn.send_frame(Joined(id=request_id, room=name, seq=seq, presence=opening.presence,
                               announcement=opening.announcement, offer_to=opening.offer_to, counts=opening.counts,
                               presence_next=opening.presence_next))
        if history is not None:
            conn.send_frame(Reset(room=name, seq=seq, history=history))

    return start
