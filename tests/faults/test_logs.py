"""Logs: one structured line per request, security events, JSON on request; no secret ever in a log.

The red-team pass: the app logged nothing — no request log, no record of failed sign-ins, no error context.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.app import create_app
from courseware.persistence.models import Mentorship, User
from courseware.state import state_of
from courseware.web.logs import JsonFormatter, TextFormatter
from tests.conftest import PASSWORD, make_config
from tests.faults.outage import database_away


def _records(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name]


def test_every_request_is_one_structured_line_with_its_id_echoed(client: FlaskClient, auth, people,  # type: ignore[no-untyped-def]
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    auth.login("learner@example.com")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="courseware"):
        given = client.get("/modules/intro", headers={"X-Request-ID": "lb-7f3a.1"})
        made = client.get("/nope", headers={"X-Request-ID": "bad id; <script>"})
    assert given.headers["X-Request-ID"] == "lb-7f3a.1"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    first, second = (r.fields for r in _records(caplog, "courseware.request"))  # type: ignore[attr-defined]
    assert {k: v for k, v in first.items() if k != "duration_ms"} == {
        "method": "GET", "route": "/modules/<module_id>", "path": "/modules/intro", "status": 200,
        "user_id": people["learner"].id, "request_id": "lb-7f3a.1"}
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert second["status"] == 404 and second["route"] is None and second["request_id"] == made.headers["X-Request-ID"]


def test_security_events_are_logged(app: Flask, client: FlaskClient, auth, people,  # type: ignore[no-untyped-def]
                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="courseware"):
        auth.login("learner@example.com", password="wrong-password-1")
        auth.login("correct-horse-in-the-email-box", password="x")
        auth.login("learner@example.com")
        client.get("/admin/users")  # a learner: 403
        app.config["WTF_CSRF_ENABLED"] = True
        client.post("/logout")  # no token
    events = [(r.fields["event"], r.fields.get("email"), r.fields.get("user_id"))  # type: ignore[attr-defined]
              for r in _records(caplog, "courseware.security")]
    learner = people["learner"].id
    assert events == [("sign_in.failed", "learner@example.com", None), ("sign_in.failed", "(not an email address)", None),
                      ("access.denied", None, learner), ("csrf.failed", None, learner)]


def test_no_password_token_cookie_or_note_text_reaches_a_log(app: Flask, client: FlaskClient, auth, people,  # type: ignore[no-untyped-def]
                                                             db: Session, database_url: str,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    db.add(Mentorship(mentor_id=people["mentor"].id, mentee_id=people["learner"].id))
    db.commit()
    secrets = ["wrong-Secret-pw-1", PASSWORD, "Initial-Secret-pw-2", "NOTE-TEXT-about-the-1to1", "EDITED-NOTE-words"]
    with caplog.at_level(logging.DEBUG, logger="courseware"):
        auth.login("admin@example.com", password="wrong-Secret-pw-1")
        auth.login("admin@example.com", remember=True)
        client.post("/admin/users/new", data={"email": "new@example.com", "display_name": "New",
                                              "password": "Initial-Secret-pw-2", "roles": ["learner"]})
        client.post(f"/mentor/mentees/{people['learner'].id}/notes", data={"body": "NOTE-TEXT-about-the-1to1"})
        note_page = client.get(f"/mentor/mentees/{people['learner'].id}").get_data(as_text=True)
        note_id = re.search(r"/mentor/notes/(\d+)/edit", note_page).group(1)  # type: ignore[union-attr]
        client.post(f"/mentor/notes/{note_id}/edit", data={"body": "EDITED-NOTE-words"})
        cookies = [c.value for c in (client.get_cookie("session"), client.get_cookie("remember_token")) if c]
        db.rollback()
        secrets += [db.scalar(select(User.session_token).where(User.email == "admin@example.com")) or "", *cookies]
        db.close()  # give its connection back before the outage ends every connection
        with database_away(app, database_url):
            client.get("/")  # the sign-in lookup fails with the session token as its parameter
        client.post("/logout")  # the session token is rotated
        secrets.append(db.scalar(select(User.session_token).where(User.email == "admin@example.com")) or "")
    assert len(cookies) == 2 and all(secrets)
    lines = []
    for record in caplog.records:
        lines += [TextFormatter().format(record), JsonFormatter().format(record)]
    assert len(lines) >= 20
    leaks = [(secret, line) for line in lines for secret in secrets if secret in line]
    assert leaks == []
    assert any("database unavailable" in line for line in lines)


def test_json_format_gives_one_object_per_line(database_url: str, people, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    app = create_app(make_config(database_url, LOG_FORMAT="json"))
    handler = next(h for h in logging.getLogger("courseware").handlers if getattr(h, "courseware_handler", False))
    assert isinstance(handler.formatter, JsonFormatter)
    client = app.test_client()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="courseware"):
        client.post("/login", data={"email": "learner@example.com", "password": "nope-nope"})
    lines = [handler.format(r) for r in caplog.records if r.name.startswith("courseware")]
    parsed = [json.loads(line) for line in lines]
    assert [p["message"] for p in parsed] == ["sign_in.failed", "request"]
    assert parsed[0]["level"] == "WARNING" and parsed[0]["email"] == "learner@example.com"
    assert parsed[1]["method"] == "POST" and parsed[1]["route"] == "/login" and parsed[1]["status"] == 200
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", parsed[1]["time"])
    state_of(app).engine.dispose()
    state_of(create_app(make_config(database_url))).engine.dispose()  # back to text for the tests that follow
