"""Regrading: grade stored attempts again against today's quiz file, after an author fixed a key.

Each attempt is graded on the questions it drew, with its own answers and operating model.  An attempt
whose questions are no longer all in the quiz (or whose answers no longer fit it) is left as it is, and
said so.  Every change is written with its reason in the audit log (the command line as actor).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..core.grading import AnswerError, Grade, grade
from ..core.quiz import Quiz
from ..persistence import rollups
from ..persistence.models import Attempt, AttemptItem, User
from . import audit, lti_grades
from . import xapi as statements
from .attempts import attempt_items, item_row, shown_questions

DEFAULT_REASON = "Regraded against the current quiz file."


@dataclass(frozen=True)
class Regraded:
    """One attempt whose grade changed."""

    attempt_id: int
    email: str
    number: int
    old_score: float | None
    new_score: float
    old_passed: bool | None
    new_passed: bool
    questions: tuple[str, ...] = ()  # the questions whose graded items changed (a key, points, a near miss…)

    def line(self) -> str:
        """'attempt 12 (lee@example.com #2): 62.5 → 75.0, not passed → passed; changed: q1'."""
        def passed(value: bool | None) -> str:
            return "passed" if value else "not passed"

        old = "—" if self.old_score is None else f"{self.old_score:.1f}"
        return (f"attempt {self.attempt_id} ({self.email} #{self.number}): {old} → {self.new_score:.1f}, "
                f"{passed(self.old_passed)} → {passed(self.new_passed)}; changed: {', '.join(self.questions)}")


@dataclass
class RegradeReport:
    """What a regrade changed, left unchanged, and could not regrade (with why)."""

    quiz_id: str
    changed: list[Regraded] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # one sentence per attempt left as it was


def _item_key(question: str, item: str, expected: str, given: str | None, points: float, max_points: float,
              reason: str) -> tuple[object, ...]:
    return question, item, expected, given, round(points, 6), round(max_points, 6), reason


def _changed_questions(stored: list[tuple[object, ...]], result: Grade) -> tuple[str, ...]:
    """The questions whose graded items differ between what is stored and the new grade, in the grade's order."""
    fresh = [_item_key(i.question_id, i.item_id, i.expected, i.given, float(i.points), float(i.max_points), i.reason)
             for i in result.items]
    before: dict[object, set[tuple[object, ...]]] = {}
    after: dict[object, set[tuple[object, ...]]] = {}
    for key in stored:
        before.setdefault(key[0], set()).add(key)
    for key in fresh:
        after.setdefault(key[0], set()).add(key)
    order = list(dict.fromkeys([*after, *before]))
    return tuple(str(q) for q in order if before.get(q) != after.get(q))


def regrade_quiz(session: Session, quiz: Quiz, *, dry_run: bool = False, reason: str = DEFAULT_REASON,
                 actor_id: int | None = None) -> RegradeReport:
    """Regrade every submitted attempt at ``quiz`` (reset ones too: they stay on record); write the changes unless
    ``dry_run``, each with an audit entry carrying ``reason``."""
    report = RegradeReport(quiz.id)
    rows = session.execute(
        select(Attempt, User.email).join(User, User.id == Attempt.user_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.submitted_at.is_not(None))
        .order_by(Attempt.id)
    ).all()
    for attempt, email in rows:
        stored = attempt_items(session, attempt.id)
        asked = list(dict.fromkeys([*shown_questions(attempt), *(i.question_id for i in stored)]))
        gone = [q for q in asked if quiz.question(q) is None]
        changed_type = [i.question_id for i in stored if (q := quiz.question(i.question_id)) is not None and q.type != i.kind]
        if gone or changed_type:
            what = ", ".join(dict.fromkeys(gone + changed_type))
            report.skipped.append(f"attempt {attempt.id} ({email} #{attempt.number}): not regraded, question(s) {what} "
                                  f"no longer in the quiz as they were asked; its recorded grade stands")
            continue
        try:
            result = grade(quiz, attempt.answers or {}, attempt.model, asked)
        except AnswerError as exc:
            report.skipped.append(f"attempt {attempt.id} ({email} #{attempt.number}): not regraded, its answers no "
                                  f"longer fit the quiz ({exc}); its recorded grade stands")
            continue
        keys = [_item_key(i.question_id, i.item_id, i.expected, i.given, float(i.points), float(i.max_points), i.reason)
                for i in stored]
        questions = _changed_questions(keys, result)
        same_grade = (round(attempt.points or 0, 6) == round(float(result.points), 6) and attempt.score == result.score
                      and bool(attempt.passed) == result.passed)
        if same_grade and not questions:
            report.unchanged += 1
            continue
        change = Regraded(attempt.id, email, attempt.number, attempt.score, result.score, attempt.passed, result.passed,
                          questions)
        report.changed.append(change)
        if not dry_run:
            _write(session, quiz, attempt, email, result, reason, actor_id)
    return report


def _write(session: Session, quiz: Quiz, attempt: Attempt, email: str, result: Grade, reason: str,
           actor_id: int | None) -> None:
    before = {"points": attempt.points, "max_points": attempt.max_points, "score": attempt.score,
              "passed": attempt.passed}
    attempt.points, attempt.max_points = float(result.points), float(result.max_points)
    attempt.score, attempt.passed = result.score, result.passed
    session.execute(delete(AttemptItem).where(AttemptItem.attempt_id == attempt.id))
    session.execute(insert(AttemptItem), [
        {**item_row(item), "attempt_id": attempt.id, "user_id": attempt.user_id, "quiz_id": quiz.id}
        for item in result.items
    ])
    statements.attempt_regraded(session, quiz, attempt, result.items)
    rollups.touch(session, learners=[attempt.user_id], cohorts_of=[attempt.user_id])  # its items were rewritten
    audit.record(session, actor_id=actor_id, kind="attempt.regrade",
                 target=audit.Target("attempt", attempt.id, f"{email} · {quiz.id} #{attempt.number}"),
                 before=before, after={"points": attempt.points, "max_points": attempt.max_points,
                                       "score": attempt.score, "passed": attempt.passed},
                 reason=reason)
    session.flush()
    lti_grades.queue_scores(session, attempt.user_id, quiz.id)  # a platform that holds the score gets the new one
