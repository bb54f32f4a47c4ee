"""Assignments: validation, what applies to a learner, done and overdue — against hand-worked values."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.core.errors import InvalidInput, NotFound
from courseware.core.quiz import QuizBank
from courseware.persistence.base import utcnow
from courseware.persistence.models import Assignment, Attempt, ModuleProgress
from courseware.services import assignments, cohorts
from courseware.state import state_of
from tests.conftest import make_user

TODAY = date(2026, 11, 26)


def _attempt(db: Session, user_id: int, number: int, *, state: str = "submitted", passed: bool | None = None) -> None:
    db.add(Attempt(user_id=user_id, quiz_id="scope-check", number=number, state=state, model="separate", seed=1,
                   layout={}, answers={}, started_at=utcnow(), submitted_at=utcnow() if state == "submitted" else None,
                   score=90.0 if passed else 40.0, passed=passed))


def _progress(db: Session, user_id: int, module_id: str, *, completed: bool) -> None:
    now = utcnow()
    db.add(ModuleProgress(user_id=user_id, module_id=module_id, started_at=now, completed_at=now if completed else None))


@pytest.fixture
def setting(app: Flask, db: Session) -> dict:  # type: ignore[type-arg]
    catalog, bank = state_of(app).catalog, state_of(app).quizzes
    cohort = cohorts.create_cohort(db, name="Autumn", start_date=date(2026, 9, 1))
    lee, pat, oli = make_user(db, "lee@example.com"), make_user(db, "pat@example.com"), make_user(db, "oli@example.com")
    cohorts.set_cohort(db, lee, cohort.id)
    cohorts.set_cohort(db, pat, cohort.id)

    def assign(kind: str, item: str, due: date, **target: int) -> int:
        return assignments.create_assignment(db, kind=kind, item_id=item, due_on=due, catalog=catalog, quizzes=bank,
                                             **target).id

    ids = {
        "intro_lee": assign("module", "intro", date(2026, 11, 20), user_id=lee.id),       # done by lee
        "basics_cohort": assign("module", "basics", date(2026, 11, 25), cohort_id=cohort.id),  # lee only started it
        "quiz_cohort": assign("quiz", "scope-check", date(2026, 12, 3), cohort_id=cohort.id),
        "scope_lee": assign("module", "scope", TODAY, user_id=lee.id),                      # due today: not overdue
        "scope_oli": assign("module", "scope", date(2026, 11, 1), user_id=oli.id),          # not lee's
    }
    _progress(db, lee.id, "intro", completed=True)
    _progress(db, lee.id, "basics", completed=False)
    _attempt(db, lee.id, 1, passed=False)
    _attempt(db, lee.id, 2, state="open")
    db.commit()
    return {"catalog": catalog, "bank": bank, "cohort": cohort, "lee": lee, "pat": pat, "oli": oli, "ids": ids}


def test_learner_sees_own_and_cohort_assignments_with_done_and_overdue(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    lee, ids = setting["lee"], setting["ids"]
    rows = assignments.learner_assignments(db, lee.id, setting["catalog"], TODAY, quizzes=setting["bank"])
    assert [(r.id, r.title, r.due_on, r.via_cohort, r.done, r.overdue) for r in rows] == [
        (ids["intro_lee"], "Introduction", date(2026, 11, 20), False, True, False),
        (ids["basics_cohort"], "The basics", date(2026, 11, 25), True, False, True),
        (ids["scope_lee"], "Scope", TODAY, False, False, False),
        (ids["quiz_cohort"], "Scope: who owns it?", date(2026, 12, 3), True, False, False),
    ]
    # Marking the module scope read does not complete it: its quiz does.
    _progress(db, lee.id, "scope", completed=True)
    db.commit()
    rows = assignments.learner_assignments(db, lee.id, setting["catalog"], date(2026, 12, 10), quizzes=setting["bank"])
    assert {r.id: (r.done, r.overdue) for r in rows}[ids["scope_lee"]] == (False, True)
    # A failed attempt and an open one do not count; a passed submitted attempt does, for the quiz and for the
    # module it completes (scope).
    _attempt(db, lee.id, 3, passed=True)
    db.commit()
    rows = assignments.learner_assignments(db, lee.id, setting["catalog"], date(2026, 12, 10), quizzes=setting["bank"])
    assert {r.id: (r.done, r.overdue) for r in rows} == {
        ids["intro_lee"]: (True, False), ids["basics_cohort"]: (False, True),
        ids["scope_lee"]: (True, False), ids["quiz_cohort"]: (True, False),
    }


def test_learner_assignments_is_one_query(app: Flask, db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    statements: list[str] = []
    engine = state_of(app).engine

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assignments.learner_assignments(db, setting["lee"].id, setting["catalog"], TODAY, quizzes=setting["bank"])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_items_no_longer_in_the_course_keep_their_id(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    pat = setting["pat"]
    db.add(Assignment(kind="module", item_id="retired-module", user_id=pat.id, due_on=date(2026, 11, 1), created_at=utcnow()))
    db.commit()
    rows = assignments.learner_assignments(db, pat.id, setting["catalog"], TODAY, quizzes=setting["bank"])
    retired = next(r for r in rows if r.item_id == "retired-module")
    assert (retired.title, retired.exists, retired.overdue) == ("retired-module", False, True)
    # A quiz the bank no longer holds keeps its id as title.
    rows = assignments.learner_assignments(db, pat.id, setting["catalog"], TODAY, quizzes=QuizBank())
    assert next(r for r in rows if r.kind == "quiz").title == "scope-check"


def test_overdue_counts_per_learner(app: Flask, db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    lee, pat, oli = setting["lee"], setting["pat"], setting["oli"]
    everyone = [lee.id, pat.id, oli.id]
    rule = state_of(app).completion
    # lee: basics (cohort) overdue; pat: basics overdue; oli: scope overdue since 1 Nov.
    assert assignments.overdue_counts(db, everyone, TODAY, rule) == {lee.id: 1, pat.id: 1, oli.id: 1}
    # On 4 Dec the cohort quiz and lee's scope module are overdue too.
    assert assignments.overdue_counts(db, everyone, date(2026, 12, 4), rule) == {lee.id: 3, pat.id: 2, oli.id: 1}
    _progress(db, pat.id, "basics", completed=True)
    db.commit()
    assert assignments.overdue_counts(db, everyone, TODAY, rule) == {lee.id: 1, oli.id: 1}
    # A select of ids works as well as a list.
    from courseware.persistence.models import User
    assert assignments.overdue_counts(db, select(User.id).where(User.cohort_id.is_not(None)), TODAY, rule) == {lee.id: 1}


def test_create_assignment_checks_item_and_target(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    catalog, bank, lee, cohort = setting["catalog"], setting["bank"], setting["lee"], setting["cohort"]
    due = TODAY + timedelta(days=7)

    def create(**kwargs):  # type: ignore[no-untyped-def]
        args = {"kind": "module", "item_id": "intro", "due_on": due, "catalog": catalog, "quizzes": bank, "user_id": lee.id}
        args.update(kwargs)
        return assignments.create_assignment(db, **args)

    cases = [
        ({"item_id": "nope"}, "There is no module 'nope'", "item"),
        ({"kind": "quiz", "item_id": "intro"}, "There is no quiz 'intro'", "item"),
        ({"kind": "quiz", "item_id": "scope-check", "quizzes": QuizBank()}, "There is no quiz", "item"),  # not in this bank
        ({"kind": "video"}, "Choose a module or a quiz", "item"),
        ({"cohort_id": cohort.id}, "not both", "learner_email"),
        ({"user_id": None}, "not both", "learner_email"),
        ({"user_id": 999_999}, "no such learner", "learner_email"),
        ({"user_id": None, "cohort_id": 999_999}, "no such cohort", "cohort_id"),
    ]
    before = db.scalar(select(func.count()).select_from(Assignment))
    for kwargs, message, field in cases:
        with pytest.raises(InvalidInput, match=message) as caught:
            create(**kwargs)
        assert caught.value.field == field, kwargs
    assert db.scalar(select(func.count()).select_from(Assignment)) == before

    made = create(kind="quiz", item_id="scope-check", user_id=None, cohort_id=cohort.id, created_by_id=lee.id)
    db.commit()
    rows, total = assignments.assignments_page(db, page=1, per_page=50, catalog=catalog, quizzes=bank)
    assert total == before + 1
    row = next(r for r in rows if r.id == made.id)
    assert (row.title, row.cohort_name, row.user_name) == ("Scope: who owns it?", "Autumn", None)
    assignments.delete_assignment(db, made.id)
    db.commit()
    with pytest.raises(NotFound):
        assignments.delete_assignment(db, made.id)
