"""After an attempt: a mentor's feedback the learner reads, and a learner's flag on a question an admin answers."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..core.errors import InvalidInput, NotFound
from ..core.quiz import Quiz
from ..persistence.base import utcnow
from ..persistence.models import Attempt, AttemptFeedback, AttemptItem, QuestionFlag
from ..persistence.scope import may_view_learner
from . import audit
from .versions import bump

MAX_FEEDBACK = 5_000
MAX_FLAG = 2_000


def mentee_attempt(session: Session, *, learner_id: int, attempt_id: int, viewer_id: int | None) -> Attempt:
    """A submitted attempt of the learner; NotFound when it is not theirs, not submitted, or (``viewer_id`` given)
    the viewer may not act on this learner (a mentor: only their mentees; an admin: anyone)."""
    if viewer_id is not None and not may_view_learner(session, viewer_id, learner_id):
        raise NotFound(f"learner {learner_id}")
    attempt = session.get(Attempt, attempt_id) if 0 < attempt_id < 2**31 else None
    if attempt is None or attempt.user_id != learner_id or attempt.submitted_at is None:
        raise NotFound(f"attempt {attempt_id}")
    return attempt


def add_feedback(session: Session, *, learner_id: int, attempt_id: int, author_id: int, body: str) -> AttemptFeedback:
    """Leave feedback on a mentee's submitted attempt (plain text, shown to the learner): their mentor or an admin."""
    attempt = mentee_attempt(session, learner_id=learner_id, attempt_id=attempt_id, viewer_id=author_id)
    text = (body or "").strip()
    if not text:
        raise InvalidInput("Write your feedback first.", field="body")
    if len(text) > MAX_FEEDBACK:
        raise InvalidInput(f"Keep feedback under {MAX_FEEDBACK:,} characters.", field="body")
    feedback = AttemptFeedback(attempt_id=attempt.id, learner_id=learner_id, author_id=author_id, body=text,
                               created_at=utcnow())
    session.add(feedback)
    session.flush()
    bump(session, learners=[learner_id])  # My path shows it
    return feedback


def flag_question(session: Session, attempt: Attempt, *, question_id: str, comment: str) -> QuestionFlag:
    """The attempt's learner flags one of its questions ("I think the key is wrong") with a comment."""
    asked = session.scalar(select(AttemptItem.id).where(AttemptItem.attempt_id == attempt.id,
                                                        AttemptItem.question_id == question_id).limit(1))
    if attempt.submitted_at is None or asked is None:
        raise InvalidInput("Flag a question of this attempt.", field="comment")
    text = (comment or "").strip()
    if not text:
        raise InvalidInput("Say what you think is wrong.", field="comment")
    if len(text) > MAX_FLAG:
        raise InvalidInput(f"Keep the comment under {MAX_FLAG:,} characters.", field="comment")
    pending = session.scalar(select(QuestionFlag.id).where(
        QuestionFlag.user_id == attempt.user_id, QuestionFlag.quiz_id == attempt.quiz_id,
        QuestionFlag.question_id == question_id, QuestionFlag.resolved_at.is_(None)))
    if pending is not None:
        raise InvalidInput("You have already flagged this question; an admin will reply.", field="comment")
    flag = QuestionFlag(user_id=attempt.user_id, attempt_id=attempt.id, quiz_id=attempt.quiz_id, question_id=question_id,
                        comment=text, created_at=utcnow())
    session.add(flag)
    session.flush()
    bump(session, learners=[attempt.user_id])
    return flag


def resolve_flags(session: Session, *, quiz_id: str, question_id: str, reply: str, actor_id: int,
                  quiz: Quiz | None = None) -> int:
    """Resolve every open flag on a question with one reply the learners read; NotFound when none is open."""
    text = (reply or "").strip()
    if not text:
        raise InvalidInput("Write the reply the learners will read.", field="reply")
    if len(text) > MAX_FLAG:
        raise InvalidInput(f"Keep the reply under {MAX_FLAG:,} characters.", field="reply")
    now = utcnow()
    count = session.execute(
        update(QuestionFlag)
        .where(QuestionFlag.quiz_id == quiz_id, QuestionFlag.question_id == question_id,
               QuestionFlag.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=actor_id, reply=text)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not count:
        raise NotFound(f"open flags on {quiz_id}/{question_id}")
    title = quiz.title if quiz is not None else quiz_id
    audit.record(session, actor_id=actor_id, kind="flag.resolve",
                 target=audit.Target("question", f"{quiz_id}/{question_id}"[:64], f"{title} · {question_id}"),
                 before={"open_flags": int(count)}, after={"open_flags": 0}, reason=text)
    return int(count)
