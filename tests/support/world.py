"""A populated mission behind a real app (SQLite file, real migrations), with a client per role.

Identities are bearer tokens, so one TestClient (one event loop) serves every role.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import msgspec
from starlette.applications import Starlette
from starlette.testclient import TestClient

from rooms.catalog import Store
from rooms.core.cards import Side
from rooms.core.clock import FixedClock
from rooms.missions.accounts import AccountService, session_handle
from rooms.missions.mission import Format, ItemDraft, ItemKind, MissionDraft
from rooms.missions.people import Role, User
from rooms.missions.profile import ProfileDraft
from rooms.missions.service import MissionService
from server.api.core import BEARER_TTL, BearerClaims
from server.app import create_app
from server.composition import Root, root_of
from server.db.migrate import upgrade
from server.settings import Settings
from server.tokens import Purpose, Tokens

START = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
ROLES = ("organiser", "host", "moderator", "speaker", "participant", "outsider", "anonymous")


@dataclass
class World:
    client: TestClient
    store: Store
    clock: FixedClock
    settings: Settings
    users: dict[str, User] = field(default_factory=dict)
    mission_id: int = 0
    other_mission_id: int = 0
    item_id: int = 0
    _seq: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _sessions: dict[int, str] = field(default_factory=dict)  # a live session per user, its handle

    @property
    def root(self) -> Root:
        """The running app's composition root."""
        app = self.client.app
        assert isinstance(app, Starlette)
        return root_of(app)

    def run(self, fn: Any, *args: Any) -> Any:
        return self.client.portal.call(fn, *args)  # type: ignore[union-attr]

    def session(self, who: str) -> str:
        """The handle of a live session of this person (tokens die with their session); made once."""
        user_id = self.users[who].id
        if user_id not in self._sessions:
            # Lives as long as any test moves the clock: these tests are about other things than sessions.
            session_id = self.run(self.store.create_session, user_id, self.clock.now(),
                                  self.clock.now() + dt.timedelta(days=3650))
            self._sessions[user_id] = session_handle(session_id)
        return self._sessions[user_id]

    def token(self, who: str, mission_id: int | None = None) -> str:
        ends = int((self.clock.now() + BEARER_TTL).timestamp())
        return Tokens(self.settings.secret_key).sign(
            Purpose.BEARER, msgspec.to_builtins(BearerClaims(self.users[who].id, mission_id, self.session(who), ends)))

    def headers(self, who: str) -> dict[str, str]:
        return {} if who == "anonymous" else {"authorization": f"Bearer {self.token(who)}"}

    def call(self, who: str, method: str, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        headers = {**self.headers(who), **kw.pop("headers", {})}
        if body is not None:
            kw["json"] = body
        return self.client.request(method, path, headers=headers, **kw)

    def unique(self) -> int:
        return next(self._seq)

    async def populate(self) -> None:
        accounts = AccountService(self.store, self.clock)
        missions = MissionService(self.store, self.clock)
        organiser = await accounts.ensure_user("organiser@world.example", "Olga Organiser", can_create_missions=True)
        self.users["organiser"] = organiser
        view = await missions.create_mission(organiser, mission_draft("World mission"))
        self.mission_id = view.mission.id
        item = await missions.add_item(organiser, self.mission_id, item_draft())
        self.item_id = item.id
        for role, side in (("host", Side.DELEGATION), ("moderator", Side.DELEGATION),
                           ("speaker", Side.PARTNER), ("participant", Side.PARTNER)):
            user = await accounts.ensure_user(f"{role}@world.example", f"{role.title()} Person")
            await self.store.set_membership(self.mission_id, user.id, Role(role), side)
            self.users[role] = user
        outsider = await accounts.ensure_user("outsider@world.example", "Otto Outsider", can_create_missions=True)
        self.users["outsider"] = outsider
        self.other_mission_id = (await missions.create_mission(outsider, mission_draft("Other mission"))).mission.id

    async def new_member(self) -> int:
        """A new participant of the mission (for cases that remove one)."""
        n = self.unique()
        user = await AccountService(self.store, self.clock).ensure_user(f"member{n}@world.example", f"Member {n}")
        await self.store.set_membership(self.mission_id, user.id, Role.PARTICIPANT, Side.PARTNER)
        return user.id

    async def new_organisation(self) -> int:
        """A new member working for a new organisation (for cases that edit or merge one): its id."""
        user_id = await self.new_member()
        profile = await self.store.save_profile(user_id, ProfileDraft(
            name=f"Member {user_id}", organisation=f"Organisation {self.unique()}", country="NL").validated())
        assert profile.organisation_id is not None
        return profile.organisation_id

    async def new_suspended(self) -> int:
        """A new participant of the mission, suspended (for cases that reinstate one)."""
        user_id = await self.new_member()
        await self.store.suspend_membership(self.mission_id, user_id, self.clock.now())
        return user_id

    async def new_item(self) -> int:
        missions = MissionService(self.store, self.clock)
        return (await missions.add_item(self.users["organiser"], self.mission_id, item_draft())).id


def mission_draft(title: str, fmt: Format = Format.HYBRID) -> MissionDraft:
    return MissionDraft(title=title, destination="Portland", timezone="America/Los_Angeles", start_date=START,
                        end_date=START + dt.timedelta(days=4), format=fmt, sectors=["EV charging"])


def item_draft(kind: ItemKind = ItemKind.WEBINAR) -> ItemDraft:
    start = dt.datetime(2026, 6, 15, 16, 0, tzinfo=dt.UTC)
    return ItemDraft(kind=kind, title="Charging the West Coast", starts_at=start,
                     ends_at=start + dt.timedelta(minutes=45))


def make_world(tmp_path: Path, **settings_extra: Any) -> Iterator[World]:
    """A populated world on a fresh SQLite file; `settings_extra` adds settings (e.g. TURN servers)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'world.db'}"
    upgrade(url)
    settings = Settings(database_url=url, secret_key="test-secret-" + "x" * 32, public_url="http://testserver",
                        **{"var_dir": tmp_path / "var", **settings_extra})
    clock = FixedClock(NOW)
    app = create_app(settings, clock=clock)
    with TestClient(app) as client:
        world = World(client, app.state.services.store, clock, settings)
        world.run(world.populate)
        yield world
