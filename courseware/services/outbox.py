"""The outbox: every email is a row written in the same transaction as its cause, then delivered once.

The worker claims a due row with a conditional UPDATE (pending -> sending), so of two workers only
one sends it; it then marks it sent, or puts it back with an exponential delay, or marks it failed
after the last try.  A row left in 'sending' by a worker that died mid-send is marked failed (it may
or may not have gone out), never sent again on its own: an admin decides, with the retry button.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..persistence.base import utcnow
from ..persistence.models import OutboxMessage
from ..persistence.paging import fetch_page
from ..persistence.queries import get_or_not_found

KINDS = ("invite", "reset", "reminder", "digest")
STATUSES = ("pending", "sending", "sent", "failed")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long a message is retried: ``base`` × 2^(try − 1), at most ``cap``, ``max_attempts`` tries."""

    max_attempts: int = 8
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    stale_after: timedelta = timedelta(minutes=10)

    def delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed try."""
        return min(self.base * (2 ** max(attempts - 1, 0)), self.cap)


def enqueue(session: Session, *, kind: str, to: str, payload: dict[str, Any], user_id: int | None = None,
            now: datetime | None = None) -> OutboxMessage:
    """Record a message to send (flushed with the caller's transaction; the worker delivers it after the commit)."""
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r}")
    now = now or utcnow()
    row = OutboxMessage(kind=kind, to_address=to, user_id=user_id, payload=payload, status="pending", attempts=0,
                        next_attempt_at=now, created_at=now)
    session.add(row)
    session.flush()
    return row


def due_ids(session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Ids of pending messages whose time has come, oldest first."""
    return list(session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ))


def claim(session: Session, message_id: int, now: datetime) -> bool:
    """Take a due message for sending: True for exactly one caller (the conditional UPDATE is the lock)."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def mark_sent(session: Session, message_id: int, now: datetime) -> None:
    """The message went out."""
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == "sending")
        .values(status="sent", sent_at=now, last_error=None).execution_options(synchronize_session=False)
    )


def mark_failed_try(
    session: Session, message_id: int, error: str, now: datetime, policy: RetryPolicy, *, permanent: bool = False
) -> datetime | None:
    """A try failed: back to pending after the policy's delay (returned), or failed for good (None)."""
    return failed_try(session, OutboxMessage, message_id, error, now, policy, permanent=permanent)


def failed_try(session: Session, model: type[Any], row_id: int, error: str, now: datetime, policy: RetryPolicy, *,
               permanent: bool = False) -> datetime | None:
    """The one rule of a failed try for every outbox table (mail, integrations, LTI scores): a row still 'sending'
    goes back to pending after the policy's delay (returned), or is failed for good (None) after the last try."""
    row = session.get(model, row_id, populate_existing=True)
    if row is None or row.status != "sending":
        return None
    row.last_error = error[:2000]
    if permanent or row.attempts >= policy.max_attempts:
        row.status = "failed"
        session.flush()
        return None
    row.status = "pending"
    row.next_attempt_at = now + policy.delay(row.attempts)
    session.flush()
    return row.next_attempt_at


def fail_stale(session: Session, now: datetime, policy: RetryPolicy) -> int:
    """Mark failed the messages a worker claimed but never finished (it stopped mid-send); how many."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - policy.stale_after)
        .values(status="failed",
                last_error="The worker stopped while sending this message; it may or may not have gone out. "
                           "Retry to send it again.")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def retry(session: Session, message_id: int, now: datetime | None = None) -> OutboxMessage:
    """An admin sends a failed message again: pending now, with a fresh set of tries."""
    row = get_or_not_found(session, OutboxMessage, message_id, "message")
    if row.status == "failed":
        row.status = "pending"
        row.attempts = 0
        row.next_attempt_at = now or utcnow()
        session.flush()
    return row


def counts(session: Session) -> dict[str, int]:
    """How many messages are in each status."""
    found: dict[str, int] = {status: count for status, count in
                             session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))}
    return {status: int(found.get(status, 0)) for status in STATUSES}


def messages_page(session: Session, *, statuses: tuple[str, ...], page: int, per_page: int) -> tuple[list[OutboxMessage], int]:
    """One page of messages in these statuses, the oldest waiting first."""
    query = (select(OutboxMessage).where(OutboxMessage.status.in_(statuses))
             .order_by(OutboxMessage.created_at, OutboxMessage.id))
    return fetch_page(session, query, page=page, per_page=per_page, scalars=True)
