"""Taking the database away from a running app, on either backend, and bringing it back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import create_engine, text

from courseware.persistence.db import sqlite_file
from courseware.state import state_of
from tests.conftest import POSTGRES_URL


def _admin_engine():  # type: ignore[no-untyped-def]
    assert POSTGRES_URL
    return create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")


def terminate_backends(database: str) -> int:
    """pg_terminate_backend every connection to ``database`` (what a restart or fail-over does); how many."""
    admin = _admin_engine()
    with admin.connect() as conn:
        ended = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": database}).scalar()
    admin.dispose()
    return int(ended or 0)


@contextmanager
def database_away(app: Flask, database_url: str) -> Iterator[None]:
    """While the block runs the app's database cannot be reached: the SQLite file is gone, or PostgreSQL
    refuses connections to it and has ended the open ones."""
    engine = state_of(app).engine
    path = sqlite_file(database_url)
    if path is not None:
        engine.dispose()
        moved = [(p, p.with_name(p.name + ".away")) for p in (path, path.with_name(path.name + "-wal"),
                                                             path.with_name(path.name + "-shm")) if p.exists()]
        for here, away in moved:
            here.rename(away)
        try:
            yield
        finally:
            engine.dispose()
            for here, away in moved:
                away.rename(here)
        return
    name = database_url.rsplit("/", 1)[1]
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
    terminate_backends(name)
    try:
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
