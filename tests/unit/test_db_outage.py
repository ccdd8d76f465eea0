"""Which failures of the database mean "cannot be reached just now" (server/db/outage.py): the driver's refused or cut
connection, SQLAlchemy's invalidated connection, PostgreSQL shutting down or starting up, an exhausted pool — and
nothing else (a constraint, a bug). tests/system/test_chaos_postgres.py proves it against a real restart."""

from __future__ import annotations

import pytest
from sqlalchemy import exc as sa

from rooms.core.errors import ErrorKind, NotFound, Unavailable
from server.db.outage import reported, unreachable


class DriverError(Exception):
    """A driver's error carrying a SQLSTATE, as asyncpg's do."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def wrapped(orig: BaseException, *, invalidated: bool = False) -> sa.DBAPIError:
    return sa.DBAPIError("SELECT 1", None, orig, connection_invalidated=invalidated)


@pytest.mark.parametrize("error", [
    ConnectionRefusedError(111, "Connection refused"),
    ConnectionResetError(104, "Connection reset by peer"),
    TimeoutError(),
    wrapped(Exception("connection is closed"), invalidated=True),
    wrapped(DriverError("57P01")),  # terminating connection due to administrator command
    wrapped(DriverError("57P03")),  # the database system is starting up
    wrapped(DriverError("08006")),  # connection failure
    sa.TimeoutError("QueuePool limit reached"),
], ids=repr)
def test_an_unreachable_database_is_reported_as_unavailable(error: BaseException) -> None:
    assert unreachable(error)
    with pytest.raises(Unavailable) as raised, reported():
        raise error
    assert (raised.value.code, raised.value.kind) == ("database-unavailable", ErrorKind.UNAVAILABLE)
    assert raised.value.__cause__ is error


def test_a_cause_deeper_down_counts() -> None:
    try:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except OSError as refused:
            raise RuntimeError("while connecting") from refused
    except RuntimeError as outer:
        assert unreachable(outer)


@pytest.mark.parametrize("error", [
    sa.IntegrityError("INSERT", None, DriverError("23505")),  # a unique violation: a real answer, not an outage
    wrapped(DriverError("42P01")),  # undefined table: a bug
    ValueError("bad"),
    NotFound(code="meeting-not-found", message="Meeting not found."),
], ids=repr)
def test_other_failures_pass_unchanged(error: Exception) -> None:
    assert not unreachable(error)
    with pytest.raises(type(error)) as raised, reported():
        raise error
    assert raised.value is error
