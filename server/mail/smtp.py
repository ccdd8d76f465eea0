"""One delivery attempt over SMTP (aiosmtplib), and the e-mail a composed message becomes."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib

from rooms.core.clock import Clock
from rooms.mail.templates import Message
from server.settings import SmtpConfig


@dataclass(frozen=True)
class Attempt:
    """What the SMTP server said: accepted, or refused (for good with a 5xx; the recipient itself or not)."""

    delivered: bool
    answer: str
    permanent: bool = False
    recipient_refused: bool = False


def email_message(message: Message, mail_from: str, clock: Clock, mail_id: int,
                  unsubscribe: str | None = None) -> EmailMessage:
    """The MIME message: plain text with an HTML alternative, From: showing the mission and its organiser; a
    reminder carries RFC 8058's one-click unsubscribe (`unsubscribe`: the URL a mail client POSTs to)."""
    msg = EmailMessage()
    local, _, domain = mail_from.rpartition("@")
    msg["From"] = Address(display_name=message.sender_name, username=local, domain=domain)
    msg["To"] = Address(display_name=message.to_name, addr_spec=message.to_addr)
    msg["Subject"] = message.subject
    msg["Date"] = format_datetime(clock.now())
    # Stable per outbox row: a mail sent again after a lost acknowledgement is recognisably the same one.
    msg["Message-ID"] = make_msgid(idstring=f"outbox.{mail_id}", domain=domain or None)
    msg["Auto-Submitted"] = "auto-generated"
    if unsubscribe is not None:
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(message.text)
    msg.add_alternative(message.html, subtype="html")
    msg["Content-Language"] = message.lang  # after the content: setting it clears every Content-* header
    return msg


class SmtpTransport:
    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    async def send(self, msg: EmailMessage) -> Attempt:
        c = self._config
        try:
            _, answer = await aiosmtplib.send(
                msg, hostname=c.host, port=c.port, username=c.username, password=c.password, use_tls=c.tls,
                start_tls=c.starttls, timeout=c.timeout)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refusals = exc.recipients
            code = max((r.code for r in refusals), default=0)
            text = "; ".join(f"{r.code} {r.message}" for r in refusals)
            return Attempt(False, text, permanent=500 <= code < 600, recipient_refused=True)
        except aiosmtplib.SMTPResponseException as exc:
            return Attempt(False, f"{exc.code} {exc.message}", permanent=500 <= exc.code < 600)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            # Could not talk to the server at all (down, refused, timed out, TLS failed): it may come back.
            return Attempt(False, f"{type(exc).__name__}: {exc}"[:1000])
        return Attempt(True, answer)
