"""Mail while the SMTP server is down, seen on the organiser's screens: the invitation shows "Failed, retrying"
on the people page and "Retrying" with the failed attempts in the outbox; when the SMTP server comes up the mail
goes, once, and both screens say "Sent" without the organiser doing anything."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Browsers, Server, start_server
from tests.support.procs import free_port
from tests.support.smtp import Catcher, smtp_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def smtp_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, smtp_port: int) -> Iterator[Server]:
    """This module's own server, mailing to a port where (at first) nothing listens; retries come fast."""
    with start_server(tmp_path_factory.mktemp("mail-retry"), ROUNDTABLE_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
                      ROUNDTABLE_MAIL_FROM="noreply@roundtable.example",
                      ROUNDTABLE_MAIL_RETRY_SECONDS="0.5") as started:
        yield started


def test_the_organiser_sees_failed_retrying_and_then_sent(browsers: Browsers, sign_in: Any, server: Server,
                                                          smtp_port: int) -> None:
    organiser = sign_in(browsers.new(), "organiser@roundtable.example")
    organiser.goto(f"{server.base}/m/1/organise")
    organiser.get_by_label("E-mail address").fill("late@retry.example")
    organiser.get_by_label("Name", exact=True).fill("Laura Laat")
    organiser.get_by_label("Delegation").check()
    organiser.get_by_role("button", name="Create invitation").click()
    expect(organiser.get_by_text("Invitation for Laura Laat is ready")).to_be_visible()

    organiser.goto(f"{server.base}/m/1/organise/people")
    laura = organiser.locator(".invitee-table tbody tr", has_text="late@retry.example")
    expect(laura.locator(".badge")).to_have_text("Failed, retrying", timeout=30_000)

    organiser.goto(f"{server.base}/m/1/organise/outbox")
    mail = organiser.locator(".outbox-mail", has_text="late@retry.example")
    expect(mail.locator(".badge")).to_have_text("Retrying")
    expect(mail).to_contain_text("failed; next try")

    with smtp_server(smtp_port, Catcher()) as catcher:
        organiser.goto(f"{server.base}/m/1/organise/people")
        # The page reads the list again by itself while a mail is retrying.
        expect(laura.locator(".badge")).to_have_text("Sent", timeout=60_000)
        arrived = catcher.wait_for(1)
        assert [m["To"].addresses[0].addr_spec for m in arrived] == ["late@retry.example"]
