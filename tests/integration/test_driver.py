"""The quiz submit's statements on the driver (persistence/driver.py) send exactly what SQLAlchemy sends.

Each statement is run once through SQLAlchemy (in a transaction rolled back) with an event recording the SQL and
parameters it hands the driver; the prepared form of the same statement must produce the same text and the same
converted values (SQLite's text datetimes, JSON, booleans, the completion rule's IN lists expanded).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from courseware.persistence import driver, queries, rollups
from courseware.services import attempts, drafts, lti_grades, versions
from courseware.state import state_of

AT = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
ITEM = {"attempt_id": 7, "user_id": 3, "quiz_id": "q", "question_id": "q1", "item_id": "", "kind": "choice",
        "area": "", "expected": "a", "given": "b", "correct": False, "misrouted": False, "points": 0.0,
        "max_points": 1.0, "reason": ""}


def sent_by_sqlalchemy(app: Flask, statement: Any, values: Any) -> tuple[str, Any]:
    """The SQL text and parameters SQLAlchemy hands the driver for this statement and these values."""
    engine = state_of(app).engine
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((sql, parameters))

    with engine.connect() as connection:
        event.listen(connection, "before_cursor_execute", record)
        with connection.begin() as transaction:
            try:
                connection.execute(statement, values)
            except DBAPIError:  # rows of made-up ids break foreign keys: what was sent is recorded before
                pass
            transaction.rollback()
    sent = [entry for entry in seen if entry[0] != "BEGIN"]  # SQLite's BEGIN, sent by persistence.db
    assert len(sent) == 1
    return sent[0]


def comparable(value: Any) -> Any:
    """psycopg's JSON wrapper compares by identity: compare the class and what it wraps."""
    return (type(value).__name__, value.obj) if type(value).__name__ in ("Json", "Jsonb") else value


def as_sent(parameters: Any) -> Any:
    """Positional parameters as a list (SQLAlchemy gives a tuple), named ones as a dict."""
    if isinstance(parameters, (list, tuple)):
        return [comparable(value) for value in parameters]
    return {name: comparable(value) for name, value in parameters.items()}


def test_single_statements_match(app: Flask) -> None:
    dialect = state_of(app).engine.dialect
    rule = state_of(app).completion
    postgresql = dialect.name == "postgresql"
    cases: list[tuple[Any, dict[str, Any]]] = [
        (attempts._CLAIM, {"attempt_id": 7, "at": AT, "given": {"q1": ["a", "b"], "q2": "pm"}, "b_points": 3.5,
                           "b_max_points": 4.0, "b_score": 87.5, "b_passed": True}),
        (versions._BUMP_ONE, {"user_id": 3, "mentee": 3}),
        (lti_grades._ANY_LINK, {"user_id": 3, "quiz_id": "q"}),
        (drafts._DISCARD, {"attempt_id": 7}),
        (queries.STANDING, {"user_id": 3}),
    ]
    for scores_only in (False, True):
        cases += [(statement, {"id": 3}) for statement in rollups.learner_rewrite(rule, postgresql, scores_only, one=True)]
    cases += [(query, {"attempt": 7}) for query, _columns, _upsert in rollups._attempt_increments(postgresql, one=True)]
    for statement, values in cases:
        sql, parameters = sent_by_sqlalchemy(app, statement, values)
        plan = driver.prepared(statement, dialect)
        assert plan.source_sql == sql
        assert as_sent(prepared_values(plan, values)) == as_sent(parameters)
        if plan.raw:  # psycopg: the same SQL with PostgreSQL's own numbered placeholders, values in their order
            assert (plan.sql, plan.order) == driver.numbered(sql)
            assert as_sent(plan.parameters(values)) == as_sent([plan.named(values)[name] for name in plan.order])


def prepared_values(plan: driver.Prepared, values: dict[str, Any]) -> Any:
    """The prepared statement's values in SQLAlchemy's form: by name (PostgreSQL) or in bind order (SQLite)."""
    named = plan.named(values)
    return named if plan.raw or not plan.positional else [named[name] for name in plan.order]


def test_numbered_placeholders() -> None:
    sql = "SELECT %(a)s, %(b_1)s, 'x%%y', %(a)s WHERE c LIKE '%%' || %(c)s"
    assert driver.numbered(sql) == ("SELECT $1, $2, 'x%y', $1 WHERE c LIKE '%' || $3", ("a", "b_1", "c"))


def test_many_rows_match(app: Flask) -> None:
    dialect = state_of(app).engine.dialect
    if dialect.use_insertmanyvalues_wo_returning:  # PostgreSQL: run_many goes through SQLAlchemy itself
        return
    postgresql = dialect.name == "postgresql"
    rows = [ITEM, {**ITEM, "item_id": "t2", "correct": True, "points": 1.0}]
    upserts = [(upsert, [dict(zip(columns, (1, "q", "q1", 1, 2, 1), strict=False)) for _ in range(2)])
               for _query, columns, upsert in rollups._attempt_increments(postgresql, one=True)]
    for statement, values in [(attempts._ITEMS, rows), *upserts]:
        sql, parameters = sent_by_sqlalchemy(app, statement, values)
        plan = driver.prepared(statement, dialect, tuple(values[0]))
        assert plan.source_sql == sql
        assert [as_sent(prepared_values(plan, row)) for row in values] == [as_sent(p) for p in parameters]
