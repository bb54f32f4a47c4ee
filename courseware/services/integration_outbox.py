"""The outbox for other systems: rows for each channel (``xapi`` now; an LTI grade channel can join), written in
the same transaction as their cause, claimed and delivered by the worker in batches.

The life of a row is the mail outbox's (``services/outbox.py``, whose ``RetryPolicy`` it shares): a conditional
UPDATE claims it (pending -> sending) for exactly one worker; it ends sent, or back to pending after the
policy's delay, or failed after the last try; an admin may retry a failed one.  ``ref`` (unique per channel)
is the idempotency key the peer sees, so a row sent twice (a worker that died after the peer answered) is
still one record there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..core.errors import NotFound
from ..persistence.base import utcnow
from ..persistence.models import IntegrationMessage
from ..persistence.paging import fetch_page
from ..persistence.queries import get_or_not_found
from . import audit
from .outbox import RetryPolicy, failed_try

CHANNELS = ("xapi",)  # a new channel adds its name here and a delivery function in interop/delivery.py
STATUSES = ("pending", "sending", "sent", "failed")


def enqueue(session: Session, *, channel: str, kind: str, ref: str, subject: str, payload: dict[str, Any],
            revision: int = 0, user_id: int | None = None, now: datetime | None = None) -> IntegrationMessage:
    """Record something to deliver (flushed with the caller's transaction; the worker delivers it after the commit)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    now = now or utcnow()
    row = IntegrationMessage(channel=channel, kind=kind, ref=ref, subject=subject, revision=revision,
                             superseded=False, user_id=user_id, payload=payload, status="pending", attempts=0,
                             next_attempt_at=now, created_at=now)
    session.add(row)
    session.flush()
    return row


def due_ids(session: Session, channel: str, now: datetime, limit: int = 100) -> list[int]:
    """Ids of the channel's pending rows whose time has come, in the order they were written."""
    return list(session.scalars(
        select(IntegrationMessage.id)
        .where(IntegrationMessage.channel == channel, IntegrationMessage.status == "pending",
               IntegrationMessage.next_attempt_at <= now)
        .order_by(IntegrationMessage.id)
        .limit(limit)
    ))


def claim(session: Session, ids: Sequence[int], now: datetime) -> list[int]:
    """Take due rows for delivery: each id is returned to exactly one caller (its conditional UPDATE is the lock)."""
    taken = []
    for row_id in ids:
        result = session.execute(
            update(IntegrationMessage)
            .where(IntegrationMessage.id == row_id, IntegrationMessage.status == "pending",
                   IntegrationMessage.next_attempt_at <= now)
            .values(status="sending", claimed_at=now, attempts=IntegrationMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            taken.append(row_id)
    return taken


def mark_sent(session: Session, ids: Sequence[int], now: datetime) -> None:
    """The peer has these rows."""
    if ids:
        session.execute(
            update(IntegrationMessage)
            .where(IntegrationMessage.id.in_(list(ids)), IntegrationMessage.status == "sending")
            .values(status="sent", sent_at=now, last_error=None).execution_options(synchronize_session=False)
        )


def mark_failed_try(session: Session, row_id: int, error: str, now: datetime, policy: RetryPolicy, *,
                    permanent: bool = False) -> datetime | None:
    """A try failed: back to pending after the policy's delay (returned), or failed for good (None)."""
    return failed_try(session, IntegrationMessage, row_id, error, now, policy, permanent=permanent)


def fail_stale(session: Session, now: datetime, policy: RetryPolicy) -> int:
    """Put back to pending the rows a worker claimed but never finished: the peer dedupes by ``ref``, so sending
    again is safe (unlike mail, which is marked failed); how many."""
    result = session.execute(
        update(IntegrationMessage)
        .where(IntegrationMessage.status == "sending", IntegrationMessage.claimed_at < now - policy.stale_after)
        .values(status="pending", next_attempt_at=now,
                last_error="The worker stopped while delivering this; it is sent again (the peer keeps one copy).")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def retry(session: Session, channel: str, row_id: int, *, actor_id: int | None,
          now: datetime | None = None) -> IntegrationMessage:
    """An admin delivers a failed row of ``channel`` again: pending now, with a fresh set of tries (audited);
    NotFound for a row of another channel."""
    row = get_or_not_found(session, IntegrationMessage, row_id, "outbox entry")
    if row.channel != channel:
        raise NotFound(f"outbox entry {row_id}")
    if row.status == "failed":
        row.status = "pending"
        row.attempts = 0
        row.next_attempt_at = now or utcnow()
        session.flush()
        audit.record(session, actor_id=actor_id, kind="outbox.retry",
                     target=audit.Target("integration_outbox", row.id, f"{row.channel} {row.kind} {row.ref}"),
                     before={"status": "failed"}, after={"status": "pending"})
    return row


def counts(session: Session, channel: str | None = None) -> dict[str, int]:
    """How many rows are in each status (of one channel, or all)."""
    query = select(IntegrationMessage.status, func.count()).group_by(IntegrationMessage.status)
    if channel:
        query = query.where(IntegrationMessage.channel == channel)
    found: dict[str, int] = {status: count for status, count in session.execute(query)}
    return {status: int(found.get(status, 0)) for status in STATUSES}


def rows_page(session: Session, *, statuses: tuple[str, ...], channel: str | None, page: int,
              per_page: int) -> tuple[list[IntegrationMessage], int]:
    """One page of rows in these statuses (and channel), the newest first."""
    query = select(IntegrationMessage).where(IntegrationMessage.status.in_(statuses))
    if channel:
        query = query.where(IntegrationMessage.channel == channel)
    return fetch_page(session, query.order_by(IntegrationMessage.id.desc()), page=page, per_page=per_page,
                      scalars=True)


def live_rows(session: Session, channel: str, subjects: Sequence[str]) -> list[IntegrationMessage]:
    """The rows of these subjects that still stand (not superseded, not themselves withdrawals), oldest first."""
    if not subjects:
        return []
    return list(session.scalars(
        select(IntegrationMessage)
        .where(IntegrationMessage.channel == channel, IntegrationMessage.subject.in_(list(subjects)),
               IntegrationMessage.superseded.is_(False), IntegrationMessage.kind != "voided")
        .order_by(IntegrationMessage.id)
    ))


def last_revision(session: Session, channel: str, subject: str) -> int | None:
    """The highest revision written for a subject (None: nothing yet)."""
    return session.scalar(select(func.max(IntegrationMessage.revision))
                          .where(IntegrationMessage.channel == channel, IntegrationMessage.subject == subject))
