"""Where each role lands, the tracks for an audience (mentoring: open to mentors, managers and admins, off a
learner's path and counts), and the welcome on a learner's first visit."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from courseware.app import create_app
from courseware.persistence.models import User
from courseware.services import assignments, cohorts
from courseware.state import state_of
from tests.conftest import DATA, PASSWORD, _empty_tables, make_config, make_user, read_modules

COACHING = """---
id: coaching
title: "Coaching an AM"
track: mentoring
order: 1
summary: "For mentors."
minutes: 3
areas: [communication]
prerequisites: []
---

## Check-ins

Weekly.
"""


def sign_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def text(response) -> str:  # type: ignore[no-untyped-def]
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", response.data.decode())).split())
    return re.sub(r" ([.:,;])", r"\1", words)


# ---------------------------------------------------------------- landing pages


@pytest.mark.parametrize(("role", "landing"), [("learner", None), ("mentor", "/mentor/"),
                                                ("manager", "/admin/overview"), ("admin", "/admin/overview")])
def test_each_role_lands_on_its_page_after_sign_in_and_at_the_root(app: Flask, db: Session, role: str,
                                                                     landing: str | None) -> None:
    make_user(db, f"{role}@example.com", (role,))
    client = app.test_client()
    signed_in = client.post("/login", data={"email": f"{role}@example.com", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in.location == "/"
    root = client.get("/")
    if landing is None:
        assert root.status_code == 200 and "<h1>My path</h1>" in root.data.decode()
        return
    assert root.status_code == 302 and root.location == landing
    page = client.get(landing).data.decode()
    assert '<a href="/path">Your own path</a>' in page  # a clear link to their own path
    assert "<h1>My path</h1>" in client.get("/path").data.decode()


def test_a_mentor_who_also_learns_lands_on_mentees_and_a_sign_in_with_next_goes_there(app: Flask, db: Session) -> None:
    make_user(db, "both@example.com", ("learner", "mentor"))
    client = app.test_client()
    client.post("/login", data={"email": "both@example.com", "password": PASSWORD})
    assert client.get("/").location == "/mentor/"
    other = app.test_client()
    response = other.post("/login?next=/quizzes", data={"email": "both@example.com", "password": PASSWORD})
    assert response.location == "/quizzes"


def test_my_path_in_the_menu_goes_to_the_own_path_for_everyone(app: Flask, db: Session) -> None:
    make_user(db, "mentor@example.com", ("mentor",))
    page = sign_in(app, "mentor@example.com").get("/mentor/").data.decode()
    assert re.search(r'<a href="/path"[^>]*>My path</a>', page)


# ---------------------------------------------------------------- a track for an audience


@pytest.fixture
def course_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The fixture course plus one module in the mentoring track (marked ``audience: mentor``)."""
    content = tmp_path / "content"
    shutil.copytree(DATA / "content", content)
    (content / "mentoring").mkdir()
    (content / "mentoring" / "01-coaching.md").write_text(COACHING, encoding="utf-8")
    app = create_app(make_config(database_url, CONTENT_DIR=str(content)))
    yield app
    state_of(app).engine.dispose()
    _empty_tables(database_url)


def test_the_mentoring_track_is_off_a_learners_path_pages_and_counts(course_app: Flask) -> None:
    state = state_of(course_app)
    with state.sessions() as db:
        learner = make_user(db, "learner@example.com", ("learner",))
        make_user(db, "mentor@example.com", ("mentor",))
        make_user(db, "admin@example.com", ("admin",))
        read_modules(db, learner.id, "intro")
        learner_id = learner.id
    assert [m.id for m in state.catalog.path_modules] == ["intro", "basics", "scope"]
    assert set(state.completion.module_ids) == {"intro", "basics", "scope"}
    assert "coaching" not in state.completion.module_ids and "coaching" in state.audience_completion["mentor"].module_ids

    client = sign_in(course_app, "learner@example.com")
    path = text(client.get("/path"))
    assert "1 of 3 modules complete" in path and "Coaching an AM" not in path and "Mentoring" not in path
    assert client.get("/modules/coaching").status_code == 404
    assert client.get("/tracks/mentoring").status_code == 404
    # the last module of the path before the mentoring track leads on past it, never into it
    assert "/modules/coaching" not in client.get("/modules/scope").data.decode()

    mentor = sign_in(course_app, "mentor@example.com")
    own = text(mentor.get("/path"))
    assert "0 of 4 modules complete" in own and "Coaching an AM" in own
    assert mentor.get("/modules/coaching").status_code == 200  # open at once: nothing on the learners' path locks it
    assert mentor.post("/modules/coaching/complete").status_code == 302
    assert "1 of 4 modules complete" in text(mentor.get("/path"))

    admin = sign_in(course_app, "admin@example.com")
    assert admin.get("/modules/coaching").status_code == 200
    # the dashboards count a learner's three modules, whoever reads them
    mentee = text(admin.get(f"/mentor/mentees/{learner_id}"))
    assert "Coaching an AM" not in mentee
    assert "Learner learner@example.com No cohort 1 / 3 modules" in text(admin.get("/mentor/"))
    assert "1 / 3 modules completed" in mentee


