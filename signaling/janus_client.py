"""An asyncio client for Janus's WebSocket transport (subprotocol `janus-protocol`).

One socket per Janus node. Requests carry a transaction; the reply (or, for plugin messages, the plugin's event
that follows the `ack`) resolves that transaction's future. Messages without a waiting transaction (webrtcup,
hangup, media, plugin notifications) go to the handle they name, as `JanusMessage`s on its queue.

Janus drops a transport's sessions when its socket closes (`reclaim_session_timeout` is 0 by default), so a
reconnect cannot resume anything: when the socket is lost every pending request fails with `JanusGone`, every
session is forgotten and `on_reset` callbacks run; the next request opens a new socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable
from typing import Any

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

log = logging.getLogger(__name__)

SUBPROTOCOL = "janus-protocol"
KEEPALIVE_SECONDS = 25.0  # Janus expires a session after 60 s without a message
REQUEST_TIMEOUT = 10.0
EVENT_BACKLOG = 64

# Janus error codes we react to (janus.h / videoroom plugin).
ERR_NO_SUCH_SESSION = 458
VIDEOROOM_NO_SUCH_ROOM = 426
VIDEOROOM_ROOM_EXISTS = 427
VIDEOROOM_NO_SUCH_FEED = 428
VIDEOROOM_ID_EXISTS = 436


class Jsep(msgspec.Struct, omit_defaults=True):
    type: str
    sdp: str


class PluginData(msgspec.Struct):
    plugin: str
    data: dict[str, Any]


class ErrorBody(msgspec.Struct):
    code: int
    reason: str


class JanusMessage(msgspec.Struct, omit_defaults=True):
    """Any message Janus sends; which optional fields are present depends on `janus`."""

    janus: str
    transaction: str | None = None
    session_id: int | None = None
    sender: int | None = None
    data: dict[str, Any] | None = None
    plugindata: PluginData | None = None
    jsep: Jsep | None = None
    error: ErrorBody | None = None


class JanusError(Exception):
    """Janus (or its plugin) refused a request."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"Janus error {code}: {reason}")
        self.code = code
        self.reason = reason


class JanusGone(ConnectionError):
    """The socket to Janus is closed or could not be opened."""


_decoder = msgspec.json.Decoder(JanusMessage)
_encoder = msgspec.json.Encoder()


class _Pending:
    __slots__ = ("future", "wants_event")

    def __init__(self, future: asyncio.Future[JanusMessage], wants_event: bool) -> None:
        self.future = future
        self.wants_event = wants_event


