"""The networking lounge on one connection (docs/lounge.md): the lounge room (`lounge:<item>`, presence with an
incognito option, the snapshot, every lounge request) and its table rooms (`table:<item>:<table>`, presence and
mesh signalling).

A table's signals go to one member each, on the relay the meeting room uses (server/ws/meeting.py): a broker
topic per (table room, recipient) that a node subscribes to only while it holds that person's connection in that
table room, which the domain let them join because they were seated there. Seats change under the room (a round
moves people), so each signal is checked again against the lounge's seats: both sender and recipient must sit at
that table now.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, assert_never

import msgspec

from rooms.core.errors import DomainError, Invalid, NotAllowed, NotFound
from rooms.core.events import Appended
from rooms.core.presence import PresenceEntry, Status
from rooms.core.refs import RoomKind, RoomRef, inbox
from rooms.lounge.events import WordReplied
from server.ws.connection import Connection
from server.ws.frames import encode
from server.ws.hub import LocalRoom
from server.ws.meeting import Attach, enter_call, epoch_now, relay_signal
from server.ws.protocol import Ack, EventFrame, Joined, PresenceJoin, PresenceLeave
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
from server.ws.protocol_meeting import SignalRequest

if TYPE_CHECKING:
    from server.ws.live import Live

PublishAck = Callable[[str | None, Appended], Awaitable[None]]

_ONLY_SEATED = "Signals are only between people seated at this table."


def visible(entry: PresenceEntry) -> bool:
    return entry.status is not Status.INVISIBLE


async def present_users(live: Live, item: int) -> list[int]:
    """Everyone present in the lounge now, on any node, incognito people included (they are placed too)."""
    members = await live.presence.members(RoomRef(RoomKind.LOUNGE, item).name)
    return sorted({m.user_id for m in members})


class LoungeRequests:
    """The lounge side of a Session: the lounge and table rooms this connection is in."""

    def __init__(self, conn: Connection, live: Live, rooms: dict[str, LocalRoom], attach: Attach,
                 publish_ack: PublishAck, presence_ttl: float) -> None:
        self.conn = conn
        self.live = live
        self._rooms = rooms  # the session's rooms, by name
        self._attach = attach
        self._publish_ack = publish_ack
        self._ttl = presence_ttl
        self.lounges: set[int] = set()  # lounge items this connection is present in
        self.tables: dict[str, int] = {}  # table rooms this connection is in → when it joined each (its epoch)

    async def mission_of(self, item: int) -> int:
        return await self.live.lounges.mission_of(item)

    # -- rooms ---------------------------------------------------------------------------------------------

    async def join(self, ref: RoomRef, since: int | None, request_id: str | None, status: Status) -> None:
        match ref.kind:
            case RoomKind.LOUNGE:
                await self._join_lounge(ref, request_id, status)
            case RoomKind.TABLE:
                await self._join_table(ref, since, request_id)
            case _:
                raise Invalid(code="bad-room", message="This is not a lounge room.", field="room")

    async def _join_lounge(self, ref: RoomRef, request_id: str | None, status: Status) -> None:
        user = self.conn.user
        svc = self.live.lounges
        await svc.may_join(user, ref)
        entry = await self.live.rooms.presence_entry(user, await svc.mission_of(ref.id), status)
        await self.live.lounge_node.enter(ref.id)
        self.lounges.add(ref.id)
        try:
            if await self.live.presence.enter(ref.name, self.conn.id, entry, self._ttl) and visible(entry):
                await self.live.hub.publish_ephemeral(ref.name, encode(PresenceJoin(room=ref.name, member=entry)))
            members = [m for m in await self.live.presence.members(ref.name) if visible(m) or m.user_id == user.id]
            snapshot = await svc.snapshot(user, ref)
            room = await self.live.hub.hold(ref.name)
            self._rooms[ref.name] = room
            state = msgspec.Raw(msgspec.json.encode(snapshot.state))
            frame = LoungeSnapshot(room=ref.name, seq=snapshot.seq, state=state, permissions=snapshot.permissions,
                                   table=snapshot.table, opt_out=snapshot.opt_out,
                                   ice_servers=list(self.live.services.settings.ice_servers))

            def start(seq: int, history: list[EventFrame] | None) -> None:
                # Events up to the snapshot's seq may follow: the snapshot already has them, clients skip them.
                self.conn.send_frame(Joined(id=request_id, room=ref.name, seq=snapshot.seq, presence=members))
                self.conn.send_frame(frame)

            await self.live.hub.attach(room, self.conn, min(snapshot.seq, room.last_seq), 0, start)
        except BaseException:
            room_held = self._rooms.pop(ref.name, None)
            if room_held is not None:
                self.live.hub.release(room_held, self.conn)
            await self.leave(ref)
            raise

    async def _join_table(self, ref: RoomRef, since: int | None, request_id: str | None) -> None:
        user = self.conn.user
        # Only the people seated at this table now.
        await self.live.lounges.may_join(user, ref)
        entry = await self.live.rooms.presence_entry(user, await self.live.lounges.mission_of(ref.id),
                                                     Status.AVAILABLE)
        self.tables[ref.name] = epoch_now(self.live)
        await enter_call(self.live, self.conn, ref.name, entry, self._ttl, self._attach, since, request_id,
                         lambda: self.tables.pop(ref.name, None))

    async def leave(self, ref: RoomRef) -> None:
        """The connection left the room (or closed); its person may be gone from it."""
        if ref.kind is RoomKind.LOUNGE and ref.id in self.lounges:
            self.lounges.discard(ref.id)
            gone = await self.live.presence.leave(ref.name, self.conn.id)
            if gone is not None:
                await gone_from_lounge(self.live, ref, gone)
            await self.live.lounge_node.exit(ref.id)
        elif ref.kind is RoomKind.TABLE and ref.name in self.tables:
            del self.tables[ref.name]
            self.live.signals.remove(ref.name, self.conn)
            gone = await self.live.presence.leave(ref.name, self.conn.id)
            if gone is not None:
                await gone_from_table(self.live, ref, gone.user_id)

    # -- requests ------------------------------------------------------------------------------------------

    def _item(self, room: str) -> int:
        ref = RoomRef.parse(room)
        if ref.kind is not RoomKind.LOUNGE:
            raise Invalid(code="bad-room", message="This request is for a lounge room.", field="room")
        if ref.id not in self.lounges:
            raise DomainError(code="not-joined", message=f"Join {ref.name} first.", field="room")
        return ref.id

    async def handle(self, request: LoungeRequest) -> None:
        user = self.conn.user
        svc = self.live.lounges
        item = self._item(request.room)
        ack = self._publish_ack
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
                present = await present_users(self.live, item)
                await ack(request.id, await svc.start_rounds(user, item, request.rounds, request.minutes, present))
            case RoundsStop():
                await ack(request.id, await svc.stop_rounds(user, item))
            case RoundsNext():
                await self._rounds_next(request, item)
            case Mixing():
                await ack(request.id, await svc.set_mixing(user, item, request.opt_out))
            case Word():
                if request.user not in await present_users(self.live, item):
                    raise Invalid(code="not-present", message="This person is not in the lounge now.", field="user")
                sent = await svc.word(user, item, request.user)
                await self.live.publish(sent.appended)
                self.conn.send_frame(WordAck(id=request.id, room=request.room, invite=sent.invite,
                                             already_sent=sent.already_sent))
            case WordReply():
                await self._word_reply(request, item)
            case Connect():
                done = await svc.connect(user, item, request.user)
                await self.live.publish(done.appended)
                self.conn.send_frame(ConnectAck(id=request.id, room=request.room, mutual=done.mutual))
            case ContinueLater():
                # The dialog is the client's; the server only checks that both are members of the mission.
                await svc.may_join(user, RoomRef(RoomKind.LOUNGE, item))
                if await self.live.services.store.get_membership(await svc.mission_of(item), request.user) is None:
                    raise NotFound(code="person-not-found", message="Person not found.")
                self.conn.send_frame(Ack(id=request.id, room=request.room))
            case _:
                assert_never(request)

    async def _rounds_next(self, request: RoundsNext, item: int) -> None:
        """"Move everyone now": one command ends the running round and places the next among the people present
        (or ends the series after its last round)."""
        present = await present_users(self.live, item)
        await self._publish_ack(request.id, await self.live.lounges.move_on(self.conn.user, item, present))

    async def _word_reply(self, request: WordReply, item: int) -> None:
        appended = await self.live.lounges.word_reply(self.conn.user, item, request.invite, request.accept)
        await self._publish_ack(request.id, appended)
        for event in appended.events:
            if isinstance(event.body, WordReplied) and event.body.meeting_id is not None:
                # Both people, on every tab that holds their inbox, open the side room (the l-word-reply event
                # in the lounge carries the same meeting id for tabs that only hold the lounge).
                frame = encode(WordAccepted(room=request.room, meeting=event.body.meeting_id,
                                            invite=request.invite))
                for member in (event.body.from_user, event.body.to):
                    await self.live.hub.publish_ephemeral(inbox(member).name, frame)

    async def signal(self, request: SignalRequest) -> None:
        user = self.conn.user
        ref = RoomRef.parse(request.room)
        if ref.name not in self.tables:
            # Outsiders are refused as such (not-allowed, or not found outside the mission) before anything else.
            try:
                await self.live.lounges.may_join(user, ref)
            except NotAllowed:
                raise NotAllowed(code="not-allowed", message=_ONLY_SEATED) from None
            raise DomainError(code="not-joined", message=f"Join {ref.name} first.", field="room")
        if request.to is None:
            raise Invalid(code="to-required", message="Name the table member this signal is for.", field="to")
        if request.to == user.id:
            raise Invalid(code="to-self", message="A signal is for another member.", field="to")
        seated = await self.live.lounges.table_members(ref.id, ref.table)
        if user.id not in seated or request.to not in seated:
            raise NotAllowed(code="not-allowed", message=_ONLY_SEATED)
        await relay_signal(self.live, self.conn, ref.name, request.to, request.signal, self.tables[ref.name],
                           request.id)


async def gone_from_lounge(live: Live, ref: RoomRef, gone: PresenceEntry) -> None:
    """A person's last connection left the lounge (or expired with its node): their seat is free again."""
    if visible(gone):
        await live.hub.publish_ephemeral(ref.name, encode(PresenceLeave(room=ref.name, user_id=gone.user_id)))
    await live.publish(await live.lounges.present_left(gone.user_id, ref.id))


async def gone_from_table(live: Live, ref: RoomRef, user_id: int) -> None:
    await live.hub.publish_ephemeral(ref.name, encode(PresenceLeave(room=ref.name, user_id=user_id)))
