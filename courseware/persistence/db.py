"""Engine and session factory, with the SQLite settings that multi-worker serving needs."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# A write transaction on SQLite must start with BEGIN IMMEDIATE: a deferred one that
# reads first cannot wait for the lock in WAL mode and fails with "database is locked".
IMMEDIATE = {"courseware_immediate": True}
# A read connection (``read_connection``): no BEGIN and no ROLLBACK round trips; each statement reads the latest
# committed data (SQLite: pysqlite's own transactions are off, so a statement without BEGIN is its own read;
# PostgreSQL: autocommit).
READ = {"courseware_read": True}
log = logging.getLogger("courseware.db")


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and for in-memory SQLite)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database.removeprefix("file:"))  # type: ignore[union-attr]


def make_engine(url: str, *, must_exist: bool = False, **kwargs: Any) -> Engine:
    """Create an engine: WAL, busy timeout and foreign keys on SQLite; pre-ping on PostgreSQL.

    ``must_exist`` (the serving app): a missing SQLite file is an error, never silently created empty.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        connect_args: dict[str, Any] = {"timeout": 30}
        if must_exist and path is not None:
            # SQLite's own URI form: mode=rw opens an existing file and never creates one.
            url = make_url(url).set(database=f"file:{path}", query={"mode": "rw", "uri": "true"}).render_as_string(
                hide_password=False)
        engine = create_engine(url, connect_args=connect_args, hide_parameters=True, **kwargs)
        _configure_sqlite(engine)
        return engine
    # JIT compilation only pays on long analytic queries; on a dashboard's misestimated plan it
    # cost more than the query itself.
    # hide_parameters: an error message must never carry a session token or a note into a log.
    engine = create_engine(url, pool_pre_ping=True, connect_args={"options": "-c jit=off"}, hide_parameters=True,
                           **kwargs)
    # Rows inserted together (a quiz's graded items) go as one multi-row INSERT, not one statement each.
    engine.dialect.use_insertmanyvalues_wo_returning = True
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get("courseware_read"):
            return  # statements run as their own implicit transactions
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get("courseware_immediate") else "BEGIN")


def read_connection(engine: Engine) -> Connection:
    """A plain connection for reads through prebuilt Core statements: no ORM session, no BEGIN/ROLLBACK round trips.

    Never write through it (nothing it sends is in a transaction of its own choosing).
    """
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        return connection.execution_options(**READ)
    return connection.execution_options(isolation_level="AUTOCOMMIT", **READ)


class ClosingSession(Session):
    """A Session whose close() never fails and never keeps a connection checked out.

    Closing rolls back on the server; when the server has just ended the connection (a restart,
    a fail-over) that rollback fails.  The server rolls back on its own, so the connection is
    dropped instead; had the error escaped, the connection stayed checked out of the pool, and a
    few such leaks left every later request waiting 30 s for a connection.
    """

    def close(self) -> None:
        """Close, or invalidate the connections when the close cannot reach the database."""
        try:
            super().close()
        except DBAPIError:
            log.warning("database connection lost while closing a session; dropped")
            self.invalidate()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to the engine; objects stay usable after commit; closing is safe."""
    return sessionmaker(engine, class_=ClosingSession, expire_on_commit=False)


def write_session(factory: sessionmaker[Session]) -> Session:
    """A session whose transaction takes the write lock up front (SQLite) — for writes."""
    session = factory()
    session.connection(execution_options=IMMEDIATE)
    return session


def alembic_config(url: str) -> Config:
    """An Alembic configuration pointing at our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision``."""
    command.upgrade(alembic_config(url), revision)


@cache
def head_revision() -> str:
    """The newest migration of this code (read once)."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at; None for a database without our schema (new, or empty)."""
    from alembic.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def schema_revision(connection: Connection) -> str | None:
    """The migration the database is at (None: no schema yet)."""
    return MigrationContext.configure(connection).get_current_revision()


def schema_problem(engine: Engine, url: str) -> str | None:
    """Why this database cannot serve the app (missing SQLite file, no schema, an old one), else None.

    Raises SQLAlchemyError when the database does not answer (the caller decides what that means).
    """
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        return f"the database file {path} does not exist"
    with engine.connect() as connection:
        current = schema_revision(connection)
    if current is None:
        return "the database has no schema yet"
    if current != head_revision():
        return f"the database schema is at migration {current}, this version of the app needs {head_revision()}"
    return None

