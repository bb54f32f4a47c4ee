"""Backing up and restoring the whole database, on SQLite and PostgreSQL alike.

- SQLite: the online backup API (``sqlite3.Connection.backup``), page by page from a consistent
  snapshot, safe while the app is serving; a restore copies the file's pages back the same way.
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists`` in one transaction;
  the client tools must be installed (Debian: ``postgresql-client``), of the server's version or newer.

A backup is written next to its destination first and renamed into place, so a failed backup never
leaves half a file where the last good one was.  A restore refuses to overwrite a database that holds
any row unless forced, and brings the schema up to date afterwards.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, inspect, make_url, select
from sqlalchemy.engine import URL

from .base import Base
from .db import make_engine, upgrade

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the backup's schema revision and the one the database has now."""

    backup_revision: str | None
    revision: str | None


def backend(url: str) -> str:
    """'sqlite' or 'postgresql' for a database URL (anything else is refused)."""
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL databases, not {name}")
    return name


def file_kind(path: Path) -> str | None:
    """'sqlite', 'postgresql' (a pg_dump custom-format file) or None, from the file's first bytes."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None


def revision_of(engine: Engine) -> str | None:
    """The Alembic revision a database is at (None: not a Courseware database, or empty)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def row_count(engine: Engine) -> int:
    """How many rows the app's tables hold in all (the Alembic bookkeeping not counted)."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return sum(connection.scalar(select(func.count()).select_from(table)) or 0
                   for table in Base.metadata.sorted_tables if table.name in present)


def backup(url: str, destination: Path) -> None:
    """Copy the whole database at ``url`` into ``destination`` (replaced only once the copy is complete)."""
    kind = backend(url)
    destination = destination.expanduser()
    if not destination.parent.is_dir():
        raise BackupError(f"{destination.parent} is not a directory; create it first")
    partial = destination.with_name(destination.name + ".partial")
    try:
        if kind == "sqlite":
            _sqlite_backup(_sqlite_path(url), partial)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(partial)], url)
        partial.replace(destination)
    finally:
        partial.unlink(missing_ok=True)


def restore(url: str, source: Path, *, force: bool = False) -> RestoreResult:
    """Replace the database at ``url`` with the backup ``source``, then migrate it to the latest schema."""
    kind = backend(url)
    source = source.expanduser()
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    found = file_kind(source)
    if found is None:
        raise BackupError(f"{source} is not a Courseware backup: neither a SQLite database nor a pg_dump custom-format file")
    if found != kind:
        raise BackupError(f"{source} is a {_NAMES[found]} backup, but this database is {_NAMES[kind]}; "
                          f"restore it into a {_NAMES[found]} database (COURSEWARE_DATABASE_URL)")
    backup_revision = _check_sqlite_backup(source) if kind == "sqlite" else None
    engine = make_engine(url)
    try:
        if kind == "sqlite" and not _sqlite_path(url).exists():
            rows = 0
        else:
            rows = row_count(engine)
        if rows and not force:
            raise BackupError(f"the database is not empty ({rows} rows); restoring would replace them. "
                              "Back it up first, then run the restore again with --force")
    finally:
        engine.dispose()
    if kind == "sqlite":
        _sqlite_backup(source, _sqlite_path(url))
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", str(source)], url, target_flag="--dbname")
    engine = make_engine(url)
    try:
        if kind == "postgresql":
            backup_revision = revision_of(engine)
        upgrade(url)
        return RestoreResult(backup_revision, revision_of(engine))
    finally:
        engine.dispose()


_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _sqlite_backup(source: Path, target: Path) -> None:
    """Copy ``source`` onto ``target`` with SQLite's online backup API (a consistent snapshot, even mid-write)."""
    if not source.exists():
        raise BackupError(f"the database file {source} does not exist; nothing to back up (run courseware init-db)")
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target, timeout=30)
    try:
        reader.backup(writer)
    except sqlite3.Error as exc:
        raise BackupError(f"the SQLite copy failed: {exc}") from exc
    finally:
        writer.close()
        reader.close()


def _check_sqlite_backup(source: Path) -> str | None:
    """The Alembic revision of a SQLite backup; BackupError when it is not a Courseware database."""
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        raise BackupError(f"{source} is a SQLite database but not a Courseware backup (it has no schema revision)") from None
    return row[0] if row else None


def _run(command: list[str], url: str, target_flag: str = "--dbname") -> None:
    """Run a PostgreSQL client tool against ``url`` (the password passed in the environment, not the command line)."""
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} was not found on PATH: install the PostgreSQL client tools "
                          "(Debian: apt-get install postgresql-client), of the server's version or newer")
    parsed = make_url(url)
    environment = dict(os.environ)
    if parsed.password:
        environment["PGPASSWORD"] = str(parsed.password)
    result = subprocess.run([*command, target_flag, _libpq_url(parsed)], env=environment, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed (exit {result.returncode}): {result.stderr.strip() or result.stdout.strip()}")


def _libpq_url(parsed: URL) -> str:
    """The URL as libpq reads it: no SQLAlchemy driver name, no password."""
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False)
