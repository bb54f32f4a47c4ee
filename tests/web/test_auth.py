"""Signing in and out, cookies, CSRF and the next parameter."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from courseware.app import create_app
from courseware.persistence.models import User
from courseware.state import state_of
from tests.conftest import PASSWORD, make_config, make_user

FAILED = b"That email and password do not match an active account."


def test_sign_in_is_case_insensitive_and_lands_on_my_path(client: FlaskClient, auth, people) -> None:  # type: ignore[no-untyped-def]
    response = auth.login("LEARNER@Example.COM")
    assert response.status_code == 302 and response.location == "/"
    assert b"My path" in client.get("/").data


def test_wrong_password_and_unknown_email_say_the_same(auth, people) -> None:  # type: ignore[no-untyped-def]
    wrong = auth.login("learner@example.com", "not-the-password")
    unknown = auth.login("nobody@example.com", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert FAILED in wrong.data and FAILED in unknown.data


def test_empty_form_shows_errors(client: FlaskClient) -> None:
    response = client.post("/login", data={})
    assert response.status_code == 200
    assert b"Enter your email." in response.data and b"Enter your password." in response.data


def test_deactivated_user_cannot_sign_in(db: Session, auth) -> None:  # type: ignore[no-untyped-def]
    user = make_user(db, "gone@example.com")
    user.active = False
    db.commit()
    assert FAILED in auth.login("gone@example.com").data


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/tracks/foundations", "/tracks/foundations"),
        ("https://evil.example.com/", "/"),
        ("//evil.example.com/", "/"),
        ("/\\evil.example.com", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_stays_on_site(client: FlaskClient, people, target: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/login", query_string={"next": target},
                           data={"email": "learner@example.com", "password": PASSWORD})
    assert response.location == expected


def test_anonymous_is_sent_to_sign_in_with_next(client: FlaskClient) -> None:
    response = client.get("/modules/intro")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_old_cookie_is_refused_after_logout(app: Flask, auth, client: FlaskClient, people) -> None:  # type: ignore[no-untyped-def]
    auth.login("learner@example.com", remember=True)
    stolen = {c.key: c.value for c in client._cookies.values()}  # copied before sign-out
    assert "session" in stolen and "remember_token" in stolen
    auth.logout()
    thief = app.test_client()
    for key, value in stolen.items():
        thief.set_cookie(key, value)
    assert thief.get("/").status_code == 302


def test_password_change_and_deactivation_end_sessions(app: Flask, auth, client: FlaskClient, db: Session,  # type: ignore[no-untyped-def]
                                                       people) -> None:
    from courseware.services import accounts

    auth.login("learner@example.com")
    assert client.get("/").status_code == 200
    user = db.get(User, people["learner"].id)
    accounts.set_password(user, "a-new-password-1")
    db.commit()
    assert client.get("/").status_code == 302
    auth.login("learner@example.com", "a-new-password-1")
    assert client.get("/").status_code == 200
    accounts.set_active(db, user, False)
    db.commit()
    assert client.get("/").status_code == 302


def test_cookie_flags(auth, people) -> None:  # type: ignore[no-untyped-def]
    response = auth.login("learner@example.com", remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in session_cookie  # permanent session: 12 hours, not 31 days


def test_production_cookies_are_secure_and_key_is_required(database_url: str) -> None:
    config = make_config(database_url, TESTING=False, SECRET_KEY=None, DEVELOPMENT=False)
    from courseware.app import ConfigError

    with pytest.raises(ConfigError):
        create_app(config)
    config["SECRET_KEY"] = "x" * 32
    prod = create_app(config)
    assert prod.config["SESSION_COOKIE_SECURE"] is True and prod.config["REMEMBER_COOKIE_SECURE"] is True
    assert prod.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 12 * 3600
    state_of(prod).engine.dispose()


def test_post_without_csrf_token_is_400(database_url: str, people) -> None:  # type: ignore[no-untyped-def]
    app = create_app(make_config(database_url, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    response = client.post("/login", data={"email": "learner@example.com", "password": PASSWORD})
    assert response.status_code == 400
    page = client.get("/login").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    ok = client.post("/login", data={"email": "learner@example.com", "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302
    assert client.post("/modules/intro/complete", data={}).status_code == 400
    state_of(app).engine.dispose()
