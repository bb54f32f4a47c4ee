"""Prebuilt statements run straight on the driver cursor of a session's connection, inside its transaction.

The quiz submit writes with about fifteen prebuilt statements (the claim, the items, the data version, the
rollup rewrite…).  Through ``Connection.execute`` each one costs 60–100 µs of SQLAlchemy (the execution context,
cache-key lookup, parameter processing, expanding IN lists rendered again on every call, the result object) for
10–50 µs of SQLite.  Here a statement is compiled once per dialect into its final SQL text (IN lists of constants
expanded once), the order of its parameters, the constants' values and the bind processors SQLAlchemy would apply
(SQLite's text datetimes, JSON, booleans); a call converts the caller's values and hands them to the driver's
cursor on the session's own connection: the same transaction, the same write lock.

Only for statements whose SQL does not change with the values (no expanding bind left for the caller; ``run``
refuses one).  A driver error is raised as the SQLAlchemy error the ordinary path raises (``DBAPIError.instance``,
parameters hidden), and a lost connection is invalidated, so the web's retry and 503 handling see what they know.
``tests/integration/test_driver.py`` holds the SQL and parameters equal to what SQLAlchemy itself sends.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, exc
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session


class Prepared:
    """One statement compiled for one dialect: final SQL, parameter order, constants and bind processors."""

    def __init__(self, statement: Any, dialect: Dialect, column_keys: tuple[str, ...] | None = None):
        # An INSERT given its values per call (no .values()) compiles for the keys it is given, as SQLAlchemy does.
        compiled = statement.compile(dialect=dialect, column_keys=list(column_keys) if column_keys else None)
        required = {name: None for name, bind in compiled.binds.items() if bind.required}
        if any(compiled.binds[name].expanding for name in required):
            raise ValueError("a statement with an expanding parameter left to the caller cannot be prepared")
        expanded = compiled.construct_expanded_state(required)
        self.source_sql: str = expanded.statement  # as SQLAlchemy sends it
        self.sql = self.source_sql
        self.positional = bool(compiled.positional)
        self.order: tuple[str, ...] = tuple(expanded.positiontup or ()) if self.positional else ()
        # psycopg parses %(name)s placeholders on every call once a statement is over 4 kB or 50 parameters (the
        # rollup rewrite, a quiz's items): converted here once to PostgreSQL's own $n, run on a raw cursor.
        self.raw = dialect.name == "postgresql" and dialect.driver == "psycopg"
        if self.raw:
            self.sql, self.order = numbered(self.source_sql)
            self.positional = True
        processors: dict[str, Callable[[Any], Any]] = {
            **compiled._bind_processors, **expanded.processors}  # noqa: SLF001 - what SQLAlchemy itself applies
        self.required = tuple(required)
        self.processors = {name: processors[name] for name in self.required if name in processors}
        self.constants = {name: (processors[name](value) if name in processors and value is not None else value)
                          for name, value in expanded.parameters.items() if name not in required}

    def named(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Every parameter by name for the caller's ``values``, converted as SQLAlchemy converts them."""
        merged = {**self.constants, **values}
        for name, process in self.processors.items():
            value = merged[name]
            if value is not None:
                merged[name] = process(value)
        return merged

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        """The driver's parameters for the caller's ``values``: in placeholder order, or by name."""
        merged = self.named(values)
        return [merged[name] for name in self.order] if self.positional else merged


_PLACEHOLDER = re.compile(r"%\(([^)]+)\)s|%%")


def numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """``%(name)s`` placeholders as PostgreSQL's ``$1``, ``$2``… (a name used twice keeps its number; ``%%`` is a
    literal ``%``), and the names in number order."""
    order: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    return _PLACEHOLDER.sub(number, sql), tuple(order)


_PREPARED: dict[tuple[int, str, tuple[str, ...] | None], tuple[Any, Prepared]] = {}
_LOCK = threading.Lock()


