"""Hot-path reads straight on the driver: prebuilt SQL on kept-open connections, no pool checkout per request.

The signed-in user is read on every request, and the lesson page reads the learner's standing.  Through
SQLAlchemy each of those costs a pool checkout (on PostgreSQL with a pre-ping round trip), the Connection and
its execution context, and a check-in that rolls back: several times the query's own cost.  Here the statement
is compiled once per dialect by ``persistence/driver.py`` (the one compiler of prebuilt statements, which the quiz
submit's writes use too: SQL text, bind order, constants, bind processors), its rows converted by the columns'
result processors (the same conversions SQLAlchemy applies, e.g. SQLite's text datetimes into aware UTC ones),
and run on a driver connection kept open by this module:

- SQLite: the connection has pysqlite's own transactions off (``persistence.db``), so each SELECT is its own
  read of the latest committed data (WAL);
- PostgreSQL: the connection is in autocommit, so there is no BEGIN, no ROLLBACK and no snapshot older than the
  statement.

Connections are kept in a small LIFO per engine and process (a forked worker starts its own), taken for one
statement and given back: a sync worker reuses one connection for ever; threads each take their own.  A driver
error drops that connection and returns ``None`` to the caller, which then reads the ordinary way through
SQLAlchemy: its error handling (the read retry after a dropped connection, the 503 page) stays the one place that
decides.  ``engine.dispose()`` closes the kept connections too.

Only SELECTs go through here: nothing written, nothing in a caller's transaction.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Dialect

from .driver import prepared, raw_cursor

KEEP = 4  # idle connections kept per engine and process (one per thread that reads at the same time)


class Columns:
    """The result processors of a SELECT's columns for one dialect: the conversions SQLAlchemy's own results apply
    (SQLite's text datetimes into aware UTC ones, its 0/1 into booleans)."""

    def __init__(self, statement: Any, dialect: Dialect):
        processors: list[Callable[[Any], Any] | None] = [
            column.type._cached_result_processor(dialect, None)  # noqa: SLF001 - what SQLAlchemy's own results use
            for column in statement.selected_columns
        ]
        # (position, processor) of the columns that need one.
        self.processors = [(i, p) for i, p in enumerate(processors) if p is not None] or None

    def convert(self, rows: list[Any]) -> list[Any]:
        processors = self.processors
        if processors is None:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for i, process in processors:
                values[i] = process(values[i])
            converted.append(values)
        return converted


class FastReader:
    """Kept-open driver connections of one engine, and the prepared statements run on them."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect
        self._idle: list[Any] = []
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._columns: dict[int, tuple[Any, Columns]] = {}
        self.errors = self.dialect.loaded_dbapi.Error
        event.listen(engine, "engine_disposed", self._disposed)

    def columns(self, statement: Any) -> Columns:
        """The statement's column conversions for this engine's dialect (statements are module constants)."""
        found = self._columns.get(id(statement))
        if found is None or found[0] is not statement:
            found = self._columns[id(statement)] = (statement, Columns(statement, self.dialect))
        return found[1]

    def rows(self, statement: Any, values: Mapping[str, Any]) -> list[Any] | None:
        """The statement's rows, converted as SQLAlchemy would; None when the driver failed (read the ordinary way)."""
        plan = prepared(statement, self.dialect)  # one compiler of prebuilt statements: persistence/driver.py
        connection = self._take()
        if connection is None:
            return None
        try:
            cursor = raw_cursor(connection) if plan.raw else connection.cursor()
            try:
                cursor.execute(plan.sql, plan.parameters(values))
                fetched = cursor.fetchall()
            finally:
                cursor.close()
        except self.errors:
            self._close(connection)
            return None
        self._give_back(connection)
        return self.columns(statement).convert(fetched)

    def _take(self) -> Any:
        if os.getpid() != self._pid:  # a forked worker: the parent's connections are not ours to use or close
            with self._lock:
                self._idle, self._pid = [], os.getpid()
        with self._lock:
            if self._idle:
                return self._idle.pop()
        try:
            fairy = self.engine.raw_connection()  # the engine's connect events run (SQLite's pragmas)
            connection: Any = fairy.dbapi_connection
            fairy.detach()  # ours now: never returned to (or reset by) the pool
        except Exception:  # noqa: BLE001 - no connection to be had: the ordinary path reports it
            return None
        if self.dialect.name == "postgresql":
            connection.autocommit = True
        return connection

    def _give_back(self, connection: Any) -> None:
        with self._lock:
            if len(self._idle) < KEEP and os.getpid() == self._pid:
                self._idle.append(connection)
                return
        self._close(connection)

    @staticmethod
    def _close(connection: Any) -> None:
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 - already gone
            pass

    def _disposed(self, _engine: Engine) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        if os.getpid() == self._pid:
            for connection in idle:
                self._close(connection)


_READERS_LOCK = threading.Lock()


def fast_reader(engine: Engine) -> FastReader:
    """The engine's fast reader (one per engine)."""
    found = engine.__dict__.get("_courseware_fast_reader")
    if found is None:
        with _READERS_LOCK:
            found = engine.__dict__.get("_courseware_fast_reader")
            if found is None:
                found = FastReader(engine)
                engine.__dict__["_courseware_fast_reader"] = found
    return found  # type: ignore[no-any-return]
