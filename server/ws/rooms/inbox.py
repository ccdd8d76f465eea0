"""A person's inbox (`inbox:<user>`): their direct messages and notifications; every tab of theirs joins it.
No presence."""

from __future__ import annotations

from typing import ClassVar, assert_never

from rooms.core.refs import RoomKind, RoomRef
from server.ws.protocol import Direct, Join
from server.ws.rooms.base import ConnectionState, Here, Opening, RoomType


class Inbox(RoomType[Direct]):
    kind: ClassVar[RoomKind] = RoomKind.INBOX
    requests = (Direct,)
    presence = False

    async def admit(self, s: ConnectionState, ref: RoomRef) -> None:
        await self.node.rooms.may_join(s.conn.user, ref)

    async def join(self, s: ConnectionState, ref: RoomRef, request: Join) -> None:
        async def prepare(first: bool) -> Opening:
            return Opening([])

        await self.enter(s, Here(ref), request, None, prepare)

    async def handle(self, s: ConnectionState, request: Direct) -> None:
        match request:
            case Direct():
                s.in_scope(request.mission)
                await s.reply(request.id, await self.node.rooms.direct(s.conn.user, request.mission, request.to,
                                                                       request.text, request.key))
            case _:
                assert_never(request)
