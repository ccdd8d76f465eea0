"""The /ws endpoint: authenticate at the handshake, then decode → call the domain → publish → acknowledge."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import weakref

import msgspec
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from rooms.core.errors import DomainError, Unavailable
from rooms.core.refs import RoomRef, inbox
from rooms.missions.accounts import AccountService
from server.api.core import Services, origin_allowed
from server.api.credentials import SESSION_COOKIE, Identity, authenticate
from server.api.errors import ApiError, describe_validation, error_response
from server.api.input import parse
from server.composition import root_of
from server.headers import SECURITY_HEADERS
from server.logs import bind
from server.ws.connection import Connection
from server.ws.live import Live
from server.ws.protocol import (
    BEARER_PREFIX,
    SUBPROTOCOL,
    VERSION,
    Ack,
    Error,
    Hello,
    Join,
    Leave,
    Ping,
    Pong,
    Request,
    Revoked,
    Welcome,
    WelcomeUser,
)
from server.ws.rooms.base import ConnectionState
from server.ws.rooms.registry import Registry
from server.ws.verified import Verified

log = logging.getLogger("roundtable.ws")

PATH = "/ws"
HELLO_TIMEOUT = 10.0
MAX_FRAME = 64 * 1024
# How long a socket over the per-person cap waits for one of the person's sockets to finish closing (a reload).
SOCKET_GRACE = 2.0


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
    TOO_MANY_SOCKETS = 4430


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


async def identify(ws: WebSocket, services: Services, verified: Verified) -> Identity:
    """The user this socket belongs to, and the one mission a scoped token limits it to."""
    protocols: list[str] = list(ws.scope.get("subprotocols", []))
    if SUBPROTOCOL not in protocols:
        raise Refused(400, "subprotocol-required", f"Offer the WebSocket subprotocol {SUBPROTOCOL}.")
    # A throwaway view of the handshake: the socket keeps no parsed headers or cookies for the hours it is open.
    handshake = HTTPConnection(ws.scope)
    origin = handshake.headers.get("origin")
    bearer = next((p[len(BEARER_PREFIX):] for p in protocols if p.startswith(BEARER_PREFIX)), None)
    # A cookie rides along with any page's request: only our own pages may use it. A bearer token is sent on
    # purpose, but a browser page of another origin may not use one either.
    if origin is None and bearer is None and handshake.cookies.get(SESSION_COOKIE) is None:
        raise Refused(401, "not-signed-in", "Sign in first.")  # no credentials at all: nothing to protect
    if (origin is None and bearer is None) or (origin is not None and not origin_allowed(origin, handshake,
                                                                                          services.settings)):
        raise Refused(403, "bad-origin", "Connections from this origin are not allowed.")
    session_id = None if bearer is not None else handshake.cookies.get(SESSION_COOKIE)
    # Proved a moment ago (server/ws/verified.py)? Kept by a digest: no credential itself stays in memory.
    credential = hashlib.sha256(f"{bearer} {session_id}".encode()).hexdigest()
    now = services.clock.now()
    if (known := verified.get(credential, now)) is not None:
        return known
    try:
        async with verified.proving:
            now = services.clock.now()
            if (known := verified.get(credential, now)) is not None:  # proved while this one waited its turn
                return known
            epoch = verified.epoch
            found = await authenticate(services.tokens, services.store, services.accounts, bearer=bearer,
                                       session_id=session_id)
    except ApiError as exc:
        raise Refused(exc.status, exc.code, exc.message) from exc
    except Unavailable as exc:  # the database is down: the client retries its connection (503, not a 500)
        raise Refused(503, exc.code, exc.message) from exc
    if found is None:
        raise Refused(401, "not-signed-in", "Sign in first.")
    if verified.epoch == epoch:  # else a session ended while the database answered: that answer may be stale
        verified.put(credential, found, now)
    return found


async def endpoint(ws: WebSocket) -> None:
    root = root_of(ws.app)
    if root.draining:
        # Shutting down: the client tries again, and the load balancer (its /readyz says 503) sends it elsewhere.
        await deny(ws, error_response(503, "draining", "This node is shutting down; try again."))
        return
    epoch = root.verified.epoch
    try:
        identity = await identify(ws, root.services, root.verified)
    except Refused as refused:
        # Refused before accept: the client gets an HTTP error, never an open socket.
        await deny(ws, error_response(refused.status, refused.code, refused.message))
        return
    await ws.accept(subprotocol=SUBPROTOCOL)
    # What the handshake said is no longer needed: the request's headers (and the bearer token in the offered
    # subprotocols) are not kept for the life of the socket.
    ws.scope["headers"] = []
    ws.scope["subprotocols"] = []
    # Accepted first, then closed: a browser learns a close code, never the status of a refused handshake.
    sockets = root.live.node.sockets
    if not await sockets.take_within(identity.user.id, root.settings.ws_sockets_per_person, SOCKET_GRACE):
        await ws.close(Close.TOO_MANY_SOCKETS, "too many connections")
        return
    traffic = root.live.node.hub.traffic
    conn = Connection(ws, identity.user, root.settings.ws_max_buffer, traffic)
    bind(conn=conn.id, user=identity.user.id)  # this task's log records carry them (server/logs.py)
    session = Session(root.live, conn, identity, root.services.accounts)
    control = root.live.control
    control.add(session)  # from here a sign-out or a change of role reaches this socket
    traffic.opened += 1
    try:
        if root.verified.epoch != epoch and not await _still_live(root.services.accounts, identity):
            # Its session ended after it was proved and before this socket could hear of it (control.add).
            await session.end("signed out")
            return
        await session.run()
    except WebSocketDisconnect:
        pass
    finally:
        traffic.closed += 1
        control.discard(session)
        sockets.give_back(identity.user.id)
        await session.cleanup()


_decoders: weakref.WeakKeyDictionary[Registry, msgspec.json.Decoder[Request]] = weakref.WeakKeyDictionary()


def _decoder(registry: Registry) -> msgspec.json.Decoder[Request]:
    """One decoder per registry, shared by its sockets (a decoder is stateless): building one for every socket
    cost ~0.1 ms of its handshake and its memory for as long as it stayed open."""
    decoder = _decoders.get(registry)
    if decoder is None:
        decoder = _decoders[registry] = registry.decoder()
    return decoder


async def _still_live(accounts: AccountService, identity: Identity) -> bool:
    try:
        return await accounts.live_session(identity.session) == identity.user.id
    except Exception:
        log.warning("could not check the session of a new socket; closing it", exc_info=True)
        return False


async def deny(ws: WebSocket, response: Response) -> None:
    """Refuses the handshake with an HTTP response carrying the headers every response carries."""
    present = {name for name, _ in response.raw_headers}
    response.raw_headers.extend((k, v) for k, v in SECURITY_HEADERS.items() if k not in present)
    await ws.send_denial_response(response)


class Session:
    """One socket's conversation; also what control messages (server/ws/control.py) act on."""

    def __init__(self, live: Live, conn: Connection, identity: Identity, accounts: AccountService) -> None:
        self.node = live.node
        self.registry = live.registry
        self.conn = conn
        self.session = identity.session
        self.state = ConnectionState(conn, identity.scope, live.node, live.registry.types)
        self.decoder = _decoder(live.registry)
        self._accounts = accounts
        # Requests and re-checks take turns: a room must not be re-admitted while a join into it is half done.
        self._turn = asyncio.Lock()
        self._ended = False

    @property
    def user_id(self) -> int:
        return self.conn.user.id

    async def end(self, reason: str) -> None:
        if self._ended:
            return
        self._ended = True
        log.info("closing connection %s of user %s: %s", self.conn.id, self.user_id, reason)
        try:
            await self.conn.websocket.close(Close.UNAUTHORISED, reason)
        except Exception:
            # Already closing or gone: either way nothing more is read from it.
            log.debug("closing connection %s failed", self.conn.id, exc_info=True)
        self.conn.close_writer()

    async def restart(self) -> None:
        async with self._turn:  # the request being handled finishes (its write, its ack) first
            if self._ended:
                return
            self._ended = True
            try:
                await self.conn.websocket.close(Close.SERVICE_RESTART, "server restarting")
            except Exception:
                log.debug("closing connection %s failed", self.conn.id, exc_info=True)
            self.conn.close_writer()

    async def recheck(self) -> None:
        async with self._turn:
            for name, here in list(self.state.rooms.items()):
                if self._ended:
                    return
                kind = self.registry.of(here.ref.kind)
                try:
                    await kind.admit(self.state, here.ref)
                except Unavailable:
                    raise  # the database is down: that refuses nobody
                except DomainError as refused:
                    if name in self.state.rooms:
                        await self.state.leave(name)
                    self.conn.send_frame(Revoked(room=name, code=refused.code, message=refused.message))

    async def expel(self, mission: int) -> None:
        if self.state.scope == mission:
            await self.end("removed from the mission")
            return
        for here in list(self.state.rooms.values()):
            if await self.registry.of(here.ref.kind).mission_of(here.ref) == mission:
                await self.end("removed from the mission")
                return

    async def revalidate(self) -> None:
        if await self._accounts.live_session(self.session) != self.user_id:
            await self.end("signed out")
        else:
            await self.recheck()

    async def run(self) -> None:
        ws = self.conn.websocket
        try:
            first = await asyncio.wait_for(self._next_text(), HELLO_TIMEOUT)
        except TimeoutError:
            await ws.close(Close.PROTOCOL, "hello expected")
            return
        if first is None:
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
        self.conn.send_frame(Welcome(version=VERSION, conn=self.conn.id, node=self.node.id,
                                     user=WelcomeUser(user.id, user.name, user.email), inbox=box,
                                     max_frame=MAX_FRAME, rate_per_second=self._rate_limit))
        while True:
            text = await self._next_text()
            if text is None:
                return
            verdict = await self._rate(text)
            if verdict == "disconnect":
                return
            if verdict == "refuse":
                continue
            request = self._decode(text)
            if self._ended:
                return
            if request is not None:
                async with self._turn:
                    await self.handle(request)

    async def _next_text(self) -> str | None:
        """The next text frame; None once the socket is done: closed by the client, or by us for a binary frame
        (before hello as after: a client sending binary speaks another protocol, so it is told and let go)."""
        message = await self.conn.websocket.receive()
        if message["type"] == "websocket.disconnect":
            return None
        self.conn.traffic.frames_in += 1
        text: str | None = message.get("text")
        if text is None:
            await self._error("binary-unsupported", "Send JSON text frames.", None)
            await self.conn.websocket.close(Close.PROTOCOL, "binary frames unsupported")
        return text

    @property
    def _rate_limit(self) -> int:
        return self.node.settings.ws_rate_per_second

    async def _rate(self, text: str) -> str:
        """'ok', 'refuse' (the frame is answered with rate-limited and not carried out) or 'disconnect'."""
        try:
            count = await self.node.limiter.hit(f"ws:{self.conn.user.id}", 1)
        except Exception:
            # The shared counter is unreachable (Redis restarting): let traffic through rather than cut everyone.
            log.warning("rate limiter unavailable", exc_info=True)
            return "ok"
        limit = self._rate_limit
        if count <= limit:
            return "ok"
        if count > limit * 3:
            self.conn.traffic.rate_limited["disconnected"] += 1
            await self.conn.websocket.close(Close.FLOODING, "too many messages")
            return "disconnect"
        self.conn.traffic.rate_limited["refused"] += 1
        self.conn.send_frame(Error(code="rate-limited", message=f"At most {limit} messages a second.",
                                   id=_request_id(text)))
        return "refuse"

    def _decode(self, text: str) -> Request | None:
        try:
            parse(text)  # valid JSON, not nested too deeply, no control characters (server/api/input.py)
            request: Request = self.decoder.decode(text)
            return request
        except ApiError as exc:
            self.conn.send_frame(Error(code=exc.code, message=exc.message, field=exc.field, id=_request_id(text)))
        except msgspec.ValidationError as exc:
            code, message, field = describe_validation(exc)
            self.conn.send_frame(Error(code=code, message=message, field=field, id=_request_id(text)))
        return None

    async def _error(self, code: str, message: str, request_id: str | None, field: str | None = None) -> None:
        self.conn.send_frame(Error(code=code, message=message, id=request_id, field=field))

    async def handle(self, request: Request) -> None:
        """Answers one request: its reply, or an error frame; a failure never costs the connection."""
        try:
            await self._dispatch(request)
        except DomainError as exc:
            await self._error(exc.code, exc.message, request.id, exc.field)
        except Exception:
            # One failed request must not cost the connection (or anyone else) anything.
            log.exception("request %s of user %s failed", type(request).__name__, self.conn.user.id)
            await self._error("internal", "Something went wrong on our side; it has been logged.", request.id)

    async def _dispatch(self, request: Request) -> None:
        match request:
            case Hello():
                await self._error("already-welcomed", "Hello was already said.", request.id)
            case Join():
                await self._join(request)
            case Leave():
                await self.state.leave(request.room)
                self.conn.send_frame(Ack(id=request.id, room=request.room))
            case Ping():
                self.conn.send_frame(Pong(id=request.id))
            case _:
                kind = self.registry.answering(request)
                if kind is None:
                    raise RuntimeError(f"no room type answers {type(request).__name__}")
                await kind.handle(self.state, request)

    async def _join(self, request: Join) -> None:
        ref = RoomRef.parse(request.room)
        kind = self.registry.of(ref.kind)
        await kind.admit(self.state, ref)
        if ref.name in self.state.rooms:
            await self.state.leave(ref.name)
        if kind.exclusive:
            for other in self.state.of_kind(ref.kind):
                await self.state.leave(other.ref.name)
        bind(room=ref.name)
        await kind.join(self.state, ref, request)
        self.conn.traffic.joins[ref.kind.value] += 1

    async def cleanup(self) -> None:
        self.conn.close_writer()
        await self.state.close()


def _request_id(text: str) -> str | None:
    """The id of a request that failed validation, so the client can match the error to it."""
    try:
        raw = msgspec.json.decode(text)
    except (msgspec.DecodeError, RecursionError):
        return None
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 else None
