"""The account's API tokens page, `courseware create-token`, and the private calendar feed."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.persistence.base import utcnow
from courseware.persistence.models import ApiToken, CalendarFeed, User
from courseware.services import assignments, cohorts
from courseware.state import state_of
from tests.conftest import Auth, make_user, read_modules


def test_the_tokens_page_shows_a_new_token_once_lists_and_revokes(client: FlaskClient, auth: Auth, db: Session,
                                                                  people: dict[str, User]) -> None:
    auth.login("learner@example.com")
    page = client.post("/account/tokens", data={"name": "My script", "scope": "read", "expires": "30"})
    assert page.status_code == 200
    token = re.search(r'<code id="new-token">(cwp_[A-Za-z0-9_-]+)</code>', page.get_data(as_text=True))
    assert token is not None
    row = db.scalars(select(ApiToken)).one()
    assert row.name == "My script" and row.scope == "read" and row.prefix == token.group(1)[:12]
    assert row.expires_at is not None and timedelta(days=29) < row.expires_at - utcnow() <= timedelta(days=30)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert token.group(1) not in listing and row.prefix in listing  # shown once, then only its first characters
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert api.status_code == 200
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.group(1)}"}).status_code == 401
    assert "revoked" in client.get("/account/tokens").get_data(as_text=True)
    # Someone else's token cannot be revoked from here.
    auth.logout()
    auth.login("mentor@example.com")
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 404


def test_a_nameless_token_is_refused_with_the_form_again(client: FlaskClient, auth: Auth, people: dict[str, User]) -> None:
    auth.login("learner@example.com")
    page = client.post("/account/tokens", data={"name": "", "scope": "admin", "expires": "30"})
    assert page.status_code == 422
    assert "Name the token" in page.get_data(as_text=True)


def test_create_token_prints_the_token_on_a_line_of_its_own(app: Flask, db: Session, people: dict[str, User]) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-token", "Admin@Example.com", "--scope", "write", "--expires", "7"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("cwp_") and len(token) > 40
    row = db.scalars(select(ApiToken)).one()
    assert row.scope == "write" and row.expires_at is not None
    assert timedelta(days=6) < row.expires_at - utcnow() <= timedelta(days=7)
    response = app.test_client().patch("/api/v1/organisation", json={"name": "From the CLI"},
                                       headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    missing = runner.invoke(args=["create-token", "nobody@example.com"])
    assert missing.exit_code == 1 and "no active user" in missing.output


def _feed_url(client: FlaskClient) -> str:
    page = client.get("/account/calendar").get_data(as_text=True)
    found = re.search(r'<code id="calendar-url">(http[^<]+)</code>', page)
    assert found is not None and found.group(1).startswith(client.application.config["BASE_URL"])
    return urlsplit(found.group(1)).path


def test_the_calendar_feed_lists_the_learners_due_dates(app: Flask, client: FlaskClient, auth: Auth, db: Session,
                                                        people: dict[str, User]) -> None:
    state = state_of(app)
    learner = db.get(User, people["learner"].id)
    assert learner is not None
    cohort = cohorts.create_cohort(db, name="Winter", start_date=date(2026, 12, 1))
    cohorts.set_cohort(db, learner, cohort.id)
    assignments.create_assignment(db, kind="module", item_id="intro", due_on=date(2026, 12, 10), catalog=state.catalog,
                                  quizzes=state.quizzes, cohort_id=cohort.id)
    assignments.create_assignment(db, kind="quiz", item_id="scope-check", due_on=date(2026, 12, 20),
                                  catalog=state.catalog, quizzes=state.quizzes, user_id=learner.id)
    other = make_user(db, "other@example.com")
    assignments.create_assignment(db, kind="module", item_id="basics", due_on=date(2026, 12, 15), catalog=state.catalog,
                                  quizzes=state.quizzes, user_id=other.id)
    db.commit()
    read_modules(db, learner.id, "intro")
    auth.login("learner@example.com")
    url = _feed_url(client)
    assert _feed_url(client) == url  # the same address on every visit
    auth.logout()
    feed = client.get(url)  # no cookie: the token is the credential
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = Calendar.from_ical(feed.data)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [(e.decoded("dtstart"), str(e["summary"])) for e in events] == [
        (date(2026, 12, 10), "Module due: Introduction (done)"),
        (date(2026, 12, 20), "Quiz due: Scope: who owns it?"),
    ]
    assert all(e.decoded("dtend") - e.decoded("dtstart") == timedelta(days=1) for e in events)
    assert len({str(e["uid"]) for e in events}) == 2


def test_resetting_the_calendar_address_ends_the_old_one(client: FlaskClient, auth: Auth, db: Session,
                                                         people: dict[str, User]) -> None:
    auth.login("learner@example.com")
    old = _feed_url(client)
    stored = db.scalars(select(CalendarFeed)).one()
    assert old.rsplit("/", 1)[1].removesuffix(".ics") not in stored.token_hash  # only a hash is looked up
    assert client.post("/account/calendar/reset").status_code == 302
    new = _feed_url(client)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
