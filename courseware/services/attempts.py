"""Quiz attempts: a learner's standing on each quiz, starting an attempt (once the quiz is open to them) with its
draw and order frozen, and submitting it exactly once."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction
from typing import Any
from typing import cast as cast_type

from sqlalchemy import (
    Connection,
    Float,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from ..core.catalog import Catalog
from ..core.errors import InvalidInput, NotFound, NotYetAvailable
from ..core.grading import Grade, ItemResult, Review, check_answers, grade, review
from ..core.progress import CompletionRule, finish_first, quiz_missing
from ..core.quiz import Quiz, keys_visible, make_layout
from ..persistence import driver, queries, rollups
from ..persistence.base import utcnow
from ..persistence.models import Attempt, AttemptGrant, AttemptItem, AttemptRequest
from ..persistence.queries import Reader
from . import certificates, lti_grades
from . import xapi as statements
from .versions import bump


class AttemptsExhausted(InvalidInput):
    """The learner has used every attempt the quiz allows (their mentor may grant another)."""


@dataclass(frozen=True)
class QuizStanding:
    """A learner's record on one quiz; reset attempts no longer count (they stay on record)."""

    quiz_id: str
    submitted: int  # submitted attempts since the last reset
    best_score: float | None
    passed: bool
    open_attempt_id: int | None
    extra: int = 0  # extra attempts granted since the last reset
    keys_seen: bool = False  # a grant or reset was made after the learner had seen the keys
    pending_request: bool = False  # an "ask my mentor for another attempt" not answered yet

    def allowed(self, quiz: Quiz) -> int | None:
        """Attempts the learner may submit: the quiz's ``max_attempts`` plus the extra ones (None: unlimited)."""
        return None if quiz.max_attempts is None else quiz.max_attempts + self.extra

    def left(self, quiz: Quiz) -> int | None:
        """Attempts not yet submitted (an open attempt counts as left); None when unlimited."""
        allowed = self.allowed(quiz)
        return None if allowed is None else max(0, allowed - self.submitted)

    def exhausted(self, quiz: Quiz) -> bool:
        """No attempt left and none open: only a grant or a reset lets the learner try again."""
        return self.left(quiz) == 0 and self.open_attempt_id is None

    def keys_visible(self, quiz: Quiz) -> bool:
        """Whether the quiz's reveal policy lets this learner see keys, feedback and explanations now."""
        return keys_visible(quiz.reveal, passed=self.passed, attempts_left=self.left(quiz),
                            open_attempt=self.open_attempt_id is not None)


def no_standing(quiz_id: str) -> QuizStanding:
    """The standing of a learner who never touched the quiz."""
    return QuizStanding(quiz_id, 0, None, False, None)


def _standings_statement(user_id: int) -> Any:
    live = Attempt.state != "reset"
    submitted = and_(live, Attempt.state == "submitted")
    attempts = (
        select(literal("attempts", String).label("kind"), Attempt.quiz_id.label("quiz_id"),
               func.sum(case((submitted, 1), else_=0)).label("n"), func.max(case((submitted, Attempt.score))).label("best"),
               func.max(case((and_(submitted, Attempt.passed.is_(True)), 1), else_=0)).label("flag"),
               func.max(case((Attempt.state == "open", Attempt.id))).label("open_id"))
        .where(Attempt.user_id == user_id)
        .group_by(Attempt.quiz_id)
    )
    resets = aliased(AttemptGrant)
    last_reset = (
        select(func.coalesce(func.max(resets.id), 0))
        .where(resets.user_id == AttemptGrant.user_id, resets.quiz_id == AttemptGrant.quiz_id, resets.kind == "reset")
        .correlate(AttemptGrant)
        .scalar_subquery()
    )
    grants = (
        select(literal("grants", String), AttemptGrant.quiz_id,
               func.sum(case((and_(AttemptGrant.kind == "extra", AttemptGrant.id > last_reset), 1), else_=0)),
               cast(null(), Float), func.max(case((AttemptGrant.keys_seen.is_(True), 1), else_=0)), cast(null(), Integer))
        .where(AttemptGrant.user_id == user_id)
        .group_by(AttemptGrant.quiz_id)
    )
    requests = (
        select(literal("requests", String), AttemptRequest.quiz_id, func.count(), cast(null(), Float), literal(1),
               cast(null(), Integer))
        .where(AttemptRequest.user_id == user_id, AttemptRequest.resolved_at.is_(None))
        .group_by(AttemptRequest.quiz_id)
    )
    return union_all(attempts, grants, requests)


