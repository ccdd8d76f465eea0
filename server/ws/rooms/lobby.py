"""The mission lobby (`lobby:<mission>`): presence with an invisible option, chat, announcements, status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, assert_never

from rooms.core.errors import DomainError
from rooms.core.presence import PAGE_MAX, PresenceEntry, Status
from rooms.core.refs import RoomKind, RoomRef
from server.ws.frames import event_frame
from server.ws.node import PRESENCE_TTL, Node
from server.ws.protocol import (
    Ack,
    Announce,
    Join,
    PresenceJoin,
    PresenceLeave,
    PresencePage,
    PresencePageRequest,
    PresenceUpdate,
    Remove,
    Say,
    SetStatus,
)
from server.ws.rooms.base import ConnectionState, Here, Opening, RoomType
from server.ws.rooms.presence_batch import PresenceBatcher

LobbyRequest = Say | Remove | Announce | SetStatus | PresencePageRequest


def visible(entry: PresenceEntry) -> bool:
    """Invisible people are in presence (their own tabs see them) but nobody else is told about them."""
    return entry.status is not Status.INVISIBLE


def _left(room: str, entry: PresenceEntry) -> PresenceLeave:
    return PresenceLeave(room=room, user_id=entry.user_id, side=entry.side, org_type=entry.org_type)


@dataclass(eq=False)
class InLobby(Here):
    status: Status = Status.AVAILABLE


class Lobby(RoomType[LobbyRequest]):
    kind: ClassVar[RoomKind] = RoomKind.LOBBY
    requests = (Say, Remove, Announce, SetStatus, PresencePageRequest)
    exclusive = True

    def __init__(self, node: Node) -> None:
        super().__init__(node)
        self.changes = PresenceBatcher(node.hub, node.presence)

    async def close(self) -> None:
        await self.changes.close()

    async def mission_of(self, ref: RoomRef) -> int | None:
        return ref.id

    async def admit(self, s: ConnectionState, ref: RoomRef) -> None:
        await s.in_scope_room(ref)
        await self.node.rooms.may_join(s.conn.user, ref)

    async def join(self, s: ConnectionState, ref: RoomRef, request: Join) -> None:
        user = s.conn.user
        entry = await self.node.rooms.presence_entry(user, ref.id, request.status)

        async def prepare(first: bool) -> Opening:
            if first and visible(entry):
                await self.changes.send(ref.name, PresenceJoin(room=ref.name, member=entry))
            # A first page and the counts, never the whole room: a join costs the same among 10 or 10,000 people.
            page = await self.node.presence.page(ref.name, None, PAGE_MAX)
            members = page.members if visible(entry) else [entry, *page.members]  # an invisible person sees self
            latest = await self.node.store.latest(ref.name, "announcement")
            return Opening(members, announcement=None if latest is None else event_frame(latest),
                           counts=page.counts, presence_next=page.next)

        await self.enter(s, InLobby(ref, status=request.status), request, entry, prepare)

    async def leave(self, s: ConnectionState, here: Here) -> None:
        gone = await self.node.presence.leave(here.ref.name, s.conn.id)
        if gone is not None:
            await self.gone(here.ref, gone)

    async def gone(self, ref: RoomRef, entry: PresenceEntry) -> None:
        if visible(entry):
            await self.changes.send(ref.name, _left(ref.name, entry))

    async def handle(self, s: ConnectionState, request: LobbyRequest) -> None:
        rooms = self.node.rooms
        user = s.conn.user
        match request:
            case Say():
                s.in_scope(RoomRef.parse(request.room).id)
                await s.reply(request.id, await rooms.say(user, RoomRef.parse(request.room), request.text,
                                                          request.key))
            case Announce():
                s.in_scope(request.mission)
                await s.reply(request.id, await rooms.announce(user, request.mission, request.text, request.key))
            case Remove():
                s.in_scope(RoomRef.parse(request.room).id)
                await s.reply(request.id, await rooms.remove(user, RoomRef.parse(request.room), request.seq))
            case SetStatus():
                await self._set_status(s, request)
            case PresencePageRequest():
                if s.find(request.room, InLobby) is None:
                    raise DomainError(code="not-joined", message="Join the lobby first.", field="room")
                page = await self.node.presence.page(request.room, request.after, request.limit)
                s.conn.send_frame(PresencePage(id=request.id, room=request.room, members=page.members,
                                               counts=page.counts, next=page.next))
            case _:
                assert_never(request)

    async def _set_status(self, s: ConnectionState, request: SetStatus) -> None:
        here = s.find(request.room, InLobby)
        if here is None:
            raise DomainError(code="not-joined", message="Join the lobby first.", field="room")
        before = here.status
        entry = await self.node.rooms.presence_entry(s.conn.user, here.ref.id, request.status)
        await self.node.presence.update(request.room, s.conn.id, entry, PRESENCE_TTL)
        here.status = request.status
        was, now = before is not Status.INVISIBLE, request.status is not Status.INVISIBLE
        frame = (PresenceUpdate(room=request.room, member=entry) if was and now
                 else PresenceJoin(room=request.room, member=entry) if now
                 else _left(request.room, entry) if was else None)
        if frame is not None:
            await self.changes.send(request.room, frame)
        s.conn.send_frame(Ack(id=request.id, room=request.room))
