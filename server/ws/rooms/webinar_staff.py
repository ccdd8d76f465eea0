"""A webinar's staff room (`webinar-staff:<item>`): its host and moderators see the private view (attendance,
questions waiting for moderation). No presence, no requests of its own."""

from __future__ import annotations

from typing import ClassVar, Never

from rooms.events import RoomKind, RoomRef
from rooms.webinar_service import WebinarService
from server.ws.node import Node
from server.ws.protocol import Join
from server.ws.rooms.base import ConnectionState, Here, Opening, RoomType
from server.ws.rooms.webinar import webinar_opening


class WebinarStaff(RoomType[Never]):
    kind: ClassVar[RoomKind] = RoomKind.WEBINAR_STAFF
    presence = False

    def __init__(self, node: Node, webinars: WebinarService, media: str) -> None:
        super().__init__(node)
        self.webinars = webinars
        self._media = media

    async def mission_of(self, ref: RoomRef) -> int | None:
        return await self.webinars.mission_of(ref.id)

    async def admit(self, s: ConnectionState, ref: RoomRef) -> None:
        await s.in_scope_room(ref)
        await self.webinars.may_join(s.conn.user, ref)

    async def join(self, s: ConnectionState, ref: RoomRef, request: Join) -> None:
        async def prepare(first: bool) -> Opening:
            return await webinar_opening(self.node, self.webinars, s, ref, self._media)

        await self.enter(s, Here(ref), request, None, prepare)