def standings(session: Session, user_id: int) -> dict[str, QuizStanding]:
    """Every quiz the learner has touched: attempts used, best score, passed, open attempt, extra attempts granted
    since the last reset, and a pending request — one query."""
    found: dict[str, dict[str, Any]] = {}
    for kind, quiz_id, n, best, flag, open_id in session.execute(_standings_statement(user_id)):
        values = found.setdefault(quiz_id, {})
        if kind == "attempts":
            values.update(submitted=int(n or 0), best_score=float(best) if best is not None else None,
                          passed=bool(flag), open_attempt_id=int(open_id) if open_id else None)
        elif kind == "grants":
            values.update(extra=int(n or 0), keys_seen=bool(flag))
        else:
            values.update(pending_request=bool(n))
    return {quiz_id: replace(no_standing(quiz_id), **values) for quiz_id, values in found.items()}


def standing_on(session: Session, user_id: int, quiz_id: str) -> QuizStanding:
    """The learner's standing on one quiz (the empty standing when untouched)."""
    return standings(session, user_id).get(quiz_id) or no_standing(quiz_id)


def get_attempt(session: Session, attempt_id: int, user_id: int) -> Attempt:
    """The attempt if it belongs to the user, else NotFound (never reveal others' attempts)."""
    attempt = session.get(Attempt, attempt_id) if 0 < attempt_id <= queries.MAX_ID else None
    if attempt is None or attempt.user_id != user_id:
        raise NotFound(f"attempt {attempt_id}")
    return attempt


def past_attempts(session: Session, user_id: int, quiz_id: str) -> list[Attempt]:
    """The learner's submitted attempts at a quiz (reset ones included, marked by their state), newest first."""
    return list(session.scalars(
        select(Attempt).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id,
                              Attempt.submitted_at.is_not(None))
        .order_by(Attempt.number.desc())
    ))


def quiz_unavailable(session: Session, quiz: Quiz, user_id: int, catalog: Catalog, rule: CompletionRule) -> str:
    """Why the learner may not start the quiz yet ('Finish “…” first.'), or '' when its prerequisites are complete."""
    return finish_first(quiz_missing(quiz.id, catalog, rule, queries.learner_standing(session, user_id)))


def _seen_questions(session: Session, user_id: int, quiz_id: str) -> set[str]:
    """The questions every earlier attempt of the learner at the quiz showed (reset ones included)."""
    layouts = session.scalars(select(Attempt.layout).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id))
    return {q for layout in layouts for q in (layout or {}).get("questions") or []}


def start_attempt(session: Session, quiz: Quiz, user_id: int, model: str, seed: int | None = None, *,
                  catalog: Catalog, rule: CompletionRule) -> Attempt:
    """Resume the open attempt, or start a new one with its draw and order frozen.

    NotYetAvailable while the quiz's module's prerequisites are incomplete (``rule``); AttemptsExhausted once every
    attempt allowed is used.  A learner who has seen the keys draws the questions they have not seen first.
    """
    def current_open() -> Attempt | None:
        return session.scalar(select(Attempt).where(
            Attempt.user_id == user_id, Attempt.quiz_id == quiz.id, Attempt.state == "open"))

    existing = current_open()
    if existing is not None:
        return existing
    why_not = quiz_unavailable(session, quiz, user_id, catalog, rule)
    if why_not:
        raise NotYetAvailable(why_not)
    standing = standing_on(session, user_id, quiz.id)
    if standing.exhausted(quiz):
        raise AttemptsExhausted(f"You have used all {standing.allowed(quiz)} attempts at this quiz.")
    seen_keys = standing.keys_seen or (standing.submitted > 0 and standing.keys_visible(quiz))
    avoid = _seen_questions(session, user_id, quiz.id) if seen_keys and quiz.pools else set()
    last = session.scalar(select(func.coalesce(func.max(Attempt.number), 0))
                          .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz.id))
    seed = secrets.randbelow(2**31) if seed is None else seed
    attempt = Attempt(user_id=user_id, quiz_id=quiz.id, number=(last or 0) + 1, state="open", model=model, seed=seed,
                      layout=make_layout(quiz, seed, avoid), started_at=utcnow())
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:  # a parallel request started it first
        found = current_open()
        if found is None:
            raise
        return found
    bump(session, learners=[user_id])
    return attempt


