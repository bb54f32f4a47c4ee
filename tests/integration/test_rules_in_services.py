"""Rules that live in services, so the web, the CLI, the importer and a future API all obey them."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.core.errors import InvalidInput, NotFound, NotYetAvailable
from courseware.core.progress import Standing
from courseware.persistence import queries
from courseware.persistence.models import MentorNote
from courseware.services import accounts, cohorts, notes, progress
from courseware.services.importer import ImportRejected, import_users
from courseware.state import state_of
from tests.conftest import make_user


def test_a_locked_module_cannot_be_completed_through_the_service(app: Flask, db: Session) -> None:
    catalog, rule = state_of(app).catalog, state_of(app).completion
    lee = make_user(db)
    # 'basics' needs 'intro'; the service refuses whoever calls it, naming what to finish first.
    with pytest.raises(NotYetAvailable, match="Finish “Introduction") as refused:
        progress.complete_module(db, catalog, lee.id, "basics", rule=rule)
    assert refused.value.args[0].endswith("first.")
    assert queries.learner_standing(db, lee.id) == Standing()  # nothing recorded
    assert progress.complete_module(db, catalog, lee.id, "intro", rule=rule) is True
    assert progress.complete_module(db, catalog, lee.id, "basics", rule=rule) is True
    assert progress.complete_module(db, catalog, lee.id, "basics", rule=rule) is False  # idempotent
    with pytest.raises(NotFound):
        progress.complete_module(db, catalog, lee.id, "no-such-module", rule=rule)


def test_only_learners_join_a_cohort(db: Session, people) -> None:  # type: ignore[no-untyped-def]
    cohort = cohorts.create_cohort(db, name="Autumn", start_date=date(2026, 9, 1))
    with pytest.raises(InvalidInput, match="mentor@example.com is not a learner") as refused:
        cohorts.set_cohort(db, people["mentor"], cohort.id)
    assert refused.value.field == "cohort_id"
    assert people["mentor"].cohort_id is None
    cohorts.set_cohort(db, people["learner"], cohort.id)
    assert people["learner"].cohort_id == cohort.id
    cohorts.set_cohort(db, people["mentor"], None)  # taking nobody out of nothing is fine


def test_the_importer_refuses_a_cohort_for_a_non_learner(db: Session) -> None:
    text = "email,name,roles,cohort,mentor\nm@example.com,Mo,mentor,Autumn,\nl@example.com,Lu,learner,Autumn,\n"
    with pytest.raises(ImportRejected) as rejected:
        import_users(db, text, path="people.csv", today=date(2026, 11, 30))
    assert [str(p) for p in rejected.value.problems] == [
        "people.csv:2: m@example.com is not a learner: only learners can be in a cohort"
    ]
    assert queries.count_users(db) == 0


def test_an_admin_cannot_demote_or_deactivate_themselves(db: Session, people) -> None:  # type: ignore[no-untyped-def]
    admin, other = people["admin"], make_user(db, "second-admin@example.com", ("admin",))
    with pytest.raises(InvalidInput, match="own admin role") as refused:
        accounts.set_roles(db, admin, ["mentor"], actor_id=admin.id)
    assert refused.value.field == "roles"
    assert admin.access_roles == {"admin"}
    with pytest.raises(InvalidInput, match="deactivate your own account"):
        accounts.set_active(db, admin, False, actor_id=admin.id)
    assert admin.active is True
    # Another admin may do both; so may the CLI, which acts as nobody in particular.
    accounts.set_roles(db, admin, ["admin", "mentor"], actor_id=admin.id)  # keeping admin is fine
    accounts.set_roles(db, other, ["mentor"], actor_id=admin.id)
    accounts.set_active(db, other, False, actor_id=admin.id)
    assert (other.access_roles, other.active) == ({"mentor"}, False)


def test_a_note_needs_an_author_who_may_see_the_mentee(db: Session, people) -> None:  # type: ignore[no-untyped-def]
    learner, mentor, admin = people["learner"], people["mentor"], people["admin"]
    other_learner = make_user(db, "other@example.com")
    cohorts.assign_mentor(db, mentor, learner)
    notes.add_note(db, mentee_id=learner.id, author_id=mentor.id, body="Good week.")
    notes.add_note(db, mentee_id=other_learner.id, author_id=admin.id, body="Admins see everyone.")
    for author, mentee in ((mentor, other_learner), (learner, learner), (learner, other_learner), (admin, 999_999)):
        with pytest.raises(NotFound):
            notes.add_note(db, mentee_id=mentee.id if hasattr(mentee, "id") else mentee, author_id=author.id, body="x")
    assert db.scalar(select(func.count()).select_from(MentorNote)) == 2
