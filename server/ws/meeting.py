"""The meeting room on one connection (`meeting:<id>`, docs/matchmaking.md): joining, presence, and relaying
WebRTC signals between the meeting's two members.

Signals are not room events: they go to one person, are worthless a minute later and are never stored. Each
travels on a broker topic of its own per (room, recipient), `signal:<room>:<user>` (`signal:meeting:<id>:<user>`;
lounge tables use the same relay), to which a node subscribes only while it holds a connection of that person in
that room (one subscription per pair per node, like the hub's per room). A connection is registered under its own
user id and only after the domain let it into the room, so a signal reaches the recipient's connections in that
room and nobody else — not the sender's other tabs, not the rest of the mission — on whichever node they are.
Delivery is at most once, like the broker's: WebRTC clients restart ICE or renegotiate when a signal went missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, assert_never

from rooms.broker import Broker
from rooms.errors import DomainError, Invalid
from rooms.events import PresenceEntry, RoomKind, RoomRef, Status
from server.ws.connection import Connection
from server.ws.frames import Outgoing, encode
from server.ws.protocol import Ack, PresenceJoin, PresenceLeave
from server.ws.protocol_meeting import MeetingRequest, SignalFrame, SignalRequest
from signaling.meeting import recipient, validate

if TYPE_CHECKING:
    from server.ws.live import Live

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

    async def send(self, room: str, to: int, frame: SignalFrame) -> None:
        await self._broker.publish(signal_topic(room, to), encode(frame))

    async def _read(self, key: tuple[str, int], box: _Mailbox) -> None:
        backoff = 0.1
        while True:
            try:
                async with self._broker.subscribe(signal_topic(*key)) as payloads:
                    box.ready.set()
                    backoff = 0.1
                    async for payload in payloads:
                        if not payload:
                            continue  # the broker reconnected: whatever was missed stays missed
                        out = Outgoing(payload)
                        for conn in list(box.conns):
                            if conn.user.id == box.user_id:  # by construction; checked anyway, it is cheap
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


Attach = Callable[[str, int | None, str | None, list[PresenceEntry]], Awaitable[None]]


async def enter_signalled(live: Live, conn: Connection, room: str, entry: PresenceEntry, ttl: float, attach: Attach,
                          since: int | None, request_id: str | None, undo: Callable[[], object]) -> bool:
    """Presence and `joined` in a signalling room (a meeting, a lounge table) after the relay was opened for this
    person; returns whether the person just arrived (their arrival is then announced).

    The connection is added to the relay only once `joined` went out, so the other side's offer, prompted by our
    arrival, always comes after our `joined`. On failure `undo` drops the caller's own record of the room.
    """
    relay = live.signals
    try:
        first = await live.presence.enter(room, conn.id, entry, ttl)
        await attach(room, since, request_id, await live.presence.members(room))
    except BaseException:
        undo()
        relay.remove(room, conn)
        await live.presence.leave(room, conn.id)
        raise
    relay.add(room, conn)
    if first:
        await live.hub.publish_ephemeral(room, encode(PresenceJoin(room=room, member=entry)))
    return first


class MeetingRequests:
    """The meeting side of a Session: the meeting rooms this connection is in, and its signals."""

    def __init__(self, conn: Connection, live: Live, attach: Attach, presence_ttl: float) -> None:
        self.conn = conn
        self.live = live
        self._attach = attach
        self._ttl = presence_ttl
        self.members: dict[int, tuple[int, int]] = {}  # meeting id → its two members, for each room joined

    async def mission_of(self, meeting_id: int) -> int | None:
        meeting = await self.live.services.store.get_meeting(meeting_id)
        return None if meeting is None else meeting.mission_id

    async def join(self, ref: RoomRef, since: int | None, request_id: str | None) -> None:
        user = self.conn.user
        # Only its two members, while the room is open (not cancelled, until 10 minutes past its end).
        meeting = await self.live.meetings.may_join_meeting(user, ref.id)
        entry = await self.live.rooms.presence_entry(user, meeting.mission_id, Status.IN_MEETING)
        # Ready to receive signals before anyone can learn we are here, and announced only once `joined` went
        # out: the other side's offer, prompted by our arrival, always comes after our `joined`.
        await self.live.signals.open(ref.name, user.id)
        self.members[ref.id] = meeting.members()
        if await enter_signalled(self.live, self.conn, ref.name, entry, self._ttl, self._attach, since, request_id,
                                 lambda: self.members.pop(ref.id, None)):
            await self.live.publish(await self.live.meetings.meeting_joined(user, ref.id))

    async def leave(self, ref: RoomRef) -> None:
        """The connection left the room (or closed): it stops getting signals, and its person may be gone."""
        if self.members.pop(ref.id, None) is None:
            return
        self.live.signals.remove(ref.name, self.conn)
        gone = await self.live.presence.leave(ref.name, self.conn.id)
        if gone is not None:
            await gone_from_meeting(self.live, ref, gone.user_id)

    async def handle(self, request: MeetingRequest) -> None:
        match request:
            case SignalRequest():
                await self._signal(request)
            case _:
                assert_never(request)

    async def _signal(self, request: SignalRequest) -> None:
        user = self.conn.user
        ref = RoomRef.parse(request.room)
        if ref.kind is not RoomKind.MEETING:
            raise Invalid("bad-room", "Signals are for meeting rooms.", "room")
        members = self.members.get(ref.id)
        if members is None:
            # Outsiders are refused as such (not-allowed, or not found outside the mission) before anything else.
            await self.live.meetings.may_join_meeting(user, ref.id)
            raise DomainError("not-joined", f"Join {ref.name} first.", "room")
        to = recipient(members, user.id)
        signal = validate(request.signal)
        await self.live.signals.send(ref.name, to, SignalFrame(room=ref.name, from_=user.id, signal=signal))
        # Candidates come by the dozen: only a request that names an id is acknowledged.
        if request.id is not None:
            self.conn.send_frame(Ack(id=request.id, room=ref.name))


async def gone_from_meeting(live: Live, ref: RoomRef, user_id: int) -> None:
    """A person's last connection left the meeting room (or expired with its node)."""
    await live.hub.publish_ephemeral(ref.name, encode(PresenceLeave(room=ref.name, user_id=user_id)))
    await live.publish(await live.meetings.meeting_left(user_id, ref.id))

