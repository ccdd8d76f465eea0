"""Bulk onboarding end to end: an organiser uploads a 300-row XLSX roster with 3 bad rows to a real server
process, which invites the 297 good ones in one transaction; a real SMTP server (aiosmtpd) receives 297 mails,
one each; then the organiser follows each invitation's status, revokes, resends and copies a link."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2 as httpx

from tests.support.procs import env_for, free_port, roundtable, serving
from tests.support.rosters import XLSX, roster_xlsx
from tests.support.smtp import Catcher, smtp_server
from tests.support.wsclient import mint_tokens

ORGANISER = "organiser@roundtable.example"


def _until(check: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"no {what} within {timeout}s")


def test_a_300_row_roster_invites_297_people_and_297_mails_arrive(tmp_path: Path) -> None:
    port = free_port()
    env = env_for(tmp_path / "var", ROUNDTABLE_SMTP_URL=f"smtp://127.0.0.1:{port}",
                  ROUNDTABLE_MAIL_FROM="noreply@roundtable.example")
    roundtable(env, "demo", "--no-links")
    tokens = mint_tokens(env, {"organiser": ORGANISER})
    data = roster_xlsx()
    with smtp_server(port, Catcher()) as catcher, serving(env, tmp_path) as server, \
            httpx.Client(base_url=server.url, headers={"authorization": f"Bearer {tokens['organiser']}"},
                         timeout=60) as client:
        preview = client.post("/api/missions/1/roster/preview", content=data, headers={"content-type": XLSX})
        assert preview.status_code == 200, preview.text
        checked = preview.json()
        assert (checked["good"], checked["bad"]) == (297, 3)
        errors = {r["line"]: [e["code"] for e in r["errors"]] for r in checked["rows"] if not r["ok"]}
        assert errors == {11: ["invalid-email"], 51: ["duplicate-in-file"], 101: ["unknown-org-type"]}
        assert catcher.mails == [] and client.get("/api/missions/1/invitees").json()["people"] == []

        started = time.monotonic()
        imported = client.post("/api/missions/1/roster/import", content=data, headers={"content-type": XLSX})
        took = time.monotonic() - started
        assert imported.status_code == 201, imported.text
        assert imported.json()["imported"] == 297 and len(imported.json()["people"]) == 297
        assert took < 10, f"the import took {took:.1f}s"

        mails = catcher.wait_for(297, timeout=90)
        time.sleep(1.5)  # a sender round or two later: still one mail each
        recipients = Counter(m["To"].addresses[0].addr_spec for m in catcher.mails)
        assert len(mails) == 297 and len(catcher.mails) == 297 and set(recipients.values()) == {1}
        dutch = next(m for m in mails if m["To"].addresses[0].addr_spec == "person1@bulk.example")
        assert dutch["Content-Language"] == "nl"  # the roster's language column

        people = _until(lambda: (p := client.get("/api/missions/1/invitees").json()["people"])
                        and all(x["status"] == "sent" for x in p) and p, what="every invitation sent")
        assert len(people) == 297
        by_email = {p["email"]: p for p in people}

        # Importing the same file again: everyone is invited already, nothing is written.
        again = client.post("/api/missions/1/roster/preview", content=data, headers={"content-type": XLSX})
        assert again.json()["good"] == 0
        assert Counter(e["code"] for r in again.json()["rows"] for e in r["errors"])["already-invited"] == 297

        # Copy a link: opening it shows 'opened'; accepting makes 'accepted'.
        first = by_email["person0@bulk.example"]["invitation_id"]
        link = client.post(f"/api/missions/1/invitations/{first}/link").json()["link"]
        token = link.split("#t=", 1)[1]
        with httpx.Client(base_url=server.url) as guest:
            assert guest.post("/api/invitations/peek", json={"token": token}).status_code == 200
            assert _status(client, first) == "opened"
            accepted = guest.post("/api/invitations/accept", json={"token": token, "name": "Person Zero"})
            assert accepted.status_code == 200, accepted.text
        assert _status(client, first) == "accepted"
        closed = client.post(f"/api/missions/1/invitations/{first}/resend")
        assert closed.status_code == 422 and closed.json()["error"]["code"] == "invitation-closed"

        # Revoke: the link stops working.
        second = by_email["person2@bulk.example"]["invitation_id"]
        revoked_link = client.post(f"/api/missions/1/invitations/{second}/link").json()["link"]
        assert client.post(f"/api/missions/1/invitations/{second}/revoke").json()["status"] == "revoked"
        with httpx.Client(base_url=server.url) as guest:
            refused = guest.post("/api/invitations/accept",
                                 json={"token": revoked_link.split("#t=", 1)[1], "name": "Person Two"})
            assert refused.status_code == 410 and refused.json()["error"]["code"] == "token-revoked"

        # Resend: one more mail, to that person only.
        third = by_email["person3@bulk.example"]["invitation_id"]
        assert client.post(f"/api/missions/1/invitations/{third}/resend").status_code == 200
        extra = catcher.wait_for(298)
        assert extra[-1]["To"].addresses[0].addr_spec == "person3@bulk.example"


def _status(client: httpx.Client, invitation_id: int) -> str:
    people = client.get("/api/missions/1/invitees").json()["people"]
    status: str = next(p["status"] for p in people if p["invitation_id"] == invitation_id)
    return status


def test_an_upload_over_10_mb_is_refused_with_its_code(tmp_path: Path) -> None:
    env = env_for(tmp_path / "var")
    roundtable(env, "demo", "--no-links")
    tokens = mint_tokens(env, {"organiser": ORGANISER})
    with serving(env, tmp_path) as server, \
            httpx.Client(base_url=server.url, headers={"authorization": f"Bearer {tokens['organiser']}"}) as client:
        big = b"name,email,side\n" + b"x" * (10 * 1024 * 1024)
        refused = client.post("/api/missions/1/roster/preview", content=big, headers={"content-type": "text/csv"})
        assert refused.status_code == 413 and refused.json()["error"]["code"] == "roster-too-large"
        half = client.post("/api/missions/1/roster/import", content=b"name,email\nA,not-an-address\n",
                           headers={"content-type": "text/csv"})
        assert half.status_code == 201 and half.json()["imported"] == 0  # bad rows only: nothing written
        assert client.get("/api/missions/1/invitees").json()["people"] == []
