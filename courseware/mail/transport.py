"""How a composed message leaves: an SMTP server (``COURSEWARE_MAIL_URL``), or ``.eml`` files in ``instance/mail``."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

log = logging.getLogger("courseware.mail")
SCHEMES = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "ssl"}
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "ssl": 465}


class Transport(Protocol):
    """Something that sends a message or raises."""

    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpTransport:
    """An SMTP server: plain, STARTTLS or implicit TLS, with a login when the URL has one."""

    host: str
    port: int
    security: str  # plain, starttls, ssl
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def send(self, message: EmailMessage) -> None:
        """Deliver one message (one connection; a refusal or a network error raises)."""
        context = ssl.create_default_context()
        server: smtplib.SMTP
        if self.security == "ssl":
            server = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with server:
            if self.security == "starttls":
                server.starttls(context=context)
            if self.username:
                server.login(self.username, self.password or "")
            server.send_message(message)
        log.info("mail %s to %s sent through %s:%s", message["Subject"], message["To"], self.host, self.port)


def parse_mail_url(url: str, timeout: float = 30.0) -> SmtpTransport:
    """``smtp://user:pass@host:port``, ``smtp+starttls://…`` or ``smtps://…`` as a transport; ValueError if malformed."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"COURSEWARE_MAIL_URL must start with smtp://, smtp+starttls:// or smtps://, not {parts.scheme!r}")
    if not parts.hostname:
        raise ValueError("COURSEWARE_MAIL_URL has no host (smtp://user:password@host:port)")
    security = SCHEMES[parts.scheme]
    return SmtpTransport(
        host=parts.hostname, port=parts.port or DEFAULT_PORTS[security], security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None, timeout=timeout,
    )


@dataclass(frozen=True)
class FileTransport:
    """Writes each message to ``directory`` as an .eml file (open it in any mail program) and logs where."""

    directory: Path

    def send(self, message: EmailMessage) -> None:
        """Write the message; the file name says when, which outbox row and to whom."""
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        row = message.get("X-Courseware-Outbox", "0")
        address = message["To"].addresses[0].addr_spec if message["To"] is not None else "nobody"
        to = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in address)[:80]
        path = self.directory / f"{stamp}-{row}-{to}.eml"
        path.write_bytes(message.as_bytes())
        log.info("mail %r to %s written to %s", str(message["Subject"]), message["To"], path)
