"""A real SMTP server for the tests: aiosmtpd on a free loopback port, stopped and started at will."""

from __future__ import annotations

import re
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class Mailbox:
    """What the server accepted: each message as received, in order (thread-safe)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False  # answer 554 to every message (a server that refuses it)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:
            return "554 5.7.1 Message refused"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages addressed to ``address``."""
        return [m for m in self.messages if address in str(m["To"])]


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpPeer:
    """An SMTP server on one port that can go down and come back (a new aiosmtpd Controller each time)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        """The COURSEWARE_MAIL_URL that reaches it."""
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Listen (again)."""
        if self._controller is None:
            self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def text_of(message: EmailMessage) -> str:
    """The plain-text part."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")  # type: ignore[no-any-return]


def html_of(message: EmailMessage) -> str:
    """The HTML part."""
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")  # type: ignore[no-any-return]


def link_path(message: EmailMessage, prefix: str) -> str:
    """The path of the first link in the plain-text part that starts with ``prefix`` (e.g. '/invite/')."""
    found = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[^\s]+)", text_of(message))
    assert found, text_of(message)
    return found.group(1)
