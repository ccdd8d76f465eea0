"""A webinar's staff room (`webinar-staff:<item>`): its host and moderators see the private view (attendance,
questions waiting for moderation). No presence, no requests of its own."""

from __future__ import annotations

from typing import ClassVar, Never

from rooms.core.refs import RoomKind, RoomRef
from rooms.webinar.service import WebinarService
from server.ws.node import Node
from server.ws.protocol import Join
from server.ws.rooms.base import ConnectionState, Here, Opening
from server.ws.rooms.webinar import WebinarRoom, webinar_opening


class WebinarStaff(WebinarRoom[Never]):
    kind: ClassVar[RoomKind] = RoomKind.WEBINAR_STAFF
    presence = False

    def __init__(self, node: Node, webinars: WebinarService, media: str) -> None:
        super().__init__(node, webinars)
        self._media = media

    async def join(self, s: ConnectionState, ref: RoomRef, request: Join) -> None:
        async def prepare(first: bool) -> Opening:
            return await webinar_opening(self.node, self.webinars, s, ref, self._media)

        await self.enter(s, Here(ref), request, None, prepare)
