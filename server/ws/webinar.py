"""Webinar requests on one connection: decode → the webinar service (which checks the policy) → publish → reply.

Stage media requests also drive the node's StageMedia: publishing is granted by the service first and recorded
as live only after the SFU accepted it; a publisher that loses its right is kicked from the SFU by the request
that revoked it, whichever node that runs on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import assert_never

import msgspec

from rooms.core.errors import DomainError, Invalid
from rooms.core.events import Appended
from rooms.core.refs import RoomKind, RoomRef
from rooms.missions.people import User
from rooms.webinar.reactions import allowed_emoji
from rooms.webinar.service import WebinarService
from server.ws.connection import Connection
from server.ws.protocol import Ack
from server.ws.protocol_webinar import (
    Ask,
    Greet,
    Hand,
    LowerHand,
    Moderate,
    PollCreate,
    PollState,
    PollVote,
    React,
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
    WebinarStart,
)
from server.ws.webinar_node import WebinarNode
from signaling.stage import Source as StageSource

log = logging.getLogger("roundtable.webinar")

REACTIONS_PER_SECOND = 4


def _source(value: str) -> StageSource:
    return "screen" if value == "screen" else "camera"


class WebinarRequests:
    """The webinar side of a Session. `joined` is the set of room names the session is in."""

    def __init__(self, conn: Connection, webinars: WebinarService, node: WebinarNode,
                 publish_ack: Callable[[str | None, Appended], Awaitable[None]],
                 hit: Callable[[str, int], Awaitable[int]], joined: Callable[[str], bool]) -> None:
        self.conn = conn
        self.webinars = webinars
        self.node = node
        self._publish_ack = publish_ack
        self._hit = hit
        self._joined = joined
        self.publishing: set[tuple[int, str]] = set()  # (item, source) this connection publishes
        self.watching: set[int] = set()

    def _item(self, room: str) -> int:
        ref = RoomRef.parse(room)
        if ref.kind is not RoomKind.WEBINAR:
            raise Invalid(code="bad-room", message="This request is for a webinar room.", field="room")
        if not self._joined(ref.name):
            raise DomainError(code="not-joined", message=f"Join {ref.name} first.", field="room")
        return ref.id

    async def handle(self, request: WebinarRequest) -> None:
        user: User = self.conn.user
        svc = self.webinars
        item = self._item(request.room)
        ack = self._publish_ack
        match request:
            case Ask():
                await ack(request.id, await svc.ask(user, item, request.text, request.anonymous, request.key))
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
                await self._end_guest(request, item)
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
                await self._end(request, item)
            case WebinarReopen():
                await ack(request.id, await svc.reopen(user, item))
            case WebinarRehearse():
                await ack(request.id, await svc.rehearse(user, item, request.on))
            case React():
                await self._react(request, item)
            case StagePublish():
                await self._stage_publish(request, item)
            case StageUnpublish():
                await self.unpublish(item, request.source.value)
                self.conn.send_frame(Ack(id=request.id, room=request.room))
            case StageWatch():
                await svc.may_watch(user, item)
                offer = await self.node.watch(item, self.conn)
                self.watching.add(item)
                self.conn.send_frame(msgspec.structs.replace(offer, id=request.id))
            case StageWatchAnswer():
                await self.node.watch_answer(item, self.conn, request.sdp)
                self.conn.send_frame(Ack(id=request.id, room=request.room))
            case StageUnwatch():
                self.watching.discard(item)
                await self.node.unwatch(item, self.conn.id)
                self.conn.send_frame(Ack(id=request.id, room=request.room))
            case _:
                assert_never(request)

    async def _react(self, request: React, item: int) -> None:
        if request.emoji not in allowed_emoji():
            raise Invalid(code="invalid-choice", message="Pick one of the offered reactions.", field="emoji")
        await self.webinars.may_react(self.conn.user, item)
        if await self._hit(f"react:{self.conn.user.id}", 1) > REACTIONS_PER_SECOND:
            raise DomainError(code="rate-limited", message=f"At most {REACTIONS_PER_SECOND} reactions a second.")
        self.node.reactions.add(request.room, request.emoji)
        # Reactions are fire-and-forget: only a request that names an id is acknowledged.
        if request.id is not None:
            self.conn.send_frame(Ack(id=request.id, room=request.room))

    async def _stage_publish(self, request: StagePublish, item: int) -> None:
        user = self.conn.user
        source = _source(request.source.value)
        display = (await self.webinars.publisher(user, item, source)).name
        published = await self.node.stage.publish(item, user.id, source, display, request.sdp)
        try:
            appended = await self.webinars.went_live(user, item, source, published.feed)
        except DomainError:
            # Revoked between the check and the SFU's answer: the feed must not stay up.
            await self.node.stage.unpublish(item, user.id, source)
            raise
        self.publishing.add((item, source))
        await self._publish_ack(None, appended)
        self.conn.send_frame(StageAnswer(id=request.id, room=request.room, source=request.source,
                                         sdp=published.answer_sdp, feed=published.feed))

    async def unpublish(self, item: int, source: str) -> None:
        self.publishing.discard((item, source))
        try:
            await self.node.stage.unpublish(item, self.conn.user.id, _source(source))
        finally:
            appended = await self.webinars.went_off(self.conn.user.id, item, source)
            if appended.events:
                await self._publish_ack(None, appended)

    async def _end_guest(self, request: StageEnd, item: int) -> None:
        feeds = [f.feed for f in await self.webinars.live_feeds(item) if f.user_id == request.user]
        appended = await self.webinars.end_guest(self.conn.user, item, request.user)
        await self._kick(item, feeds)
        await self._publish_ack(request.id, appended)

    async def _end(self, request: WebinarEnd, item: int) -> None:
        feeds = [f.feed for f in await self.webinars.live_feeds(item)]
        appended = await self.webinars.end(self.conn.user, item)
        await self._kick(item, feeds)
        await self._publish_ack(request.id, appended)

    async def _kick(self, item: int, feeds: list[int]) -> None:
        for feed in feeds:
            try:
                await self.node.stage.kick(item, feed)
            except Exception:
                log.exception("kicking feed %d of webinar %d failed", feed, item)

    async def leave_item(self, item: int) -> None:
        """The connection left the webinar room: its stage media there ends."""
        for it, source in list(self.publishing):
            if it == item:
                await self.unpublish(item, source)
        if item in self.watching:
            self.watching.discard(item)
            await self.node.unwatch(item, self.conn.id)

    async def cleanup(self) -> None:
        for item, source in list(self.publishing):
            try:
                await self.unpublish(item, source)
            except Exception:
                log.exception("unpublishing %s of webinar %d failed", source, item)
        for item in list(self.watching):
            await self.node.unwatch(item, self.conn.id)
        self.watching.clear()
