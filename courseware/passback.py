"""Delivering LTI grade passback: each due score is claimed once and posted to the platform's line item.

The worker runs this beside the mail delivery (``jobs.py``).  A score is sent through PyLTI1p3's
Assignment and Grade Services client: an access token from the platform's token URL (a JWT signed with
the tool's key), then ``POST <lineitem>/scores``.  A failure is retried after ``LTI_RETRY_SECONDS``,
doubling each time, up to ``LTI_MAX_ATTEMPTS`` tries (then failed, kept on record).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests
from flask import Flask
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy.orm import Session

from .persistence.base import utcnow
from .persistence.db import write_session
from .persistence.models import LtiGradeLink, LtiGradeOutbox, LtiPlatform
from .services import lti, lti_grades
from .services.outbox import RetryPolicy
from .state import state_of

log = logging.getLogger("courseware.lti")


@dataclass
class PassbackReport:
    """What one pass over the grade outbox did."""

    sent: list[int] = field(default_factory=list)
    retry_at: dict[int, datetime] = field(default_factory=dict)
    failed: list[int] = field(default_factory=list)


def retry_policy(app: Flask) -> RetryPolicy:
    """The retry policy from the configuration (``LTI_MAX_ATTEMPTS``, ``LTI_RETRY_SECONDS``)."""
    return RetryPolicy(max_attempts=int(app.config.get("LTI_MAX_ATTEMPTS", 8)),
                       base=timedelta(seconds=float(app.config.get("LTI_RETRY_SECONDS", 30))))


def deliver_scores(app: Flask, now: datetime | None = None, *, limit: int = 100) -> PassbackReport:
    """Send every due score (each claimed by exactly one caller, however many workers run this)."""
    now = now or utcnow()
    sessions = state_of(app).sessions
    policy = retry_policy(app)
    report = PassbackReport()
    with sessions() as session:
        ids = lti_grades.due_ids(session, now, limit)
    for row_id in ids:
        with write_session(sessions) as session:
            if not lti_grades.claim(session, row_id, now):
                continue
            session.commit()
        try:
            with sessions() as session:
                _send(session, row_id, float(app.config.get("LTI_TIMEOUT", 30)))
        except (LtiException, LtiServiceException, requests.RequestException, ValueError, KeyError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            with write_session(sessions) as session:
                retry_at = lti_grades.mark_failed_try(session, row_id, error, now, policy)
                session.commit()
            if retry_at is None:
                report.failed.append(row_id)
                log.error("grade passback %d failed for good: %s", row_id, error)
            else:
                report.retry_at[row_id] = retry_at
                log.warning("grade passback %d failed, retrying at %s: %s", row_id, retry_at.isoformat(), error)
            continue
        with write_session(sessions) as session:
            lti_grades.mark_sent(session, row_id, utcnow())
            session.commit()
        report.sent.append(row_id)
    return report


class _TimeoutSession(requests.Session):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def _send(session: Session, row_id: int, timeout: float) -> None:
    """Post one score to its line item (raises on any failure)."""
    row = session.get(LtiGradeOutbox, row_id)
    assert row is not None
    link = session.get(LtiGradeLink, row.link_id)
    platform = session.get(LtiPlatform, link.platform_id) if link is not None else None
    if link is None or platform is None:
        raise ValueError("the platform or the grade link was removed")
    key = lti.tool_key(session)
    registration = (Registration().set_issuer(platform.issuer).set_client_id(platform.client_id)
                    .set_auth_token_url(platform.auth_token_url).set_tool_private_key(key.private_pem)
                    .set_tool_public_key(lti.public_pem(key)))
    connector = ServiceConnector(registration, requests_session=_TimeoutSession(timeout))
    service = AssignmentsGradesService(connector, {"scope": list(link.scopes), "lineitem": link.lineitem_url})
    grade = (Grade().set_user_id(link.subject).set_timestamp(row.created_at.isoformat())
             .set_score_given(round(row.score, 4)).set_score_maximum(row.max_score)
             .set_activity_progress("Completed").set_grading_progress("FullyGraded"))
    service.put_grade(grade)
