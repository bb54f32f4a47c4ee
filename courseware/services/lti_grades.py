"""Grade passback: where a learner's quiz score goes on a platform, and the outbox of scores to send.

A launch into a quiz that carries the Assignment and Grade Services claim records a grade link (the
platform's line item for that learner and quiz).  Whenever the learner's standing on the quiz changes (a
submit, a regrade, a reset) ``queue_scores`` writes one outbox row per link in the same transaction; the
worker sends it (``courseware/interop/lti_passback.py``) with retries and a doubling delay, as the mail outbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from ..persistence import driver
from ..persistence.base import utcnow
from ..persistence.models import LtiGradeLink, LtiGradeOutbox, User
from ..persistence.queries import get_or_not_found
from .outbox import RetryPolicy, failed_try

STATUSES = ("pending", "sending", "sent", "failed")
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def remember_link(session: Session, *, platform_id: int, user_id: int, quiz_id: str, subject: str, lineitem_url: str,
                  scopes: list[str]) -> LtiGradeLink:
    """Record (once) that this learner's score on this quiz goes to ``lineitem_url``."""
    link = session.scalar(select(LtiGradeLink).where(
        LtiGradeLink.platform_id == platform_id, LtiGradeLink.user_id == user_id, LtiGradeLink.quiz_id == quiz_id,
        LtiGradeLink.lineitem_url == lineitem_url))
    if link is None:
        link = LtiGradeLink(platform_id=platform_id, user_id=user_id, quiz_id=quiz_id, subject=subject,
                            lineitem_url=lineitem_url, scopes=scopes, created_at=utcnow())
        session.add(link)
    else:
        link.scopes, link.subject = scopes, subject
    session.flush()
    return link


_LINKS = cast(Table, LtiGradeLink.__table__)
_ANY_LINK = select(_LINKS.c.id).where(_LINKS.c.user_id == bindparam("user_id"),
                                      _LINKS.c.quiz_id == bindparam("quiz_id")).limit(1)


def queue_scores(session: Session, user_id: int, quiz_id: str, now: datetime | None = None) -> int:
    """Queue the learner's current standing on the quiz for every platform that awaits it; how many rows.

    The score is the best of the attempts since the last reset (``attempts.standing_on``, the one rule); after a
    reset with no attempt since, 0 and not passed.  A row still pending for the same link is replaced by the newer
    score (only the latest standing matters).
    """
    if not driver.run(session, _ANY_LINK, {"user_id": user_id, "quiz_id": quiz_id}).rows:
        return 0  # the common case (no platform awaits this score): one prebuilt query, no ORM load
    links = list(session.scalars(select(LtiGradeLink).where(LtiGradeLink.user_id == user_id,
                                                            LtiGradeLink.quiz_id == quiz_id)))
    from .attempts import standing_on  # attempts calls this module after a submit

    standing = standing_on(session, user_id, quiz_id)
    now = now or utcnow()
    for link in links:
        # A score still waiting never left: the newer one replaces it (a row being sent is left to finish).
        session.execute(delete(LtiGradeOutbox).where(LtiGradeOutbox.link_id == link.id, LtiGradeOutbox.status == "pending")
                        .execution_options(synchronize_session=False))
        session.add(LtiGradeOutbox(link_id=link.id, score=float(standing.best_score or 0.0), max_score=100.0,
                                   passed=standing.passed, status="pending", attempts=0, next_attempt_at=now,
                                   created_at=now))
    session.flush()
    return len(links)


def due_ids(session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Ids of pending scores whose time has come, oldest first."""
    return list(session.scalars(select(LtiGradeOutbox.id).where(
        LtiGradeOutbox.status == "pending", LtiGradeOutbox.next_attempt_at <= now)
        .order_by(LtiGradeOutbox.next_attempt_at, LtiGradeOutbox.id).limit(limit)))


def claim(session: Session, row_id: int, now: datetime) -> bool:
    """Take a due score for sending: True for exactly one caller."""
    result = session.execute(
        update(LtiGradeOutbox)
        .where(LtiGradeOutbox.id == row_id, LtiGradeOutbox.status == "pending", LtiGradeOutbox.next_attempt_at <= now)
        .values(status="sending", claimed_at=now, attempts=LtiGradeOutbox.attempts + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1  # type: ignore[attr-defined]


def mark_sent(session: Session, row_id: int, now: datetime) -> None:
    """The platform took the score."""
    session.execute(update(LtiGradeOutbox).where(LtiGradeOutbox.id == row_id, LtiGradeOutbox.status == "sending")
                    .values(status="sent", sent_at=now, last_error=None).execution_options(synchronize_session=False))


def mark_failed_try(session: Session, row_id: int, error: str, now: datetime, policy: RetryPolicy) -> datetime | None:
    """A try failed: pending again after the policy's delay (returned), or failed after the last try (None)."""
    return failed_try(session, LtiGradeOutbox, row_id, error, now, policy)


def counts(session: Session) -> dict[str, int]:
    """How many scores are in each status."""
    found: dict[str, int] = {status: count for status, count in
                             session.execute(select(LtiGradeOutbox.status, func.count()).group_by(LtiGradeOutbox.status))}
    return {status: int(found.get(status, 0)) for status in STATUSES}


def failed(session: Session, limit: int = 50) -> list[tuple[LtiGradeOutbox, LtiGradeLink, str]]:
    """The latest scores that could not be sent, with their link and the learner's email."""
    rows = session.execute(
        select(LtiGradeOutbox, LtiGradeLink, User.email)
        .join(LtiGradeLink, LtiGradeLink.id == LtiGradeOutbox.link_id).join(User, User.id == LtiGradeLink.user_id)
        .where(LtiGradeOutbox.status == "failed").order_by(LtiGradeOutbox.id.desc()).limit(limit))
    return [(row, link, email) for row, link, email in rows]


def retry(session: Session, row_id: int, now: datetime | None = None) -> LtiGradeOutbox:
    """An admin sends a failed score again: pending now, with a fresh set of tries."""
    row = get_or_not_found(session, LtiGradeOutbox, row_id, "score")
    if row.status == "failed":
        row.status, row.attempts, row.next_attempt_at = "pending", 0, now or utcnow()
        session.flush()
    return row
