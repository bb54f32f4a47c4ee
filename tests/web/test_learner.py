"""My path, tracks and modules as a learner sees them."""

from __future__ import annotations

from html import unescape

import markdown
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.persistence.base import utcnow
from courseware.persistence.models import Attempt, ModuleProgress
from tests.conftest import make_user


@pytest.fixture
def learner(auth, people):  # type: ignore[no-untyped-def]
    auth.login("learner@example.com")
    return people["learner"]


def rows(db: Session, user_id: int) -> list[tuple[str, bool]]:
    db.rollback()  # end the old snapshot
    db.expire_all()
    found = db.execute(
        select(ModuleProgress.module_id, ModuleProgress.completed_at.is_not(None))
        .where(ModuleProgress.user_id == user_id).order_by(ModuleProgress.module_id)
    ).all()
    return [(m, bool(done)) for m, done in found]


def test_my_path_for_a_new_learner(client: FlaskClient, learner) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/").data.decode()
    assert "0 of 3 modules complete" in page
    assert "Up next" in page and "Introduction" in page
    assert "Finish “Introduction” first." in page  # basics is locked, with the reason
    assert page.count('class="progress"') == 3  # overall + two tracks


def test_module_page_shows_toc_time_and_neighbours(client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    client.get("/modules/intro")  # unlock basics
    client.post("/modules/intro/complete")
    page = client.get("/modules/basics").data.decode()
    assert '<a href="#change-requests">Change requests</a>' in page
    assert "4 min read" in page
    assert 'href="/modules/intro"' in page and 'href="/modules/scope"' in page
    assert "Mark as complete" in page


def test_opening_records_start_once(client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    client.get("/modules/intro")
    client.get("/modules/intro")
    assert rows(db, learner.id) == [("intro", False)]
    assert "Continue" in client.get("/").data.decode()


def test_complete_is_idempotent(client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    first = client.post("/modules/intro/complete")
    assert first.status_code == 302 and first.location == "/modules/basics"
    client.post("/modules/intro/complete")
    client.post("/modules/intro/complete")
    assert rows(db, learner.id) == [("intro", True)]
    count = db.scalar(select(func.count()).select_from(ModuleProgress))
    assert count == 1
    assert "1 of 3 modules complete" in client.get("/").data.decode()


def test_locked_module_cannot_be_completed(client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/modules/scope").data.decode()
    assert "This module is locked" in page and "Mark as complete" not in page
    response = client.post("/modules/scope/complete", follow_redirects=True)
    assert "Finish “The basics” first." in response.data.decode()
    assert rows(db, learner.id) == []


def test_a_module_with_a_quiz_is_complete_once_the_quiz_is_passed(client: FlaskClient, learner,  # type: ignore[no-untyped-def]
                                                                   db: Session) -> None:
    for module_id in ("intro", "basics"):
        client.post(f"/modules/{module_id}/complete")
    page = client.get("/modules/scope").data.decode()
    assert "This module is complete once you pass its quiz." in page and "Mark as read" in page
    assert client.post("/modules/scope/complete").location == "/quizzes/scope-check"  # the quiz is the next step
    home = unescape(client.get("/").data.decode())
    assert "2 of 3 modules complete" in home  # the click on scope counts for nothing yet
    assert "Read: it counts once you pass “Scope: who owns it?”." in home
    db.add(Attempt(user_id=learner.id, quiz_id="scope-check", number=1, state="submitted", model="separate", seed=1,
                   layout={}, started_at=utcnow(), submitted_at=utcnow(), score=90.0, passed=True))
    db.commit()
    home = client.get("/").data.decode()
    assert "3 of 3 modules complete" in home and "You have completed every module." in home


def test_no_markdown_is_rendered_while_serving(client: FlaskClient, learner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("Markdown rendered during a request")

    monkeypatch.setattr(markdown.Markdown, "convert", refuse)
    assert client.get("/modules/intro").status_code == 200
    assert client.get("/").status_code == 200


def test_unknown_module_is_a_404_page(client: FlaskClient, learner) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/modules/missing")
    assert response.status_code == 404 and b"Page not found" in response.data



def test_my_path_marks_the_core_track_and_its_minutes(client, db, auth) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "core@example.com")
    auth.login("core@example.com")
    page = client.get("/").get_data(as_text=True)
    # the fixture's foundations track is the core path: intro (3 min) + basics (4 min)
    assert page.count("Start here") == 1 and "The core path: 7 minutes for your first week." in page
