"""A database that cannot be reached is not a bug: the store says so as `Unavailable` (`database-unavailable`).

While PostgreSQL is down or restarting, every statement fails: a new connection is refused (the driver's OSError),
a pooled one was cut by the shutdown (SQLSTATE 57P01, 08xxx, or SQLAlchemy invalidating it), or none could be had
in time. The store turns exactly those into `Unavailable`, which the HTTP API answers with 503 and a Retry-After,
and the WebSocket with an error frame, the socket kept open (docs/errors.md). Anything else stays what it was.

Nothing is acknowledged for a write that failed this way; it may still have been committed (the reply to COMMIT is
what was lost), which is why writes carry idempotency keys: the retry finds it and acknowledges it once. The engine
needs no restart afterwards: `pool_pre_ping` (server/db/engine.py) replaces the connections the outage cut.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa

from rooms.core.errors import Unavailable

# SQLSTATEs of a connection that is gone or not yet possible: connection exceptions (class 08), the server shutting
# down or starting up (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now), no free connection.
_GONE_STATES = ("57P01", "57P02", "57P03", "53300")


def unreachable(error: BaseException) -> bool:
    """Whether `error`, raised while talking to the database, means it cannot be reached just now."""
    seen: set[int] = set()
    found: BaseException | None = error
    while found is not None and id(found) not in seen:
        seen.add(id(found))
        if isinstance(found, Unavailable):
            return True
        if isinstance(found, sa.DBAPIError) and found.connection_invalidated:
            return True
        if isinstance(found, sa.TimeoutError):  # no pooled connection came free in time
            return True
        # Raised while a session was open, so by the driver: refused, reset, or a connect that timed out.
        if isinstance(found, OSError | TimeoutError):
            return True
        state = getattr(found, "sqlstate", None)
        if isinstance(state, str) and (state.startswith("08") or state in _GONE_STATES):
            return True
        cause = getattr(found, "orig", None) if isinstance(found, sa.DBAPIError) else None
        found = cause if isinstance(cause, BaseException) and id(cause) not in seen else found.__cause__
    return False


@contextmanager
def reported() -> Iterator[None]:
    """Raises `Unavailable` for a failure of the database's reachability inside the block; the rest as is."""
    try:
        yield
    except Unavailable:
        raise
    except Exception as error:
        if not unreachable(error):
            raise
        raise Unavailable(code="database-unavailable",
                          message="The database cannot be reached just now; nothing was acknowledged. Try again "
                                  "in a moment (a write with the same key is stored once).") from error
