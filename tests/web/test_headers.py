"""Security headers on every response, and the request-size limit."""

from __future__ import annotations

import pytest
from flask import Flask

from courseware.app import create_app
from courseware.state import state_of
from tests.conftest import PASSWORD, make_config
from tests.web.route_fixtures import route_ids
from tests.web.test_routes import TABLE

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


def assert_secure(response, where: str) -> None:  # type: ignore[no-untyped-def]
    headers = response.headers
    assert headers.get("Content-Security-Policy") == CSP, where
    assert "unsafe-inline" not in CSP.split("script-src")[1].split(";")[0]
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_every_route_of_the_table_sends_the_headers(app: Flask, people, role: str) -> None:  # type: ignore[no-untyped-def]
    ids = {name: user.id for name, user in people.items()}
    ids.update(route_ids(app, people))
    client = app.test_client()
    if role != "anonymous":
        client.post("/login", data={"email": f"{role}@example.com", "password": PASSWORD})
    for method, url, _endpoint, _expected in TABLE:
        target = url.format(**ids)
        response = client.open(target, method=method, data={})
        assert_secure(response, f"{method} {target} as {role}")
        assert "Strict-Transport-Security" not in response.headers  # testing: plain http


def test_error_pages_and_static_files_send_them_too(client) -> None:  # type: ignore[no-untyped-def]
    for response, status in [(client.get("/nowhere"), 404), (client.put("/login"), 405)]:
        assert response.status_code == status
        assert_secure(response, response.request.path)
    with client.get("/static/css/app.css") as static:
        assert static.status_code == 200
        assert_secure(static, "static")


def test_no_template_runs_inline_script() -> None:
    import re
    from pathlib import Path

    templates = Path(__file__).parents[2] / "courseware" / "web" / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "javascript:" not in text, path


def test_hsts_only_when_cookies_are_secure(database_url: str) -> None:
    production = create_app(make_config(database_url, TESTING=False))
    response = production.test_client().get("/login")
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert_secure(response, "/login in production")
    state_of(production).engine.dispose()
    development = create_app(make_config(database_url, TESTING=False, DEVELOPMENT=True))
    assert "Strict-Transport-Security" not in development.test_client().get("/login").headers
    state_of(development).engine.dispose()


def test_a_body_over_the_limit_gets_the_413_page(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    big = "x" * (2 * 1024 * 1024 + 1)
    response = client.post("/login", data={"email": "a@example.com", "password": big})
    assert response.status_code == 413
    assert b"Too large" in response.data and b"Error 413" in response.data
    assert_secure(response, "413")
    just_under = client.post("/login", data={"email": "a@example.com", "password": "x" * (1024 * 1024)})
    assert just_under.status_code == 200