def prepared(statement: Any, dialect: Dialect, column_keys: tuple[str, ...] | None = None) -> Prepared:
    """The statement compiled for this dialect (and, for an INSERT given its values per call, these columns), kept
    for as long as the process lives (statements are module constants or cached per completion rule: a handful)."""
    key = (id(statement), dialect.name, column_keys)
    found = _PREPARED.get(key)
    if found is None or found[0] is not statement:
        with _LOCK:
            found = (statement, Prepared(statement, dialect, column_keys))
            _PREPARED[key] = found
    return found[1]


_MULTI: dict[tuple[int, tuple[str, ...], int], tuple[Any, Any]] = {}


def multi_row(statement: Any, keys: tuple[str, ...], count: int) -> Any:
    """The INSERT (an upsert's ON CONFLICT clause kept) with ``count`` rows of VALUES, bound as ``<key>_<n>``:
    built once per statement, columns and row count (a quiz's items come in a few sizes)."""
    key = (id(statement), keys, count)
    found = _MULTI.get(key)
    if found is None or found[0] is not statement:
        table = statement.table
        rows = [{column: bindparam(f"{column}_{n}", type_=table.c[column].type) for column in keys}
                for n in range(count)]
        found = (statement, statement.values(rows))
        with _LOCK:
            _MULTI[key] = found
    return found[1]


class Result:
    """What a driver call returns: the rows (for a SELECT) and the row count."""

    __slots__ = ("rows", "rowcount")

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int):
        self.rows = rows
        self.rowcount = rowcount


def _connection(handle: Session | Connection) -> Connection:
    return handle.connection() if isinstance(handle, Session) else handle


def run(handle: Session | Connection, statement: Any, values: Mapping[str, Any] | None = None) -> Result:
    """Execute a prebuilt statement on the driver cursor of ``handle``'s connection (its transaction)."""
    connection = _connection(handle)
    dialect = connection.dialect
    plan = prepared(statement, dialect)
    parameters = plan.parameters(values or {})
    return _execute(connection, plan, lambda cursor: cursor.execute(plan.sql, parameters), parameters)


def run_many(handle: Session | Connection, statement: Any, rows: Iterable[Mapping[str, Any]]) -> None:
    """Execute a prebuilt INSERT for each row (rows with the same keys), in ``handle``'s transaction: on SQLite the
    driver's executemany (one prepared statement stepped per row, in C); where the engine sends rows inserted
    together as one multi-row INSERT (PostgreSQL, ``persistence.db.make_engine``), as one such INSERT too."""
    connection = _connection(handle)
    rows = list(rows)
    if not rows:
        return
    keys = tuple(rows[0])
    if connection.dialect.use_insertmanyvalues_wo_returning:  # one INSERT … VALUES (…), (…) for them all
        many = multi_row(statement, keys, len(rows))
        run(connection, many, {f"{key}_{n}": value for n, row in enumerate(rows) for key, value in row.items()})
        return
    plan = prepared(statement, connection.dialect, keys)
    parameters = [plan.parameters(row) for row in rows]
    if parameters:
        _execute(connection, plan, lambda cursor: cursor.executemany(plan.sql, parameters), parameters)


def raw_cursor(dbapi_connection: Any) -> Any:
    """psycopg's cursor that sends PostgreSQL's own ``$n`` placeholders as they are (``Prepared.raw``)."""
    from psycopg import RawCursor  # only where the engine runs on psycopg

    return RawCursor(dbapi_connection)


def _execute(connection: Connection, plan: Prepared, call: Callable[[Any], Any], parameters: Any) -> Result:
    dialect = connection.dialect
    dbapi_connection = connection.connection.dbapi_connection
    cursor = raw_cursor(dbapi_connection) if plan.raw else dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        call(cursor)
        rows: list[tuple[Any, ...]] = list(cursor.fetchall()) if cursor.description is not None else []
        return Result(rows, cursor.rowcount)
    except dialect.loaded_dbapi.Error as error:
        if dialect.is_disconnect(error, dbapi_connection, cursor):
            connection.invalidate(error)
        raise exc.DBAPIError.instance(plan.sql, parameters, error, dialect.loaded_dbapi.Error,
                                      hide_parameters=True, dialect=dialect) from error
    finally:
        cursor.close()
