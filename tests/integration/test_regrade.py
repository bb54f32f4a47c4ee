"""`courseware regrade QUIZ_ID [--dry-run]`: stored attempts graded again against today's quiz file, by hand.

The fixture quiz's q1 key changes from am to pm.  Lee answered q1 "pm" (PARTIAL: 5 of 11, 45.5 → 6 of 11, 54.5);
Pat answered the old key (11 of 11, 100.0 → 10 of 11, 90.9, still passed); Oli left q1 unanswered (5 of 11
either way, but the key stored with his q1 is rewritten); Kim's attempt asked a question (q9) the quiz no longer
has: left as it was.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.core.quiz import QuizBank
from courseware.persistence.base import utcnow
from courseware.persistence.models import Attempt, AttemptItem, AuditEntry
from courseware.services.attempts import start_attempt, submit_attempt
from courseware.state import state_of
from tests.conftest import QUIZ_PREREQUISITES, make_user, read_modules

PARTIAL = {"q1": "pm", "q2": {"t1": "pm", "t2": "am", "t3": "am"}, "q3": {"am": "I", "pm": "R", "pmo": "C"},
           "q4": ["a", "b"], "q5": "a"}
PERFECT = {"q1": "am", "q2": {"t1": "pm", "t2": "pm", "t3": "am", "t4": "pm"}, "q3": {"am": "I", "pm": "A", "pmo": "C"},
           "q4": ["a", "c"], "q5": "a"}


def _take(app: Flask, db: Session, email: str, answers: dict) -> int:  # type: ignore[type-arg]
    state = state_of(app)
    user = make_user(db, email)
    read_modules(db, user.id, *QUIZ_PREREQUISITES)
    quiz = state.quizzes.get("scope-check")
    assert quiz is not None
    attempt = start_attempt(db, quiz, user.id, "separate", catalog=state.catalog, rule=state.completion)
    submit_attempt(db, quiz, attempt, answers)
    db.commit()
    return attempt.id


def _ghost(db: Session) -> int:
    """Kim's attempt, graded when the quiz had a question q9."""
    kim = make_user(db, "kim@example.com")
    attempt = Attempt(user_id=kim.id, quiz_id="scope-check", number=1, state="submitted", model="separate", seed=1,
                      layout={"questions": ["q9", "q1"]}, answers={"q9": "am", "q1": "pm"}, started_at=utcnow(),
                      submitted_at=utcnow(), points=1.0, max_points=2.0, score=50.0, passed=False)
    db.add(attempt)
    db.flush()
    for question, given, points in (("q9", "am", 1.0), ("q1", "pm", 0.0)):
        db.add(AttemptItem(attempt_id=attempt.id, user_id=kim.id, quiz_id="scope-check", question_id=question,
                           item_id="", kind="route", area="scope", expected="am", given=given, correct=points > 0,
                           misrouted=points == 0, points=points, max_points=1.0))
    db.commit()
    return attempt.id


def _fix_the_key(app: Flask) -> None:
    """As if an author changed q1's key to pm and the app restarted."""
    state = state_of(app)
    quiz = state.quizzes.get("scope-check")
    assert quiz is not None
    fixed = replace(quiz, questions=tuple(replace(q, answer="pm") if q.id == "q1" else q for q in quiz.questions))
    state.quizzes = QuizBank((fixed,))


def _scores(db: Session) -> dict[int, tuple[float | None, bool | None]]:
    db.rollback()
    return {a.id: (a.score, a.passed) for a in db.scalars(select(Attempt).order_by(Attempt.id))}


