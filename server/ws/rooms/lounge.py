"""The networking lounge (`lounge:<item>`, docs/lounge.md): presence with an incognito option, the snapshot, and
every lounge request (tables, seats, rounds, a word, connect). Its tables are rooms of their own
(server/ws/rooms/table.py). The node's round timers run in server/ws/lounge_node.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, assert_never

import msgspec

from rooms.core.errors import DomainError, Invalid, NotFound
from rooms.core.presence import Presence, PresenceEntry
from rooms.core.refs import RoomKind, RoomRef, inbox
from rooms.lounge.events import WordReplied
from rooms.lounge.service import LoungeService
from server.ws.frames import encode
from server.ws.lounge_node import LoungeNode
from server.ws.node import Node
from server.ws.protocol import Ack, Join, PresenceJoin, PresenceLeave
from server.ws.protocol_lounge import (
    Connect,
    ConnectAck,
    ContinueLater,
    LoungeRequest,
    LoungeSnapshot,
    Mixing,
    RoundsNext,
    RoundsStart,
    RoundsStop,
    Sit,
    Stand,
    TableRemove,
    TableSave,
    Word,
    WordAccepted,
    WordAck,
    WordReply,
)
from server.ws.rooms.base import ConnectionState, Here, Opening, RoomType
from server.ws.rooms.lobby import visible


async def present_users(presence: Presence, item: int) -> list[int]:
    """Everyone present in the lounge now, on any node, incognito people included (they are placed too)."""
    members = await presence.members(RoomRef(RoomKind.LOUNGE, item).name)
    return sorted({m.user_id for m in members})


@dataclass(eq=False)
class InLounge(Here):
    observing: bool = False  # counted in the node's observation of the lounge (round timers)


class Lounge(RoomType[LoungeRequest]):
    kind: ClassVar[RoomKind] = RoomKind.LOUNGE
    requests = LoungeRequest.__args__

    def __init__(self, node: Node, lounges: LoungeService) -> None:
        super().__init__(node)
        self.lounges = lounges

        async def present(item: int) -> list[int]:
            return await present_users(node.presence, item)

        self.rounds = LoungeNode(node.hub, lounges, node.clock, present)

    async def close(self) -> None:
        await self.rounds.close()

    async def mission_of(self, ref: RoomRef) -> int | None:
        return await self.lounges.mission_of(ref.id)

    async def admit(self, s: ConnectionState, ref: RoomRef) -> None:
        # Also what a recheck asks: someone taken off the lounge's invite list or track leaves it at once.
        await s.in_scope_room(ref)
        await self.lounges.may_join(s.conn.user, ref)

    async def join(self, s: ConnectionState, ref: RoomRef, request: Join) -> None:
        user = s.conn.user
        svc = self.lounges
        await svc.may_join(user, ref)
        entry = await self.node.rooms.presence_entry(user, await svc.mission_of(ref.id), request.status)
        await self.rounds.enter(ref.id)

        async def prepare(first: bool) -> Opening:
            if first and visible(entry):
                await self.node.hub.publish_ephemeral(ref.name, encode(PresenceJoin(room=ref.name, member=entry)))
            members = [m for m in await self.node.presence.members(ref.name) if visible(m) or m.user_id == user.id]
            snapshot = await svc.snapshot(user, ref)
            state = msgspec.Raw(msgspec.json.encode(snapshot.state))
            frame = LoungeSnapshot(room=ref.name, seq=snapshot.seq, state=state, permissions=snapshot.permissions,
                                   table=snapshot.table, opt_out=snapshot.opt_out,
                                   ice_servers=list(self.node.settings.ice_servers))
            return Opening(members, snapshot=frame, snapshot_seq=snapshot.seq)

        await self.enter(s, InLounge(ref, observing=True), request, entry, prepare)

    async def leave(self, s: ConnectionState, here: Here) -> None:
        """The connection left the room (or closed); its person may be gone from it."""
        assert isinstance(here, InLounge)
        gone = await self.node.presence.leave(here.ref.name, s.conn.id)
        if gone is not None:
            await self.gone(here.ref, gone)
        if here.observing:
            here.observing = False
            await self.rounds.exit(here.ref.id)

    async def gone(self, ref: RoomRef, entry: PresenceEntry) -> None:
        """A person's last connection left the lounge (or expired with its node): their seat is free again."""
        if visible(entry):
            await self.node.hub.publish_ephemeral(ref.name, encode(PresenceLeave(room=ref.name, user_id=entry.user_id)))
        await self.lounges.present_left(entry.user_id, ref.id)

    # -- requests ------------------------------------------------------------------------------------------

    def _item(self, s: ConnectionState, room: str) -> int:
        ref = RoomRef.parse(room)
        if ref.kind is not RoomKind.LOUNGE:
            raise Invalid(code="bad-room", message="This request is for a lounge room.", field="room")
        if s.find(ref.name, InLounge) is None:
            raise DomainError(code="not-joined", message=f"Join {ref.name} first.", field="room")
        return ref.id

    async def handle(self, s: ConnectionState, request: LoungeRequest) -> None:
        await s.in_scope_room(RoomRef.parse(request.room))
        user = s.conn.user
        svc = self.lounges
        item = self._item(s, request.room)
        ack = s.reply
        match request:
            case Sit():
                await ack(request.id, await svc.sit(user, item, request.table))
            case Stand():
                await ack(request.id, await svc.stand(user, item))
            case TableSave():
                await ack(request.id, await svc.save_table(user, item, request.table, request.name, request.topic,
                                                           request.capacity, request.sector))
            case TableRemove():
                await ack(request.id, await svc.remove_table(user, item, request.table))
            case RoundsStart():
                present = await present_users(self.node.presence, item)
                await ack(request.id, await svc.start_rounds(user, item, request.rounds, request.minutes, present))
            case RoundsStop():
                await ack(request.id, await svc.stop_rounds(user, item))
            case RoundsNext():
                # "Move everyone now": one command ends the running round and places the next among the people
                # present (or ends the series after its last round).
                present = await present_users(self.node.presence, item)
                await ack(request.id, await svc.move_on(user, item, present))
            case Mixing():
                await ack(request.id, await svc.set_mixing(user, item, request.opt_out))
            case Word():
                if request.user not in await present_users(self.node.presence, item):
                    raise Invalid(code="not-present", message="This person is not in the lounge now.", field="user")
                sent = await svc.word(user, item, request.user)
                s.conn.send_frame(WordAck(id=request.id, room=request.room, invite=sent.invite,
                                          already_sent=sent.already_sent))
            case WordReply():
                await self._word_reply(s, request, item)
            case Connect():
                done = await svc.connect(user, item, request.user)
                s.conn.send_frame(ConnectAck(id=request.id, room=request.room, mutual=done.mutual))
            case ContinueLater():
                # The dialog is the client's; the server only checks that both are members of the mission.
                await svc.may_join(user, RoomRef(RoomKind.LOUNGE, item))
                if await self.node.store.get_membership(await svc.mission_of(item), request.user) is None:
                    raise NotFound(code="person-not-found", message="Person not found.")
                s.conn.send_frame(Ack(id=request.id, room=request.room))
            case _:
                assert_never(request)

    async def _word_reply(self, s: ConnectionState, request: WordReply, item: int) -> None:
        appended = await self.lounges.word_reply(s.conn.user, item, request.invite, request.accept)
        await s.reply(request.id, appended)
        for event in appended.events:
            if isinstance(event.body, WordReplied) and event.body.meeting_id is not None:
                # Both people, on every tab that holds their inbox, open the side room (the l-word-reply event
                # in the lounge carries the same meeting id for tabs that only hold the lounge).
                frame = encode(WordAccepted(room=request.room, meeting=event.body.meeting_id,
                                            invite=request.invite))
                for member in (event.body.from_user, event.body.to):
                    await self.node.hub.publish_ephemeral(inbox(member).name, frame)
