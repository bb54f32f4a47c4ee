"""Remember-me cookies carry the sign-in time and are refused on the server after their lifetime.

The red-team pass: the cookie had no timestamp, so a copied one worked past 14 days until sign-out.
"""

from __future__ import annotations

import logging
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import decode_cookie, encode_cookie
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.persistence.models import User

DAY = 86_400


def _token(db: Session, email: str) -> str:
    db.rollback()
    return db.scalar(select(User.session_token).where(User.email == email)) or ""


def _cookie_client(app: Flask, user_id: str) -> FlaskClient:
    """A browser holding only a remember-me cookie for ``user_id``, signed with the app's key as Flask-Login signs it."""
    with app.test_request_context():
        cookie = encode_cookie(user_id)
    client = app.test_client()
    client.set_cookie("remember_token", cookie)
    return client


def test_the_remember_cookie_names_the_sign_in_time(app: Flask, client: FlaskClient, auth, people) -> None:  # type: ignore[no-untyped-def]
    before = int(time.time())
    auth.login("learner@example.com", remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    with app.test_request_context():
        user_id = decode_cookie(cookie.value)
    token, _, issued = user_id.partition(":")
    assert before <= int(issued) <= int(time.time()) and len(token) >= 40
    # Alone (a new browser, no session), the cookie signs in.
    thief = app.test_client()
    thief.set_cookie("remember_token", cookie.value)
    assert thief.get("/").status_code == 200


@pytest.mark.parametrize(("age_days", "status"), [(0, 200), (13, 200), (15, 302), (400, 302)])
def test_a_forged_old_sign_in_time_is_refused(app: Flask, people, db: Session, age_days: int, status: int,  # type: ignore[no-untyped-def]
                                              caplog: pytest.LogCaptureFixture) -> None:
    token = _token(db, "learner@example.com")
    client = _cookie_client(app, f"{token}:{int(time.time()) - age_days * DAY}")
    with caplog.at_level(logging.INFO, logger="courseware"):
        response = client.get("/")
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.location
        assert [r.fields["event"] for r in caplog.records if r.name == "courseware.security"] == ["sign_in.expired"]


@pytest.mark.parametrize("user_id", ["{token}", "{token}:", "{token}:abc", "{token}:²", "{token}:9999999999999"])
def test_ids_without_a_readable_sign_in_time_are_refused(app: Flask, people, db: Session, user_id: str) -> None:  # type: ignore[no-untyped-def]
    client = _cookie_client(app, user_id.format(token=_token(db, "learner@example.com")))
    assert client.get("/").status_code == 302


def test_a_sign_in_time_in_the_future_is_refused(app: Flask, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    client = _cookie_client(app, f"{_token(db, 'learner@example.com')}:{int(time.time()) + 30 * DAY}")
    assert client.get("/").status_code == 302


def test_the_lifetime_is_the_configured_one(app: Flask, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=1)
    token = _token(db, "learner@example.com")
    assert _cookie_client(app, f"{token}:{int(time.time()) - DAY // 2}").get("/").status_code == 200
    assert _cookie_client(app, f"{token}:{int(time.time()) - 2 * DAY}").get("/").status_code == 302
