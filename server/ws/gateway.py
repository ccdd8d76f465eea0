"""The /ws endpoint: authenticate at the handshake, then decode → call the domain → publish → acknowledge."""

from __future__ import annotations

import asyncio
import logging
from typing import assert_never

import msgspec
from starlette.websockets import WebSocket, WebSocketDisconnect

from rooms.core.errors import DomainError
from rooms.core.events import Appended
from rooms.core.presence import PresenceEntry, Status
from rooms.core.refs import RoomKind, RoomRef, inbox
from rooms.missions.people import User
from server.api.core import BEARER_TTL, SESSION_COOKIE, BearerClaims, origin_allowed
from server.api.errors import describe_validation, error_response
from server.tokens import Purpose, TokenError
from server.ws.connection import Connection
from server.ws.frames import encode, event_frame
from server.ws.hub import LocalRoom
from server.ws.live import PRESENCE_TTL, Live
from server.ws.lounge import LoungeRequests
from server.ws.meeting import MeetingRequests
from server.ws.protocol import (
    BEARER_PREFIX,
    SUBPROTOCOL,
    VERSION,
    Ack,
    Announce,
    ClientMessage,
    Direct,
    Error,
    EventFrame,
    Hello,
    Join,
    Joined,
    Leave,
    Ping,
    Pong,
    PresenceJoin,
    PresenceLeave,
    PresenceUpdate,
    Remove,
    Reset,
    Say,
    SetStatus,
    Welcome,
    WelcomeUser,
)
from server.ws.protocol_lounge import LoungeRequest
from server.ws.protocol_meeting import AnyRequest, MeetingRequest, SignalRequest
from server.ws.protocol_webinar import WebinarRequest, WebinarSnapshot
from server.ws.webinar import WebinarRequests

log = logging.getLogger("roundtable.ws")

HELLO_TIMEOUT = 10.0
MAX_FRAME = 64 * 1024


class Close:
    """Close codes (docs/protocol.md): 1000–1999 and 4000–4099 mean reconnect; 4400–4499 mean do not."""

    NORMAL = 1000
    GOING_AWAY = 1001
    TOO_BIG = 1009
    SERVICE_RESTART = 1012
    TOO_SLOW = 4000
    PROTOCOL = 4400
    UNAUTHORISED = 4401
    FORBIDDEN = 4403
    VERSION = 4409
    FLOODING = 4429


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


async def authenticate(ws: WebSocket, live: Live) -> tuple[User, int | None]:
    """The user this socket belongs to, and the one mission a scoped token limits it to."""
    protocols: list[str] = list(ws.scope.get("subprotocols", []))
    if SUBPROTOCOL not in protocols:
        raise Refused(400, "subprotocol-required", f"Offer the WebSocket subprotocol {SUBPROTOCOL}.")
    origin = ws.headers.get("origin")
    bearer = next((p[len(BEARER_PREFIX):] for p in protocols if p.startswith(BEARER_PREFIX)), None)
    svc = live.services
    if bearer is not None:
        if origin is not None and not origin_allowed(origin, ws, live.services.settings):
            raise Refused(403, "bad-origin", "Connections from this origin are not allowed.")
        try:
            claims = msgspec.convert(svc.tokens.verify(Purpose.BEARER, bearer, BEARER_TTL), BearerClaims)
        except TokenError as exc:
            raise Refused(401, exc.code, exc.message) from exc
        except msgspec.ValidationError as exc:
            raise Refused(401, "token-invalid", "This token is not valid.") from exc
        user = await svc.store.get_user(claims.u)
        if user is None:
            raise Refused(401, "token-invalid", "This token is not valid.")
        return user, claims.m
    # A cookie rides along with any page's request: only our own pages may use it.
    if origin is None or not origin_allowed(origin, ws, live.services.settings):
        raise Refused(403, "bad-origin", "Connections from this origin are not allowed.")
    session_id = ws.cookies.get(SESSION_COOKIE)
    found = await svc.accounts.session_user(session_id) if session_id and len(session_id) <= 128 else None
    if found is None:
        raise Refused(401, "not-signed-in", "Sign in first.")
    return found, None


async def endpoint(ws: WebSocket) -> None:
    live: Live = ws.app.state.live
    try:
        user, scope = await authenticate(ws, live)
    except Refused as refused:
        # Refused before accept: the client gets an HTTP error, never an open socket.
        await ws.send_denial_response(error_response(refused.status, refused.code, refused.message))
        return
    await ws.accept(subprotocol=SUBPROTOCOL)
    session = Session(live, Connection(ws, user, live.services.settings.ws_max_buffer), scope)
    try:
        await session.run()
    except WebSocketDisconnect:
        pass
    finally:
        await session.cleanup()