def test_courseware_check_refuses_an_unknown_audience_and_a_learner_module_that_needs_the_track(tmp_path: Path) -> None:
    from courseware.core.catalog import load_catalog
    from courseware.core.errors import ContentError

    content = tmp_path / "content"
    shutil.copytree(DATA / "content", content)
    registry = content / "registry.yaml"
    registry.write_text(registry.read_text().replace("audience: mentor", "audience: trainers"), encoding="utf-8")
    with pytest.raises(ContentError) as bad_audience:
        load_catalog(content)
    assert "'audience' must be one of mentor (got 'trainers')" in str(bad_audience.value)

    registry.write_text(registry.read_text().replace("audience: trainers", "audience: mentor"), encoding="utf-8")
    (content / "mentoring").mkdir()
    (content / "mentoring" / "01-coaching.md").write_text(COACHING, encoding="utf-8")
    scope = content / "areas" / "01-scope.md"
    scope.write_text(scope.read_text().replace("prerequisites: [basics]", "prerequisites: [basics, coaching]"))
    with pytest.raises(ContentError) as needs_track:
        load_catalog(content)
    assert ("prerequisite 'coaching' is in a track for mentors only; a module on the learners' path cannot "
            "require it") in str(needs_track.value)


# ---------------------------------------------------------------- the first visit


def _newcomer(app: Flask, db: Session, people: dict[str, User]) -> User:
    learner, mentor = people["learner"], people["mentor"]
    second = make_user(db, "ana@example.com", ("mentor",), name="Ana Mentor")
    cohort = cohorts.create_cohort(db, name="January starters", start_date=date(2027, 1, 4))
    cohorts.set_cohort(db, learner, cohort.id)
    cohorts.assign_mentor(db, mentor, learner)
    cohorts.assign_mentor(db, second, learner)
    state = state_of(app)
    # "scope" needs intro and basics first: assigned, and locked
    assignments.create_assignment(db, kind="module", item_id="scope", due_on=date(2027, 2, 1), catalog=state.catalog,
                                  quizzes=state.quizzes, user_id=learner.id, created_by_id=people["admin"].id)
    assignments.create_assignment(db, kind="quiz", item_id="scope-check", due_on=date(2027, 2, 15),
                                  catalog=state.catalog, quizzes=state.quizzes, user_id=learner.id,
                                  created_by_id=people["admin"].id)
    db.commit()
    return learner


def test_the_first_visit_welcomes_with_mentors_cohort_what_is_due_and_where_to_start(
        app: Flask, db: Session, people) -> None:  # type: ignore[no-untyped-def]
    _newcomer(app, db, people)
    client = sign_in(app, "learner@example.com")
    page = text(client.get("/"))
    assert "Welcome, Learner" in page
    assert "Your mentors are Ana Mentor, Mentor: ask them anything" in page
    assert "You are in the cohort January starters." in page
    assert "Assigned to you: “Scope”, due 1 Feb 2027; “Scope: who owns it?”, due 15 Feb 2027." in page
    assert "Where to start: Introduction 3 min read" in page  # the assigned module is locked: the path's next one
    # the assigned module and quiz are locked, and say what unlocks them (scope needs the basics)
    assert "Module Scope Due 1 Feb 2027 Locked Finish “The basics” first." in page
    assert "Quiz Scope: who owns it? Due 15 Feb 2027 Locked Finish “The basics” first." in page


def test_the_welcome_goes_once_dismissed_or_once_the_learner_starts(app: Flask, db: Session, people) -> None:  # type: ignore[no-untyped-def]
    learner = _newcomer(app, db, people)
    client = sign_in(app, "learner@example.com")
    assert "Welcome, Learner" in text(client.get("/path"))
    assert client.post("/welcome/dismiss").location == "/path"
    assert "Welcome, Learner" not in text(client.get("/path"))
    again = sign_in(app, "learner@example.com")  # a new sign-in: not started yet, so welcomed again
    assert "Welcome, Learner" in text(again.get("/path"))
    read_modules(db, learner.id, "intro")
    assert "Welcome, Learner" not in text(again.get("/path"))


def test_no_welcome_for_a_mentors_own_path_and_none_without_a_mentor_says_so(app: Flask, db: Session, people) -> None:  # type: ignore[no-untyped-def]
    assert "Welcome" not in text(sign_in(app, "mentor@example.com").get("/path"))
    page = text(sign_in(app, "learner@example.com").get("/"))
    assert "You have no mentor yet: an admin will add one." in page
    assert "Nothing is assigned to you yet" in page
