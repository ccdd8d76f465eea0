"""The migrations build exactly the schema the SQLAlchemy models describe, on SQLite and PostgreSQL.

Alembic's autogenerate comparison of a migrated database with `Base.metadata` must find nothing: tables, columns,
types, nullability, server defaults, indexes, unique constraints and foreign keys. A model changed without a
migration (or a migration edited after it ran) fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from server.db.engine import create_engine
from server.db.migrate import upgrade
from server.db.models import Base

T = TypeVar("T")


def _compare(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
    return list(compare_metadata(context, Base.metadata))


def _meeting_indexes(connection: Connection) -> set[str]:
    return {str(ix["name"]) for ix in inspect(connection).get_indexes("meetings")}


async def _read(url: str, look: Callable[[Connection], T]) -> T:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(look)
    finally:
        await engine.dispose()


async def _diff(url: str) -> list[Any]:
    return await _read(url, _compare)


async def _execute(url: str, sql: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(sql))
    finally:
        await engine.dispose()


async def test_an_empty_database_migrated_to_head_matches_the_models(blank_url: str) -> None:
    upgrade(blank_url)
    assert await _diff(blank_url) == []


async def test_a_database_migrated_before_ix_meetings_starts_at_gets_it(blank_url: str) -> None:
    # What 0004 built before the index was added to it: everything up to 0005, without the index.
    upgrade(blank_url, "0005")
    await _execute(blank_url, "DROP INDEX ix_meetings_starts_at")
    # Tables that later revisions add (and their indexes) are missing too, rightly, as are the columns they add
    # to older tables (0009: invitations'; 0011: profiles' organisation_id, with its index and foreign key); of the
    # tables that 0005 has, only this index is.
    diff = await _diff(blank_url)
    # 0013 lets leads.person be NULL (alembic reports a column change as a list of changes) and indexes
    # leads.next_step_on: both later revisions' changes to a table 0005 has.
    modified = [d for d in diff if isinstance(d, list)]
    assert [(m[0], m[2], m[3]) for change in modified for m in change] == [("modify_nullable", "leads", "person")]
    diff = [d for d in diff if not isinstance(d, list) and not (d[0] == "add_index" and d[1].name == "ix_leads_due")]
    later = {d[1].name for d in diff if d[0] == "add_table"}
    later_columns = {(d[2], d[3].name) for d in diff if d[0] == "add_column"}

    def on_later_columns(d: Any) -> bool:
        return d[0] in ("add_index", "add_fk") and all((d[1].table.name, c.name) in later_columns
                                                        for c in d[1].columns)

    missing = [d for d in diff if d[0] not in ("add_table", "add_column") and d[1].table.name not in later
               and not on_later_columns(d)]
    assert [d[0] for d in missing] == ["add_index"], missing  # the comparison sees indexes
    assert missing[0][1].name == "ix_meetings_starts_at"

    upgrade(blank_url)
    assert await _diff(blank_url) == []
    assert "ix_meetings_starts_at" in await _read(blank_url, _meeting_indexes)