def test_regrade_changes_what_the_fix_changes_and_records_why(app: Flask, db: Session) -> None:
    lee = _take(app, db, "lee@example.com", PARTIAL)
    pat = _take(app, db, "pat@example.com", PERFECT)
    oli = _take(app, db, "oli@example.com", {k: v for k, v in PARTIAL.items() if k != "q1"})
    kim = _ghost(db)
    assert _scores(db) == {lee: (45.5, False), pat: (100.0, True), oli: (45.5, False), kim: (50.0, False)}
    _fix_the_key(app)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["regrade", "scope-check", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines() == [
        f"attempt {lee} (lee@example.com #1): 45.5 → 54.5, not passed → not passed; changed: q1",
        f"attempt {pat} (pat@example.com #1): 100.0 → 90.9, passed → passed; changed: q1",
        f"attempt {oli} (oli@example.com #1): 45.5 → 45.5, not passed → not passed; changed: q1",  # the key it shows
        f"attempt {kim} (kim@example.com #1): not regraded, question(s) q9 no longer in the quiz as they were asked; "
        "its recorded grade stands",
        "scope-check: 3 attempt(s) would change, 0 unchanged, 1 not regraded (dry run: nothing written).",
    ]
    assert _scores(db)[lee] == (45.5, False)
    assert db.scalar(select(AuditEntry.id).where(AuditEntry.kind.like("attempt.%"))) is None  # nothing written

    done = runner.invoke(args=["regrade", "scope-check", "--reason", "q1's key was wrong (flag #3)"])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[-1] == "scope-check: 3 attempt(s) changed, 0 unchanged, 1 not regraded."
    assert _scores(db) == {lee: (54.5, False), pat: (90.9, True), oli: (45.5, False), kim: (50.0, False)}
    q1 = db.execute(select(AttemptItem.attempt_id, AttemptItem.expected, AttemptItem.correct, AttemptItem.points)
                    .where(AttemptItem.question_id == "q1").order_by(AttemptItem.attempt_id)).all()
    assert [tuple(r) for r in q1] == [(lee, "pm", True, 1.0), (pat, "pm", False, 0.0), (oli, "pm", False, 0.0),
                                      (kim, "am", False, 0.0)]  # Kim's stored items are untouched
    entries = db.scalars(select(AuditEntry).where(AuditEntry.kind.like("attempt.%")).order_by(AuditEntry.id)).all()
    assert [(e.kind, e.target_id, e.actor_label, e.reason) for e in entries] == [
        ("attempt.regrade", str(lee), "command line", "q1's key was wrong (flag #3)"),
        ("attempt.regrade", str(pat), "command line", "q1's key was wrong (flag #3)"),
        ("attempt.regrade", str(oli), "command line", "q1's key was wrong (flag #3)"),
    ]
    assert (entries[0].before["score"], entries[0].after["score"]) == (45.5, 54.5)

    again = runner.invoke(args=["regrade", "scope-check"])
    assert again.output.splitlines()[-1] == "scope-check: 0 attempt(s) changed, 3 unchanged, 1 not regraded."


def test_regrade_of_an_unknown_quiz_exits_2(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["regrade", "no-such-quiz"])
    assert result.exit_code == 2
    assert "courseware: unknown quiz 'no-such-quiz'" in result.output


def test_answers_that_no_longer_fit_leave_the_attempt_as_it_was(app: Flask, db: Session) -> None:
    lee = _take(app, db, "lee@example.com", PARTIAL)
    state = state_of(app)
    quiz = state.quizzes.get("scope-check")
    assert quiz is not None
    narrower = replace(quiz, questions=tuple(replace(q, options=("am", "shared")) if q.id == "q1" else q
                                             for q in quiz.questions))  # Lee's "pm" is no longer offered
    state.quizzes = QuizBank((narrower,))
    result = app.test_cli_runner().invoke(args=["regrade", "scope-check"])
    assert result.output.splitlines() == [
        f"attempt {lee} (lee@example.com #1): not regraded, its answers no longer fit the quiz (question q1: 'pm' is "
        "not one of its options (am, shared)); its recorded grade stands",
        "scope-check: 0 attempt(s) changed, 0 unchanged, 1 not regraded.",
    ]
    assert _scores(db) == {lee: (45.5, False)}
