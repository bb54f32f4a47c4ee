"""Cohorts, placement and mentorships: the services against a real database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from courseware.core.errors import InvalidInput, NotFound
from courseware.persistence.models import Mentorship
from courseware.services import cohorts, organisation
from tests.conftest import make_user


def test_create_and_update_cohort_keep_names_unique(db: Session) -> None:
    autumn = cohorts.create_cohort(db, name="  Autumn   2026 ", start_date=date(2026, 9, 1), operating_model="hybrid")
    assert (autumn.name, autumn.start_date, autumn.operating_model) == ("Autumn 2026", date(2026, 9, 1), "hybrid")
    with pytest.raises(InvalidInput, match="already exists") as caught:
        cohorts.create_cohort(db, name="autumn 2026", start_date=date(2026, 10, 1))
    assert caught.value.field == "name"
    winter = cohorts.create_cohort(db, name="Winter 2026", start_date=date(2026, 12, 1))
    assert winter.operating_model is None
    with pytest.raises(InvalidInput, match="already exists"):
        cohorts.update_cohort(db, winter, name="AUTUMN 2026", start_date=date(2026, 12, 1), operating_model=None)
    cohorts.update_cohort(db, autumn, name="Autumn 2026", start_date=date(2026, 9, 8), operating_model=None)
    assert (autumn.start_date, autumn.operating_model) == (date(2026, 9, 8), None)
    with pytest.raises(InvalidInput, match="Unknown operating model"):
        cohorts.update_cohort(db, winter, name="Winter 2026", start_date=date(2026, 12, 1), operating_model="matrix")
    with pytest.raises(InvalidInput, match="Enter the cohort's name"):
        cohorts.create_cohort(db, name="   ", start_date=date(2026, 9, 1))
    db.commit()
    assert cohorts.cohort_by_name(db, "winter  2026").id == winter.id  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        cohorts.get_cohort(db, 999_999)


def test_cohort_list_counts_members_and_paginates(db: Session) -> None:
    early = cohorts.create_cohort(db, name="Early", start_date=date(2026, 1, 5))
    late = cohorts.create_cohort(db, name="Late", start_date=date(2026, 6, 1), operating_model="separate")
    empty = cohorts.create_cohort(db, name="Empty", start_date=date(2026, 3, 1))
    people = [make_user(db, f"p{i}@example.com") for i in range(5)]
    for person in people[:3]:
        cohorts.set_cohort(db, person, early.id)
    cohorts.set_cohort(db, people[3], late.id)
    db.commit()

    rows, total = cohorts.cohorts_page(db, page=1, per_page=2)
    assert total == 3
    assert [(r.name, r.members, r.operating_model) for r in rows] == [("Late", 1, "separate"), ("Empty", 0, None)]
    rows, _ = cohorts.cohorts_page(db, page=2, per_page=2)
    assert [(r.name, r.members) for r in rows] == [("Early", 3)]

    members, count = cohorts.members_page(db, early.id, page=1, per_page=2)
    assert count == 3 and [m.email for m in members] == ["p0@example.com", "p1@example.com"]
    # A learner is in one cohort at a time: moving them changes both counts.
    cohorts.set_cohort(db, people[0], empty.id)
    cohorts.set_cohort(db, people[1], None)
    db.commit()
    counts = {r.name: r.members for r in cohorts.cohorts_page(db, page=1, per_page=10)[0]}
    assert counts == {"Late": 1, "Empty": 1, "Early": 1}
    with pytest.raises(NotFound):
        cohorts.set_cohort(db, people[2], 999_999)
    assert cohorts.cohort_choices(db) == [(early.id, "Early"), (empty.id, "Empty"), (late.id, "Late")]


def test_operating_model_comes_from_learner_then_cohort_then_organisation(db: Session) -> None:
    organisation.update_organisation(db, name="Agency", default_model="separate")
    hybrid = cohorts.create_cohort(db, name="Hybrid AMs", start_date=date(2026, 9, 1), operating_model="hybrid")
    plain = cohorts.create_cohort(db, name="Plain", start_date=date(2026, 9, 1))
    learner = make_user(db, "am@example.com")
    assert organisation.effective_model(db, learner.id) == "separate"
    cohorts.set_cohort(db, learner, hybrid.id)
    assert organisation.effective_model(db, learner.id) == "hybrid"
    cohorts.set_operating_model(db, learner, "separate")
    db.flush()
    assert organisation.effective_model(db, learner.id) == "separate"
    cohorts.set_operating_model(db, learner, None)
    cohorts.set_cohort(db, learner, plain.id)
    assert organisation.effective_model(db, learner.id) == "separate"
    organisation.update_organisation(db, name="Agency", default_model="hybrid")
    assert organisation.effective_model(db, learner.id) == "hybrid"
    with pytest.raises(InvalidInput):
        cohorts.set_operating_model(db, learner, "both")


def test_mentorships_need_the_mentor_role(db: Session) -> None:
    mentor = make_user(db, "mentor@example.com", ("mentor",), name="Morgan Mentor")
    other = make_user(db, "zed@example.com", ("mentor", "learner"), name="Zed Mentor")
    learner = make_user(db, "lee@example.com", name="Lee Learner")
    peer = make_user(db, "ana@example.com", name="Ana Learner")

    with pytest.raises(InvalidInput, match="does not have the mentor role") as caught:
        cohorts.assign_mentor(db, learner, peer)
    assert caught.value.field == "mentor_email"
    with pytest.raises(InvalidInput, match="themselves"):
        cohorts.assign_mentor(db, other, other)
    assert cohorts.assign_mentor(db, mentor, learner) is True
    assert cohorts.assign_mentor(db, mentor, learner) is False  # already there: no duplicate
    assert cohorts.assign_mentor(db, mentor, peer) is True
    assert cohorts.assign_mentor(db, other, learner) is True
    db.commit()

    assert [m.email for m in cohorts.mentors_of(db, learner.id)] == ["mentor@example.com", "zed@example.com"]
    rows, total = cohorts.mentorships_page(db, page=1, per_page=10)
    assert total == 3
    assert [(r.mentor_name, r.mentee_name) for r in rows] == [
        ("Morgan Mentor", "Ana Learner"), ("Morgan Mentor", "Lee Learner"), ("Zed Mentor", "Lee Learner")]
    rows, total = cohorts.mentorships_page(db, page=1, per_page=10, mentor_id=other.id)
    assert total == 1 and rows[0].mentee_email == "lee@example.com"
    assert [label for _id, label in cohorts.mentor_choices(db)] == [
        "Morgan Mentor <mentor@example.com>", "Zed Mentor <zed@example.com>"]

    assert cohorts.unassign_mentor(db, mentor.id, learner.id) is True
    assert cohorts.unassign_mentor(db, mentor.id, learner.id) is False
    db.commit()
    assert db.get(Mentorship, (mentor.id, learner.id)) is None
    assert cohorts.mentor_ids_of(db, learner.id) == [other.id]
