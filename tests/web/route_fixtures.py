"""Objects that route-table URLs refer to, created before the table runs."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from courseware.persistence.models import User
from courseware.services import assignments, cohorts
from courseware.services.attempts import start_attempt
from courseware.state import state_of


def route_ids(app: Flask, people: dict[str, Any]) -> dict[str, int]:
    """Create what the URLs need (cohorts, attempts...) and return their ids by name."""
    ids: dict[str, int] = {}
    ids.update(_manager_id(app))
    ids.update(_quiz_ids(app, people))
    ids.update(_cohort_ids(app, people))
    ids.update(_dashboard_ids(app))
    ids.update(_note_ids(app, people))
    return ids


def _manager_id(app: Flask) -> dict[str, int]:
    """manager@example.com: the read-only, organisation-wide role (the people fixture has the other three)."""
    from courseware.services.accounts import create_user
    from tests.conftest import PASSWORD

    with state_of(app).sessions() as session:
        manager = create_user(session, email="manager@example.com", display_name="Manager", password=PASSWORD,
                              roles=["manager"])
        session.commit()
        return {"manager": manager.id}


def _quiz_ids(app: Flask, people: dict[str, Any]) -> dict[str, int]:
    """An open attempt of the learner at the fixture quiz."""
    quiz = state_of(app).quizzes.get("scope-check")
    with state_of(app).sessions() as session:
        attempt = start_attempt(session, quiz, people["learner"].id, "separate")
        session.commit()
        return {"learner_attempt": attempt.id}


def _cohort_ids(app: Flask, people: dict[str, Any]) -> dict[str, int]:
    """A cohort holding the learner, mentor@ mentoring learner@, and the first module assigned to the cohort."""
    with state_of(app).sessions() as session:
        learner = session.get(User, people["learner"].id)
        mentor = session.get(User, people["mentor"].id)
        assert learner is not None and mentor is not None
        cohort = cohorts.create_cohort(session, name="Route-table cohort", start_date=date(2026, 9, 1))
        cohorts.set_cohort(session, learner, cohort.id)
        cohorts.assign_mentor(session, mentor, learner)
        catalog = state_of(app).catalog
        assignment = assignments.create_assignment(
            session, kind="module", item_id=catalog.module_ids[0], due_on=date(2026, 12, 1), catalog=catalog,
            quizzes=state_of(app).quizzes, cohort_id=cohort.id, created_by_id=people["admin"].id,
        )
        session.commit()
        return {"cohort": cohort.id, "assignment": assignment.id}


def _dashboard_ids(app: Flask) -> dict[str, int]:
    """Another mentor's mentee in a cohort of their own: mentor@ must get 404 for both."""
    from courseware.services.accounts import create_user

    with state_of(app).sessions() as session:
        other = create_user(session, email="other-mentor@example.com", display_name="Other Mentor", password="x" * 12,
                            roles=["mentor"])
        stranger = create_user(session, email="stranger@example.com", display_name="Stranger", password="x" * 12,
                               roles=["learner"])
        cohort = cohorts.create_cohort(session, name="Stranger cohort", start_date=date(2026, 10, 1))
        cohorts.set_cohort(session, stranger, cohort.id)
        cohorts.assign_mentor(session, other, stranger)
        session.commit()
        return {"stranger": stranger.id, "stranger_cohort": cohort.id}


def _note_ids(app: Flask, people: dict[str, Any]) -> dict[str, int]:
    """A note by mentor@ on learner@ and one by admin@ on learner@: only its author may edit or delete a note."""
    from courseware.services import notes

    with state_of(app).sessions() as session:
        by_mentor = notes.add_note(session, mentee_id=people["learner"].id, author_id=people["mentor"].id, body="Mentor's")
        by_admin = notes.add_note(session, mentee_id=people["learner"].id, author_id=people["admin"].id, body="Admin's")
        session.commit()
        return {"mentor_note": by_mentor.id, "admin_note": by_admin.id}
