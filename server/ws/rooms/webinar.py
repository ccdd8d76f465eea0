"""The webinar's public room (`webinar:<item>`): attendance, Q&A, polls, hands, reactions, the time box and the
stage (docs/webinar.md). Requests go decode → the webinar service (which checks the policy) → publish → reply.

Stage media requests also drive the node's StageMedia: publishing is granted by the service first and recorded
as live only after the SFU accepted it; a publisher that loses its right is kicked from the SFU by the request
that revoked it, whichever node that runs on.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar, assert_never

import msgspec

from rooms.core.errors import DomainError, Invalid
from rooms.core.presence import PresenceEntry, Status
from rooms.core.refs import RoomKind, RoomRef
from rooms.webinar.reactions import allowed_emoji
from rooms.webinar.service import WebinarService, asked_question
from server.recorder import Recorder
from server.ws.node import Node
from server.ws.protocol import Ack, Join, Request
from server.ws.protocol_webinar import (
    Ask,
    Floor,
    Greet,
    Hand,
    LowerHand,
    Moderate,
    Mute,
    PollCreate,
    PollState,
    PollVote,
    React,
    Record,
    RecordConsent,
    SetQaMode,
    StageAnswer,
    StageEnd,
    StageInvite,
    StagePublish,
    StageReply,
    StageUnpublish,
    StageUnwatch,
    StageWatch,
    StageWatchAnswer,
    Vote,
    WebinarEnd,
    WebinarRehearse,
    WebinarReopen,
    WebinarRequest,
    WebinarSnapshot,
    WebinarStart,
)
from server.ws.rooms.base import ConnectionState, Here, Opening, RoomType
from server.ws.webinar_node import WebinarNode
from signaling.stage import RecordingUnavailable, StageMedia
from signaling.stage import Source as StageSource

log = logging.getLogger("roundtable.webinar")

REACTIONS_PER_SECOND = 4

R = TypeVar("R", bound=Request)


def _source(value: str) -> StageSource:
    return "screen" if value == "screen" else "camera"


async def webinar_opening(node: Node, webinars: WebinarService, s: ConnectionState, ref: RoomRef,
                          media: str) -> Opening:
    """A webinar room opens with the state as this room shows this person (public or staff view)."""
    snapshot = await webinars.snapshot(s.conn.user, ref)
    frame = WebinarSnapshot(room=ref.name, seq=snapshot.seq, state=msgspec.Raw(snapshot.state_json),
                            role=snapshot.role.value, may_publish=snapshot.may_publish,
                            permissions=snapshot.permissions, media=media, my_votes=snapshot.my_votes,
                            my_questions=snapshot.my_questions,
                            my_ballots=snapshot.my_ballots, ice_servers=list(node.settings.ice_servers),
                            may_reopen=snapshot.may_reopen)
    return Opening([], snapshot=frame, snapshot_seq=snapshot.seq)


class WebinarRoom(RoomType[R]):
    """What a webinar's public and staff rooms share: who may come in."""

    def __init__(self, node: Node, webinars: WebinarService) -> None:
        super().__init__(node)
        self.webinars = webinars

    async def mission_of(self, ref: RoomRef) -> int | None:
        return await self.webinars.mission_of(ref.id)

    async def admit(self, s: ConnectionState, ref: RoomRef) -> None:
        await s.in_scope_room(ref)
        await self.webinars.may_join(s.conn.user, ref)


@dataclass(eq=False)
class InWebinar(Here):
    observing: bool = False  # counted in the node's observation of the webinar (timers, stage)
    publishing: set[str] = field(default_factory=set)  # the stage sources this connection publishes
    watching: bool = False  # subscribed to the stage


