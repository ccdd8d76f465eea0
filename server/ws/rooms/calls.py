"""What the rooms where people call each other share (a meeting, a lounge table; docs/protocol.md, "Calls"):
entering one, and relaying WebRTC signals between its members (server/ws/relay.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from rooms.core.presence import PresenceEntry
from server.ws.frames import encode
from server.ws.protocol import Ack, Join, PresenceJoin, PresenceLeave, Request
from server.ws.protocol_meeting import CallMoved, SignalFrame
from server.ws.rooms.base import ConnectionState, Here, Opening, RoomType
from signaling.meeting import Signal, check_part, offer_to, role, validate

R = TypeVar("R", bound=Request)


@dataclass(eq=False)
class InCall(Here):
    epoch: int = 0  # when the connection joined, in ms: orders a person's pages (the newest takes part)


class CallRoom(RoomType[R]):
    def epoch_now(self) -> int:
        return int(self.node.clock.now().timestamp() * 1000)

    async def enter_call(self, s: ConnectionState, here: InCall, request: Join, entry: PresenceEntry) -> bool:
        """Presence and `joined` in a call room; returns whether the person just arrived (their arrival is then
        announced).

        The connection gets signals from before it is present: whoever learns that we are here (from presence) can
        reach us, so no signal prompted by our arrival is lost. A signal may therefore come before our `joined`.
        A person already present with another connection is told `call-moved`: only this newest one takes part.
        """
        name = here.ref.name
        relay = self.node.relay
        await relay.open(name, s.conn.user.id)
        relay.add(name, s.conn)

        async def prepare(first: bool) -> Opening:
            members = await self.node.presence.members(name)
            return Opening(members, offer_to=offer_to(s.conn.user.id, (m.user_id for m in members)))

        first = await self.enter(s, here, request, entry, prepare)
        if first:
            await self.node.hub.publish_ephemeral(name, encode(PresenceJoin(room=name, member=entry)))
        else:
            await relay.send(name, s.conn.user.id, CallMoved(room=name, conn=s.conn.id))
        return first

    async def undo(self, s: ConnectionState, here: Here) -> None:
        # Nobody was told of the arrival yet: leave quietly.
        self.node.relay.remove(here.ref.name, s.conn)
        await self.node.presence.leave(here.ref.name, s.conn.id)

    async def leave(self, s: ConnectionState, here: Here) -> None:
        """The connection stops getting signals, and its person may be gone."""
        self.node.relay.remove(here.ref.name, s.conn)
        gone = await self.node.presence.leave(here.ref.name, s.conn.id)
        if gone is not None:
            await self.gone(here.ref, gone)

    async def announce_left(self, name: str, user_id: int) -> None:
        await self.node.hub.publish_ephemeral(name, encode(PresenceLeave(room=name, user_id=user_id)))

    async def relay_signal(self, s: ConnectionState, here: InCall, to: int, signal: Signal,
                           request_id: str | None) -> None:
        """Checks a signal (well formed, from the side that may send it) and hands it to `to`'s connections in the
        room, stamped with the sender, the sender's epoch and the recipient's part in the pair."""
        sender = s.conn.user.id
        room = here.ref.name
        checked = validate(signal)
        check_part(checked, sender, to)
        await self.node.relay.send(room, to, SignalFrame(room=room, from_=sender, epoch=here.epoch,
                                                         role=role(to, sender), signal=checked))
        # Candidates come by the dozen: only a request that names an id is acknowledged.
        if request_id is not None:
            s.conn.send_frame(Ack(id=request_id, room=room))
