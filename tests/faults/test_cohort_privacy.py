"""A cohort average on a mentor's page never gives away another mentor's learner.

The red-team pass: in a two-person cohort (one mentee each for two mentors), the mentee page's
cohort average let a mentor compute the other mentor's learner's score exactly.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from courseware.persistence.base import utcnow
from courseware.persistence.models import Attempt, AttemptItem, Cohort, Mentorship
from tests.conftest import PASSWORD, make_user


def _scored(db: Session, user_id: int, points: float) -> None:
    """A submitted attempt with one budget item worth ``points`` of 1 (the area score is 100 × points)."""
    now = utcnow()
    attempt = Attempt(user_id=user_id, quiz_id="scope-check", number=1, state="submitted", model="separate", seed=1,
                      layout={}, started_at=now - timedelta(minutes=5), submitted_at=now, score=100 * points,
                      passed=points >= 0.8)
    db.add(attempt)
    db.flush()
    db.add(AttemptItem(attempt_id=attempt.id, user_id=user_id, quiz_id="scope-check", question_id="q2", item_id="t2",
                       kind="split", area="budget", expected="pm", given="pm", correct=points == 1, points=points,
                       max_points=1.0))


@pytest.fixture
def pair(db: Session) -> dict[str, int]:
    """Cohort Pair: Pat (mentored by Alex, budget 100 %) and Quinn (mentored by Blair, budget 25 %)."""
    alex, blair = make_user(db, "alex@example.com", ("mentor",)), make_user(db, "blair@example.com", ("mentor",))
    make_user(db, "admin@example.com", ("admin",))
    pat, quinn = make_user(db, "pat@example.com", name="Pat"), make_user(db, "quinn@example.com", name="Quinn")
    cohort = Cohort(name="Pair", start_date=date(2026, 9, 1))
    db.add(cohort)
    db.flush()
    pat.cohort_id = quinn.cohort_id = cohort.id
    db.add_all([Mentorship(mentor_id=alex.id, mentee_id=pat.id), Mentorship(mentor_id=blair.id, mentee_id=quinn.id)])
    _scored(db, pat.id, 1.0)
    _scored(db, quinn.id, 0.25)
    db.commit()
    return {"pat": pat.id, "quinn": quinn.id}


def _page(app: Flask, email: str, learner: int) -> str:
    client: FlaskClient = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    response = client.get(f"/mentor/mentees/{learner}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_no_cohort_average_below_the_minimum_group(app: Flask, pair: dict[str, int]) -> None:
    page = _page(app, "alex@example.com", pair["pat"])
    assert "Budget: 100%." in page
    assert "cohort average" not in page and "62.5" not in page and "62%" not in page and "25%" not in page


def test_a_mentors_average_covers_their_own_mentees_only(app: Flask, pair: dict[str, int]) -> None:
    app.config["COHORT_MIN_GROUP"] = 1  # even with no minimum, Quinn (Blair's) is not in Alex's average
    page = _page(app, "alex@example.com", pair["pat"])
    assert "Budget: 100%, cohort average 100%." in page
    assert "62" not in page.split("Knowledge areas")[1].split("Most frequent misroutes")[0]
    other = _page(app, "blair@example.com", pair["quinn"])
    assert "Budget: 25%, cohort average 25%." in other


def test_an_admin_sees_the_whole_cohorts_average_from_the_minimum_group(app: Flask, pair: dict[str, int]) -> None:
    assert "cohort average" not in _page(app, "admin@example.com", pair["pat"])  # 2 learners < 5
    app.config["COHORT_MIN_GROUP"] = 2
    page = _page(app, "admin@example.com", pair["pat"])
    assert "Budget: 100%, cohort average 62%." in page  # (100 + 25) / 2 = 62.5, shown to the whole percent