def shown_questions(attempt: Attempt) -> list[str]:
    """The questions the attempt drew, in the order it shows them."""
    return list((attempt.layout or {}).get("questions") or [])


@dataclass(frozen=True)
class AttemptHead:
    """The columns of an attempt that taking and submitting it need (no answers, no ORM object)."""

    id: int
    user_id: int
    quiz_id: str
    number: int
    state: str
    submitted_at: Any
    model: str
    layout: Mapping[str, Any]


_ATTEMPTS = cast_type(Table, Attempt.__table__)
_HEAD = select(_ATTEMPTS.c.id, _ATTEMPTS.c.user_id, _ATTEMPTS.c.quiz_id, _ATTEMPTS.c.number, _ATTEMPTS.c.state,
               _ATTEMPTS.c.submitted_at, _ATTEMPTS.c.model, _ATTEMPTS.c.layout).where(
    _ATTEMPTS.c.id == bindparam("attempt_id"))


RowsOf = Callable[[Any, Mapping[str, Any]], Sequence[Sequence[Any]]]  # a prebuilt statement's rows, read somehow


def attempt_head(read: Reader | RowsOf, attempt_id: int, user_id: int) -> AttemptHead:
    """The attempt's head if it belongs to the user, else NotFound — one prebuilt Core query, no session needed.

    ``read``: a connection or session, or a function giving a prebuilt statement's rows (the web's ``read_rows``,
    on a kept-open driver connection)."""
    if not 0 < attempt_id <= queries.MAX_ID:
        raise NotFound(f"attempt {attempt_id}")
    values = {"attempt_id": attempt_id}
    rows = read.execute(_HEAD, values).all() if isinstance(read, (Session, Connection)) else read(_HEAD, values)
    row = rows[0] if rows else None
    if row is None or row[1] != user_id:
        raise NotFound(f"attempt {attempt_id}")
    return AttemptHead(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7] or {})


@dataclass(frozen=True)
class Submission:
    """An attempt's answers as kept (unanswered left out) and their grade: computed before any lock is taken."""

    answers: dict[str, Any]
    grade: Grade


def grade_submission(quiz: Quiz, layout: Mapping[str, Any] | None, model: str, answers: Mapping[str, Any]) -> Submission:
    """Check and grade answers on the questions the attempt drew (and any question of no pool): pure, no database.

    AnswerError when an answer cannot be read.
    """
    shown = list((layout or {}).get("questions") or [])
    clean = {k: v for k, v in check_answers(quiz, answers, shown).items() if v not in (None, "", [], {}, ())}
    return Submission(clean, grade(quiz, clean, model, shown))


_CLAIM = (
    update(_ATTEMPTS)
    .where(_ATTEMPTS.c.id == bindparam("attempt_id"), _ATTEMPTS.c.state == "open")
    .values(state="submitted", submitted_at=bindparam("at", type_=_ATTEMPTS.c.submitted_at.type),
            answers=bindparam("given", type_=_ATTEMPTS.c.answers.type),
            points=bindparam("b_points", type_=Float), max_points=bindparam("b_max_points", type_=Float),
            score=bindparam("b_score", type_=Float), passed=bindparam("b_passed", type_=_ATTEMPTS.c.passed.type))
)
_ITEMS = insert(cast_type(Table, AttemptItem.__table__))


