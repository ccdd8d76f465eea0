"""The room types of this node, by kind and by the requests they answer. Adding a kind of room is one line in
`room_types`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

import msgspec

from rooms.core.refs import RoomKind, RoomRef
from rooms.lounge.service import LoungeService
from rooms.matchmaking.service import MatchmakingService
from rooms.webinar.service import WebinarService
from server.recorder import Recorder
from server.ws.node import Node
from server.ws.protocol import Hello, Join, Leave, Ping, Request
from server.ws.rooms.base import RoomType
from server.ws.rooms.inbox import Inbox
from server.ws.rooms.lobby import Lobby
from server.ws.rooms.lounge import Lounge
from server.ws.rooms.meeting import Meeting
from server.ws.rooms.table import Table
from server.ws.rooms.webinar import Webinar
from server.ws.rooms.webinar_staff import WebinarStaff
from signaling.stage import StageMedia

log = logging.getLogger("roundtable.ws")


@dataclass(frozen=True)
class RoomServices:
    """The domain services the room types call (their ports are the node's)."""

    webinars: WebinarService
    lounges: LoungeService
    meetings: MatchmakingService
    stage: StageMedia
    recorder: Recorder


def room_types(node: Node, services: RoomServices) -> list[RoomType[Any]]:
    return [
        Lobby(node),
        Inbox(node),
        Webinar(node, services.webinars, services.stage, services.recorder),
        WebinarStaff(node, services.webinars, services.stage.name),
        Meeting(node, services.meetings),
        Lounge(node, services.lounges),
        Table(node, services.lounges),
    ]


class Registry:
    def __init__(self, types: list[RoomType[Any]]) -> None:
        self.types: Mapping[RoomKind, RoomType[Any]] = {t.kind: t for t in types}
        missing = set(RoomKind) - set(self.types)
        if missing:
            raise RuntimeError(f"no room type for {sorted(missing)}")
        self._by_request: dict[type[Request], list[RoomType[Any]]] = {}
        for t in types:
            for request_type in t.requests:
                self._by_request.setdefault(request_type, []).append(t)

    def decoder(self) -> msgspec.json.Decoder[Request]:
        """Decodes every request a client may send: the gateway's own and each room type's."""
        union: Any = Union[(Hello, Join, Leave, Ping, *self._by_request)]
        decoder: msgspec.json.Decoder[Request] = msgspec.json.Decoder(union)
        return decoder

    def of(self, kind: RoomKind) -> RoomType[Any]:
        return self.types[kind]

    def answering(self, request: Request) -> RoomType[Any] | None:
        """The room type that answers `request`: the only one that takes it, or, when several do (a signal, in a
        meeting or at a table), the one of the request's room (else the first)."""
        candidates = self._by_request.get(type(request))
        if not candidates:
            return None
        if len(candidates) > 1:
            room = getattr(request, "room", None)  # requests several kinds take are all bound to a room
            if isinstance(room, str):
                kind = RoomRef.parse(room).kind
                return next((t for t in candidates if t.kind is kind), candidates[0])
        return candidates[0]

    def start(self) -> None:
        for t in self.types.values():
            t.start()

    async def close(self) -> None:
        for t in self.types.values():
            try:
                await t.close()
            except Exception:
                log.exception("closing the %s rooms failed", t.kind.value)
