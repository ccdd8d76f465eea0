"""Call rooms on one connection: the meeting room (`meeting:<id>`, docs/matchmaking.md) — joining, presence, call
reports — and what it shares with the lounge's table rooms: entering a call room and relaying WebRTC signals
between its members (docs/protocol.md, "Calls").

Signals are not room events: they go to one person, are worthless a minute later and are never stored. Each
travels on a broker topic of its own per (room, recipient), `signal:<room>:<user>` (`signal:meeting:<id>:<user>`;
lounge tables use the same relay), to which a node subscribes only while it holds a connection of that person in
that room (one subscription per pair per node, like the hub's per room). A connection is registered under its own
user id and only after the domain let it into the room, so a signal reaches the recipient's connections in that
room and nobody else — not the sender's other tabs, not the rest of the mission — on whichever node they are.
Delivery is at most once, like the broker's: pages ask again (`ready`) or offer afresh when a signal went missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, assert_never

from rooms.core.broker import Broker
from rooms.core.errors import DomainError, Invalid
from rooms.core.presence import PresenceEntry, Status
from rooms.core.refs import RoomKind, RoomRef
from server.ws.connection import Connection
from server.ws.frames import Outgoing, encode
from server.ws.protocol import Ack, Frame, PresenceJoin, PresenceLeave
from server.ws.protocol_meeting import CallMoved, CallReport, MeetingRequest, SignalFrame, SignalRequest
from signaling.meeting import Signal, check_part, offer_to, recipient, role, validate

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


Attach = Callable[[str, int | None, str | None, list[PresenceEntry], list[int] | None], Awaitable[None]]


def epoch_now(live: Live) -> int:
    """When a connection joins a call room, in ms: orders a person's pages (the newest takes part)."""
    return int(live.services.clock.now().timestamp() * 1000)


async def enter_call(live: Live, conn: Connection, room: str, entry: PresenceEntry, ttl: float, attach: Attach,
                     since: int | None, request_id: str | None, undo: Callable[[], object]) -> bool:
    """Presence and `joined` in a call room (a meeting, a lounge table); returns whether the person just arrived
    (their arrival is then announced).

    The connection gets signals from before it is present: whoever learns that we are here (from presence) can
    reach us, so no signal prompted by our arrival is lost. A signal may therefore come before our `joined`.
    A person already present with another connection is told `call-moved`: only this newest one takes part.
    On failure `undo` drops the caller's own record of the room.
    """
    relay = live.signals
    await relay.open(room, conn.user.id)
    relay.add(room, conn)
    try:
        first = await live.presence.enter(room, conn.id, entry, ttl)
        members = await live.presence.members(room)
        await attach(room, since, request_id, members, offer_to(conn.user.id, (m.user_id for m in members)))
    except BaseException:
        undo()
        relay.remove(room, conn)
        await live.presence.leave(room, conn.id)
        raise
    if first:
        await live.hub.publish_ephemeral(room, encode(PresenceJoin(room=room, member=entry)))
    else:
        await relay.send(room, conn.user.id, CallMoved(room=room, conn=conn.id))
    return first


async def relay_signal(live: Live, conn: Connection, room: str, to: int, signal: Signal, epoch: int,
                       request_id: str | None) -> None:
    """Checks a signal (well formed, from the side that may send it) and hands it to `to`'s connections in the
    room, stamped with the sender, the sender's epoch and the recipient's part in the pair."""
    sender = conn.user.id
    checked = validate(signal)
    check_part(checked, sender, to)
    await live.signals.send(room, to, SignalFrame(room=room, from_=sender, epoch=epoch, role=role(to, sender),
                                                  signal=checked))
    # Candidates come by the dozen: only a request that names an id is acknowledged.
    if request_id is not None:
        conn.send_frame(Ack(id=request_id, room=room))


class MeetingRequests:
    """The meeting side of a Session: the meeting rooms this connection is in, its signals and call reports."""

    def __init__(self, conn: Connection, live: Live, attach: Attach, presence_ttl: float) -> None:
        self.conn = conn
        self.live = live
        self._attach = attach
        self._ttl = presence_ttl
        self.members: dict[int, tuple[int, int]] = {}  # meeting id → its two members, for each room joined
        self.epochs: dict[int, int] = {}  # meeting id → when this connection joined its room

    async def mission_of(self, meeting_id: int) -> int | None:
        meeting = await self.live.services.store.get_meeting(meeting_id)
        return None if meeting is None else meeting.mission_id

    async def join(self, ref: RoomRef, since: int | None, request_id: str | None) -> None:
        user = self.conn.user
        # Only its two members, while the room is open (not cancelled, until 10 minutes past its end).
        meeting = await self.live.meetings.may_join_meeting(user, ref.id)
        entry = await self.live.rooms.presence_entry(user, meeting.mission_id, Status.IN_MEETING)
        self.members[ref.id] = meeting.members()
        self.epochs[ref.id] = epoch_now(self.live)

        def undo() -> None:
            self.members.pop(ref.id, None)
            self.epochs.pop(ref.id, None)

        if await enter_call(self.live, self.conn, ref.name, entry, self._ttl, self._attach, since, request_id, undo):
            await self.live.publish(await self.live.meetings.meeting_joined(user, ref.id))

    async def leave(self, ref: RoomRef) -> None:
        """The connection left the room (or closed): it stops getting signals, and its person may be gone."""
        if self.members.pop(ref.id, None) is None:
            return
        self.epochs.pop(ref.id, None)
        self.live.signals.remove(ref.name, self.conn)
        gone = await self.live.presence.leave(ref.name, self.conn.id)
        if gone is not None:
            await gone_from_meeting(self.live, ref, gone.user_id)

    async def handle(self, request: MeetingRequest) -> None:
        ref = RoomRef.parse(request.room)
        if ref.kind is not RoomKind.MEETING:
            raise Invalid(code="bad-room", message="This request is for meeting rooms.", field="room")
        members = self.members.get(ref.id)
        if members is None:
            # Outsiders are refused as such (not-allowed, or not found outside the mission) before anything else.
            await self.live.meetings.may_join_meeting(self.conn.user, ref.id)
            raise DomainError(code="not-joined", message=f"Join {ref.name} first.", field="room")
        match request:
            case SignalRequest():
                to = recipient(members, self.conn.user.id)
                await relay_signal(self.live, self.conn, ref.name, to, request.signal, self.epochs[ref.id],
                                   request.id)
            case CallReport():
                await self.live.publish(await self.live.meetings.call_report(
                    self.conn.user, ref.id, request.sid, request.connected, request.frames))
                if request.id is not None:
                    self.conn.send_frame(Ack(id=request.id, room=ref.name))
            case _:
                assert_never(request)


async def gone_from_meeting(live: Live, ref: RoomRef, user_id: int) -> None:
    """A person's last connection left the meeting room (or expired with its node)."""
    await live.hub.publish_ephemeral(ref.name, encode(PresenceLeave(room=ref.name, user_id=user_id)))
    await live.publish(await live.meetings.meeting_left(user_id, ref.id))
