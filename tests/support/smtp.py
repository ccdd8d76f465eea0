"""A real SMTP server for tests (aiosmtpd on a loopback port, in a thread of its own) that keeps what it is
sent, parsed with the email module. It refuses recipients at bounce.example for good (550); it may require
STARTTLS (with a certificate from tests.support.certs) and AUTH after it, and take its time per message."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import ssl
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

BOUNCING = "@bounce.example"


class Catcher:
    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._mails: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    @property
    def mails(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._mails)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address.endswith(BOUNCING):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        content = envelope.content
        assert isinstance(content, bytes)
        msg = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        with self._lock:
            self._mails.append(msg)
            self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 2.0.0 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(mails := self.mails) >= count:
                return mails
            time.sleep(0.05)
        raise AssertionError(f"{len(self.mails)} of {count} mails arrived in {timeout}s")


class _Password:
    def __init__(self, user: str, password: str) -> None:
        self._user, self._password = user.encode(), password.encode()

    def __call__(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
                 ) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == self._user
              and auth_data.password == self._password)
        return AuthResult(success=ok, handled=False)


@contextlib.contextmanager
def smtp_server(port: int, catcher: Catcher, *, tls: tuple[Path, Path] | None = None,
                auth: tuple[str, str] | None = None) -> Iterator[Catcher]:
    """An SMTP server on 127.0.0.1:port delivering into `catcher`, for as long as the block runs. With `tls`
    (certificate, key) it requires STARTTLS; with `auth` (user, password) it requires AUTH, after STARTTLS."""
    extra: dict[str, Any] = {}
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        extra |= {"tls_context": context, "require_starttls": True}
    if auth is not None:
        extra |= {"authenticator": _Password(*auth), "auth_required": True}
    controller = Controller(catcher, hostname="127.0.0.1", port=port, **extra)
    controller.start()
    try:
        yield catcher
    finally:
        controller.stop()
