"""Mentor dashboards on the web: who sees whom, sanitised notes, CSV exports and statements per page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from courseware.persistence.base import utcnow
from courseware.persistence.models import (
    Assignment,
    Attempt,
    AttemptItem,
    Cohort,
    MentorNote,
    Mentorship,
    ModuleProgress,
    User,
    UserRole,
)
from courseware.services import versions
from courseware.state import state_of
from tests.conftest import PASSWORD, make_user

DAY = timedelta(days=1)


@dataclass
class Org:
    """mentor@ mentors learner@ (cohort Red) and nina@ (no cohort); other@ mentors olive@ (cohort Blue)."""

    learner: int
    nina: int
    olive: int
    mentor: int
    other: int
    red: int
    blue: int


def add_attempt(db: Session, user_id: int, number: int, score: float, passed: bool, when: datetime,
                items: list[tuple[str, str, str, str, str, str | None, bool]]) -> None:
    """A submitted attempt at the fixture quiz with its graded items (question, item, kind, area, key, given, correct)."""
    attempt = Attempt(user_id=user_id, quiz_id="scope-check", number=number, state="submitted", model="separate", seed=1,
                      layout={}, started_at=when - timedelta(minutes=20), submitted_at=when, score=score, passed=passed)
    db.add(attempt)
    db.flush()
    for question, item, kind, area, expected, given, correct in items:
        db.add(AttemptItem(attempt_id=attempt.id, user_id=user_id, quiz_id="scope-check", question_id=question,
                           item_id=item, kind=kind, area=area, expected=expected, given=given, correct=correct,
                           misrouted=kind in ("route", "split") and given is not None and given != expected,
                           points=1.0 if correct else 0.0, max_points=1.0))


@pytest.fixture
def org(db: Session, people: dict[str, User]) -> Org:
    now = utcnow()
    other = make_user(db, "other@example.com", ("mentor",), name="Other Mentor")
    nina = make_user(db, "nina@example.com", name="Nina")
    olive = make_user(db, "olive@example.com", name="Olive")
    red, blue = Cohort(name="Red", start_date=date(2026, 9, 1)), Cohort(name="Blue", start_date=date(2026, 10, 1))
    db.add_all([red, blue])
    db.flush()
    learner = db.get(User, people["learner"].id)
    assert learner is not None
    learner.display_name = "Lee Learner"
    learner.cohort_id = red.id
    db.get(User, olive.id).cohort_id = blue.id  # type: ignore[union-attr]
    mentor_id = people["mentor"].id
    db.add_all([Mentorship(mentor_id=mentor_id, mentee_id=learner.id), Mentorship(mentor_id=mentor_id, mentee_id=nina.id),
                Mentorship(mentor_id=other.id, mentee_id=olive.id)])
    db.add_all([
        ModuleProgress(user_id=learner.id, module_id="intro", started_at=now - 5 * DAY, completed_at=now - 4 * DAY),
        ModuleProgress(user_id=learner.id, module_id="basics", started_at=now - 3 * DAY, completed_at=None),
        ModuleProgress(user_id=olive.id, module_id="intro", started_at=now - 2 * DAY, completed_at=now - DAY),
    ])
    add_attempt(db, learner.id, 1, 45.5, False, now - 2 * DAY, [
        ("q1", "", "route", "scope", "am", "pm", False),
        ("q2", "t2", "split", "budget", "pm", "am", False),
        ("q2", "t3", "split", "budget", "am", "am", True),
    ])
    add_attempt(db, olive.id, 1, 90.0, True, now - DAY, [("q1", "", "route", "scope", "am", "shared", False)])
    db.add(Assignment(kind="module", item_id="basics", cohort_id=red.id, due_on=now.date() - 2 * DAY))
    db.add(MentorNote(mentee_id=olive.id, author_id=other.id, body="Olive's secret note",
                      html="<p>Olive's secret note</p>", created_at=now))
    db.commit()
    return Org(learner.id, nina.id, olive.id, mentor_id, other.id, red.id, blue.id)


@pytest.fixture
def mentor_client(client: FlaskClient, auth, org: Org) -> FlaskClient:  # type: ignore[no-untyped-def]
    auth.login("mentor@example.com")
    return client


def parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while the block runs (a request's, sign-in lookups included)."""
    seen: list[str] = []
    engine = state_of(app).engine

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


