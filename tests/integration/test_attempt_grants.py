"""Quiz gating, extra attempts, resets and requests: scope, reasons, the audit log, and the numbers they change.

The fixture quiz scope-check (module scope) allows 2 attempts and opens once intro and basics are complete.
mentor@ mentors learner@; other@ mentors no one; admin@ acts on anyone.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.core.errors import InvalidInput, NotFound, NotYetAvailable
from courseware.core.quiz import Pool, Quiz
from courseware.persistence.follow_up import pending_attempt_requests
from courseware.persistence.models import Attempt, AttemptGrant, AuditEntry, User
from courseware.services import attempt_grants, cohorts
from courseware.services.attempts import AttemptsExhausted, standing_on, start_attempt, submit_attempt
from courseware.state import state_of
from tests.conftest import QUIZ_PREREQUISITES, make_user, read_modules

WRONG = {"q1": "pm"}  # 0 of 11


@pytest.fixture
def quiz(app: Flask) -> Quiz:
    found = state_of(app).quizzes.get("scope-check")
    assert found is not None
    return found


def _start(app: Flask, db: Session, quiz: Quiz, user_id: int, seed: int | None = None) -> Attempt:
    state = state_of(app)
    return start_attempt(db, quiz, user_id, "separate", seed, catalog=state.catalog, rule=state.completion)


def _fail(app: Flask, db: Session, quiz: Quiz, user_id: int) -> Attempt:
    attempt = _start(app, db, quiz, user_id)
    submit_attempt(db, quiz, attempt, WRONG)
    db.commit()
    return attempt


@pytest.fixture
def lee(db: Session, people) -> User:  # type: ignore[no-untyped-def]
    learner = db.get(User, people["learner"].id)
    assert learner is not None
    cohorts.assign_mentor(db, db.get(User, people["mentor"].id), learner)  # type: ignore[arg-type]
    db.commit()
    return learner


def test_a_quiz_starts_only_once_its_modules_prerequisites_are_complete(app: Flask, db: Session, quiz: Quiz,
                                                                        lee: User) -> None:
    with pytest.raises(NotYetAvailable, match="^Finish “The basics” first.$"):  # scope's prerequisite
        _start(app, db, quiz, lee.id)
    read_modules(db, lee.id, "intro")
    with pytest.raises(NotYetAvailable, match="^Finish “The basics” first.$"):
        _start(app, db, quiz, lee.id)
    assert db.scalar(select(Attempt.id)) is None
    read_modules(db, lee.id, "basics")
    assert _start(app, db, quiz, lee.id).number == 1


def test_grant_extra_attempts_scope_reason_and_record(app: Flask, db: Session, quiz: Quiz, lee: User, people) -> None:  # type: ignore[no-untyped-def]
    read_modules(db, lee.id, *QUIZ_PREREQUISITES)
    first, second = _fail(app, db, quiz, lee.id), _fail(app, db, quiz, lee.id)
    with pytest.raises(AttemptsExhausted, match="You have used all 2 attempts at this quiz."):
        _start(app, db, quiz, lee.id)
    other = make_user(db, "other@example.com", ("mentor",))
    with pytest.raises(NotFound):  # not their mentee: as if the learner did not exist
        attempt_grants.grant_attempt(db, quiz, learner_id=lee.id, actor_id=other.id, reason="Overdue")
    with pytest.raises(NotFound):  # a learner cannot grant themselves one
        attempt_grants.grant_attempt(db, quiz, learner_id=lee.id, actor_id=lee.id, reason="Please")
    with pytest.raises(InvalidInput, match="Give a reason") as missing:
        attempt_grants.grant_attempt(db, quiz, learner_id=lee.id, actor_id=people["mentor"].id, reason="   ")
    assert missing.value.field == "reason"

    result = attempt_grants.grant_attempt(db, quiz, learner_id=lee.id, actor_id=people["mentor"].id,
                                          reason="Overdue after leave")
    db.commit()
    # Keys were seen (the fixture quiz reveals always): the mentor is told; it has no pools, so the same questions.
    assert result.keys_seen and not result.fresh_draw and "no question pools" in result.notice
    standing = standing_on(db, lee.id, quiz.id)
    assert (standing.submitted, standing.extra, standing.allowed(quiz), standing.left(quiz)) == (2, 1, 3, 1)
    third = _fail(app, db, quiz, lee.id)
    assert third.number == 3
    with pytest.raises(AttemptsExhausted, match="You have used all 3 attempts"):
        _start(app, db, quiz, lee.id)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.kind == "attempt.grant"))
    assert entry is not None
    assert (entry.actor_id, entry.actor_label, entry.target_id, entry.reason) == (
        people["mentor"].id, "mentor@example.com", str(lee.id), "Overdue after leave")
    assert (entry.before, entry.after) == (
        {"quiz": "scope-check", "attempts_allowed": 2, "attempts_submitted": 2},
        {"quiz": "scope-check", "attempts_allowed": 3, "keys_seen": True})
    assert first.number == 1 and second.number == 2


def test_an_admin_resets_a_quiz_past_attempts_stay_marked(app: Flask, db: Session, quiz: Quiz, lee: User,
                                                           people) -> None:  # type: ignore[no-untyped-def]
    read_modules(db, lee.id, *QUIZ_PREREQUISITES)
    _fail(app, db, quiz, lee.id)
    _fail(app, db, quiz, lee.id)
    attempt_grants.grant_attempt(db, quiz, learner_id=lee.id, actor_id=people["admin"].id, reason="One more")
    db.commit()
    result = attempt_grants.reset_quiz(db, quiz, learner_id=lee.id, actor_id=people["admin"].id, reason="New start")
    db.commit()
    assert result.grant.kind == "reset"
    db.expire_all()
    states = db.execute(select(Attempt.number, Attempt.state, Attempt.score).order_by(Attempt.number)).all()
    assert [tuple(r) for r in states] == [(1, "reset", 0.0), (2, "reset", 0.0)]  # on record, grades kept
    standing = standing_on(db, lee.id, quiz.id)
    # The quiz's full number of attempts again (the extra one granted before the reset is gone).
    assert (standing.submitted, standing.extra, standing.allowed(quiz), standing.passed) == (0, 0, 2, False)
    assert _start(app, db, quiz, lee.id).number == 3  # numbering continues
    entry = db.scalar(select(AuditEntry).where(AuditEntry.kind == "attempt.reset"))
    assert entry is not None and entry.reason == "New start" and entry.after["attempts_reset"] == 2


def test_a_reset_takes_back_a_pass_and_the_module_it_completed(app: Flask, db: Session, quiz: Quiz, lee: User,
                                                                people) -> None:  # type: ignore[no-untyped-def]
    from courseware.persistence.queries import learner_standing

    read_modules(db, lee.id, *QUIZ_PREREQUISITES)
    attempt = _start(app, db, quiz, lee.id)
    submit_attempt(db, quiz, attempt, {"q1": "am", "q2": {"t1": "pm", "t2": "pm", "t3": "am", "t4": "pm"},
                                       "q3": {"am": "I", "pm": "A", "pmo": "C"}, "q4": ["a", "c"], "q5": "a"})
    db.commit()
    rule = state_of(app).completion
    assert rule.completed(set(QUIZ_PREREQUISITES), learner_standing(db, lee.id).passed) == {"intro", "basics", "scope"}
    attempt_grants.reset_quiz(db, quiz, learner_id=lee.id, actor_id=people["mentor"].id, reason="Key changed")
    db.commit()
    assert learner_standing(db, lee.id).passed == frozenset()
    assert rule.completed(set(QUIZ_PREREQUISITES), frozenset()) == {"intro", "basics"}


def test_a_learner_who_saw_the_keys_draws_afresh_from_pools(app: Flask, db: Session, quiz: Quiz, lee: User,
                                                             people) -> None:  # type: ignore[no-untyped-def]
    pooled = replace(quiz, shuffle=False, pools=(Pool("p", 2, ("q1", "q4", "q5")),))
    read_modules(db, lee.id, *QUIZ_PREREQUISITES)
    first = _start(app, db, pooled, lee.id, seed=1)
    submit_attempt(db, pooled, first, {})
    db.commit()
    seen = [q for q in first.layout["questions"] if q in ("q1", "q4", "q5")]
    assert len(seen) == 2
    second = _start(app, db, pooled, lee.id, seed=1)  # same seed: only the avoidance can change the draw
    unseen = ({"q1", "q4", "q5"} - set(seen)).pop()
    assert unseen in second.layout["questions"]
    submit_attempt(db, pooled, second, {})
    db.commit()
    result = attempt_grants.grant_attempt(db, pooled, learner_id=lee.id, actor_id=people["mentor"].id, reason="Again")
    assert result.keys_seen and result.fresh_draw and "draws the questions they have not seen first" in result.notice


def test_requests_wait_on_the_mentors_home_until_answered(app: Flask, db: Session, quiz: Quiz, lee: User,
                                                          people) -> None:  # type: ignore[no-untyped-def]
    read_modules(db, lee.id, *QUIZ_PREREQUISITES)
    with pytest.raises(InvalidInput, match="You still have an attempt"):
        attempt_grants.request_attempt(db, quiz, learner_id=lee.id)
    _fail(app, db, quiz, lee.id)
    _fail(app, db, quiz, lee.id)
    asked = attempt_grants.request_attempt(db, quiz, learner_id=lee.id, message="I was ill that week")
    again = attempt_grants.request_attempt(db, quiz, learner_id=lee.id, message="Twice")
    db.commit()
    assert asked.created and asked.has_mentor and not again.created and again.request.id == asked.request.id
    other = make_user(db, "other@example.com", ("mentor",))
    mine = pending_attempt_requests(db, people["mentor"].id)
    assert [(r.user_id, r.quiz_id, r.message) for r in mine] == [(lee.id, "scope-check", "I was ill that week")]
    assert pending_attempt_requests(db, other.id) == []
    assert len(pending_attempt_requests(db, None)) == 1  # an admin sees every request
    assert standing_on(db, lee.id, quiz.id).pending_request
    grant = attempt_grants.grant_attempt(db, quiz, learner_id=lee.id, actor_id=people["mentor"].id, reason="Fine")
    db.commit()
    assert pending_attempt_requests(db, people["mentor"].id) == []
    db.expire_all()
    assert db.scalar(select(AttemptGrant.id)) == grant.grant.id
    assert not standing_on(db, lee.id, quiz.id).pending_request
