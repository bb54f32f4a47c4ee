"""Delivering the outbox: claim each due message once, compose it, send it, record the outcome."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask

from ..persistence.base import utcnow
from ..persistence.db import write_session
from ..persistence.models import OutboxMessage
from ..services import outbox
from ..state import state_of
from .compose import Obsolete, compose
from .transport import FileTransport, Transport, parse_mail_url

log = logging.getLogger("courseware.mail")


@dataclass
class DeliveryReport:
    """What one pass over the outbox did."""

    sent: list[int] = field(default_factory=list)
    retry_at: dict[int, datetime] = field(default_factory=dict)
    failed: list[int] = field(default_factory=list)


def transport_for(app: Flask) -> Transport:
    """SMTP when ``MAIL_URL`` is set, else .eml files in ``MAIL_DIR`` (default ``instance/mail``)."""
    if app.config.get("MAIL_URL"):
        return parse_mail_url(app.config["MAIL_URL"], timeout=float(app.config["MAIL_TIMEOUT"]))
    return FileTransport(Path(app.config.get("MAIL_DIR") or Path(app.instance_path) / "mail"))


def retry_policy(app: Flask) -> outbox.RetryPolicy:
    """The retry policy from the configuration (``MAIL_MAX_ATTEMPTS``, ``MAIL_RETRY_SECONDS``)."""
    return outbox.RetryPolicy(max_attempts=int(app.config["MAIL_MAX_ATTEMPTS"]),
                              base=timedelta(seconds=float(app.config["MAIL_RETRY_SECONDS"])))


def deliver_due(app: Flask, now: datetime | None = None, *, limit: int = 100) -> DeliveryReport:
    """Send every due message (each claimed by exactly one caller, however many workers run this)."""
    now = now or utcnow()
    sessions = state_of(app).sessions
    policy = retry_policy(app)
    with write_session(sessions) as session:
        stale = outbox.fail_stale(session, now, policy)
        session.commit()
    if stale:
        log.warning("%d message(s) left half-sent by a stopped worker were marked failed", stale)
    with sessions() as session:
        ids = outbox.due_ids(session, now, limit)
    report = DeliveryReport()
    transport = transport_for(app)
    for message_id in ids:
        deliver_one(app, message_id, now, transport, policy, report)
    return report


def deliver_one(app: Flask, message_id: int, now: datetime, transport: Transport, policy: outbox.RetryPolicy,
                report: DeliveryReport) -> None:
    """Claim, compose, send and record one message; a message another worker claimed first is left alone."""
    sessions = state_of(app).sessions
    with write_session(sessions) as session:
        if not outbox.claim(session, message_id, now):
            return
        session.commit()
    error: str | None = None
    permanent = False
    try:
        with sessions() as session, app.app_context():
            row = session.get(OutboxMessage, message_id)
            assert row is not None
            message = compose(app, session, row)
        transport.send(message)
    except Obsolete as exc:
        error, permanent = f"Not sent: {exc}.", True
    except Exception as exc:  # noqa: BLE001 - any failure to send is recorded and retried, never lost
        error = f"{type(exc).__name__}: {exc}"
    with write_session(sessions) as session:
        if error is None:
            outbox.mark_sent(session, message_id, now)
            report.sent.append(message_id)
        else:
            retry_at = outbox.mark_failed_try(session, message_id, error, now, policy, permanent=permanent)
            if retry_at is None:
                report.failed.append(message_id)
                log.error("mail %d failed for good: %s", message_id, error)
            else:
                report.retry_at[message_id] = retry_at
                log.warning("mail %d not sent (%s); next try at %s", message_id, error, retry_at.isoformat())
        session.commit()
