"""The meeting room (`meeting:<id>`, docs/matchmaking.md): a booked meeting's members call each other; joining,
leaving and call reports feed the meeting's record (held, no-show, failed to connect). The node's meeting clock
prompts "your meeting starts" and settles rooms that closed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, assert_never

from rooms.core.errors import DomainError, Invalid
from rooms.core.presence import PresenceEntry, Status
from rooms.core.refs import RoomKind, RoomRef
from rooms.matchmaking.service import MatchmakingService
from server.ws.meeting_clock import MeetingClock
from server.ws.node import Node
from server.ws.protocol import Ack, Join
from server.ws.protocol_meeting import CallReport, MeetingRequest, SignalRequest
from server.ws.rooms.base import ConnectionState
from server.ws.rooms.calls import CallRoom, InCall
from signaling.meeting import recipient


@dataclass(eq=False)
class InMeeting(InCall):
    members: tuple[int, int] = (0, 0)


class Meeting(CallRoom[MeetingRequest]):
    kind: ClassVar[RoomKind] = RoomKind.MEETING
    requests = (SignalRequest, CallReport)

    def __init__(self, node: Node, meetings: MatchmakingService) -> None:
        super().__init__(node)
        self.meetings = meetings
        self.clock = MeetingClock(node.store, meetings, node.clock)

    def start(self) -> None:
        self.clock.start()

    async def close(self) -> None:
        await self.clock.close()

    async def mission_of(self, ref: RoomRef) -> int | None:
        meeting = await self.node.store.get_meeting(ref.id)
        return None if meeting is None else meeting.mission_id

    async def join(self, s: ConnectionState, ref: RoomRef, request: Join) -> None:
        user = s.conn.user
        # Only its two members, while the room is open (not cancelled, until 10 minutes past its end).
        meeting = await self.meetings.may_join_meeting(user, ref.id)
        entry = await self.node.rooms.presence_entry(user, meeting.mission_id, Status.IN_MEETING)
        here = InMeeting(ref, epoch=self.epoch_now(), members=meeting.members())
        if await self.enter_call(s, here, request, entry):
            await self.meetings.meeting_joined(user, ref.id)

    async def gone(self, ref: RoomRef, entry: PresenceEntry) -> None:
        """A person's last connection left the meeting room (or expired with its node)."""
        await self.announce_left(ref.name, entry.user_id)
        await self.meetings.meeting_left(entry.user_id, ref.id)

    async def handle(self, s: ConnectionState, request: MeetingRequest) -> None:
        ref = RoomRef.parse(request.room)
        await s.in_scope_room(ref)
        if ref.kind is not RoomKind.MEETING:
            raise Invalid(code="bad-room", message="This request is for meeting rooms.", field="room")
        here = s.find(ref.name, InMeeting)
        if here is None:
            # Outsiders are refused as such (not-allowed, or not found outside the mission) before anything else.
            await self.meetings.may_join_meeting(s.conn.user, ref.id)
            raise DomainError(code="not-joined", message=f"Join {ref.name} first.", field="room")
        match request:
            case SignalRequest():
                to = recipient(here.members, s.conn.user.id)
                await self.relay_signal(s, here, to, request.signal, request.id)
            case CallReport():
                await self.meetings.call_report(s.conn.user, ref.id, request.sid, request.connected, request.frames)
                if request.id is not None:
                    s.conn.send_frame(Ack(id=request.id, room=ref.name))
            case _:
                assert_never(request)

