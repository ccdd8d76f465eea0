"""Mail that really goes out, exactly once: real server processes delivering to a real SMTP server (aiosmtpd on a
loopback port). Each mail parses, has a text and an HTML part, speaks the recipient's language, and its link
works once; an SMTP server that is down delays mail, never loses it; two nodes on one PostgreSQL never send one
mail twice; without SMTP the mail is kept, printed as not sent, and the answers say so."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from rooms.mail.outbox import MailDraft
from server.db.store_sql import SqlStore
from tests.support.certs import self_signed
from tests.support.procs import Server, env_for, free_port, roundtable, serving
from tests.support.smtp import BOUNCING, Catcher, smtp_server
from tests.support.wsclient import mint_tokens

ORGANISER = "organiser@roundtable.example"
ANNA = "anna@voltera.example"
LINK = re.compile(r"(http://\S+/(?:link|invite)#t=(\S+))")


def _parts(msg: EmailMessage) -> tuple[str, str]:
    """The text and HTML of a multipart/alternative mail (asserting it is one)."""
    assert msg.get_content_type() == "multipart/alternative", msg.get_content_type()
    text, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


def _token(msg: EmailMessage) -> str:
    text, html = _parts(msg)
    found = LINK.search(text)
    assert found, text
    assert f'href="{found.group(1)}"' in html  # the same link in both parts
    return found.group(2)


def _until(check: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"no {what} within {timeout}s")


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _set_languages(server: Server, token: str, languages: list[str]) -> None:
    with httpx.Client(base_url=server.url, headers=_bearer(token)) as client:
        profile = client.get("/api/me/profile").json()
        for read_only in ("user_id", "organisation_id"):  # what GET adds to what PUT takes
            del profile[read_only]
        assert client.put("/api/me/profile", json={**profile, "languages": languages}).status_code == 200


def _outbox(server: Server, token: str) -> dict[str, Any]:
    with httpx.Client(base_url=server.url, headers=_bearer(token)) as client:
        page = client.get("/api/missions/1/outbox")
        assert page.status_code == 200, page.text
        found: dict[str, Any] = page.json()
        return found


def _invite(server: Server, token: str, email: str, name: str) -> dict[str, Any]:
    with httpx.Client(base_url=server.url, headers=_bearer(token)) as client:
        made = client.post("/api/missions/1/invitations",
                           json={"email": email, "name": name, "role": "participant", "side": "partner"})
        assert made.status_code == 201, made.text
        invitation: dict[str, Any] = made.json()
        return invitation


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Callable[..., dict[str, str]]]:
    """An environment with the demo mission in SQLite, given extra settings."""

    def make(**extra: str) -> dict[str, str]:
        env = env_for(tmp_path / "var", **extra)
        roundtable(env, "demo", "--no-links")
        return env

    yield make


def test_sign_in_and_invitation_mails_arrive_once_in_the_recipients_language(
        tmp_path: Path, seeded: Callable[..., dict[str, str]]) -> None:
    port = free_port()
    cert, key = self_signed(tmp_path)
    # STARTTLS required and verified (the server trusts our certificate as its CA), then AUTH.
    env = seeded(ROUNDTABLE_SMTP_URL=f"smtp://mailer%40rt:s%40cret@127.0.0.1:{port}?starttls=1",
                 ROUNDTABLE_MAIL_FROM="noreply@roundtable.example", SSL_CERT_FILE=str(cert))
    tokens = mint_tokens(env, {"organiser": ORGANISER, "anna": ANNA})
    with smtp_server(port, Catcher(), tls=(cert, key), auth=("mailer@rt", "s@cret")) as catcher, \
            serving(env, tmp_path) as server:
        _set_languages(server, tokens["anna"], ["de", "nl"])
        _set_languages(server, tokens["organiser"], ["fr"])
        with httpx.Client(base_url=server.url) as client:
            for email in (ANNA, ORGANISER, "nobody@nowhere.example"):
                asked = client.post("/api/auth/request-link", json={"email": email})
                assert asked.status_code == 202 and asked.json() == {
                    "message": "If this address is known, a sign-in link is on its way.", "mail_sent": True}
        mails = catcher.wait_for(2)
        by_to = {m["To"].addresses[0].addr_spec: m for m in mails}
        assert set(by_to) == {ANNA, ORGANISER}  # none for an unknown address

        dutch, english = by_to[ANNA], by_to[ORGANISER]
        assert dutch["Subject"] == "Je inloglink voor Roundtable" and dutch["Content-Language"] == "nl"
        assert "Met deze link log je in" in _parts(dutch)[0] and 'lang="nl"' in _parts(dutch)[1]
        assert english["Subject"] == "Your sign-in link for Roundtable"
        assert "Use this link to sign in" in _parts(english)[0]
        assert str(dutch["From"]) == "Roundtable <noreply@roundtable.example>"
        assert dutch["Message-ID"] != english["Message-ID"]

        with httpx.Client(base_url=server.url) as anna:
            used = anna.post("/api/auth/link/use", json={"token": _token(dutch)})
            assert used.status_code == 200 and used.json()["user"]["email"] == ANNA
            again = anna.post("/api/auth/link/use", json={"token": _token(dutch)})
            assert again.status_code == 410 and again.json()["error"]["code"] == "token-used"

        # An invitation: from the organiser and the mission, the invitee's name escaped in the HTML.
        _invite(server, tokens["organiser"], "guest@newcomer.example", "Né <b>Guest</b>")
        invitation = next(m for m in catcher.wait_for(3) if m["To"].addresses[0].addr_spec.startswith("guest@"))
        assert invitation["From"].addresses[0].display_name.startswith("Eva Jansen (")
        text, html = _parts(invitation)
        assert "Hello Né <b>Guest</b>," in text and "Hello Né &lt;b&gt;Guest&lt;/b&gt;," in html
        assert "<b>Guest" not in html
        with httpx.Client(base_url=server.url) as guest:
            accepted = guest.post("/api/invitations/accept", json={"token": _token(invitation), "name": "Guest"})
            assert accepted.status_code == 200 and accepted.json()["mission_id"] == 1
            again = guest.post("/api/invitations/accept", json={"token": _token(invitation), "name": "Guest"})
            assert again.status_code == 410 and again.json()["error"]["code"] == "token-used"

        # A recipient the SMTP server refuses for good: bounced, with its answer, and never tried again.
        _invite(server, tokens["organiser"], f"ghost{BOUNCING}", "Ghost")
        page = _until(lambda: (p := _outbox(server, tokens["organiser"]))["mails"][0]["status"] == "bounced" and p,
                      what="bounce")
        assert page["mail_sent"] is True
        bounced, sent = page["mails"][0], page["mails"][1]
        assert bounced["to_addr"] == f"ghost{BOUNCING}" and bounced["last_answer"].startswith("550")
        assert bounced["attempts"] == 1 and bounced["next_attempt_at"] is None
        assert sent["status"] == "sent" and sent["last_answer"].startswith("2.0.0 Message accepted")
        assert sent["to_addr"] == "guest@newcomer.example" and "/invite#t=" in sent["text"]
        time.sleep(1.5)  # a sender round or two later: still exactly one mail each
        assert len(catcher.mails) == 3
        assert all(to == [m["To"].addresses[0].addr_spec] for (_, to), m in zip(catcher.envelopes, catcher.mails,
                                                                                 strict=True))
        assert {frm for frm, _ in catcher.envelopes} == {"noreply@roundtable.example"}


def test_mail_waits_while_smtp_is_down_and_goes_when_it_returns(
        tmp_path: Path, seeded: Callable[..., dict[str, str]]) -> None:
    port = free_port()
    env = seeded(ROUNDTABLE_SMTP_URL=f"smtp://127.0.0.1:{port}", ROUNDTABLE_MAIL_RETRY_SECONDS="0.5")
    tokens = mint_tokens(env, {"organiser": ORGANISER})
    with serving(env, tmp_path) as server:
        guests = [f"guest{n}@later.example" for n in range(3)]
        for guest in guests:
            _invite(server, tokens["organiser"], guest, "Guest")
        retrying = _until(lambda: [m for m in _outbox(server, tokens["organiser"])["mails"]
                                   if m["status"] == "retrying" and m["attempts"] >= 2] or None,
                          what="retrying mails")
        assert "Connect" in retrying[0]["last_answer"], retrying[0]
        assert retrying[0]["next_attempt_at"] is not None
        # The server comes (back) up: every mail goes, once.
        with smtp_server(port, Catcher()) as catcher:
            arrived = catcher.wait_for(3, timeout=30)
            _until(lambda: all(m["status"] == "sent" for m in _outbox(server, tokens["organiser"])["mails"]),
                   what="all sent")
            time.sleep(1)
            assert sorted(m["To"].addresses[0].addr_spec for m in catcher.mails) == sorted(guests)
            assert len(arrived) == 3


def test_without_smtp_mail_is_kept_and_printed_as_not_sent(
        tmp_path: Path, seeded: Callable[..., dict[str, str]]) -> None:
    env = seeded()
    tokens = mint_tokens(env, {"organiser": ORGANISER})
    with serving(env, tmp_path) as server:
        with httpx.Client(base_url=server.url) as client:
            asked = client.post("/api/auth/request-link", json={"email": ANNA})
            assert asked.status_code == 202 and asked.json()["mail_sent"] is False
            assert "sends no mail" in asked.json()["message"] and "on its way" not in asked.json()["message"]
        _invite(server, tokens["organiser"], "guest@kept.example", "Guest")
        page = _until(lambda: (p := _outbox(server, tokens["organiser"]))["mails"][0]["status"] == "held" and p,
                      what="held mail")
        assert page["mail_sent"] is False
        assert "/invite#t=" in page["mails"][0]["text"] and page["mails"][0]["link_withheld"] is False
        log = _until(lambda: (t := server.log.read_text()).count("MAIL NOT SENT") >= 2 and t, what="console")
        printed = log.split("MAIL NOT SENT", 1)[1]
        assert ANNA in printed and "/link#t=" in printed


@pytest.mark.postgres
@pytest.mark.multinode
def test_two_nodes_never_send_one_mail_twice(tmp_path: Path, postgres_url: str) -> None:
    port = free_port()
    env = env_for(tmp_path / "var", postgres_url, ROUNDTABLE_SMTP_URL=f"smtp://127.0.0.1:{port}",
                  ROUNDTABLE_MAIL_FROM="noreply@roundtable.example")
    roundtable(env, "db", "upgrade")
    count = 300
    with smtp_server(port, Catcher(delay=0.005)) as catcher, serving(env, tmp_path) as a, \
            serving(env, tmp_path) as b:
        ids = _enqueue(postgres_url, count)
        mails = catcher.wait_for(count, timeout=120)
        time.sleep(2)  # rounds enough for a stray second delivery to show
        mails = catcher.mails
        sent = Counter(str(m["Message-ID"]) for m in mails)
        assert len(mails) == count and set(sent.values()) == {1}
        rows = {int(found.group(1)) for mid in sent if (found := re.search(r"\.outbox\.(\d+)@", mid))}
        assert rows == set(ids)
        by_node = [len(re.findall(r"mail \d+ to \S+: sent", s.log.read_text())) for s in (a, b)]
        assert sum(by_node) == count and min(by_node) > 0, by_node  # both senders took part


def _enqueue(url: str, count: int) -> list[int]:
    async def run() -> list[int]:
        import datetime as dt

        store = await SqlStore.open(url)
        try:
            now = dt.datetime.now(dt.UTC)
            return list(await asyncio.gather(*(store.enqueue_mail(MailDraft(
                template="sign-in", to_addr=f"p{n}@race.example", to_name=f"P {n}", lang="en",
                sender_name="Roundtable", params={"expires": "soon"}), now) for n in range(count))))
        finally:
            await store.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()
