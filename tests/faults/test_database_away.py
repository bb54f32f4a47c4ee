"""The database away: a 503 page in the site's style with Retry-After, for every role; reads retried once.

The red-team pass: users got a bare 500 ("Internal Server Error") and PostgreSQL backends ended
under load gave 35 × 500 in 45 s, no request retried.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from courseware.persistence.db import head_revision
from courseware.persistence.models import MentorNote, Mentorship
from courseware.state import state_of
from tests.conftest import PASSWORD, make_user
from tests.faults.outage import _admin_engine, database_away

# A page each role can see, and what it shows when the database is there.
PAGES = {"learner": ("/", "My path"), "mentor": ("/mentor/", "Mentees"), "manager": ("/admin/overview", "Completion"),
         "admin": ("/admin/users", "People")}


def _signed_in(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"email": f"{role}@example.com", "password": PASSWORD}).status_code == 302
    return client


def _is_the_503_page(response: Any) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 503, body[:500]
    assert response.headers["Retry-After"] == "30"
    assert "Back in a moment" in body and "cannot reach its database" in body
    assert "css/app.css" in body and 'class="topbar"' in body  # the site's own page, not a bare error
    assert "Internal Server Error" not in body


def test_every_role_gets_the_503_page_and_pages_come_back(app: Flask, database_url: str, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "manager@example.com", ("manager",))
    clients = {role: _signed_in(app, role) for role in PAGES}
    anonymous = app.test_client()
    with database_away(app, database_url):
        for role, (url, _) in PAGES.items():
            _is_the_503_page(clients[role].get(url))
        _is_the_503_page(anonymous.post("/login", data={"email": "learner@example.com", "password": PASSWORD}))
        assert anonymous.get("/login").status_code == 200  # the form itself needs no database
        _is_the_503_page(clients["mentor"].post("/mentor/mentees/1/notes", data={"body": "kept?"}))
        ready = anonymous.get("/readyz")
        assert ready.status_code == 503 and ready.get_json() == {"status": "not ready",
                                                                 "checks": {"content": "ok", "database": "unreachable"}}
        assert anonymous.get("/healthz").status_code == 200
    for role, (url, text) in PAGES.items():
        response = clients[role].get(url)
        assert response.status_code == 200 and text in response.get_data(as_text=True), role
    assert anonymous.get("/readyz").get_json()["status"] == "ready"


def test_readyz_names_an_unmigrated_database(app: Flask, database_url: str) -> None:
    engine = state_of(app).engine
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0005'")
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["checks"] == {"content": "ok", "database": "ok", "migrations": "not at head"}
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{head_revision()}'")


def _drop_connection_on(app: Flask, database_url: str, marker: str, times: int) -> list[str]:
    """The next ``times`` statements containing ``marker`` lose their connection as they run.

    PostgreSQL: the backend is really terminated (pg_terminate_backend) just before the statement.
    SQLite has no server connection to lose, so there the driver's error is raised and marked as
    a disconnect, as SQLAlchemy does for PostgreSQL's.
    """
    engine = state_of(app).engine
    dropped: list[str] = []

    if database_url.startswith("sqlite"):
        @event.listens_for(engine, "do_execute")
        def _fail(cursor, statement, parameters, context):  # type: ignore[no-untyped-def]
            if marker in statement and len(dropped) < times:
                dropped.append(statement)
                raise sqlite3.OperationalError("disk I/O error (connection dropped by the test)")
    else:
        @event.listens_for(engine, "before_cursor_execute")
        def _terminate(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            if marker in statement and len(dropped) < times:
                dropped.append(statement)
                pid = conn.connection.dbapi_connection.info.backend_pid
                admin = _admin_engine()
                with admin.connect() as other:
                    other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
                admin.dispose()

    @event.listens_for(engine, "handle_error")
    def _disconnect(context):  # type: ignore[no-untyped-def]
        if "connection dropped by the test" in str(context.original_exception):
            context.is_disconnect = True

    return dropped


def test_a_read_whose_connection_drops_is_retried_once(app: Flask, database_url: str, people) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(app, "learner")
    dropped = _drop_connection_on(app, database_url, "module_progress", times=1)
    response = client.get("/")
    assert len(dropped) == 1
    assert response.status_code == 200 and "My path" in response.get_data(as_text=True)


def test_a_read_that_drops_twice_is_a_503(app: Flask, database_url: str, people) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(app, "learner")
    dropped = _drop_connection_on(app, database_url, "module_progress", times=2)
    _is_the_503_page(client.get("/"))
    assert len(dropped) == 2
    assert client.get("/").status_code == 200


def test_a_write_whose_connection_drops_is_not_retried_and_not_half_done(app: Flask, database_url: str, people,  # type: ignore[no-untyped-def]
                                                                          db: Session) -> None:
    db.add(Mentorship(mentor_id=people["mentor"].id, mentee_id=people["learner"].id))
    db.commit()
    client = _signed_in(app, "mentor")
    dropped = _drop_connection_on(app, database_url, "INSERT INTO mentor_notes", times=1)
    _is_the_503_page(client.post(f"/mentor/mentees/{people['learner'].id}/notes", data={"body": "Lost?"}))
    assert len(dropped) == 1
    db.rollback()
    assert db.scalars(select(MentorNote)).all() == []
    assert client.post(f"/mentor/mentees/{people['learner'].id}/notes", data={"body": "Again"}).status_code == 302