class Session:
    def __init__(self, live: Live, conn: Connection, scope: int | None) -> None:
        self.live = live
        self.conn = conn
        self.scope = scope
        self.rooms: dict[str, LocalRoom] = {}
        self.lobby: str | None = None
        self.webinar: str | None = None  # the webinar room this connection is present in, if any
        self.decoder = msgspec.json.Decoder(AnyRequest)
        self.webinars = WebinarRequests(conn, live.webinars, live.webinar_node, self._publish_ack,
                                        live.limiter.hit, lambda name: name in self.rooms)
        self.meetings = MeetingRequests(conn, live, self._attach, PRESENCE_TTL)
        self.lounge = LoungeRequests(conn, live, self.rooms, self._attach, self._publish_ack, PRESENCE_TTL)

    async def run(self) -> None:
        ws = self.conn.websocket
        try:
            first = await asyncio.wait_for(ws.receive_text(), HELLO_TIMEOUT)
        except TimeoutError:
            await ws.close(Close.PROTOCOL, "hello expected")
            return
        hello = self._decode(first)
        if not isinstance(hello, Hello):
            await self._error("hello-expected", "Say hello first.", None)
            await ws.close(Close.PROTOCOL, "hello expected")
            return
        if hello.version != VERSION:
            await self._error("version-unsupported", f"This server speaks protocol version {VERSION}.", hello.id)
            await ws.close(Close.VERSION, "version unsupported")
            return
        user = self.conn.user
        box = inbox(user.id).name
        self.conn.send_frame(Welcome(version=VERSION, conn=self.conn.id, node=self.live.node,
                                     user=WelcomeUser(user.id, user.name, user.email), inbox=box,
                                     max_frame=MAX_FRAME, rate_per_second=self.live.rate_per_second))
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                await self._error("binary-unsupported", "Send JSON text frames.", None)
                continue
            verdict = await self._rate(text)
            if verdict == "disconnect":
                return
            if verdict == "refuse":
                continue
            request = self._decode(text)
            if request is not None:
                await self._handle(request)

    async def _rate(self, text: str) -> str:
        """'ok', 'refuse' (the frame is answered with rate-limited and not carried out) or 'disconnect'."""
        try:
            count = await self.live.limiter.hit(f"ws:{self.conn.user.id}", 1)
        except Exception:
            # The shared counter is unreachable (Redis restarting): let traffic through rather than cut everyone.
            log.warning("rate limiter unavailable", exc_info=True)
            return "ok"
        limit = self.live.rate_per_second
        if count <= limit:
            return "ok"
        if count > limit * 3:
            await self.conn.websocket.close(Close.FLOODING, "too many messages")
            return "disconnect"
        self.conn.send_frame(Error(code="rate-limited", message=f"At most {limit} messages a second.",
                                   id=_request_id(text)))
        return "refuse"

    def _decode(self, text: str) -> AnyRequest | None:
        try:
            request: AnyRequest = self.decoder.decode(text)
            return request
        except msgspec.ValidationError as exc:
            code, message, field = describe_validation(exc)
            self.conn.send_frame(Error(code=code, message=message, field=field, id=_request_id(text)))
        except msgspec.DecodeError as exc:
            self.conn.send_frame(Error(code="malformed-json", message=f"Not valid JSON: {exc}."))
        return None

    async def _error(self, code: str, message: str, request_id: str | None, field: str | None = None) -> None:
        self.conn.send_frame(Error(code=code, message=message, id=request_id, field=field))

    async def _handle(self, request: AnyRequest) -> None:
        try:
            await self._dispatch(request)
        except DomainError as exc:
            await self._error(exc.code, exc.message, request.id, exc.field)
        except Exception:
            # One failed request must not cost the connection (or anyone else) anything.
            log.exception("request %s of user %s failed", type(request).__name__, self.conn.user.id)
            await self._error("internal", "Something went wrong on our side; it has been logged.", request.id)

    async def _dispatch(self, request: AnyRequest) -> None:
        if isinstance(request, WebinarRequest):
            await self._in_scope_room(RoomRef.parse(request.room))
            await self.webinars.handle(request)
            return
        if isinstance(request, MeetingRequest):
            ref = RoomRef.parse(request.room)
            await self._in_scope_room(ref)
            if ref.kind is RoomKind.TABLE and isinstance(request, SignalRequest):
                await self.lounge.signal(request)
            else:
                await self.meetings.handle(request)
            return
        if isinstance(request, LoungeRequest):
            await self._in_scope_room(RoomRef.parse(request.room))
            await self.lounge.handle(request)
            return
        await self._dispatch_core(request)

    async def _in_scope_room(self, ref: RoomRef) -> None:
        match ref.kind:
            case RoomKind.LOBBY:
                self._in_scope(ref.id)
            case RoomKind.INBOX:
                pass
            case RoomKind.WEBINAR | RoomKind.WEBINAR_STAFF:
                if self.scope is not None:
                    self._in_scope(await self.live.webinars.mission_of(ref.id))
            case RoomKind.MEETING:
                mission = None if self.scope is None else await self.meetings.mission_of(ref.id)
                if mission is not None:
                    self._in_scope(mission)
            case RoomKind.LOUNGE | RoomKind.TABLE:
                if self.scope is not None:
                    self._in_scope(await self.lounge.mission_of(ref.id))

    async def _dispatch_core(self, request: ClientMessage) -> None:
        rooms = self.live.rooms
        user = self.conn.user
        match request:
            case Hello():
                await self._error("already-welcomed", "Hello was already said.", request.id)
            case Join():
                await self._join(request)
            case Leave():
                await self._leave(request.room)
                self.conn.send_frame(Ack(id=request.id, room=request.room))
            case Say():
                self._in_scope(RoomRef.parse(request.room).id)
                await self._publish_ack(request.id, await rooms.say(user, RoomRef.parse(request.room), request.text,
                                                                     request.key))
            case Direct():
                self._in_scope(request.mission)
                await self._publish_ack(request.id, await rooms.direct(user, request.mission, request.to,
                                                                        request.text, request.key))
            case Announce():
                self._in_scope(request.mission)
                await self._publish_ack(request.id, await rooms.announce(user, request.mission, request.text,
                                                                          request.key))
            case Remove():
                self._in_scope(RoomRef.parse(request.room).id)
                await self._publish_ack(request.id, await rooms.remove(user, RoomRef.parse(request.room),
                                                                        request.seq))
            case SetStatus():
                await self._set_status(request)
            case Ping():
                self.conn.send_frame(Pong(id=request.id))
            case _:
                assert_never(request)

    def _in_scope(self, mission_id: int) -> None:
        if self.scope is not None and mission_id != self.scope:
            raise DomainError(code="token-scope", message="This token is for another mission.")

    async def _publish_ack(self, request_id: str | None, appended: Appended) -> None:
        await self.live.publish(appended)
        if not appended.events:
            self.conn.send_frame(Ack(id=request_id))
            return
        first = appended.events[0]
        self.conn.send_frame(Ack(id=request_id, room=first.room, seq=first.seq, duplicate=not appended.fresh))

    # -- rooms ---------------------------------------------------------------------------------------------

    async def _attach(self, name: str, since: int | None, request_id: str | None,
                      presence: list[PresenceEntry], offer_to: list[int] | None = None) -> None:
        room = await self.live.hub.hold(name)
        self.rooms[name] = room
        announcement: EventFrame | None = None
        ref = RoomRef.parse(name)
        if ref.kind is RoomKind.LOBBY:
            latest = await self.live.services.store.latest(name, "announcement")
            announcement = None if latest is None else event_frame(latest)

        def start(seq: int, history: list[EventFrame] | None) -> None:
            self.conn.send_frame(Joined(id=request_id, room=name, seq=seq, presence=presence,
                                        announcement=announcement, offer_to=offer_to))
            if history is not None:
                self.conn.send_frame(Reset(room=name, seq=seq, history=history))

        await self.live.hub.attach(room, self.conn, since, self.live.history, start)

    async def _join(self, request: Join) -> None:
        ref = RoomRef.parse(request.room)
        user = self.conn.user
        if ref.kind in (RoomKind.WEBINAR, RoomKind.WEBINAR_STAFF):
            await self._join_webinar(ref, request)
            return
        if ref.kind is RoomKind.MEETING:
            await self._in_scope_room(ref)
            if ref.name in self.rooms:
                await self._leave(ref.name)
            await self.meetings.join(ref, request.since, request.id)
            return
        if ref.kind in (RoomKind.LOUNGE, RoomKind.TABLE):
            await self._in_scope_room(ref)
            if ref.name in self.rooms:
                await self._leave(ref.name)
            await self.lounge.join(ref, request.since, request.id, request.status)
            return
        if ref.kind is RoomKind.INBOX:
            await self.live.rooms.may_join(user, ref)
            if ref.name in self.rooms:
                await self._leave(ref.name)
            await self._attach(ref.name, request.since, request.id, [])
            return
        self._in_scope(ref.id)
        await self.live.rooms.may_join(user, ref)
        if self.lobby is not None:
            await self._leave(self.lobby)
        entry = await self.live.rooms.presence_entry(user, ref.id, request.status)
        self.conn.status = request.status
        self.conn.mission_id = ref.id
        self.lobby = ref.name
        if await self.live.presence.enter(ref.name, self.conn.id, entry, PRESENCE_TTL) and _visible(entry):
            await self.live.hub.publish_ephemeral(ref.name, encode(PresenceJoin(room=ref.name, member=entry)))
        members = [m for m in await self.live.presence.members(ref.name) if _visible(m) or m.user_id == user.id]
        await self._attach(ref.name, request.since, request.id, members)

    async def _join_webinar(self, ref: RoomRef, request: Join) -> None:
        user = self.conn.user
        webinars = self.live.webinars
        await self._in_scope_room(ref)
        await self.live.rooms.may_join(user, ref)
        if ref.name in self.rooms:
            await self._leave(ref.name)
        if ref.kind is RoomKind.WEBINAR:
            if self.webinar is not None:
                await self._leave(self.webinar)
            entry = await self.live.rooms.presence_entry(user, await webinars.mission_of(ref.id), Status.AVAILABLE)
            self.webinar = ref.name
            await self.live.webinar_node.enter(ref.id)
            # Attendance counts people, not tabs: only a person's first connection (on any node) attends.
            if await self.live.presence.enter(ref.name, self.conn.id, entry, PRESENCE_TTL):
                await self.live.publish(await webinars.attend(user, ref.id))
        snapshot = await webinars.snapshot(user, ref)
        room = await self.live.hub.hold(ref.name)
        self.rooms[ref.name] = room
        frame = WebinarSnapshot(room=ref.name, seq=snapshot.seq, state=msgspec.Raw(snapshot.state_json),
                                role=snapshot.role.value, may_publish=snapshot.may_publish,
                                permissions=snapshot.permissions, media=self.live.webinar_node.stage.name,
                                my_votes=snapshot.my_votes, my_ballots=snapshot.my_ballots,
                                ice_servers=list(self.live.services.settings.ice_servers),
                                may_reopen=snapshot.may_reopen)

        def start(seq: int, history: list[EventFrame] | None) -> None:
            # Events up to the snapshot's seq may follow: the snapshot already has them, clients skip them.
            self.conn.send_frame(Joined(id=request.id, room=ref.name, seq=snapshot.seq, presence=[]))
            self.conn.send_frame(frame)

        await self.live.hub.attach(room, self.conn, min(snapshot.seq, room.last_seq), 0, start)

    async def _leave(self, name: str) -> None:
        room = self.rooms.pop(name, None)
        if room is None:
            raise DomainError(code="not-joined", message=f"You are not in {name[:40]}.", field="room")
        self.live.hub.release(room, self.conn)
        ref = RoomRef.parse(name)
        if ref.kind is RoomKind.MEETING:
            await self.meetings.leave(ref)
        if ref.kind in (RoomKind.LOUNGE, RoomKind.TABLE):
            await self.lounge.leave(ref)
        if name == self.webinar:
            self.webinar = None
            item = RoomRef.parse(name).id
            await self.webinars.leave_item(item)
            gone = await self.live.presence.leave(name, self.conn.id)
            if gone is not None:
                await self.live.publish(await self.live.webinars.leave(gone.user_id, item))
            await self.live.webinar_node.exit(item)
        if name == self.lobby:
            self.lobby = None
            gone = await self.live.presence.leave(name, self.conn.id)
            if gone is not None and _visible(gone):
                await self.live.hub.publish_ephemeral(name, encode(PresenceLeave(room=name, user_id=gone.user_id)))

    async def _set_status(self, request: SetStatus) -> None:
        if request.room != self.lobby or self.conn.mission_id is None:
            raise DomainError(code="not-joined", message="Join the lobby first.", field="room")
        before = self.conn.status
        entry = await self.live.rooms.presence_entry(self.conn.user, self.conn.mission_id, request.status)
        await self.live.presence.update(request.room, self.conn.id, entry, PRESENCE_TTL)
        self.conn.status = request.status
        was, now = before is not Status.INVISIBLE, request.status is not Status.INVISIBLE
        frame = (PresenceUpdate(room=request.room, member=entry) if was and now
                 else PresenceJoin(room=request.room, member=entry) if now
                 else PresenceLeave(room=request.room, user_id=entry.user_id) if was else None)
        if frame is not None:
            await self.live.hub.publish_ephemeral(request.room, encode(frame))
        self.conn.send_frame(Ack(id=request.id, room=request.room))

    async def cleanup(self) -> None:
        self.conn.close_writer()
        try:
            await self.webinars.cleanup()
        except Exception:
            log.exception("stage cleanup failed")
        for name in list(self.rooms):
            try:
                await self._leave(name)
            except Exception:
                log.exception("leaving %s failed", name)


def _visible(entry: PresenceEntry) -> bool:
    return entry.status is not Status.INVISIBLE


def _request_id(text: str) -> str | None:
    """The id of a request that failed validation, so the client can match the error to it."""
    try:
        raw = msgspec.json.decode(text)
    except msgspec.DecodeError:
        return None
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 else None
