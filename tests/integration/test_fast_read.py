"""The hot-path reader (``persistence/fast_read.py``) returns what SQLAlchemy returns, sees every committed write at
once, survives a connection the server ended, and closes its connections with the engine — on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from courseware.persistence import queries
from courseware.persistence.fast_read import fast_reader
from courseware.persistence.models import User
from courseware.services.versions import bump
from courseware.state import state_of
from tests.conftest import PASSWORD, make_user, read_modules


def test_rows_equal_sqlalchemy_rows_with_the_same_conversions(app: Flask, db: Session) -> None:
    seen = datetime(2026, 11, 30, 9, 15, 30, 123000, tzinfo=UTC)
    user = make_user(db, "fay@example.com", roles=("learner", "mentor"), name="Fay Fast")
    user.last_seen_at = seen
    db.commit()
    engine = state_of(app).engine
    fast = fast_reader(engine).rows(queries.PRINCIPAL, {"token": user.session_token})
    with engine.connect() as connection:
        slow = connection.execute(queries.PRINCIPAL, {"token": user.session_token}).all()
    assert fast is not None
    assert sorted(map(tuple, fast), key=repr) == sorted(map(tuple, slow), key=repr)
    principal = queries.principal_from_rows(fast)
    assert principal is not None
    assert principal.id == user.id and principal.display_name == "Fay Fast"
    assert principal.active is True  # SQLite's 1, converted as SQLAlchemy converts it
    assert principal.last_seen_at == seen and principal.last_seen_at.tzinfo is not None  # aware UTC, not text
    assert principal.access_roles == frozenset({"learner", "mentor"})
    assert fast_reader(engine).rows(queries.PRINCIPAL, {"token": "no-such-token"}) == []


def test_every_committed_write_is_seen_by_the_next_read(app: Flask, db: Session) -> None:
    user = make_user(db, "gus@example.com")
    reader = fast_reader(state_of(app).engine)
    standing = queries.standing_from_rows(reader.rows(queries.STANDING, {"user_id": user.id}) or [])
    assert standing.read == frozenset()
    read_modules(db, user.id, "intro")  # committed in another connection
    standing = queries.standing_from_rows(reader.rows(queries.STANDING, {"user_id": user.id}) or [])
    assert standing.read == frozenset({"intro"})
    db.execute(update(User).where(User.id == user.id).values(active=False))
    bump(db, learners=[user.id])
    db.commit()
    assert reader.rows(queries.PRINCIPAL, {"token": user.session_token}) == []  # deactivated: no longer signed in


def test_a_connection_the_server_ended_is_dropped_and_the_next_read_works(app: Flask, db: Session) -> None:
    user = make_user(db, "hal@example.com")
    engine = state_of(app).engine
    reader = fast_reader(engine)
    assert reader.rows(queries.PRINCIPAL, {"token": user.session_token})
    kept = reader._idle[-1]  # noqa: SLF001 - the connection the next read takes
    kept.close()  # as a server restart would leave it (SQLite: closed; PostgreSQL: the same for the driver)
    # The read on the dead connection reports failure (the caller then reads the ordinary way)...
    assert reader.rows(queries.PRINCIPAL, {"token": user.session_token}) is None
    # ...and the one after it opens a new connection.
    rows = reader.rows(queries.PRINCIPAL, {"token": user.session_token})
    assert rows and rows[0][0] == user.id


def test_postgres_backend_termination_falls_back_then_reconnects(app: Flask, db: Session, client) -> None:  # type: ignore[no-untyped-def]
    """The web path: the kept connection is killed by the server; the request still answers (the ordinary path
    reads), and the reader has a fresh connection afterwards."""
    user = make_user(db, "ida@example.com")
    engine = state_of(app).engine
    reader = fast_reader(engine)
    assert client.post("/login", data={"email": "ida@example.com", "password": PASSWORD}).status_code == 302
    assert client.get("/path").status_code == 200  # the user loader read through the kept connection
    if engine.dialect.name == "postgresql":
        pid = reader._idle[-1].info.backend_pid  # noqa: SLF001
        db.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        db.commit()
    else:
        reader._idle[-1].close()  # noqa: SLF001
    response = client.get("/path")
    assert response.status_code == 200
    assert b"Sign out" in response.data
    assert reader.rows(queries.PRINCIPAL, {"token": user.session_token})


def test_disposing_the_engine_closes_the_kept_connections(app: Flask, db: Session) -> None:
    user = make_user(db, "jo@example.com")
    engine = state_of(app).engine
    reader = fast_reader(engine)
    reader.rows(queries.PRINCIPAL, {"token": user.session_token})
    kept = list(reader._idle)  # noqa: SLF001
    assert kept
    engine.dispose()
    assert reader._idle == []  # noqa: SLF001
    for connection in kept:
        assert connection.closed if engine.dialect.name == "postgresql" else _closed_sqlite(connection)


def _closed_sqlite(connection) -> bool:  # type: ignore[no-untyped-def]
    import sqlite3

    try:
        connection.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False
