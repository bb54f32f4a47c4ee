"""Quiz attempts: starting one with a frozen layout, and submitting it exactly once."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.errors import InvalidInput, NotFound
from ..core.grading import Grade, ItemResult, Review, check_answers, grade, review
from ..core.quiz import Quiz, make_layout
from ..persistence.base import utcnow
from ..persistence.models import Attempt, AttemptItem


class AttemptsExhausted(InvalidInput):
    """The learner has used every attempt the quiz allows."""


@dataclass(frozen=True)
class QuizStanding:
    """A learner's record on one quiz."""

    quiz_id: str
    submitted: int
    best_score: float | None
    passed: bool
    open_attempt_id: int | None


def standings(session: Session, user_id: int) -> dict[str, QuizStanding]:
    """Every quiz the learner has touched: attempts used, best score, passed, open attempt — one query."""
    submitted = Attempt.state == "submitted"
    rows = session.execute(
        select(
            Attempt.quiz_id,
            func.sum(case((submitted, 1), else_=0)),
            func.max(case((submitted, Attempt.score))),
            func.max(case((Attempt.passed.is_(True), 1), else_=0)),
            func.max(case((Attempt.state == "open", Attempt.id))),
        )
        .where(Attempt.user_id == user_id)
        .group_by(Attempt.quiz_id)
    ).all()
    return {
        quiz_id: QuizStanding(quiz_id, int(n or 0), float(best) if best is not None else None, bool(passed),
                              int(open_id) if open_id else None)
        for quiz_id, n, best, passed, open_id in rows
    }


def get_attempt(session: Session, attempt_id: int, user_id: int) -> Attempt:
    """The attempt if it belongs to the user, else NotFound (never reveal others' attempts)."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise NotFound(f"attempt {attempt_id}")
    return attempt


def past_attempts(session: Session, user_id: int, quiz_id: str) -> list[Attempt]:
    """The learner's submitted attempts at a quiz, newest first."""
    return list(session.scalars(
        select(Attempt).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id, Attempt.state == "submitted")
        .order_by(Attempt.number.desc())
    ))


def start_attempt(session: Session, quiz: Quiz, user_id: int, model: str, seed: int | None = None) -> Attempt:
    """Resume the open attempt, or start a new one with its question and option order frozen."""
    def current_open() -> Attempt | None:
        return session.scalar(select(Attempt).where(
            Attempt.user_id == user_id, Attempt.quiz_id == quiz.id, Attempt.state == "open"))

    existing = current_open()
    if existing is not None:
        return existing
    used, last = session.execute(
        select(func.count(), func.coalesce(func.max(Attempt.number), 0))
        .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz.id)
    ).one()
    if quiz.max_attempts is not None and used >= quiz.max_attempts:
        raise AttemptsExhausted(f"You have used all {quiz.max_attempts} attempts at this quiz.")
    seed = secrets.randbelow(2**31) if seed is None else seed
    attempt = Attempt(user_id=user_id, quiz_id=quiz.id, number=last + 1, state="open", model=model, seed=seed,
                      layout=make_layout(quiz, seed), started_at=utcnow())
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:  # a parallel request started it first
        found = current_open()
        if found is None:
            raise
        return found
    return attempt


def submit_attempt(session: Session, quiz: Quiz, attempt: Attempt, answers: Mapping[str, Any]) -> Grade | None:
    """Grade and record an open attempt exactly once; None when it was already submitted (the first submit stands).

    The conditional UPDATE is the lock: of two racing submits only one sees a row count of 1.
    """
    clean = {k: v for k, v in check_answers(quiz, answers).items() if v not in (None, "", [], {}, ())}
    result = grade(quiz, clean, attempt.model)
    claimed = session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == "open")
        .values(state="submitted", submitted_at=utcnow(), answers=clean, points=float(result.points),
                max_points=float(result.max_points), score=result.score, passed=result.passed)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.execute(insert(AttemptItem), [
        {**item_row(item), "attempt_id": attempt.id, "user_id": attempt.user_id, "quiz_id": quiz.id}
        for item in result.items
    ])
    session.refresh(attempt)
    return result


def item_row(item: ItemResult) -> dict[str, Any]:
    """The attempt_items columns of one graded item (the caller adds attempt_id, user_id and quiz_id)."""
    return {"question_id": item.question_id, "item_id": item.item_id, "kind": item.kind, "area": item.area,
            "expected": item.expected, "given": item.given, "correct": item.correct, "misrouted": item.misrouted,
            "points": float(item.points), "max_points": float(item.max_points)}


def _stored_points(value: float) -> Fraction:
    # Points are stored as floats; shares such as 4/3 come back exactly as the fractions they were graded as.
    return Fraction(value).limit_denominator(1_000_000)


def attempt_items(session: Session, attempt_id: int) -> tuple[ItemResult, ...]:
    """The graded items stored for an attempt, in the order they were graded."""
    rows = session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.id))
    return tuple(
        ItemResult(r.question_id, r.item_id, r.kind, r.area, r.expected, r.given, r.correct, _stored_points(r.points),
                   _stored_points(r.max_points), r.misrouted)
        for r in rows
    )


def review_attempt(session: Session, quiz: Quiz, attempt: Attempt) -> Review:
    """A submitted attempt explained from what was stored when it was graded (never graded again)."""
    return review(quiz, attempt_items(session, attempt.id), attempt.layout, attempt.model, attempt.answers)