class Webinar(WebinarRoom[WebinarRequest]):
    kind: ClassVar[RoomKind] = RoomKind.WEBINAR
    requests = WebinarRequest.__args__
    exclusive = True

    def __init__(self, node: Node, webinars: WebinarService, stage: StageMedia, recorder: Recorder) -> None:
        super().__init__(node, webinars)
        self.stage_node = WebinarNode(node.hub, webinars, stage, node.clock, recorder)

    def start(self) -> None:
        self.stage_node.start()

    async def close(self) -> None:
        await self.stage_node.close()

    async def join(self, s: ConnectionState, ref: RoomRef, request: Join) -> None:
        user = s.conn.user
        entry = await self.node.rooms.presence_entry(user, await self.webinars.mission_of(ref.id), Status.AVAILABLE)
        await self.stage_node.enter(ref.id)
        here = InWebinar(ref, observing=True)

        async def prepare(first: bool) -> Opening:
            # Attendance counts people, not tabs: only a person's first connection (on any node) attends.
            if first:
                await self.webinars.attend(user, ref.id)
            return await webinar_opening(self.node, self.webinars, s, ref, self.stage_node.stage.name)

        await self.enter(s, here, request, entry, prepare)

    async def leave(self, s: ConnectionState, here: Here) -> None:
        assert isinstance(here, InWebinar)
        item = here.ref.id
        # Its stage media ends with the connection's time in the room.
        for source in list(here.publishing):
            try:
                await self._unpublish(s, here, source)
            except Exception:
                log.exception("unpublishing %s of webinar %d failed", source, item)
        if here.watching:
            here.watching = False
            await self.stage_node.unwatch(item, s.conn.id)
        if here.present:
            gone = await self.node.presence.leave(here.ref.name, s.conn.id)
            if gone is not None:
                await self.gone(here.ref, gone)
        if here.observing:
            here.observing = False
            await self.stage_node.exit(item)

    async def gone(self, ref: RoomRef, entry: PresenceEntry) -> None:
        await self.webinars.leave(entry.user_id, ref.id)

    # -- requests ------------------------------------------------------------------------------------------

    def _here(self, s: ConnectionState, room: str) -> InWebinar:
        ref = RoomRef.parse(room)
        if ref.kind is not RoomKind.WEBINAR:
            raise Invalid(code="bad-room", message="This request is for a webinar room.", field="room")
        here = s.find(ref.name, InWebinar)
        if here is None:
            raise DomainError(code="not-joined", message=f"Join {ref.name} first.", field="room")
        return here

    async def handle(self, s: ConnectionState, request: WebinarRequest) -> None:
        started = time.perf_counter()  # a stage-watch's time to its offer (/metrics), its checks included
        await s.in_scope_room(RoomRef.parse(request.room))
        user = s.conn.user
        svc = self.webinars
        here = self._here(s, request.room)
        item = here.ref.id
        ack = s.reply
        match request:
            case Ask():
                asked = await svc.ask(user, item, request.text, request.anonymous, request.key)
                await ack(request.id, asked, asked_question(asked))
            case Vote():
                await ack(request.id, await svc.vote(user, item, request.question, request.up))
            case Moderate():
                await ack(request.id, await svc.moderate(user, item, request.question, request.action.value))
            case SetQaMode():
                await ack(request.id, await svc.set_qa_mode(user, item, request.mode.value))
            case Hand():
                await ack(request.id, await svc.hand(user, item, request.up))
            case LowerHand():
                await ack(request.id, await svc.lower_hand(user, item, request.user))
            case StageInvite():
                await ack(request.id, await svc.invite(user, item, request.user, request.question))
            case StageReply():
                await ack(request.id, await svc.reply(user, item, request.accept))
            case StageEnd():
                await self._end_guest(s, request, item)
            case Floor():
                await ack(request.id, await svc.give_floor(user, item, request.user))
            case Mute():
                await ack(request.id, await svc.mute(user, item, request.user))
            case Record():
                if request.on and not self.stage_node.recorder.available:
                    raise RecordingUnavailable(self.stage_node.stage.name)
                await ack(request.id, await svc.record(user, item, request.on))
            case RecordConsent():
                await ack(request.id, await svc.consent(user, item, request.accept))
            case PollCreate():
                await ack(request.id, await svc.create_poll(user, item, request.question, list(request.options),
                                                            request.multiple, request.key))
            case PollState():
                await ack(request.id, await svc.set_poll(user, item, request.poll, request.status.value))
            case PollVote():
                await ack(request.id, await svc.vote_poll(user, item, request.poll, list(request.choices)))
            case Greet():
                await ack(request.id, await svc.greet(user, item, request.user))
            case WebinarStart():
                await ack(request.id, await svc.start(user, item, request.confirm))
            case WebinarEnd():
                await self._end(s, request, item)
            case WebinarReopen():
                await ack(request.id, await svc.reopen(user, item))
            case WebinarRehearse():
                await ack(request.id, await svc.rehearse(user, item, request.on))
            case React():
                await self._react(s, request, item)
            case StagePublish():
                await self._stage_publish(s, here, request)
            case StageUnpublish():
                await self._unpublish(s, here, request.source.value)
                s.conn.send_frame(Ack(id=request.id, room=request.room))
            case StageWatch():
                await svc.may_watch(user, item)
                checked = time.perf_counter()
                offer = await self.stage_node.watch(item, s.conn)
                here.watching = True
                s.conn.send_frame(msgspec.structs.replace(offer, id=request.id))
                took = time.perf_counter() - started
                self.node.hub.traffic.stage_watch(took)
                log.debug("stage-watch of %s in webinar %d: offer after %.3f s (checks %.3f s, the stage the rest)",
                          s.conn.id, item, took, checked - started)
            case StageWatchAnswer():
                await self.stage_node.watch_answer(item, s.conn, request.sdp)
                s.conn.send_frame(Ack(id=request.id, room=request.room))
            case StageUnwatch():
                here.watching = False
                await self.stage_node.unwatch(item, s.conn.id)
                s.conn.send_frame(Ack(id=request.id, room=request.room))
            case _:
                assert_never(request)

    async def _react(self, s: ConnectionState, request: React, item: int) -> None:
        if request.emoji not in allowed_emoji():
            raise Invalid(code="invalid-choice", message="Pick one of the offered reactions.", field="emoji")
        await self.webinars.may_react(s.conn.user, item)
        if await self.node.limiter.hit(f"react:{s.conn.user.id}", 1) > REACTIONS_PER_SECOND:
            raise DomainError(code="rate-limited", message=f"At most {REACTIONS_PER_SECOND} reactions a second.")
        self.stage_node.reactions.add(request.room, request.emoji)
        # Reactions are fire-and-forget: only a request that names an id is acknowledged.
        if request.id is not None:
            s.conn.send_frame(Ack(id=request.id, room=request.room))

    async def _stage_publish(self, s: ConnectionState, here: InWebinar, request: StagePublish) -> None:
        user = s.conn.user
        item = here.ref.id
        source = _source(request.source.value)
        stage = self.stage_node.stage
        display = (await self.webinars.publisher(user, item, source)).name
        await self.stage_node.recorder.before_publish(item, user.id, source)
        published = await stage.publish(item, user.id, source, display, request.sdp)
        try:
            appended = await self.webinars.went_live(user, item, source, published.feed)
        except DomainError:
            # Revoked between the check and the SFU's answer: the feed must not stay up.
            await stage.unpublish(item, user.id, source)
            raise
        here.publishing.add(source)
        await s.reply(None, appended)
        s.conn.send_frame(StageAnswer(id=request.id, room=request.room, source=request.source,
                                      sdp=published.answer_sdp, feed=published.feed))

    async def _unpublish(self, s: ConnectionState, here: InWebinar, source: str) -> None:
        item = here.ref.id
        here.publishing.discard(source)
        try:
            await self.stage_node.stage.unpublish(item, s.conn.user.id, _source(source))
        finally:
            appended = await self.webinars.went_off(s.conn.user.id, item, source)
            if appended.events:
                await s.reply(None, appended)

    async def _end_guest(self, s: ConnectionState, request: StageEnd, item: int) -> None:
        feeds = [f.feed for f in await self.webinars.live_feeds(item) if f.user_id == request.user]
        appended = await self.webinars.end_guest(s.conn.user, item, request.user)
        await self._kick(item, feeds)
        await s.reply(request.id, appended)

    async def _end(self, s: ConnectionState, request: WebinarEnd, item: int) -> None:
        feeds = [f.feed for f in await self.webinars.live_feeds(item)]
        appended = await self.webinars.end(s.conn.user, item)
        await self._kick(item, feeds)
        await s.reply(request.id, appended)

    async def _kick(self, item: int, feeds: list[int]) -> None:
        for feed in feeds:
            try:
                await self.stage_node.stage.kick(item, feed)
            except Exception:
                log.exception("kicking feed %d of webinar %d failed", feed, item)
