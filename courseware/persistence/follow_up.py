"""What follows a quiz attempt: requests for another attempt, grants and resets, mentors' feedback, and flags.

``pending_attempt_requests`` is what a mentor's home (and their digest) lists; ``learner_notices`` what My
path shows a learner; the rest serve the result page and the admin's flags page.  Each is one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, Text, case, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session, aliased

from .models import Attempt, AttemptFeedback, AttemptGrant, AttemptRequest, QuestionFlag, User
from .queries import Reader
from .scope import within_scope


@dataclass(frozen=True)
class PendingRequest:
    """A learner's unanswered request for another attempt at a quiz."""

    id: int
    user_id: int
    name: str
    email: str
    quiz_id: str
    message: str
    created_at: datetime


def pending_attempt_requests(session: Reader, mentor_id: int | None, limit: int | None = None) -> list[PendingRequest]:
    """The unanswered requests of the learners this mentor mentors (None: an admin, every learner), oldest first."""
    query = within_scope(
        select(AttemptRequest.id, AttemptRequest.user_id, User.display_name, User.email, AttemptRequest.quiz_id,
               AttemptRequest.message, AttemptRequest.created_at)
        .join(User, User.id == AttemptRequest.user_id)
        .where(AttemptRequest.resolved_at.is_(None)),
        AttemptRequest.user_id, mentor_id,
    ).order_by(AttemptRequest.created_at, AttemptRequest.id)
    if limit is not None:
        query = query.limit(limit)
    return [PendingRequest(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class Notice:
    """Something a mentor or an admin did for the learner: a grant or reset, feedback on an attempt, a flag's reply."""

    kind: str  # 'extra', 'reset', 'feedback' or 'flag'
    quiz_id: str
    text: str  # the reason, the feedback, or the reply
    at: datetime
    author: str | None
    attempt_id: int | None = None
    question_id: str | None = None


def learner_notices(session: Reader, user_id: int, limit: int = 5) -> list[Notice]:
    """The learner's latest grants and resets, mentors' feedback on their attempts, and replies to their flags — one
    query, newest first."""
    author = aliased(User)
    grants = (
        select(AttemptGrant.kind.label("kind"), AttemptGrant.quiz_id.label("quiz_id"), AttemptGrant.reason.label("text"),
               AttemptGrant.created_at.label("at"), author.display_name.label("author"),
               cast(null(), Integer).label("attempt_id"), cast(null(), String).label("question_id"))
        .outerjoin(author, author.id == AttemptGrant.granted_by_id)
        .where(AttemptGrant.user_id == user_id)
    )
    feedback_author = aliased(User)
    feedback = (
        select(literal("feedback", String), Attempt.quiz_id, cast(AttemptFeedback.body, Text), AttemptFeedback.created_at,
               feedback_author.display_name, AttemptFeedback.attempt_id, cast(null(), String))
        .join(Attempt, Attempt.id == AttemptFeedback.attempt_id)
        .outerjoin(feedback_author, feedback_author.id == AttemptFeedback.author_id)
        .where(AttemptFeedback.learner_id == user_id)
    )
    replier = aliased(User)
    replies = (
        select(literal("flag", String), QuestionFlag.quiz_id, cast(QuestionFlag.reply, Text), QuestionFlag.resolved_at,
               replier.display_name, QuestionFlag.attempt_id, QuestionFlag.question_id)
        .outerjoin(replier, replier.id == QuestionFlag.resolved_by_id)
        .where(QuestionFlag.user_id == user_id, QuestionFlag.resolved_at.is_not(None))
    )
    both = union_all(grants, feedback, replies).subquery()
    rows = session.execute(select(both).order_by(both.c.at.desc()).limit(limit)).all()
    return [Notice(r.kind, r.quiz_id, r.text or "", r.at, r.author, r.attempt_id, r.question_id) for r in rows]


@dataclass(frozen=True)
class FeedbackNote:
    """A mentor's feedback on one attempt."""

    id: int
    body: str
    author: str | None
    created_at: datetime


def attempt_feedback(session: Session, attempt_id: int) -> list[FeedbackNote]:
    """The feedback left on an attempt, oldest first."""
    author = aliased(User)
    rows = session.execute(
        select(AttemptFeedback.id, AttemptFeedback.body, author.display_name, AttemptFeedback.created_at)
        .outerjoin(author, author.id == AttemptFeedback.author_id)
        .where(AttemptFeedback.attempt_id == attempt_id)
        .order_by(AttemptFeedback.created_at, AttemptFeedback.id)
    ).all()
    return [FeedbackNote(*row) for row in rows]


@dataclass(frozen=True)
class LearnerFlag:
    """A flag the learner raised on a question, and its reply once resolved."""

    question_id: str
    comment: str
    created_at: datetime
    reply: str | None
    resolved_at: datetime | None


def learner_flags(session: Session, user_id: int, quiz_id: str) -> dict[str, list[LearnerFlag]]:
    """The learner's flags on a quiz's questions, by question id, oldest first."""
    rows = session.execute(
        select(QuestionFlag.question_id, QuestionFlag.comment, QuestionFlag.created_at, QuestionFlag.reply,
               QuestionFlag.resolved_at)
        .where(QuestionFlag.user_id == user_id, QuestionFlag.quiz_id == quiz_id)
        .order_by(QuestionFlag.created_at, QuestionFlag.id)
    ).all()
    flags: dict[str, list[LearnerFlag]] = {}
    for row in rows:
        flags.setdefault(row.question_id, []).append(LearnerFlag(*row))
    return flags


@dataclass(frozen=True)
class FlagLine:
    """One learner's flag on a question."""

    id: int
    user_name: str
    user_email: str
    comment: str
    created_at: datetime
    reply: str | None
    resolved_at: datetime | None


@dataclass(frozen=True)
class FlaggedQuestion:
    """A question with its flags (open first), for the admin's flags page."""

    quiz_id: str
    question_id: str
    open: int
    flags: list[FlagLine]


def flagged_questions(session: Session, *, include_resolved: bool = False) -> list[FlaggedQuestion]:
    """Flags grouped by question, questions with the most open flags first — one query."""
    open_count = func.sum(case((QuestionFlag.resolved_at.is_(None), 1), else_=0)).over(
        partition_by=(QuestionFlag.quiz_id, QuestionFlag.question_id))
    query = (
        select(QuestionFlag.id, QuestionFlag.quiz_id, QuestionFlag.question_id, User.display_name, User.email,
               QuestionFlag.comment, QuestionFlag.created_at, QuestionFlag.reply, QuestionFlag.resolved_at,
               open_count.label("open"))
        .join(User, User.id == QuestionFlag.user_id)
    )
    flags = query.subquery("flags")
    outer = select(flags).order_by(flags.c.open.desc(), flags.c.quiz_id, flags.c.question_id,
                                   flags.c.resolved_at.is_not(None), flags.c.created_at, flags.c.id)
    if not include_resolved:
        outer = outer.where(flags.c.open > 0)
    rows = session.execute(outer).all()
    groups: list[FlaggedQuestion] = []
    for r in rows:
        if not groups or (groups[-1].quiz_id, groups[-1].question_id) != (r.quiz_id, r.question_id):
            groups.append(FlaggedQuestion(r.quiz_id, r.question_id, int(r.open or 0), []))
        groups[-1].flags.append(FlagLine(r.id, r.display_name, r.email, r.comment, r.created_at, r.reply, r.resolved_at))
    return groups
