"""Password recovery and the account page: forgot → email → reset → old password refused; change; preferences."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.persistence import queries
from courseware.persistence.base import utcnow
from courseware.persistence.models import AccountToken, OutboxMessage
from tests.conftest import PASSWORD, make_user, run_queued_jobs
from tests.smtp_peer import SmtpPeer, link_path

NEW = "a long walk by the river"
ANSWER = "If an account uses that address, a link to choose a new password is on its way."


def _forgot(app: Flask, email: str) -> str:
    client = app.test_client()
    response = client.post("/password/forgot", data={"email": email}, follow_redirects=True)
    assert response.status_code == 200
    return response.data.decode()


def test_forgot_email_reset_then_old_password_refused(mail_app: Flask, smtp: SmtpPeer, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    old_device = mail_app.test_client()
    old_device.post("/login", data={"email": "learner@example.com", "password": PASSWORD})
    assert old_device.get("/").status_code == 200

    assert ANSWER in _forgot(mail_app, "Learner@Example.com")
    run_queued_jobs(mail_app)
    (message,) = smtp.mailbox.to("learner@example.com")
    assert message["Subject"] == "Reset your Courseware password"
    path = link_path(message, "/password/reset/")

    browser = mail_app.test_client()
    assert "Choose a new password" in browser.get(path).data.decode()
    common = browser.post(path, data={"password": "qwertyuiop123", "confirm": "qwertyuiop123"}).data.decode()
    assert "list of common passwords" in common
    done = browser.post(path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and browser.get("/").status_code == 200  # signed in with the new password

    fresh = mail_app.test_client()
    assert fresh.post("/login", data={"email": "learner@example.com", "password": PASSWORD}).status_code == 200
    assert mail_app.test_client().post("/login", data={"email": "learner@example.com", "password": NEW}).status_code == 302
    assert old_device.get("/").status_code == 302  # the other session ended
    assert "was already used" in mail_app.test_client().get(path).data.decode()


def test_the_same_answer_whether_or_not_the_address_exists(app: Flask, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    for address in ("nobody@example.com", "not an email", "learner@example.com"):
        assert ANSWER in _forgot(app, address)
    assert [m.to_address for m in db.scalars(select(OutboxMessage))] == ["learner@example.com"]


def test_a_reset_link_dies_after_an_hour_and_when_the_password_changes(mail_app: Flask, smtp: SmtpPeer,
                                                                       client: FlaskClient, auth, people,
                                                                       db: Session) -> None:  # type: ignore[no-untyped-def]
    _forgot(mail_app, "learner@example.com")
    _forgot(mail_app, "mentor@example.com")
    run_queued_jobs(mail_app)
    learner_link = link_path(smtp.mailbox.to("learner@example.com")[0], "/password/reset/")
    mentor_link = link_path(smtp.mailbox.to("mentor@example.com")[0], "/password/reset/")

    auth.login("learner@example.com")  # the learner changes the password on the account page instead
    client.post("/account/password", data={"current": PASSWORD, "password": NEW, "confirm": NEW})
    page = mail_app.test_client().get(learner_link).data.decode()
    assert "The password changed since this link was sent" in page and "Ask for a new reset link" in page

    db.execute(AccountToken.__table__.update().values(expires_at=utcnow() + timedelta(minutes=59)))
    db.commit()
    assert "Choose a new password" in mail_app.test_client().get(mentor_link).data.decode()
    db.execute(AccountToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    page = mail_app.test_client().get(mentor_link).data.decode()
    assert "This password reset link has expired" in page and "Reset links work for one hour" in page


def test_signed_in_people_are_sent_to_the_account_page(client: FlaskClient, auth, people) -> None:  # type: ignore[no-untyped-def]
    auth.login("learner@example.com")
    assert client.get("/password/forgot").location == "/account"


def test_change_password_needs_the_current_one_and_keeps_this_session(app: Flask, client: FlaskClient, auth, people,
                                                                      db: Session) -> None:  # type: ignore[no-untyped-def]
    other = app.test_client()
    other.post("/login", data={"email": "learner@example.com", "password": PASSWORD})
    auth.login("learner@example.com", remember=True)
    token_before = queries.user_by_email(db, "learner@example.com").session_token  # type: ignore[union-attr]

    wrong = client.post("/account/password", data={"current": "not-it", "password": NEW, "confirm": NEW})
    assert "That is not your current password." in wrong.data.decode()
    short = client.post("/account/password", data={"current": PASSWORD, "password": "short", "confirm": "short"})
    assert "Use at least 12 characters" in short.data.decode()
    mine = client.post("/account/password", data={"current": PASSWORD, "password": "learner@example.com",
                                                   "confirm": "learner@example.com"})
    assert "Do not use your email address" in mine.data.decode()

    ok = client.post("/account/password", data={"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200  # this session stays signed in...
    assert other.get("/").status_code == 302  # ...every other one ended
    db.rollback()
    user = queries.user_by_email(db, "learner@example.com")
    assert user is not None and user.session_token != token_before
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.value.startswith(user.session_token)  # remember-me follows the new token


def test_profile_time_zone_and_email_preferences(client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("mentor@example.com")
    page = client.get("/account").data.decode()
    assert "The organisation&#39;s (UTC)" in page and "weekly digest" in page
    bad = client.post("/account/profile", data={"display_name": "Mo", "time_zone": "Mars/Olympus"})
    assert bad.status_code == 200 and "Not a valid choice" in bad.data.decode()
    client.post("/account/profile", data={"display_name": "  Mo   Mentor ", "time_zone": "Asia/Tokyo"})
    client.post("/account/preferences", data={"reminders": "y"})
    db.rollback()
    db.expire_all()
    user = queries.user_by_email(db, "mentor@example.com")
    assert user is not None
    assert (user.display_name, user.time_zone, user.email_reminders, user.email_digest) == (
        "Mo Mentor", "Asia/Tokyo", True, False)
    client.post("/account/profile", data={"display_name": "Mo", "time_zone": ""})
    db.rollback()
    db.expire_all()
    assert queries.user_by_email(db, "mentor@example.com").time_zone is None  # type: ignore[union-attr]


def test_existing_short_passwords_keep_working(app: Flask, db: Session) -> None:
    from werkzeug.security import generate_password_hash

    user = make_user(db, "old@example.com")
    user.password_hash = generate_password_hash("eight-ch", "pbkdf2:sha256:1000")  # set before the 12-character rule
    db.commit()
    assert app.test_client().post("/login", data={"email": "old@example.com", "password": "eight-ch"}).status_code == 302
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0
