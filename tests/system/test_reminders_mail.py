"""Reminders by mail through a real SMTP server on loopback (aiosmtpd): a meeting request, the booked meeting,
the day's digest at 07:00 in the person's zone and the meeting 10 minutes before it starts each arrive once, parse,
speak the recipient's language, link into the app, and carry a one-click unsubscribe (RFC 8058 headers) that turns
that kind off without signing in — twice is once, undo works, a forged link is refused clearly.

The app runs in process with a clock the test moves (tests/support/world.py); the reminder clock's tick and the
sender's look at the outbox are called directly, as each node's loops call them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from rooms.core.cards import Side
from rooms.missions.mission import ItemDraft, ItemKind
from rooms.missions.people import Role
from server.settings import SmtpConfig
from tests.support.procs import free_port
from tests.support.smtp import Catcher, smtp_server
from tests.support.world import World, make_world

SLOT = dt.datetime(2026, 6, 16, 17, 0, tzinfo=dt.UTC)  # 10:00 in Portland (the mission's zone)
LA_7AM = dt.datetime(2026, 6, 16, 14, 0, tzinfo=dt.UTC)
UNSUBSCRIBE = re.compile(r"(http://testserver/unsubscribe\?t=(\S+))")


@pytest.fixture
def mailed(tmp_path: Path) -> Iterator[tuple[World, Catcher]]:
    port = free_port()
    with smtp_server(port, Catcher()) as catcher:
        for world in make_world(tmp_path, smtp=SmtpConfig("127.0.0.1", port, starttls=False, timeout=10),
                                mail_from="roundtable@testserver", mail_poll=3600.0):
            yield world, catcher


def _parts(msg: EmailMessage) -> tuple[str, str]:
    text, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


def _flush(world: World) -> None:
    """One reminder tick and the sender's look at the outbox, as every node's loops do."""
    world.run(world.root.services.reminders.tick)
    while world.run(world.root.services.mail.run_once):
        pass


def _to(mails: list[EmailMessage], addr: str, subject: str) -> EmailMessage:
    [found] = [m for m in mails if addr in str(m["To"]) and subject in str(m["Subject"])]
    return found


def test_meeting_reminders_and_the_digest_arrive_once_and_unsubscribe_in_one_click(
        mailed: tuple[World, Catcher]) -> None:
    world, catcher = mailed
    mid = world.mission_id
    world.run(world.store.add_item, mid, ItemDraft(kind=ItemKind.MATCHMAKING, title="Matchmaking", starts_at=SLOT,
                                                   ends_at=SLOT + dt.timedelta(hours=3)))
    host, participant = world.users["host"], world.users["participant"]
    # Hosts take no meetings: the host is a travelling participant here (the delegation: Amsterdam's zone).
    world.run(world.store.set_membership, mid, host.id, Role.PARTICIPANT, Side.DELEGATION)
    profile = world.call("participant", "GET", "/api/me/profile").json()
    for read_only in ("user_id", "organisation_id"):  # what GET adds to what PUT takes
        del profile[read_only]
    assert world.call("participant", "PUT", "/api/me/profile", {**profile, "languages": ["nl"]}).status_code == 200

    # A request (to the participant, in Dutch), then the booked meeting (to both).
    asked = world.call("host", "POST", f"/api/missions/{mid}/meetings/requests",
                       {"to": participant.id, "slots": [SLOT.isoformat()], "message": "Laadpalen?"})
    assert asked.status_code == 201, asked.text
    _flush(world)
    request_mail = _to(catcher.wait_for(1), "participant@", "vraagt je om een gesprek")
    assert request_mail["Content-Language"] == "nl"
    accepted = world.call("participant", "POST", f"/api/meeting-requests/{asked.json()['id']}/accept",
                          {"slot": SLOT.isoformat()})
    assert accepted.status_code == 200, accepted.text
    meeting_id = accepted.json()["id"]
    _flush(world)
    mails = catcher.wait_for(3)
    booked = _to(mails, "host@", "Meeting booked with Participant Person")
    assert "10:00" not in str(booked["Subject"])  # the host is in the delegation: Amsterdam, 19:00
    assert "19:00" in str(booked["Subject"])
    _to(mails, "participant@", "Gesprek met Host Person geboekt om 10:00")

    # 07:00 in Portland on the meeting's day: the participant's digest lists it in local time.
    world.clock.advance(LA_7AM - world.clock.now())
    _flush(world)
    _flush(world)  # a second tick (another node) sends nothing more
    digests = [m for m in catcher.mails if "World mission: 2026-06-16" in str(m["Subject"])]
    assert sorted(str(m["To"]).split("<")[1].split("@")[0] for m in digests) == [
        "organiser", "participant", "speaker"]  # the mission's zone; the delegation's 07:00 was long before
    digest = _to(digests, "participant@", "Vandaag in World mission")
    text, html = _parts(digest)
    assert "10:00–10:20 Gesprek met Host Person" in text
    assert "10:00–10:20 Gesprek met Host Person" in html
    assert f"http://testserver/m/{mid}/schedule" in text

    # Ten minutes before: both members, once, with a link into the meeting room.
    world.clock.advance(SLOT - dt.timedelta(minutes=9) - world.clock.now())
    _flush(world)
    _flush(world)
    starting = [m for m in catcher.mails if "10 minut" in str(m["Subject"])]
    assert len(starting) == 2
    mine = _to(starting, "participant@", "Je gesprek met Host Person begint over 10 minuten")
    text, html = _parts(mine)
    assert f"http://testserver/m/{mid}/meeting/{meeting_id}" in text
    assert "om 10:00 (America/Los_Angeles)" in text
    world.clock.advance(dt.timedelta(minutes=20))  # past the start: nothing late
    _flush(world)
    assert len([m for m in catcher.mails if "10 minut" in str(m["Subject"])]) == 2

    # One click: the page's link and RFC 8058's POST target carry the same token.
    found = UNSUBSCRIBE.search(text)
    assert found and f'href="{found.group(1)}"' in html
    token = found.group(2)
    assert mine["List-Unsubscribe"] == f"<http://testserver/api/unsubscribe?t={token}>"
    assert mine["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert world.client.get(f"/unsubscribe?t={token}").status_code == 200  # the landing page
    for _ in range(2):  # as a mail client does it, without a session; twice is once
        done = world.client.post(f"/api/unsubscribe?t={token}", content=b"List-Unsubscribe=One-Click",
                                 headers={"content-type": "application/x-www-form-urlencoded"})
        assert done.status_code == 200, done.text
        assert done.json() == {"kind": "meeting-starting", "mail": False, "email": "p…@world.example"}
    prefs = world.call("participant", "GET", "/api/me/reminders").json()["kinds"]
    assert {p["kind"]: (p["mail"], p["app"]) for p in prefs}["meeting-starting"] == (False, True)
    assert {p["kind"]: p["mail"] for p in prefs}["digest"] is True  # only that kind
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    refused = world.client.post(f"/api/unsubscribe?t={forged}")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "unsubscribe-invalid"
    undone = world.client.post(f"/api/unsubscribe/undo?t={token}")
    assert undone.status_code == 200 and undone.json()["mail"] is True
