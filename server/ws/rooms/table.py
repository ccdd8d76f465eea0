"""A lounge table's room (`table:<item>:<table>`): the people seated there, presence and mesh signalling.

A table's signals go to one member each, on the relay the meeting room uses: a broker topic per (table room,
recipient) that a node subscribes to only while it holds that person's connection in that table room, which the
domain let them join because they were seated there. Seats change under the room (a round moves people), so each
signal is checked again against the lounge's seats: both sender and recipient must sit at that table now.
"""

from __future__ import annotations

from typing import ClassVar

from rooms.core.errors import DomainError, Invalid, NotAllowed
from rooms.core.presence import PresenceEntry, Status
from rooms.core.refs import RoomKind, RoomRef
from rooms.lounge.service import LoungeService
from rooms.policy import require_table_signal
from server.ws.node import Node
from server.ws.protocol import Join
from server.ws.protocol_meeting import SignalRequest
from server.ws.rooms.base import ConnectionState
from server.ws.rooms.calls import CallRoom, InCall


class Table(CallRoom[SignalRequest]):
    kind: ClassVar[RoomKind] = RoomKind.TABLE
    requests = (SignalRequest,)

    def __init__(self, node: Node, lounges: LoungeService) -> None:
        super().__init__(node)
        self.lounges = lounges

    async def mission_of(self, ref: RoomRef) -> int | None:
        return await self.lounges.mission_of(ref.id)

    async def join(self, s: ConnectionState, ref: RoomRef, request: Join) -> None:
        user = s.conn.user
        # Only the people seated at this table now.
        await self.lounges.may_join(user, ref)
        entry = await self.node.rooms.presence_entry(user, await self.lounges.mission_of(ref.id), Status.AVAILABLE)
        await self.enter_call(s, InCall(ref, epoch=self.epoch_now()), request, entry)

    async def gone(self, ref: RoomRef, entry: PresenceEntry) -> None:
        await self.announce_left(ref.name, entry.user_id)

    async def handle(self, s: ConnectionState, request: SignalRequest) -> None:
        user = s.conn.user
        ref = RoomRef.parse(request.room)
        await s.in_scope_room(ref)
        here = s.find(ref.name, InCall)
        if here is None:
            # Outsiders are refused as such (not-allowed, or not found outside the mission) before anything else.
            try:
                await self.lounges.may_join(user, ref)
                admitted = True
            except NotAllowed:
                admitted = False
            require_table_signal(admitted)
            raise DomainError(code="not-joined", message=f"Join {ref.name} first.", field="room")
        if request.to is None:
            raise Invalid(code="to-required", message="Name the table member this signal is for.", field="to")
        if request.to == user.id:
            raise Invalid(code="to-self", message="A signal is for another member.", field="to")
        seated = await self.lounges.table_members(ref.id, ref.table)
        require_table_signal(user.id in seated and request.to in seated)
        await self.relay_signal(s, here, request.to, request.signal, request.id)
