"""Per node: the identities that WebSocket handshakes proved a moment ago, by the credential presented.

Proving a credential reads the database twice (is the session behind it still live; who is its user): most of a
handshake's CPU. A browser reconnecting, a reload, a second tab, or a client opening several sockets presents
the same credential again within seconds; the answer is kept for `TTL` seconds so those skip the reads.

What keeps it correct (docs/security.md: an ended session's credentials are worth nothing, on every node):
- a session that ends is announced on the control topic (server/ws/control.py): every node drops its entries
  (`forget`), for that session or, on "sign out everywhere", for every session of the person;
- where the control subscription reports a gap (or has to be made again), a message may be lost: every entry is
  dropped (`clear`);
- an entry never outlives its bearer token's end, and lives at most `TTL` seconds (a session that merely
  expires by time is announced by no message);
- `epoch` counts what was dropped: a handshake that proved its credential before a drop and registered its
  socket after it re-checks its session (`server/ws/gateway.py`), so no sign-out falls between the two.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from rooms.core.broker import Broker
from server.api.credentials import Identity
from server.ws.control import Control, Message, SignOut

TTL = dt.timedelta(seconds=30)
MAX_ENTRIES = 50_000  # beyond this the oldest go first: a bound on memory, never on correctness
# Credentials proved against the database at once. In a reconnection storm thousands of handshakes arrive together;
# all proving at once, each would take as long as all of them (and pass its handshake deadline); in turn, the
# first are done in milliseconds and only the last wait.
PROVING_AT_ONCE = 16


@dataclass(frozen=True, slots=True)
class _Entry:
    identity: Identity
    until: dt.datetime


class Verified:
    def __init__(self, ttl: dt.timedelta = TTL, max_entries: int = MAX_ENTRIES) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._entries: dict[str, _Entry] = {}  # in the order stored: the oldest first
        self._by_user: dict[int, set[str]] = {}
        self.epoch = 0  # incremented by every `forget` and `clear`
        self.proving = asyncio.Semaphore(PROVING_AT_ONCE)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, credential: str, now: dt.datetime) -> Identity | None:
        entry = self._entries.get(credential)
        if entry is None:
            return None
        if now >= entry.until:
            self._drop(credential)
            return None
        return entry.identity

    def put(self, credential: str, identity: Identity, now: dt.datetime) -> None:
        until = now + self._ttl
        if identity.ends is not None:
            until = min(until, identity.ends)
        self._drop(credential)
        while len(self._entries) >= self._max:
            self._drop(next(iter(self._entries)))
        self._entries[credential] = _Entry(identity, until)
        self._by_user.setdefault(identity.user.id, set()).add(credential)
        self._sweep(now)

    def forget(self, user_id: int, session: str | None) -> None:
        """Drops the person's entries made with that session's credentials (every session's when None)."""
        self.epoch += 1
        for credential in list(self._by_user.get(user_id, ())):
            entry = self._entries.get(credential)
            if entry is not None and (session is None or entry.identity.session == session):
                self._drop(credential)

    def clear(self) -> None:
        self.epoch += 1
        self._entries.clear()
        self._by_user.clear()

    def _drop(self, credential: str) -> None:
        entry = self._entries.pop(credential, None)
        if entry is None:
            return
        mine = self._by_user.get(entry.identity.user.id)
        if mine is not None:
            mine.discard(credential)
            if not mine:
                del self._by_user[entry.identity.user.id]

    def _sweep(self, now: dt.datetime, at_most: int = 4) -> None:
        # A few of the oldest at each store: entries are kept in the order stored, so the first to pass their TTL
        # come first (one that ends sooner, with its token, goes when it is next asked for, or by the bound).
        for _ in range(at_most):
            oldest = next(iter(self._entries.items()), None)
            if oldest is None or oldest[1].until > now:
                return
            self._drop(oldest[0])


class VerifyingControl(Control):
    """The node's control topic, also dropping the verified credentials of every session it hears has ended."""

    def __init__(self, broker: Broker, verified: Verified) -> None:
        super().__init__(broker)
        self.verified = verified

    def _apply(self, message: Message) -> None:
        if isinstance(message, SignOut):
            self.verified.forget(message.user, message.session)
        super()._apply(message)

    def _everyone(self) -> None:
        self.verified.clear()  # a message may have been lost: nothing proved before it is trusted
        super()._everyone()
