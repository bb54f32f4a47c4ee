"""The manager: every learner's dashboards and the overview, read-only; no people, settings or notes."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from courseware.services import cohorts
from tests.conftest import make_user


def test_a_manager_reads_everything_and_writes_nothing(client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "head@example.com", ("manager",), name="Head of Delivery")
    cohort = cohorts.create_cohort(db, name="Autumn", start_date=date(2026, 9, 1))
    unmentored = make_user(db, "solo@example.com", name="Solo Learner")
    cohorts.set_cohort(db, people["learner"], cohort.id)
    cohorts.assign_mentor(db, people["mentor"], people["learner"])
    db.commit()
    auth.login("head@example.com")

    home = client.get("/mentor/")
    assert home.status_code == 200
    page = home.data.decode()
    assert "Learner" in page and "Solo Learner" in page  # every learner, mentored or not
    assert "You see every learner of the organisation." in page
    mentee = client.get(f"/mentor/mentees/{unmentored.id}").data.decode()
    assert "Solo Learner" in mentee and "Save note" not in mentee  # notes are read-only for managers
    assert client.post(f"/mentor/mentees/{unmentored.id}/notes", data={"body": "hello"}).status_code == 403
    assert client.get(f"/mentor/cohorts/{cohort.id}").status_code == 200
    overview = client.get("/admin/overview").data.decode()
    assert "Autumn" in overview and "Manage cohorts" not in overview and 'aria-label="Admin"' not in overview
    nav = client.get("/path").data.decode()  # "/" lands a manager on the overview
    assert ">Learners</a>" in nav and ">Completion</a>" in nav and ">Admin</a>" not in nav
    for url in ("/admin/", "/admin/users", "/admin/settings", "/admin/cohorts", "/admin/assignments"):
        assert client.get(url).status_code == 403, url
