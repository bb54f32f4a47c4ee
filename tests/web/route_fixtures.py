"""Objects that route-table URLs refer to, created before the table runs."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select

from courseware.persistence.models import AccountToken, User
from courseware.services import assignments, cohorts
from courseware.services.attempts import start_attempt
from courseware.state import state_of
from tests.web.routes_certsearch import certificate_ids


def route_ids(app: Flask, people: dict[str, Any]) -> dict[str, Any]:
    """Create what the URLs need (cohorts, attempts, emailed links...) and return their ids and tokens by name."""
    ids: dict[str, Any] = {}
    ids.update(_manager_id(app))
    ids.update(_quiz_ids(app, people))
    ids.update(_cohort_ids(app, people))
    ids.update(_dashboard_ids(app))
    ids.update(_mail_ids(app))
    ids.update(_note_ids(app, people))
    ids.update(certificate_ids(app, people))
    ids.update(_integration_ids(app))
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
    from tests.conftest import QUIZ_PREREQUISITES, read_modules

    state = state_of(app)
    quiz = state.quizzes.get("scope-check")
    with state.sessions() as session:
        read_modules(session, people["learner"].id, *QUIZ_PREREQUISITES)
        attempt = start_attempt(session, quiz, people["learner"].id, "separate", catalog=state.catalog,
                                rule=state.completion)
        result = _submitted_attempt(session, people["learner"].id)
        session.commit()
        return {"learner_attempt": attempt.id, "learner_result": result}


def _submitted_attempt(session, user_id: int) -> int:  # type: ignore[no-untyped-def]
    """A graded attempt of the learner (number 99, beside the open one) with one stored item, for result routes."""
    from courseware.persistence.base import utcnow
    from courseware.persistence.models import Attempt, AttemptItem

    attempt = Attempt(user_id=user_id, quiz_id="scope-check", number=99, state="submitted", model="separate", seed=1,
                      layout={"questions": ["q1"]}, answers={"q1": "pm"}, started_at=utcnow(), submitted_at=utcnow(),
                      points=0.0, max_points=1.0, score=0.0, passed=False)
    session.add(attempt)
    session.flush()
    session.add(AttemptItem(attempt_id=attempt.id, user_id=user_id, quiz_id="scope-check", question_id="q1", item_id="",
                            kind="route", area="scope", expected="am", given="pm", correct=False, misrouted=True,
                            points=0.0, max_points=1.0))
    return attempt.id


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


def _mail_ids(app: Flask) -> dict[str, Any]:
    """A live invitation and reset link (their tokens), a signed unsubscribe token and a failed message."""
    from courseware.mail.links import unsubscribe_token
    from courseware.persistence.models import OutboxMessage
    from courseware.services import invitations, outbox, passwords, tokens

    secret = app.secret_key
    with state_of(app).sessions() as session:
        invitee = invitations.invite(session, email="invitee@example.com", secret=secret)
        invite_row = tokens.latest_invitation(session, invitee.id)
        passwords.request_reset(session, "stranger@example.com", secret=secret)
        reset_row = session.scalars(select(AccountToken).where(AccountToken.purpose == "reset")).one()
        failed = outbox.enqueue(session, kind="reminder", to="stranger@example.com", payload={"items": []})
        session.get(OutboxMessage, failed.id).status = "failed"  # type: ignore[union-attr]
        session.commit()
        assert invite_row is not None
        return {"invite_token": tokens.derive(secret, invite_row.nonce), "reset_token": tokens.derive(secret, reset_row.nonce),
                "unsubscribe_token": unsubscribe_token(secret, invitee.id, "reminders"), "failed_message": failed.id}
def _integration_ids(app: Flask) -> dict[str, int]:
    """A failed xAPI statement in the integration outbox (the admin may retry it)."""
    from courseware.services import integration_outbox

    with state_of(app).sessions() as session:
        row = integration_outbox.enqueue(session, channel="xapi", kind="completed", ref="route-table", subject="module:0:x",
                                         payload={"id": "route-table"})
        row.status = "failed"
        session.commit()
        return {"failed_statement": row.id}


def _note_ids(app: Flask, people: dict[str, Any]) -> dict[str, int]:
    """A note by mentor@ on learner@ and one by admin@ on learner@: only its author may edit or delete a note."""
    from courseware.services import notes

    with state_of(app).sessions() as session:
        by_mentor = notes.add_note(session, mentee_id=people["learner"].id, author_id=people["mentor"].id, body="Mentor's")
        by_admin = notes.add_note(session, mentee_id=people["learner"].id, author_id=people["admin"].id, body="Admin's")
        session.commit()
        return {"mentor_note": by_mentor.id, "admin_note": by_admin.id}