# ---------------------------------------------------------------------------- who sees whom


def test_mentor_home_lists_own_mentees_only(mentor_client: FlaskClient) -> None:
    page = unescape(mentor_client.get("/mentor/").data.decode())
    assert "Lee Learner" in page and "Nina" in page
    assert "Olive" not in page and "Blue" not in page
    assert "1 / 3 modules" in page and "45.5" in page and "1 overdue" in page
    assert "2 learners" in page


def test_another_mentors_mentee_is_a_404_in_every_url(mentor_client: FlaskClient, org: Org, db: Session) -> None:
    assert mentor_client.get(f"/mentor/mentees/{org.learner}").status_code == 200
    assert mentor_client.get(f"/mentor/mentees/{org.olive}").status_code == 404
    assert mentor_client.get(f"/mentor/mentees/{org.olive}?page=2").status_code == 404
    assert mentor_client.get(f"/mentor/mentees/{org.other}").status_code == 404
    assert mentor_client.post(f"/mentor/mentees/{org.olive}/notes", data={"body": "sneaky"}).status_code == 404
    assert db.scalar(select(func.count()).select_from(MentorNote).where(MentorNote.body == "sneaky")) == 0
    assert mentor_client.get(f"/mentor/cohorts/{org.red}").status_code == 200
    assert mentor_client.get(f"/mentor/cohorts/{org.blue}").status_code == 404
    # Filters and exports with the other mentor's cohort show nothing of theirs.
    for url in (f"/mentor/?cohort={org.blue}", f"/mentor/export.csv?cohort={org.blue}", "/mentor/export.csv",
                "/mentor/export.csv?sort=score&dir=desc", f"/mentor/?cohort={org.blue}&sort=overdue&page=2"):
        response = mentor_client.get(url)
        assert response.status_code == 200
        assert b"Olive" not in response.data and b"olive@example.com" not in response.data, url
    # Nor does the mentee page of their own mentee leak the other mentee's notes.
    assert b"Olive's secret note" not in mentor_client.get(f"/mentor/mentees/{org.learner}").data


def test_admin_sees_everyone(client: FlaskClient, auth, org: Org) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    page = client.get("/mentor/").data.decode()
    for name in ("Lee Learner", "Nina", "Olive"):
        assert name in page
    olive = client.get(f"/mentor/mentees/{org.olive}").data.decode()
    assert "Olive's secret note" in olive and "Other Mentor" in olive
    assert client.get(f"/mentor/cohorts/{org.blue}").status_code == 200
    assert len(parse_csv(client.get("/mentor/export.csv").data)) == 1 + 3


