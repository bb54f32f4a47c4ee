"""The demo seed: named cohorts, mentors, assignments and graded attempts; synthetic learners at scale."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.core.catalog import load_catalog
from courseware.core.quiz import load_quizzes
from courseware.persistence import queries
from courseware.persistence.models import Assignment, Attempt, AttemptItem, Cohort, Mentorship, User
from courseware.services import assignments, cohorts, seed_scale
from courseware.services.seed import seed_demo
from tests.conftest import REPO, make_user

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def course():  # type: ignore[no-untyped-def]
    catalog = load_catalog(REPO / "content")
    return catalog, load_quizzes(REPO / "quizzes", catalog)


def _caseloads(db: Session) -> dict[str, int]:
    rows = db.execute(select(User.email, func.count()).join(Mentorship, Mentorship.mentor_id == User.id).group_by(User.email))
    return {email: n for email, n in rows}


def _check_attempts_add_up(db: Session) -> None:
    """Every submitted attempt's points are the sum of its items; misrouted follows the stored roles."""
    mismatched = db.scalar(
        select(func.count()).select_from(
            select(Attempt.id).join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
            .group_by(Attempt.id, Attempt.points, Attempt.max_points)
            .having((func.abs(func.sum(AttemptItem.points) - Attempt.points) > 1e-6)
                    | (func.abs(func.sum(AttemptItem.max_points) - Attempt.max_points) > 1e-6))
            .subquery()))
    assert mismatched == 0
    for item in db.scalars(select(AttemptItem).limit(500)):
        assert item.misrouted == (item.kind in ("route", "split") and item.given is not None and item.given != item.expected)


def test_named_demo_has_cohorts_mentors_assignments_and_attempts(db: Session, course) -> None:  # type: ignore[no-untyped-def]
    catalog, bank = course
    seed_demo(db, catalog, password="demo-password", quizzes=bank, today=TODAY)
    db.commit()

    members = {c.name: sorted(u.email for u in c.members) for c in db.scalars(select(Cohort))}
    assert members == {
        "Autumn 2026 new hires": ["casey@example.com", "jordan@example.com", "learner@example.com", "taylor@example.com"],
        "Hybrid AMs — small accounts": ["devon@example.com", "priya@example.com"],
        "Winter 2026 new hires": ["riley@example.com"],
    }
    hybrid = cohorts.cohort_by_name(db, "Hybrid AMs — small accounts")
    assert hybrid is not None and hybrid.operating_model == "hybrid"
    assert _caseloads(db) == {"mentor@example.com": 4, "mentor2@example.com": 3}
    learner = queries.user_by_email(db, "learner@example.com")
    assert learner is not None
    assert [m.email for m in cohorts.mentors_of(db, learner.id)] == ["mentor@example.com"]

    mine = assignments.learner_assignments(db, learner.id, catalog, TODAY, quizzes=bank)
    assert {(a.item_id, a.done, a.overdue) for a in mine} >= {("am-defined", True, False), ("pmp-scope", False, False)}
    assert any(a.overdue for a in mine) and any(a.done for a in mine) and any(not a.done and not a.overdue for a in mine)

    tries = db.execute(select(Attempt.quiz_id, Attempt.number, Attempt.state, Attempt.model)
                       .where(Attempt.user_id == learner.id).order_by(Attempt.submitted_at)).all()
    assert [tuple(t) for t in tries] == [("pmp-scope-quiz", 1, "submitted", "separate"),
                                         ("pmp-scope-quiz", 2, "submitted", "separate"),
                                         ("pmp-time-quiz", 1, "submitted", "separate")]
    priya = queries.user_by_email(db, "priya@example.com")
    assert priya is not None
    assert set(db.scalars(select(Attempt.model).where(Attempt.user_id == priya.id))) == {"hybrid"}
    assert db.scalar(select(func.count()).select_from(AttemptItem).where(AttemptItem.misrouted.is_(True))) > 0
    _check_attempts_add_up(db)

    # Seeding again adds nobody and nothing.
    counts = [db.scalar(select(func.count()).select_from(m)) for m in (User, Cohort, Mentorship, Assignment, Attempt)]
    seed_demo(db, catalog, password="demo-password", quizzes=bank, today=TODAY)
    db.commit()
    assert [db.scalar(select(func.count()).select_from(m)) for m in (User, Cohort, Mentorship, Assignment, Attempt)] == counts


def test_synthetic_learners_fill_cohorts_and_caseloads_of_about_fifty(db: Session, course,  # type: ignore[no-untyped-def]
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    catalog, bank = course
    monkeypatch.setattr(seed_scale, "COHORT_SIZE", 100)  # 250 learners: cohorts of 100, 100 and 50
    result = seed_demo(db, catalog, password="demo-password", learners=250, quizzes=bank, today=TODAY)
    db.commit()
    assert (result.synthetic, result.synthetic_mentors, result.synthetic_cohorts) == (250, 3, 3)

    sizes = db.execute(select(Cohort.name, func.count(User.id)).join(User, User.cohort_id == Cohort.id)
                       .where(Cohort.name.like("Synthetic intake %")).group_by(Cohort.name).order_by(Cohort.name)).all()
    assert [tuple(s) for s in sizes] == [("Synthetic intake 001", 100), ("Synthetic intake 002", 100),
                                         ("Synthetic intake 003", 50)]
    loads = _caseloads(db)
    assert len(loads) == 5
    assert loads["mentor@example.com"] == 50 + 4 and loads["mentor2@example.com"] == 50 + 3
    assert all(45 <= n <= 55 for n in loads.values()), loads

    synthetic = select(User.id).where(User.email.like("learner%@synthetic.example.com"))
    attempts = db.scalar(select(func.count()).select_from(Attempt).where(Attempt.user_id.in_(synthetic)))
    assert attempts == result.synthetic_attempts and 2.0 <= attempts / 250 <= 4.0
    assert db.scalar(select(func.count()).select_from(Assignment).where(Assignment.cohort_id.is_not(None))) >= 3 * 2
    _check_attempts_add_up(db)
    # No attempt number exceeds the quiz's limit, and the numbering has no gaps.
    over = db.execute(select(Attempt.user_id, Attempt.quiz_id, func.max(Attempt.number), func.count())
                      .group_by(Attempt.user_id, Attempt.quiz_id)).all()
    assert all(top == n and n <= 3 for _u, _q, top, n in over)
    # Explicit ids leave the id sequences usable (PostgreSQL).
    make_user(db, "after.seed@example.com")
