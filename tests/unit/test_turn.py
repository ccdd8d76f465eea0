"""ICE servers for meetings (docs/matchmaking.md, "ICE servers"): STUN as configured, TURN credentials by the TURN
REST scheme coturn's `use-auth-secret` checks, for the meeting's two members only, expiring when its room closes
(10 minutes after the meeting) and at most 2 hours after they were asked for.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator
from pathlib import Path

import pytest

from rooms.missions.mission import ItemKind
from rooms.missions.service import MissionService
from server.settings import Settings
from server.turn import ice_servers, turn_credential
from tests.support.world import NOW, World, item_draft, make_world

SECRET = "coturn-shared-secret"
STUN = ("stun:stun.example.org:3478",)
TURN = ("turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349?transport=tcp")
MEETING_START = dt.datetime(2026, 6, 15, 16, 0, tzinfo=dt.UTC)
MEETING_END = MEETING_START + dt.timedelta(minutes=20)


def coturn_accepts(secret: str, username: str, credential: str, at: dt.datetime) -> bool:
    """What coturn does with use-auth-secret: the password must be the HMAC of the username, and the username's
    timestamp must not have passed."""
    expected = base64.b64encode(hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()).decode()
    expiry = int(username.split(":", 1)[0])
    return hmac.compare_digest(expected, credential) and at.timestamp() < expiry


def test_credential_is_the_turn_rest_hmac() -> None:
    # Computed independently: echo -n "1781540400:42" | openssl dgst -sha1 -hmac coturn-shared-secret -binary | base64
    assert turn_credential(SECRET, "1781540400:42") == "KMhlj1FNTl3iCkrefWNYHY6+KWE="


def test_username_names_expiry_and_user_and_never_outlives_it() -> None:
    expiry = dt.datetime(2026, 6, 15, 16, 30, 0, 900_000, tzinfo=dt.UTC)
    servers = ice_servers(STUN, TURN, SECRET, 42, expiry)
    stun, turn = servers.ice_servers
    assert stun.urls == list(STUN) and stun.username is None
    assert turn.urls == list(TURN)
    assert turn.username == "1781541000:42"  # rounded down, never up
    assert turn.credential is not None and coturn_accepts(SECRET, turn.username, turn.credential,
                                                         expiry - dt.timedelta(seconds=1))
    assert not coturn_accepts(SECRET, turn.username, turn.credential, expiry)
    assert not coturn_accepts("another secret", turn.username, turn.credential, expiry - dt.timedelta(minutes=5))
    assert servers.expires_at is not None and servers.expires_at <= expiry


def test_without_turn_only_stun_or_nothing() -> None:
    expiry = MEETING_END
    assert [s.urls for s in ice_servers(STUN, (), None, 1, expiry).ice_servers] == [list(STUN)]
    assert ice_servers(STUN, TURN, None, 1, expiry).expires_at is None  # URLs without a secret: no TURN
    assert ice_servers((), (), SECRET, 1, expiry).ice_servers == []


def test_settings_read_and_check_the_urls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROUNDTABLE_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("ROUNDTABLE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("ROUNDTABLE_STUN_URLS", " stun:a.example:3478, stun:b.example ")
    monkeypatch.setenv("ROUNDTABLE_TURN_URLS", "turn:t.example:3478")
    monkeypatch.setenv("ROUNDTABLE_TURN_SECRET", SECRET)
    settings = Settings.from_env()
    assert settings.stun_urls == ("stun:a.example:3478", "stun:b.example")
    assert settings.turn_urls == ("turn:t.example:3478",) and settings.turn_secret == SECRET
    monkeypatch.setenv("ROUNDTABLE_TURN_URLS", "http://t.example")
    with pytest.raises(ValueError, match="ROUNDTABLE_TURN_URLS"):
        Settings.from_env()


# -- the endpoint -------------------------------------------------------------------------------------------------


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    yield from make_world(tmp_path, stun_urls=STUN, turn_urls=TURN, turn_secret=SECRET)


def book(w: World, a: str = "host", b: str = "participant") -> int:
    async def run() -> int:
        missions = MissionService(w.store, w.clock)
        item = await missions.add_item(w.users["organiser"], w.mission_id, item_draft(ItemKind.MATCHMAKING))
        meeting = await w.store.book(w.mission_id, w.users[a].id, w.users[b].id, item.id, MEETING_START,
                                     MEETING_END, w.users[a].id, 30, w.clock.now())
        return meeting.id

    result: int = w.run(run)
    return result


def test_members_get_turn_credentials_that_expire_when_the_room_closes_and_are_short_lived(world: World) -> None:
    meeting = book(world)
    closes = MEETING_END + dt.timedelta(minutes=10)
    # A fortnight early the credential lives 2 hours; during the meeting and just before the room closes, until
    # the room closes: never longer than the meeting.
    for now in (NOW, MEETING_START + dt.timedelta(minutes=5), closes - dt.timedelta(seconds=1)):
        world.clock.advance(now - world.clock.now())
        expiry = min(closes, (now + dt.timedelta(hours=2)).replace(microsecond=0))
        for who in ("host", "participant"):
            r = world.call(who, "GET", f"/api/meetings/{meeting}/ice")
            assert r.status_code == 200, r.text
            assert r.headers["cache-control"] == "no-store"
            body = r.json()
            assert dt.datetime.fromisoformat(body["expires_at"]) == expiry
            stun, turn = body["ice_servers"]
            assert stun == {"urls": list(STUN)}
            assert turn["urls"] == list(TURN)
            assert turn["username"] == f"{int(expiry.timestamp())}:{world.users[who].id}"
            assert coturn_accepts(SECRET, turn["username"], turn["credential"], now)
            assert not coturn_accepts(SECRET, turn["username"], turn["credential"], expiry)


def test_after_the_room_closed_no_credentials(world: World) -> None:
    meeting = book(world)
    world.clock.advance(MEETING_END + dt.timedelta(minutes=10, seconds=1) - world.clock.now())
    r = world.call("host", "GET", f"/api/meetings/{meeting}/ice")
    assert r.status_code == 410 and r.json()["error"]["code"] == "meeting-closed", r.text


def test_cancelled_meeting_gets_no_credentials(world: World) -> None:
    meeting = book(world)
    world.run(world.store.cancel_meeting, meeting)
    r = world.call("participant", "GET", f"/api/meetings/{meeting}/ice")
    assert r.status_code == 410 and r.json()["error"]["code"] == "meeting-closed", r.text


def test_only_the_two_members_get_them(world: World) -> None:
    meeting = book(world)
    for who in ("organiser", "moderator", "speaker"):
        r = world.call(who, "GET", f"/api/meetings/{meeting}/ice")
        assert r.status_code == 403 and r.json()["error"]["code"] == "not-allowed", (who, r.text)
    r = world.call("outsider", "GET", f"/api/meetings/{meeting}/ice")
    assert r.status_code == 404, r.text
    assert world.call("anonymous", "GET", f"/api/meetings/{meeting}/ice").status_code == 401
    r = world.call("host", "GET", "/api/meetings/999999/ice")
    assert r.status_code == 404 and r.json()["error"]["code"] == "meeting-not-found", r.text
    scoped = world.token("host", mission_id=world.other_mission_id)
    r = world.client.get(f"/api/meetings/{meeting}/ice", headers={"authorization": f"Bearer {scoped}"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "token-scope", r.text


def test_without_turn_configured_stun_only(tmp_path: Path) -> None:
    for w in make_world(tmp_path, stun_urls=STUN):
        meeting = book(w)
        body = w.call("host", "GET", f"/api/meetings/{meeting}/ice").json()
        assert body == {"ice_servers": [{"urls": list(STUN)}], "expires_at": None}
