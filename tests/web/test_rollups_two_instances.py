"""Two app instances on one database: the dashboards that read the rollups show every committed write at once,
whichever instance took it, and never another scope's data.

Instance one takes the writes (a learner completing modules through the web, a quiz submitted through the
service, a cohort change); instance two serves the overview CSV, the mentor's CSV and the cohort page, each
requested before the write too, so anything kept between requests would show up as stale.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from courseware.app import create_app
from courseware.core.operating_model import MODELS
from courseware.persistence.base import utcnow
from courseware.persistence.models import Attempt, Cohort, Mentorship, User
from courseware.services import cohorts
from courseware.services.attempts import start_attempt, submit_attempt
from courseware.services.seed_scale import simulated_answers
from courseware.state import state_of
from tests.conftest import PASSWORD, make_config, make_user


@pytest.fixture
def second(app: Flask, database_url: str) -> Iterator[Flask]:
    """Another app instance on the same database (its own engine, pool and process state)."""
    other = create_app(make_config(database_url))
    yield other
    state_of(other).engine.dispose()


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _rows(client: FlaskClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.data.decode())))


def _page(client: FlaskClient, url: str) -> str:
    """A page without its per-request CSRF token."""
    response = client.get(url)
    assert response.status_code == 200
    return "\n".join(line for line in response.get_data(as_text=True).splitlines() if "csrf" not in line)


def _overview(client: FlaskClient, name: str) -> dict[str, str]:
    return next(r for r in _rows(client, "/admin/overview.csv") if r["Name"] == name)


def _mentees(client: FlaskClient) -> dict[str, str]:
    return {r["Email"]: r["Modules completed"] for r in _rows(client, "/mentor/export.csv")}


def test_the_dashboards_of_one_instance_show_what_the_other_just_committed(app: Flask, second: Flask) -> None:
    sessions = state_of(app).sessions
    with sessions() as db:
        make_user(db, "admin@example.com", ("admin",), name="Admin")
        mentor = make_user(db, "mentor@example.com", ("mentor",), name="Mentor")
        ana = make_user(db, "ana@example.com", ("learner",), name="Ana Mentee")
        ben = make_user(db, "ben@example.com", ("learner",), name="Ben Stranger")
        spring = Cohort(name="Spring", start_date=utcnow().date(), created_at=utcnow())
        autumn = Cohort(name="Autumn", start_date=utcnow().date(), created_at=utcnow())
        db.add_all([spring, autumn])
        db.flush()
        for user in (ana, ben):
            db.get(User, user.id).cohort_id = spring.id  # type: ignore[union-attr]
        db.add(Mentorship(mentor_id=mentor.id, mentee_id=ana.id))
        db.commit()
        spring_id, autumn_id = spring.id, autumn.id
    admin_two, mentor_two = _client(second, "admin@example.com"), _client(second, "mentor@example.com")
    ana_one, ben_one = _client(app, "ana@example.com"), _client(app, "ben@example.com")
    cohort_page = f"/mentor/cohorts/{spring_id}"

    assert _overview(admin_two, "Spring")["Modules completed"] == "0"
    assert _mentees(mentor_two) == {"ana@example.com": "0"}
    page = mentor_two.get(cohort_page).get_data(as_text=True)
    assert "Ana Mentee" in page and "Ben Stranger" not in page

    # Ana completes a module on instance one: instance two shows it on the next request.
    assert ana_one.post("/modules/intro/complete").status_code in (200, 302, 303)
    assert _overview(admin_two, "Spring")["Modules completed"] == "1"
    assert _mentees(mentor_two) == {"ana@example.com": "1"}

    # Ben, no mentee of the mentor, completes two: the admin sees them, the mentor's numbers do not move.
    mentor_page_before = _page(mentor_two, cohort_page)
    for module_id in ("intro", "basics"):
        assert ben_one.post(f"/modules/{module_id}/complete").status_code in (200, 302, 303)
    assert _overview(admin_two, "Spring")["Modules completed"] == "3"
    assert _mentees(mentor_two) == {"ana@example.com": "1"}
    mentor_page = _page(mentor_two, cohort_page)
    assert "Ben Stranger" not in mentor_page
    assert mentor_page == mentor_page_before
    admin_page = admin_two.get(cohort_page).get_data(as_text=True)
    assert "Ana Mentee" in admin_page and "Ben Stranger" in admin_page

    # Ben passes the quiz (written through the service on instance one): his completion follows on instance two.
    quiz = state_of(app).quizzes.get("scope-check")
    assert quiz is not None
    with sessions() as db:
        attempt = start_attempt(db, quiz, ben.id, MODELS[0], seed=3, catalog=state_of(app).catalog,
                                rule=state_of(app).completion)
        submit_attempt(db, quiz, attempt, simulated_answers(quiz, MODELS[0], 1.0, random.Random(3)))
        db.commit()
        assert db.get(Attempt, attempt.id).passed  # type: ignore[union-attr]
    assert _overview(admin_two, "Spring")["Modules completed"] == "4"  # Ana 1, Ben 3 (scope by its quiz)
    assert _mentees(mentor_two) == {"ana@example.com": "1"}

    # Ben moves to Autumn on instance one: Spring's totals drop and Autumn's rise at once on instance two.
    with sessions() as db:
        cohorts.set_cohort(db, db.get(User, ben.id), autumn_id)  # type: ignore[arg-type]
        db.commit()
    assert _overview(admin_two, "Spring")["Modules completed"] == "1"
    assert _overview(admin_two, "Autumn")["Modules completed"] == "3"
    assert "Ben Stranger" not in admin_two.get(cohort_page).get_data(as_text=True)
