"""Migration 0011 backfills organisations from the profiles that exist, deterministically, on SQLite and
PostgreSQL; afterwards new profiles join those records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from rooms.missions.profile import ProfileDraft
from server.db.engine import create_engine
from server.db.migrate import upgrade
from server.db.store_sql import SqlStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'blank.db'}"
    url: str = request.getfixturevalue("postgres_blank_url")
    return url


PEOPLE = [  # user id, organisation, country, website
    (1, "ACME bv", "NL", ""),
    (2, "Acme B.V.", "NL", "https://acme.example"),
    (3, "Acme", "US", ""),
    (4, "", "NL", ""),
    (5, "Globex GmbH", "DE", ""),
    (6, "B.V.", "NL", ""),  # only a legal form: no organisation
]


async def _seed(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as c:
            for user_id, organisation, country, website in PEOPLE:
                await c.execute(text(
                    "INSERT INTO users (id, email, name, password_hash, can_create_missions, created_at) "
                    "VALUES (:id, :email, :name, NULL, false, :at)"),
                    {"id": user_id, "email": f"p{user_id}@example.org", "name": f"P{user_id}",
                     "at": dt.datetime(2026, 1, user_id)})
                await c.execute(text(
                    "INSERT INTO profiles (user_id, organisation, org_type, job_title, sectors, country, city, "
                    "offers, seeks, languages, bio, website, search_text, sort_org, sort_name) VALUES (:id, :org, "
                    "'sme', '', '[]', :country, '', '', '', '[]', '', :website, '', '', '')"),
                    {"id": user_id, "org": organisation, "country": country, "website": website})
            if not url.startswith("sqlite"):  # ids given explicitly: the sequence continues after them
                await c.execute(text("SELECT setval(pg_get_serial_sequence('users', 'id'), :n)"), {"n": len(PEOPLE)})
    finally:
        await engine.dispose()


async def test_existing_profiles_get_their_organisations(blank_url: str) -> None:
    upgrade(blank_url, "0009")
    await _seed(blank_url)
    upgrade(blank_url)
    store = SqlStore(blank_url)
    try:
        links = {}
        for user_id, *_ in PEOPLE:
            profile = await store.get_profile(user_id)
            assert profile is not None
            links[user_id] = profile.organisation_id
        assert links == {1: 1, 2: 1, 3: 2, 4: None, 5: 3, 6: None}  # made in the order of their first person
        acme, acme_us, globex = await store.organisations([1, 2, 3])
        assert (acme.name, acme.name_key, acme.country, acme.website) == ("ACME bv", "acme", "NL",
                                                                          "https://acme.example")
        assert acme.created_at == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        assert (acme_us.country, globex.name_key) == ("US", "globex")
        # A new profile joins the backfilled record; a new organisation gets the next id.
        user = await store.create_user("new@example.org", "New", dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
        joined = await store.save_profile(user.id, ProfileDraft(name="New", organisation="Acme",
                                                                country="NL").validated())
        assert joined.organisation_id == 1
        fresh = await store.save_profile(user.id, ProfileDraft(name="New", organisation="Initech",
                                                               country="NL").validated())
        assert fresh.organisation_id == 4
    finally:
        await store.close()