class JanusClient:
    """One WebSocket to one Janus node; sessions and handles are opened through it."""

    def __init__(self, url: str, *, request_timeout: float = REQUEST_TIMEOUT) -> None:
        self.url = url
        self.request_timeout = request_timeout
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._connecting = asyncio.Lock()
        self._pending: dict[str, _Pending] = {}
        self._queues: dict[int, asyncio.Queue[JanusMessage]] = {}
        self._sessions: dict[int, asyncio.Task[None]] = {}
        self._ids = itertools.count(1)
        self._reset_callbacks: list[Callable[[], None]] = []
        self._closed = False

    def on_reset(self, callback: Callable[[], None]) -> None:
        """Called (synchronously) each time the socket is lost: every session and handle is gone."""
        self._reset_callbacks.append(callback)

    @property
    def connected(self) -> bool:
        return self._ws is not None

    async def _socket(self) -> ClientConnection:
        if self._closed:
            raise JanusGone("the Janus client is closed")
        if self._ws is not None:
            return self._ws
        async with self._connecting:
            if self._ws is None:
                try:
                    self._ws = await connect(self.url, subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
                                             max_size=None, compression=None, open_timeout=self.request_timeout)
                except (OSError, TimeoutError, ConnectionClosed) as exc:
                    raise JanusGone(f"cannot reach Janus at {self.url}: {exc}") from exc
                self._reader = asyncio.create_task(self._read(self._ws), name="janus-reader")
            return self._ws

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                try:
                    msg = _decoder.decode(raw)
                except msgspec.DecodeError:
                    log.warning("undecodable message from Janus: %.200r", raw)
                    continue
                self._dispatch(msg)
        except ConnectionClosed:
            pass
        finally:
            self._lost(ws)

    def _dispatch(self, msg: JanusMessage) -> None:
        pending = self._pending.get(msg.transaction) if msg.transaction else None
        if pending is not None:
            # A plugin message is acknowledged first; its answer is the event with the same transaction.
            if msg.janus == "ack" and pending.wants_event:
                return
            del self._pending[msg.transaction]  # type: ignore[arg-type]
            if not pending.future.done():
                pending.future.set_result(msg)
            return
        if msg.janus in ("ack", "keepalive"):
            return
        if msg.sender is not None and msg.sender in self._queues:
            # Bounded: nobody is obliged to read a handle's notifications, and old ones are worthless; the newest
            # (a renegotiation offer Janus sent by itself) must never be the one lost.
            queue = self._queues[msg.sender]
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(msg)
        elif msg.janus == "timeout" and msg.session_id is not None:
            self._forget_session(msg.session_id)

    def _lost(self, ws: ClientConnection) -> None:
        if self._ws is not ws:
            return
        self._ws = None
        gone = JanusGone(f"the connection to Janus at {self.url} was lost")
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(gone)
        self._pending.clear()
        for task in self._sessions.values():
            task.cancel()
        self._sessions.clear()
        self._queues.clear()
        if not self._closed:
            log.warning("lost the connection to Janus at %s; sessions reset", self.url)
            for callback in self._reset_callbacks:
                callback()

    async def send(self, body: dict[str, Any], *, wants_event: bool = False) -> JanusMessage:
        """Sends one request and returns its answer; raises JanusError when Janus or the plugin refuses it."""
        ws = await self._socket()
        transaction = f"t{next(self._ids)}"
        future: asyncio.Future[JanusMessage] = asyncio.get_running_loop().create_future()
        self._pending[transaction] = _Pending(future, wants_event)
        try:
            await ws.send(_encoder.encode({**body, "transaction": transaction}).decode())
        except ConnectionClosed as exc:
            self._pending.pop(transaction, None)
            raise JanusGone(f"the connection to Janus at {self.url} was lost") from exc
        try:
            msg = await asyncio.wait_for(future, self.request_timeout)
        except TimeoutError:
            self._pending.pop(transaction, None)
            raise JanusGone(f"Janus did not answer {body.get('janus')!r} within "
                            f"{self.request_timeout:.0f} s") from None
        _raise_for(msg)
        return msg

    async def create_session(self) -> int:
        msg = await self.send({"janus": "create"})
        session = _id(msg)
        self._sessions[session] = asyncio.create_task(self._keepalive(session), name=f"janus-keepalive-{session}")
        return session

    async def destroy_session(self, session: int) -> None:
        self._forget_session(session)
        with contextlib.suppress(JanusError, JanusGone):
            await self.send({"janus": "destroy", "session_id": session})

    def _forget_session(self, session: int) -> None:
        task = self._sessions.pop(session, None)
        if task is not None:
            task.cancel()

    async def _keepalive(self, session: int) -> None:
        while True:
            await asyncio.sleep(KEEPALIVE_SECONDS)
            try:
                await self.send({"janus": "keepalive", "session_id": session})
            except JanusError as exc:
                if exc.code == ERR_NO_SUCH_SESSION:
                    log.warning("Janus session %s expired", session)
                    return
            except JanusGone:
                return

    async def attach(self, session: int, plugin: str = "janus.plugin.videoroom") -> int:
        msg = await self.send({"janus": "attach", "session_id": session, "plugin": plugin})
        handle = _id(msg)
        self._queues[handle] = asyncio.Queue(EVENT_BACKLOG)
        return handle

    async def detach(self, session: int, handle: int) -> None:
        self._queues.pop(handle, None)
        with contextlib.suppress(JanusError, JanusGone):
            await self.send({"janus": "detach", "session_id": session, "handle_id": handle})

    def events(self, handle: int) -> asyncio.Queue[JanusMessage]:
        """Unsolicited messages for `handle` (webrtcup, hangup, plugin notifications)."""
        return self._queues.setdefault(handle, asyncio.Queue(EVENT_BACKLOG))

    async def message(self, session: int, handle: int, body: dict[str, Any], jsep: Jsep | None = None) -> JanusMessage:
        """A plugin request; returns the plugin's answer (its `plugindata.data` holds the result). A plugin error
        (`error_code` in the data) raises JanusError."""
        request: dict[str, Any] = {"janus": "message", "session_id": session, "handle_id": handle, "body": body}
        if jsep is not None:
            request["jsep"] = msgspec.to_builtins(jsep)
        msg = await self.send(request, wants_event=True)
        data = msg.plugindata.data if msg.plugindata else {}
        if "error_code" in data:
            raise JanusError(int(data["error_code"]), str(data.get("error", "")))
        return msg

    async def trickle_completed(self, session: int, handle: int) -> None:
        # aiortc and our browsers send complete SDPs: tell Janus no more candidates will follow.
        await self.send({"janus": "trickle", "session_id": session, "handle_id": handle,
                         "candidate": {"completed": True}})

    async def close(self) -> None:
        self._closed = True
        for session in list(self._sessions):
            self._forget_session(session)
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(JanusGone("the Janus client is closed"))
        self._pending.clear()


def _raise_for(msg: JanusMessage) -> None:
    if msg.janus == "error":
        err = msg.error or ErrorBody(0, "unknown error")
        raise JanusError(err.code, err.reason)


def _id(msg: JanusMessage) -> int:
    if msg.data is None or not isinstance(msg.data.get("id"), int):
        raise JanusError(0, f"expected an id in Janus's answer, got {msg!r}")
    value: int = msg.data["id"]
    return value
