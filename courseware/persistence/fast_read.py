"""Hot-path reads straight on the driver: prebuilt SQL on kept-open connections, no pool checkout per request.

The signed-in user is read on every request, and the lesson page reads the learner's standing.  Through
SQLAlchemy each of those costs a pool checkout (on PostgreSQL with a pre-ping round trip), the Connection and
its execution context, and a check-in that rolls back: several times the query's own cost.  Here the statement
is compiled once per dialect (SQL text, bind order, the columns' result processors: the same conversions
SQLAlchemy applies, e.g. SQLite's text datetimes into aware UTC ones), and run on a driver connection kept open
by this module:

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
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Dialect

KEEP = 4  # idle connections kept per engine and process (one per thread that reads at the same time)


class Prepared:
    """One SELECT, compiled for one dialect: the SQL, the order of its binds, its columns' result processors."""

    def __init__(self, statement: Any, dialect: Dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        self.order: tuple[str, ...] = tuple(compiled.positiontup or ()) if self.positional else ()
        # Literals of the statement (``id == 1``) are binds with a value; the caller gives the others.
        self.defaults = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
        processors: list[Callable[[Any], Any] | None] = [
            column.type._cached_result_processor(dialect, None)  # noqa: SLF001 - what SQLAlchemy's own results use
            for column in statement.selected_columns
        ]
        # (position, processor) of the columns that need one: SQLite's booleans and datetimes, say.
        self.processors = [(i, p) for i, p in enumerate(processors) if p is not None] or None

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | Mapping[str, Any]:
        if self.defaults:
            values = {**self.defaults, **values}
        return [values[name] for name in self.order] if self.positional else values

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
        self._prepared: dict[int, Prepared] = {}
        self.errors = self.dialect.loaded_dbapi.Error
        event.listen(engine, "engine_disposed", self._disposed)

    def prepared(self, statement: Any) -> Prepared:
        """The statement compiled for this engine's dialect (statements are module constants: keyed by identity)."""
        found = self._prepared.get(id(statement))
        if found is None:
            found = self._prepared[id(statement)] = Prepared(statement, self.dialect)
        return found

    def rows(self, statement: Any, values: Mapping[str, Any]) -> list[Any] | None:
        """The statement's rows, converted as SQLAlchemy would; None when the driver failed (read the ordinary way)."""
        prepared = self.prepared(statement)
        connection = self._take()
        if connection is None:
            return None
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(prepared.sql, prepared.parameters(values))
                fetched = cursor.fetchall()
            finally:
                cursor.close()
        except self.errors:
            self._close(connection)
            return None
        self._give_back(connection)
        return prepared.convert(fetched)

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
