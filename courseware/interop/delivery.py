"""Delivering the integration outbox: per channel, claim due rows in batches, hand them to the channel's delivery
function, record the outcome (sent, retried after a growing delay, or failed for good).

A channel is a name in ``services/integration_outbox.CHANNELS`` and a ``Channel`` here: whether the app is
configured for it, the retry policy, and a function that sends a batch of payloads and says, per ``ref``,
what became of it (raising ``ChannelUnavailable`` when the whole batch is to be tried again later).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from ..persistence.base import utcnow
from ..persistence.db import write_session
from ..persistence.models import IntegrationMessage
from ..services import integration_outbox
from ..services.outbox import RetryPolicy
from ..state import state_of
from .lrs import BatchOutcome, Lrs, LrsUnavailable

log = logging.getLogger("courseware.interop")

ChannelUnavailable = LrsUnavailable  # the one "try the whole batch later" signal every channel raises


@dataclass(frozen=True)
class Channel:
    """How one channel is delivered."""

    configured: Callable[[Flask], bool]
    policy: Callable[[Flask], RetryPolicy]
    batch_size: Callable[[Flask], int]
    send: Callable[[Flask, Sequence[dict[str, Any]]], BatchOutcome]  # payloads → outcome by ``ref`` (payload id)


def lrs_for(app: Flask) -> Lrs:
    """The LRS from the configuration (``XAPI_ENDPOINT``, ``XAPI_AUTH``, ``XAPI_TIMEOUT``)."""
    return Lrs(app.config["XAPI_ENDPOINT"], app.config.get("XAPI_AUTH") or None, float(app.config["XAPI_TIMEOUT"]))


CHANNELS: dict[str, Channel] = {
    "xapi": Channel(
        configured=lambda app: bool(app.config.get("XAPI_ENDPOINT")),
        policy=lambda app: RetryPolicy(max_attempts=int(app.config["XAPI_MAX_ATTEMPTS"]),
                                       base=timedelta(seconds=float(app.config["XAPI_RETRY_SECONDS"]))),
        batch_size=lambda app: int(app.config["XAPI_BATCH"]),
        send=lambda app, payloads: lrs_for(app).send(payloads),
    ),
}


@dataclass
class DeliveryReport:
    """What one pass did: rows sent, rows to retry (with when), rows failed for good."""

    sent: list[int] = field(default_factory=list)
    retry_at: dict[int, datetime] = field(default_factory=dict)
    failed: list[int] = field(default_factory=list)


def deliver_due(app: Flask, now: datetime | None = None, *, limit: int = 500) -> DeliveryReport:
    """Deliver every due row of every configured channel, oldest first; a channel that is down ends its pass."""
    now = now or utcnow()
    report = DeliveryReport()
    sessions = state_of(app).sessions
    for name, channel in CHANNELS.items():
        if not channel.configured(app):
            continue
        policy = channel.policy(app)
        with write_session(sessions) as session:
            if integration_outbox.fail_stale(session, now, policy):
                log.warning("%s: rows left half-delivered by a stopped worker are pending again", name)
            session.commit()
        with sessions() as session:
            ids = integration_outbox.due_ids(session, name, now, limit)
        size = max(1, channel.batch_size(app))
        for start in range(0, len(ids), size):
            if not deliver_batch(app, name, channel, ids[start:start + size], now, policy, report):
                break
    return report


def deliver_batch(app: Flask, name: str, channel: Channel, ids: Sequence[int], now: datetime, policy: RetryPolicy,
                  report: DeliveryReport) -> bool:
    """Claim, send and record one batch; False when the peer was unavailable (the pass stops there)."""
    sessions = state_of(app).sessions
    with write_session(sessions) as session:
        taken = integration_outbox.claim(session, ids, now)
        session.commit()
    if not taken:
        return True
    with sessions() as session:
        rows = session.execute(select(IntegrationMessage.id, IntegrationMessage.ref, IntegrationMessage.payload)
                               .where(IntegrationMessage.id.in_(taken)).order_by(IntegrationMessage.id)).all()
    by_ref = {row.ref: row.id for row in rows}
    error: str | None = None
    outcome = BatchOutcome()
    try:
        outcome = channel.send(app, [row.payload for row in rows])
    except ChannelUnavailable as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - any failure to deliver is recorded and retried, never lost
        error = f"{type(exc).__name__}: {exc}"
    with write_session(sessions) as session:
        if error is not None:
            for row_id in taken:
                _retry_later(session, name, row_id, error, now, policy, report)
        else:
            delivered = [by_ref[ref] for ref in outcome.delivered if ref in by_ref]
            integration_outbox.mark_sent(session, delivered, now)
            report.sent.extend(delivered)
            for ref, note in outcome.notes.items():
                if ref in by_ref:
                    session.get(IntegrationMessage, by_ref[ref]).last_error = note  # type: ignore[union-attr]
            for ref, why in outcome.refused.items():
                if ref in by_ref:
                    _retry_later(session, name, by_ref[ref], why, now, policy, report, permanent=True)
            unanswered = set(taken) - set(delivered) - {by_ref[r] for r in outcome.refused if r in by_ref}
            for row_id in sorted(unanswered):
                _retry_later(session, name, row_id, "The peer did not say what became of it.", now, policy, report)
        session.commit()
    return error is None


def _retry_later(session: Any, name: str, row_id: int, error: str, now: datetime, policy: RetryPolicy,
                 report: DeliveryReport, *, permanent: bool = False) -> None:
    retry_at = integration_outbox.mark_failed_try(session, row_id, error, now, policy, permanent=permanent)
    if retry_at is None:
        report.failed.append(row_id)
        log.error("%s %d failed for good: %s", name, row_id, error)
    else:
        report.retry_at[row_id] = retry_at
        log.warning("%s %d not delivered (%s); next try at %s", name, row_id, error, retry_at.isoformat())