def test_learners_get_403_and_visitors_sign_in(client: FlaskClient, auth, org: Org) -> None:  # type: ignore[no-untyped-def]
    urls = ["/mentor/", "/mentor/export.csv", f"/mentor/mentees/{org.learner}", f"/mentor/cohorts/{org.red}",
            "/admin/overview", "/admin/overview.csv"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location
    assert client.post(f"/mentor/mentees/{org.learner}/notes", data={"body": "x"}).status_code == 302
    auth.login("learner@example.com")
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/mentor/mentees/{org.learner}/notes", data={"body": "x"}).status_code == 403
    assert b"Mentees</a>" not in client.get("/").data  # no dashboard link in the navigation


def test_mentors_do_not_see_the_manager_overview(mentor_client: FlaskClient) -> None:
    assert mentor_client.get("/admin/overview").status_code == 403
    assert mentor_client.get("/admin/overview.csv").status_code == 403


# ---------------------------------------------------------------------------- mentee page and notes


def test_mentee_page_shows_progress_attempts_profile_and_misroutes(mentor_client: FlaskClient, org: Org) -> None:
    page = unescape(mentor_client.get(f"/mentor/mentees/{org.learner}").data.decode())
    assert "Lee Learner" in page and "Red" in page
    assert "Introduction" in page and "In progress" in page and "Not started" in page
    assert "Scope: who owns it?" in page and "45.5" in page and "Not passed" in page
    assert ("routes “Re-forecast the production budget” to Account Manager instead of Project Manager — 1 of 1 time"
            in page)
    assert "routes “Who takes the change to the client?” to Project Manager instead of Account Manager" in page
    # The area chart: inline SVG with a text alternative and its numbers visible.
    assert '<svg class="bars"' in page and 'role="img"' in page
    # The cohort tick is hidden: Red has one learner, below the minimum group of 5 (COHORT_MIN_GROUP).
    assert "Budget: 50%." in page and "Scope: 0%." in page and "cohort average" not in page
    assert "Overdue" in page and "The basics" in page  # the cohort's assignment, not done


def test_notes_are_sanitised_and_record_author_and_time(mentor_client: FlaskClient, org: Org, db: Session) -> None:
    body = ("**Good progress** on scope.\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
            "[click](javascript:alert(1)) and <a href=\"javascript:alert(2)\" onclick=\"evil()\">this</a>")
    before = utcnow()
    response = mentor_client.post(f"/mentor/mentees/{org.learner}/notes", data={"body": body})
    assert response.status_code == 302 and response.location.endswith(f"/mentor/mentees/{org.learner}#notes")
    page = mentor_client.get(f"/mentor/mentees/{org.learner}").data.decode()
    assert "<strong>Good progress</strong>" in page
    lowered = page.lower()
    for bad in ("<script", "onerror", "javascript:", "onclick"):
        assert bad not in lowered
    assert "Mentor ·" in page  # the author's name with the time
    note = db.scalar(select(MentorNote).where(MentorNote.mentee_id == org.learner))
    assert note is not None and note.author_id == org.mentor and note.body == body
    assert before - timedelta(seconds=5) <= note.created_at <= utcnow() + timedelta(seconds=5)


def test_a_bad_note_shows_the_form_again(mentor_client: FlaskClient, org: Org, db: Session) -> None:
    response = mentor_client.post(f"/mentor/mentees/{org.learner}/notes", data={"body": "   "})
    assert response.status_code == 200 and "Write something first." in response.data.decode()
    long = mentor_client.post(f"/mentor/mentees/{org.learner}/notes", data={"body": "x" * 10_001})
    assert "Keep a note under 10,000 characters." in long.data.decode()
    brackets = mentor_client.post(f"/mentor/mentees/{org.learner}/notes", data={"body": "[" * 300})
    assert "This note cannot be shown" in brackets.data.decode()
    assert db.scalar(select(func.count()).select_from(MentorNote).where(MentorNote.mentee_id == org.learner)) == 0


def test_notes_need_a_csrf_token_when_csrf_is_on(app: Flask, mentor_client: FlaskClient, org: Org) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    response = mentor_client.post(f"/mentor/mentees/{org.learner}/notes", data={"body": "hello"})
    assert response.status_code == 400


# ---------------------------------------------------------------------------- cohort page


def test_cohort_page_for_a_mentor_covers_their_mentees(mentor_client: FlaskClient, org: Org) -> None:
    page = unescape(mentor_client.get(f"/mentor/cohorts/{org.red}").data.decode())
    assert "Every number on this page covers your 1 mentee in this cohort." in page
    assert "Lee Learner" in page and "Olive" not in page
    assert 'title="Introduction: complete"' in page and 'title="The basics: in progress"' in page
    assert "1 / 1 (100%)" in page  # intro completed by the one mentee
    assert "Scope <span class=\"meta\">— 0 of 1 routed correctly</span>" in page
    assert "Budget <span class=\"meta\">— 1 of 2 routed correctly</span>" in page
    # Lee's one attempt answered q1 and q2 once each: no question has the 5 answers a ranking needs yet.
    assert "A question is ranked once it has 5 answers; 2 questions have fewer so far." in page
    assert "No question has 5 answers yet." in page and "Who takes the change to the client?" not in page


# ---------------------------------------------------------------------------- CSV


def test_csv_export_has_exactly_the_rows_and_order_shown(mentor_client: FlaskClient, org: Org) -> None:
    response = mentor_client.get("/mentor/export.csv?sort=completed&dir=desc")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="mentees-{utcnow().date().isoformat()}.csv"'
    rows = parse_csv(response.data)
    assert rows[0] == ["Name", "Email", "Cohort", "Modules completed", "Modules in the course", "Quizzes passed",
                       "Average best score", "Last activity (UTC)", "Overdue assignments", "RACI rule breaks"]
    assert [r[:7] + r[8:] for r in rows[1:]] == [
        ["Lee Learner", "learner@example.com", "Red", "1", "3", "0", "45.5", "1", "0"],
        ["Nina", "nina@example.com", "", "0", "3", "0", "", "0", "0"],
    ]
    assert rows[1][7]  # the learner has been active
    page = mentor_client.get("/mentor/?sort=completed&dir=desc").data.decode()
    assert page.index("Lee Learner") < page.index("Nina")
    assert 'href="/mentor/export.csv?sort=completed&amp;dir=desc"' in page
    only_none = parse_csv(mentor_client.get("/mentor/export.csv?cohort=none").data)
    assert [r[0] for r in only_none[1:]] == ["Nina"]


def test_csv_export_covers_every_page_and_defuses_formulas(mentor_client: FlaskClient, org: Org, db: Session) -> None:
    for i in range(30):
        name = "=HYPERLINK(\"http://evil\")" if i == 0 else f"Mentee {i:02d}"
        user = User(email=f"m{i}@example.com", display_name=name, password_hash="x", session_token=f"t{i}")
        db.add(user)
        db.flush()
        db.add_all([UserRole(user_id=user.id, role="learner"), Mentorship(mentor_id=org.mentor, mentee_id=user.id)])
    db.commit()
    page = mentor_client.get("/mentor/").data.decode()
    assert "Page 1 of 2" in page and "32 learners" in page
    rows = parse_csv(mentor_client.get("/mentor/export.csv").data)
    assert len(rows) == 1 + 32
    assert rows[1][0] == "'=HYPERLINK(\"http://evil\")"  # sorted first; would run as a formula without the '


def test_manager_overview_and_csv(client: FlaskClient, auth, org: Org) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    page = unescape(client.get("/admin/overview").data.decode())
    assert "Completion overview" in page
    for text in ("Red", "Blue", "Other Mentor", "learners without a mentor"):
        assert text in page
    rows = parse_csv(client.get("/admin/overview.csv").data)
    assert rows[0][:5] == ["Type", "Name", "Email", "Start date", "Learners"]
    # Blue started later, so it comes first; learner@ completed 1 of 3 modules and has 1 overdue assignment;
    # olive@ marked intro and passed scope-check, which completes scope: 2 of 3.
    assert rows[1:] == [
        ["cohort", "Blue", "", "2026-10-01", "1", "2", "66.7", "0", "0"],
        ["cohort", "Red", "", "2026-09-01", "1", "1", "33.3", "0", "1"],
        ["mentor", "Mentor", "mentor@example.com", "", "2", "1", "16.7", "0", "1"],
        ["mentor", "Other Mentor", "other@example.com", "", "1", "2", "66.7", "0", "0"],
    ]


# ---------------------------------------------------------------------------- statements per page


def add_mentees(db: Session, mentor_id: int, cohort_id: int, count: int, first: int = 0) -> None:
    """``count`` more mentees, each with progress, a graded attempt and a direct overdue assignment."""
    now = utcnow()
    for i in range(first, first + count):
        user = User(email=f"bulk{i}@example.com", display_name=f"Bulk {i:03d}", password_hash="x", session_token=f"b{i}",
                    cohort_id=cohort_id, last_seen_at=now - i * DAY)
        db.add(user)
        db.flush()
        db.add_all([
            UserRole(user_id=user.id, role="learner"), Mentorship(mentor_id=mentor_id, mentee_id=user.id),
            ModuleProgress(user_id=user.id, module_id="intro", started_at=now - 3 * DAY,
                           completed_at=now - 2 * DAY if i % 2 else None),
            Assignment(kind="quiz", item_id="scope-check", user_id=user.id, due_on=now.date() - DAY),
        ])
        add_attempt(db, user.id, 1, float(i % 100), i % 3 == 0, now - DAY,
                    [("q1", "", "route", "scope", "am", "pm" if i % 2 else "am", not i % 2)])
    versions.bump(db, everyone=True)  # rows written behind the services' back: cached pages must not be served
    db.commit()


def counted(app: Flask, db: Session, url: str, email: str = "mentor@example.com") -> tuple[int, int]:
    """Statements of the first request after signing in (which also records last-seen), then of the next one."""
    db.execute(User.__table__.update().where(User.email == email).values(last_seen_at=None))
    db.commit()
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    counts = []
    for _ in range(2):
        with statements(app) as seen:
            assert client.get(url).status_code == 200
        counts.append(len(seen))
    return counts[0], counts[1]


def test_statements_per_page_do_not_grow_with_mentees(app: Flask, client: FlaskClient, auth, org: Org,  # type: ignore[no-untyped-def]
                                                      db: Session) -> None:
    urls = ("/mentor/", "/mentor/?sort=score&dir=desc", "/mentor/?sort=activity&page=2", "/mentor/export.csv",
            f"/mentor/mentees/{org.learner}", f"/mentor/cohorts/{org.red}")
    add_mentees(db, org.mentor, org.red, 1)  # 3 mentees
    small = {url: counted(app, db, url) for url in urls}
    add_mentees(db, org.mentor, org.red, 57, first=1)  # 60 mentees
    large = {url: counted(app, db, url) for url in urls}
    assert large == small
    for url in urls[:4]:  # the mentor home, its sorts, pages and export: at most 5, the sign-in included
        assert max(small[url]) <= 5, (url, small[url])
    assert max(small[f"/mentor/mentees/{org.learner}"]) <= 10
    assert max(small[f"/mentor/cohorts/{org.red}"]) <= 10
    auth.login("mentor@example.com")
    assert "60 learners" in client.get("/mentor/").data.decode()


def test_admin_statements_do_not_grow_with_learners(app: Flask, org: Org, db: Session) -> None:
    small = {url: counted(app, db, url, "admin@example.com") for url in ("/mentor/", "/admin/overview")}
    add_mentees(db, org.other, org.blue, 40)
    large = {url: counted(app, db, url, "admin@example.com") for url in small}
    assert large == small and max(small["/mentor/"]) <= 5


def test_admin_pages_render_with_no_data(client: FlaskClient, auth, people) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    assert "There are no learners yet." not in client.get("/mentor/").data.decode()  # learner@ is one
    overview = client.get("/admin/overview").data.decode()
    assert "No cohorts yet." in overview
    mentee = client.get(f"/mentor/mentees/{people['learner'].id}").data.decode()
    assert "No quiz attempts yet." in mentee and "No notes yet." in mentee and "Nothing assigned." in mentee


def test_last_activity_is_the_latest_of_seen_progress_and_submission(mentor_client: FlaskClient, org: Org,
                                                                     db: Session) -> None:
    when = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    db.add(ModuleProgress(user_id=org.nina, module_id="scope", started_at=when, completed_at=None))
    db.commit()
    rows = parse_csv(mentor_client.get("/mentor/export.csv?sort=activity&dir=desc").data)
    assert rows[1][0] == "Nina" and rows[1][7] == "2030-01-02 03:04"
