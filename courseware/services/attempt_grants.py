"""Extra attempts and resets, each with a reason and an audit entry, and learners' requests for another attempt.

A mentor grants or resets for their own mentees, an admin for anyone (``persistence/scope.may_view_learner``);
anyone else gets NotFound, exactly like a learner who does not exist.  A grant is one more attempt; a reset
marks the past attempts 'reset' (kept on record) and the learner starts again with the quiz's full number.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..core.errors import InvalidInput, NotFound
from ..core.quiz import Quiz
from ..persistence import rollups
from ..persistence.base import utcnow
from ..persistence.models import Attempt, AttemptGrant, AttemptRequest, Mentorship, User
from ..persistence.scope import may_view_learner
from . import audit, lti_grades
from . import xapi as statements
from .attempts import QuizStanding, standing_on
from .versions import bump

MAX_REASON = 1_000
MAX_MESSAGE = 1_000


@dataclass(frozen=True)
class GrantResult:
    """What a grant or reset did, and what the mentor should know: the learner had seen the keys."""

    grant: AttemptGrant
    keys_seen: bool  # the learner had already seen the keys
    fresh_draw: bool  # the quiz has pools, so the next attempt draws the questions the learner has not seen first

    @property
    def notice(self) -> str:
        """A sentence for the mentor about the keys (empty when the learner had not seen them)."""
        if not self.keys_seen:
            return ""
        if self.fresh_draw:
            return "They had already seen the keys: the next attempt draws the questions they have not seen first."
        return "They had already seen the keys, and this quiz has no question pools: the same questions come back."


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("Give a reason: the learner and the audit log see it.", field="reason")
    if len(text) > MAX_REASON:
        raise InvalidInput(f"Keep the reason under {MAX_REASON:,} characters.", field="reason")
    return text


def _learner(session: Session, actor_id: int, learner_id: int) -> User:
    """The learner, if ``actor_id`` may act on them (their mentor, or an admin); else NotFound."""
    learner = session.get(User, learner_id) if may_view_learner(session, actor_id, learner_id) else None
    if learner is None:
        raise NotFound(f"learner {learner_id}")
    return learner


def _record(session: Session, quiz: Quiz, learner: User, actor_id: int | None, kind: str, reason: str,
            standing: QuizStanding) -> GrantResult:
    keys_seen = standing.keys_seen or (standing.submitted > 0 and standing.keys_visible(quiz))
    grant = AttemptGrant(user_id=learner.id, quiz_id=quiz.id, kind=kind, reason=reason, keys_seen=keys_seen,
                         granted_by_id=actor_id, created_at=utcnow())
    session.add(grant)
    session.flush()
    session.execute(
        update(AttemptRequest)
        .where(AttemptRequest.user_id == learner.id, AttemptRequest.quiz_id == quiz.id, AttemptRequest.resolved_at.is_(None))
        .values(resolved_at=grant.created_at, grant_id=grant.id)
        .execution_options(synchronize_session=False)
    )
    return GrantResult(grant, keys_seen, bool(quiz.pools))


def grant_attempt(session: Session, quiz: Quiz, *, learner_id: int, actor_id: int, reason: str) -> GrantResult:
    """One more attempt at ``quiz`` for the learner, with a reason, recorded in the audit log."""
    learner = _learner(session, actor_id, learner_id)
    text = _reason(reason)
    if quiz.max_attempts is None:
        raise InvalidInput("This quiz allows unlimited attempts: there is nothing to grant.", field="reason")
    standing = standing_on(session, learner.id, quiz.id)
    allowed = standing.allowed(quiz)
    result = _record(session, quiz, learner, actor_id, "extra", text, standing)
    audit.record(session, actor_id=actor_id, kind="attempt.grant",
                 target=audit.Target("user", learner.id, f"{learner.email} · {quiz.id}"),
                 before={"quiz": quiz.id, "attempts_allowed": allowed, "attempts_submitted": standing.submitted},
                 after={"quiz": quiz.id, "attempts_allowed": (allowed or 0) + 1, "keys_seen": result.keys_seen},
                 reason=text)
    return result


def reset_quiz(session: Session, quiz: Quiz, *, learner_id: int, actor_id: int, reason: str) -> GrantResult:
    """Start the learner again on ``quiz``: past attempts are marked reset (kept on record), the full number of
    attempts is back; with a reason, recorded in the audit log."""
    learner = _learner(session, actor_id, learner_id)
    text = _reason(reason)
    standing = standing_on(session, learner.id, quiz.id)
    marked = session.execute(
        update(Attempt)
        .where(Attempt.user_id == learner.id, Attempt.quiz_id == quiz.id, Attempt.state != "reset")
        .values(state="reset")
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    statements.attempts_reset(session, learner.id, quiz.id)
    rollups.touch(session, learners=[learner.id])  # completion, passes and best scores no longer count them
    result = _record(session, quiz, learner, actor_id, "reset", text, standing)
    audit.record(session, actor_id=actor_id, kind="attempt.reset",
                 target=audit.Target("user", learner.id, f"{learner.email} · {quiz.id}"),
                 before={"quiz": quiz.id, "attempts_submitted": standing.submitted, "passed": standing.passed,
                         "extra_attempts": standing.extra},
                 after={"quiz": quiz.id, "attempts_reset": int(marked or 0), "attempts_allowed": quiz.max_attempts,
                        "keys_seen": result.keys_seen},
                 reason=text)
    lti_grades.queue_scores(session, learner.id, quiz.id)  # the platform's gradebook starts again too
    return result


@dataclass(frozen=True)
class RequestResult:
    """A learner's request for another attempt, and whether anyone mentors them (else an admin answers)."""

    request: AttemptRequest
    created: bool
    has_mentor: bool


def request_attempt(session: Session, quiz: Quiz, *, learner_id: int, message: str = "") -> RequestResult:
    """Ask for another attempt at a quiz whose attempts are all used; one pending request per quiz at a time."""
    standing = standing_on(session, learner_id, quiz.id)
    if not standing.exhausted(quiz):
        raise InvalidInput("You still have an attempt at this quiz.", field="message")
    text = (message or "").strip()
    if len(text) > MAX_MESSAGE:
        raise InvalidInput(f"Keep the message under {MAX_MESSAGE:,} characters.", field="message")
    has_mentor = session.scalar(select(Mentorship.mentor_id).where(Mentorship.mentee_id == learner_id).limit(1)) is not None
    pending = session.scalar(select(AttemptRequest).where(
        AttemptRequest.user_id == learner_id, AttemptRequest.quiz_id == quiz.id, AttemptRequest.resolved_at.is_(None)))
    if pending is not None:
        return RequestResult(pending, False, has_mentor)
    request = AttemptRequest(user_id=learner_id, quiz_id=quiz.id, message=text, created_at=utcnow())
    session.add(request)
    session.flush()
    bump(session, learners=[learner_id])  # the mentor home lists pending requests
    return RequestResult(request, True, has_mentor)
