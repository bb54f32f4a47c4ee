"""Reports for download: a quiz's grades per learner, its answer distribution, and the AM ↔ PM confusion matrix.

Each is one SQL aggregate over the viewer's learners (a mentor: their mentees; None: every learner), never a
loop of queries.  Only live attempts (not reset) count for grades; every stored answer counts for the
distribution and the confusion matrix, which describe questions rather than learners.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ...core.grading import percent
from ...core.questions import ROUTED_KINDS
from ..models import Attempt, AttemptItem, Cohort, User
from ..scope import scoped_learners
from .sql import count_if, in_ids


@dataclass(frozen=True)
class GradeRow:
    """One learner's record on one quiz: attempts, best and last score, passed, and the best attempt's areas."""

    user_id: int
    name: str
    email: str
    cohort: str | None
    attempts: int
    best: float | None
    last: float | None
    passed: bool
    areas: dict[str, float] = field(default_factory=dict)  # area id → score of the best attempt


def _exact(value: float | None) -> Fraction:
    return Fraction(value or 0).limit_denominator(1_000_000)


def grade_report(session: Session, quiz_id: str, mentor_id: int | None) -> list[GradeRow]:
    """Every learner the viewer sees, by name, with their submitted attempts at the quiz — one query."""
    scope = (
        scoped_learners(mentor_id)
        .add_columns(User.display_name.label("name"), User.email, Cohort.name.label("cohort"))
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
        .cte("scope")
    )
    ranked = (
        select(
            Attempt.user_id, Attempt.id, Attempt.score,
            func.row_number().over(partition_by=Attempt.user_id,
                                   order_by=(Attempt.score.desc(), Attempt.submitted_at.desc(), Attempt.id.desc()))
            .label("best_rank"),
            func.first_value(Attempt.score).over(partition_by=Attempt.user_id,
                                                 order_by=(Attempt.submitted_at.desc(), Attempt.id.desc()))
            .label("last"),
            func.count().over(partition_by=Attempt.user_id).label("attempts"),
            func.max(case((Attempt.passed.is_(True), 1), else_=0)).over(partition_by=Attempt.user_id).label("passed"),
        )
        .where(Attempt.quiz_id == quiz_id, Attempt.state == "submitted", in_ids(Attempt.user_id, select(scope.c.user_id)))
        .subquery("ranked")
    )
    best = select(ranked).where(ranked.c.best_rank == 1).subquery("best")
    areas = (
        select(AttemptItem.attempt_id, AttemptItem.area, func.sum(AttemptItem.points).label("earned"),
               func.sum(AttemptItem.max_points).label("available"))
        .where(in_ids(AttemptItem.attempt_id, select(best.c.id)))
        .group_by(AttemptItem.attempt_id, AttemptItem.area)
        .subquery("areas")
    )
    rows = session.execute(
        select(scope.c.user_id, scope.c.name, scope.c.email, scope.c.cohort, best.c.attempts, best.c.score,
               best.c.last, best.c.passed, areas.c.area, areas.c.earned, areas.c.available)
        .outerjoin(best, best.c.user_id == scope.c.user_id)
        .outerjoin(areas, areas.c.attempt_id == best.c.id)
        .order_by(func.lower(scope.c.name), scope.c.user_id, areas.c.area)
    ).all()
    report: list[GradeRow] = []
    for r in rows:
        if not report or report[-1].user_id != r.user_id:
            report.append(GradeRow(r.user_id, r.name, r.email, r.cohort, int(r.attempts or 0), r.score, r.last,
                                   bool(r.passed)))
        if r.area is not None:
            report[-1].areas[r.area] = percent(_exact(r.earned), _exact(r.available))
    return report


@dataclass(frozen=True)
class AnswerCount:
    """How often one answer was given to one question (or to one task or role of it)."""

    question_id: str
    item_id: str
    given: str | None  # None: left unanswered
    count: int
    answers: int  # every answer to this question or item
    correct: int  # of ``count``, how many were the key (keys may differ by operating model)
    partly: int  # of ``count``, how many earned part of the points (near misses, several-key choices)

    @property
    def share(self) -> float:
        """count ÷ answers, as a percentage."""
        return 100.0 * self.count / self.answers if self.answers else 0.0


def answer_distribution(session: Session, quiz_id: str, mentor_id: int | None) -> list[AnswerCount]:
    """Per question (and task or role) × given answer: how many, their share, how many were right — one query."""
    scope = scoped_learners(mentor_id).cte("scope")
    key = (AttemptItem.question_id, AttemptItem.item_id)
    rows = session.execute(
        select(*key, AttemptItem.given, func.count(),
               func.sum(func.count()).over(partition_by=key),
               count_if(AttemptItem.correct.is_(True)),
               count_if((AttemptItem.correct.is_(False)) & (AttemptItem.points > 0)))
        .where(AttemptItem.quiz_id == quiz_id, in_ids(AttemptItem.user_id, select(scope.c.user_id)))
        .group_by(*key, AttemptItem.given)
        .order_by(AttemptItem.question_id, AttemptItem.item_id, func.count().desc(), AttemptItem.given)
    ).all()
    return [AnswerCount(q, item, given, int(n), int(total), int(correct), int(partly))
            for q, item, given, n, total, correct, partly in rows]


@dataclass(frozen=True)
class ConfusionCount:
    """How often work whose key is ``expected`` was routed to ``given`` (None: unanswered), in one area."""

    area: str
    expected: str
    given: str | None
    count: int


def confusion_counts(session: Session, mentor_id: int | None, quiz_id: str | None = None) -> list[ConfusionCount]:
    """Key × given role counts per knowledge area over route questions and split tasks (one quiz, or all) — one query."""
    scope = scoped_learners(mentor_id).cte("scope")
    query = (
        select(AttemptItem.area, AttemptItem.expected, AttemptItem.given, func.count())
        .where(AttemptItem.kind.in_(ROUTED_KINDS), in_ids(AttemptItem.user_id, select(scope.c.user_id)))
        .group_by(AttemptItem.area, AttemptItem.expected, AttemptItem.given)
    )
    if quiz_id is not None:
        query = query.where(AttemptItem.quiz_id == quiz_id)
    return [ConfusionCount(area, expected, given, int(n)) for area, expected, given, n in session.execute(query)]
