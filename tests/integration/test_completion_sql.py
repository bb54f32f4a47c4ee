"""The completion rule in SQL gives exactly what the rule gives in Python, for one quiz a module and for several.

Learners (modules intro, basics completed by reading; scope by its quiz or quizzes qa [and qb]):
- u1 marked intro, basics and scope read; passed qa;
- u2 marked nothing; passed qa (day 3) and qb (failed day 4, passed day 6);
- u3 passed qa, then the quiz was reset;
- u4 failed qb.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.core.progress import CompletionRule
from courseware.persistence.completion import completion_counts, completions, module_done, quiz_completions_by_module
from courseware.persistence.models import Attempt, ModuleProgress
from courseware.persistence.queries import learner_standing
from tests.conftest import make_user

ONE_QUIZ = CompletionRule(by_quiz=(("scope", ("qa",)),), by_reading=("intro", "basics"))
TWO_QUIZZES = CompletionRule(by_quiz=(("scope", ("qa", "qb")),), by_reading=("intro", "basics"))


def day(n: int) -> datetime:
    return datetime(2026, 11, n, 9, tzinfo=UTC)


@pytest.fixture
def learners(db: Session) -> dict[str, int]:
    ids = {name: make_user(db, f"{name}@example.com").id for name in ("u1", "u2", "u3", "u4")}
    for module in ("intro", "basics", "scope"):
        db.add(ModuleProgress(user_id=ids["u1"], module_id=module, started_at=day(1), completed_at=day(2)))

    def attempt(user: str, quiz: str, number: int, when: int, passed: bool, state: str = "submitted") -> None:
        db.add(Attempt(user_id=ids[user], quiz_id=quiz, number=number, state=state, model="separate", seed=1,
                       layout={}, started_at=day(when), submitted_at=day(when), score=90.0 if passed else 10.0,
                       passed=passed))

    attempt("u1", "qa", 1, 3, True)
    attempt("u2", "qa", 1, 3, True)
    attempt("u2", "qb", 1, 4, False)
    attempt("u2", "qb", 2, 6, True)
    attempt("u3", "qa", 1, 3, True, state="reset")
    attempt("u4", "qb", 1, 5, False)
    db.commit()
    return ids


@pytest.mark.parametrize(("rule", "expected"), [
    (ONE_QUIZ, {"u1": {"intro", "basics", "scope"}, "u2": {"scope"}, "u3": set(), "u4": set()}),
    (TWO_QUIZZES, {"u1": {"intro", "basics"}, "u2": {"scope"}, "u3": set(), "u4": set()}),
])
def test_sql_and_python_agree(db: Session, learners: dict[str, int], rule: CompletionRule,
                              expected: dict[str, set[str]]) -> None:
    names = {user_id: name for name, user_id in learners.items()}
    for name, user_id in learners.items():
        standing = learner_standing(db, user_id)
        assert rule.completed(standing.read, standing.passed) == expected[name], name
    done = completions(rule)
    rows = db.execute(select(done.c.user_id, done.c.module_id, done.c.completed_at)).all()
    found: dict[str, set[str]] = {name: set() for name in learners}
    for user_id, module_id, _ in rows:
        found[names[user_id]].add(module_id)
    assert found == expected
    counts = completion_counts(rule)
    assert {names[u]: n for u, n in db.execute(select(counts.c.user_id, counts.c.completed))} == {
        name: len(modules) for name, modules in expected.items() if modules}
    for name, user_id in learners.items():
        for module in ("intro", "basics", "scope"):
            assert db.scalar(select(module_done(rule, user_id, module))) == (module in expected[name]), (name, module)


def test_a_module_is_complete_when_the_last_of_its_quizzes_is_first_passed(db: Session, learners: dict[str, int]) -> None:
    def completed_at(rule: CompletionRule) -> datetime:
        done = completions(rule, lambda column: column == learners["u2"])
        found = db.execute(select(done.c.completed_at).where(done.c.module_id == "scope")).scalar_one()
        return found if found.tzinfo else found.replace(tzinfo=UTC)

    assert completed_at(ONE_QUIZ) == day(3)  # qa passed on day 3
    assert completed_at(TWO_QUIZZES) == day(6)  # qb's first pass, on day 6, completes it


@pytest.mark.parametrize(("rule", "learners_done"), [(ONE_QUIZ, 2), (TWO_QUIZZES, 1)])  # u1 and u2; u2 alone
def test_learners_who_completed_each_quiz_module(db: Session, learners: dict[str, int], rule: CompletionRule,
                                                 learners_done: int) -> None:
    counts = quiz_completions_by_module(rule)
    assert [tuple(r) for r in db.execute(select(counts.c.module_id, counts.c.completed))] == [("scope", learners_done)]
