"""Objects that route-table URLs refer to, created before the table runs."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from courseware.services import assignments, cohorts


def route_ids(app: Flask, people: dict[str, Any]) -> dict[str, int]:
    """Create what the URLs need and return their ids by name.

    A cohort holding the learner, mentor@ mentoring learner@, and an assignment of the first module to that cohort.
    """
    with app.extensions["courseware.sessions"]() as session:
        learner = session.get(type(people["learner"]), people["learner"].id)
        mentor = session.get(type(people["mentor"]), people["mentor"].id)
        cohort = cohorts.create_cohort(session, name="Route-table cohort", start_date=date(2026, 9, 1))
        cohorts.set_cohort(session, learner, cohort.id)
        cohorts.assign_mentor(session, mentor, learner)
        catalog = app.extensions["courseware.catalog"]
        assignment = assignments.create_assignment(
            session, kind="module", item_id=catalog.module_ids[0], due_on=date(2026, 12, 1), catalog=catalog,
            quizzes=app.extensions.get("courseware.quizzes"), cohort_id=cohort.id, created_by_id=people["admin"].id,
        )
        session.commit()
        return {"cohort": cohort.id, "assignment": assignment.id}
