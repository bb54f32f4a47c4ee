"""Domain rows to API models (one place, so every route shows a thing the same way)."""

from __future__ import annotations

from ...persistence.models import Assignment, Attempt, Cohort, User
from . import schemas


def user_out(user: User) -> schemas.UserOut:
    """A person."""
    return schemas.UserOut(id=user.id, email=user.email, display_name=user.display_name, active=user.active,
                           roles=sorted(user.access_roles), cohort_id=user.cohort_id,  # type: ignore[arg-type]
                           created_at=user.created_at, last_seen_at=user.last_seen_at)


def attempt_out(attempt: Attempt) -> schemas.AttemptOut:
    """An attempt without its items."""
    return schemas.AttemptOut(id=attempt.id, user_id=attempt.user_id, quiz_id=attempt.quiz_id, number=attempt.number,
                              state=attempt.state, started_at=attempt.started_at,  # type: ignore[arg-type]
                              submitted_at=attempt.submitted_at,
                              score=attempt.score if attempt.state != "open" else None,
                              passed=attempt.passed if attempt.state != "open" else None)


def cohort_out(cohort: Cohort) -> schemas.CohortOut:
    """A cohort."""
    return schemas.CohortOut(id=cohort.id, name=cohort.name, start_date=cohort.start_date,
                             operating_model=cohort.operating_model)


def assignment_out(row: Assignment) -> schemas.AssignmentOut:
    """An assignment."""
    return schemas.AssignmentOut(id=row.id, kind=row.kind, item_id=row.item_id, user_id=row.user_id,  # type: ignore[arg-type]
                                 cohort_id=row.cohort_id, due_on=row.due_on)
