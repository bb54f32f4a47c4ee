"""Every page and export decides 'overdue' against the same clock: today in the organisation's time zone."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from courseware.core.schedule import today_in
from courseware.services import assignments, cohorts, organisation
from courseware.state import state_of


def _zone_off_utc() -> tuple[str, date, date]:
    """A zone whose date differs from UTC's right now, with both dates (UTC+14 and UTC-12 never both agree)."""
    now = datetime.now(UTC)
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        if today_in(zone, now) != now.date():
            return zone, today_in(zone, now), now.date()
    raise AssertionError("one of the two zones always differs from UTC")


def _column(response, name: str = "Overdue assignments") -> list[str]:  # type: ignore[no-untyped-def]
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    at = rows[0].index(name)
    return [row[at] for row in rows[1:]]


def test_overdue_follows_the_organisation_time_zone_everywhere(
    app: Flask, client: FlaskClient, auth, people, db: Session,  # type: ignore[no-untyped-def]
) -> None:
    zone, org_today, utc_today = _zone_off_utc()
    organisation.update_organisation(db, name="Agency", default_model="separate", time_zone=zone)
    learner, mentor, admin = people["learner"], people["mentor"], people["admin"]
    cohort = cohorts.create_cohort(db, name="Autumn", start_date=date(2026, 9, 1))
    cohorts.set_cohort(db, learner, cohort.id)
    cohorts.assign_mentor(db, mentor, learner)
    # Due on the earlier of the two dates: overdue only where 'today' is the later one.
    due = min(org_today, utc_today)
    expected = due < org_today  # what the organisation's clock says
    assert expected != (due < utc_today)  # and UTC would say the opposite
    assignments.create_assignment(db, kind="module", item_id="intro", due_on=due, catalog=state_of(app).catalog,
                                  quizzes=state_of(app).quizzes, user_id=learner.id)
    db.commit()

    auth.login("learner@example.com")
    my_path = client.get("/").data.decode()
    assert ("badge-overdue" in my_path) is expected
    auth.logout()

    auth.login("mentor@example.com")
    assert _column(client.get("/mentor/export.csv")) == ["1" if expected else "0"]
    mentee = client.get(f"/mentor/mentees/{learner.id}").data.decode()
    assert ("Overdue" in mentee.split('id="assignments"')[-1]) is expected
    auth.logout()

    auth.login("admin@example.com")
    overview = _column(client.get("/admin/overview.csv"))
    assert overview[0] == ("1" if expected else "0")  # the cohort's row
    assert admin.id  # signed in as the admin who sees every learner