def record_submission(session: Session, quiz: Quiz, attempt_id: int, user_id: int, submission: Submission, *,
                      number: int, model: str, catalog: Catalog | None = None,
                      rule: CompletionRule | None = None) -> datetime | None:
    """Record a graded submission exactly once: one conditional UPDATE (the lock: of two racing submits only one
    sees a row count of 1), one INSERT of every graded item, and the learner's data version; the time recorded, or
    None when the attempt was no longer open (the first submit stands).  The caller commits.

    Given the ``catalog`` and the completion ``rule``, a pass that completes the path or a certificate track issues
    its certificate in the same transaction."""
    result = submission.grade
    now = utcnow()
    # Prebuilt statements on the driver cursor of the session's connection (its transaction): persistence/driver.py.
    connection = session.connection()
    # Only a pass can complete something: read the standing before it is recorded; after it, the same plus this pass.
    standing = (queries.standing_from_rows(driver.run(connection, queries.STANDING, {"user_id": user_id}).rows)
                if result.passed and catalog is not None and rule is not None else None)
    claimed = driver.run(connection, _CLAIM, {
        "attempt_id": attempt_id, "at": now, "given": submission.answers, "b_points": float(result.points),
        "b_max_points": float(result.max_points), "b_score": result.score, "b_passed": result.passed})
    if claimed.rowcount != 1:
        return None
    driver.run_many(connection, _ITEMS, [
        {**item_row(item), "attempt_id": attempt_id, "user_id": user_id, "quiz_id": quiz.id}
        for item in result.items
    ])
    if standing is not None and catalog is not None and rule is not None and quiz.id not in standing.passed:
        # (Passed before: the standing, hence every scope, is unchanged: nothing new to award.)
        after = replace(standing, passed=standing.passed | {quiz.id})
        certificates.award(session, catalog, rule, user_id, certificates.scopes_of(catalog, rule, standing),
                           certificates.scopes_of(catalog, rule, after))
    # The dashboards, before COMMIT: a pass may complete modules and assignments; a fail changes scores only.
    if result.passed:
        rollups.touch(session, learners=[user_id], attempts=[attempt_id])
    else:
        rollups.touch(session, scores=[user_id], attempts=[attempt_id])
    bump(session, learners=[user_id])
    lti_grades.queue_scores(session, user_id, quiz.id)  # the score leaves in this transaction's outbox
    statements.submission_graded(session, quiz, attempt_id=attempt_id, user_id=user_id, number=number, model=model,
                                 grade=result, submitted_at=now)  # so do its xAPI statements
    return now


def submit_attempt(session: Session, quiz: Quiz, attempt: Attempt, answers: Mapping[str, Any], *,
                   catalog: Catalog | None = None, rule: CompletionRule | None = None) -> Grade | None:
    """Grade and record an open attempt exactly once; None when it was already submitted (the first submit stands).

    ``grade_submission`` then ``record_submission``; the loaded ``attempt`` is given the recorded values (no reload).
    """
    submission = grade_submission(quiz, attempt.layout, attempt.model, answers)
    at = record_submission(session, quiz, attempt.id, attempt.user_id, submission, number=attempt.number,
                           model=attempt.model, catalog=catalog, rule=rule)
    if at is None:
        return None
    result = submission.grade
    for name, value in (("state", "submitted"), ("submitted_at", at), ("answers", submission.answers),
                        ("points", float(result.points)), ("max_points", float(result.max_points)),
                        ("score", result.score), ("passed", result.passed)):
        set_committed_value(attempt, name, value)
    return result


def item_row(item: ItemResult) -> dict[str, Any]:
    """The attempt_items columns of one graded item (the caller adds attempt_id, user_id and quiz_id)."""
    return {"question_id": item.question_id, "item_id": item.item_id, "kind": item.kind, "area": item.area,
            "expected": item.expected, "given": item.given, "correct": item.correct, "misrouted": item.misrouted,
            "points": float(item.points), "max_points": float(item.max_points), "reason": item.reason}


def _stored_points(value: float) -> Fraction:
    # Points are stored as floats; shares such as 4/3 come back exactly as the fractions they were graded as.
    return Fraction(value).limit_denominator(1_000_000)


def attempt_items(session: Session, attempt_id: int) -> tuple[ItemResult, ...]:
    """The graded items stored for an attempt, in the order they were graded."""
    rows = session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.id))
    return tuple(
        ItemResult(r.question_id, r.item_id, r.kind, r.area, r.expected, r.given, r.correct, _stored_points(r.points),
                   _stored_points(r.max_points), r.misrouted, r.reason or "")
        for r in rows
    )


def review_attempt(session: Session, quiz: Quiz, attempt: Attempt) -> Review:
    """A submitted attempt explained from what was stored when it was graded (never graded again)."""
    return review(quiz, attempt_items(session, attempt.id), attempt.layout, attempt.model, attempt.answers)
