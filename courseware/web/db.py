"""The request's database handles, on ``g``: a plain read connection for the hot reads, and an ORM session for
views that write (the view commits it).

``reader()`` is what the user loader, progress, assignments and the cached pages read through: prebuilt Core
statements on a connection that sends no BEGIN/ROLLBACK.  ``get_db()`` opens the ORM session; for a POST its
transaction takes the write lock up front (SQLite), so a view that writes calls it only when it is about to write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask import Flask, current_app, g, request
from flask_login import current_user
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..core.access import audiences_of, may_open_track
from ..core.catalog import Catalog
from ..core.progress import CompletionRule
from ..core.quiz import QuizBank
from ..core.schedule import today_in
from ..persistence.db import IMMEDIATE, read_connection, write_session
from ..persistence.fast_read import fast_reader
from ..services.organisation import organisation_today
from ..state import AppState, state_of

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def state() -> AppState:
    """The current app's loaded course and database handles."""
    return state_of(current_app)


def get_db() -> Session:
    """The request's session; for POSTs its transaction takes the write lock up front."""
    if "db" not in g:
        session = state().sessions()
        if request and request.method not in SAFE_METHODS:
            session.connection(execution_options=IMMEDIATE)
        g.db = session
    return g.db  # type: ignore[no-any-return]


def reader() -> Connection:
    """The request's read connection (no ORM session, no transaction round trips), opened on first use."""
    if "conn" not in g:
        g.conn = read_connection(state().engine)
    return g.conn  # type: ignore[no-any-return]


def read_rows(statement: Any, values: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
    """A hot read's rows: on a kept-open driver connection (``persistence/fast_read.py``), or, should the driver
    fail, through the request's read connection, whose errors take the ordinary path (retry, 503)."""
    rows = fast_reader(state().engine).rows(statement, values)
    return rows if rows is not None else reader().execute(statement, values).all()


def side_write() -> Session:
    """A separate short write transaction for a GET that records something (caller commits)."""
    return write_session(state().sessions)


def today() -> date:
    """Today in the organisation's time zone (read once per request): due dates are compared against it."""
    if "today" not in g:
        principal = g.get("principal")  # the signed-in user's row carries the organisation's time zone
        g.today = today_in(principal.time_zone) if principal is not None else organisation_today(reader())  # type: ignore[arg-type]
    return g.today  # type: ignore[no-any-return]


def catalog() -> Catalog:
    """The course catalog loaded at start-up."""
    return state().catalog


def quiz_bank() -> QuizBank:
    """The quiz bank loaded at start-up."""
    return state().quizzes


def completion() -> CompletionRule:
    """The course's completion rule (which modules their quizzes complete), derived at start-up."""
    return state().completion


def own_completion() -> CompletionRule:
    """The rule of the signed-in person's own path: the learners', with the tracks of their audience (mentors,
    managers and admins: the mentoring track).  Dashboards, which count learners, use ``completion()``."""
    audiences = audiences_of(current_user.access_roles) if current_user.is_authenticated else ()
    return state().audience_completion[audiences[0]] if audiences else state().completion


def may_open_module(module_id: str) -> bool:
    """Whether the signed-in person may open a module (its track is everyone's, or for their audience)."""
    roles = current_user.access_roles if current_user.is_authenticated else frozenset()
    return may_open_track(catalog().audience_of(module_id), roles)


def close_handles() -> None:
    """Close the request's session and read connection (also before a retried read)."""
    session = g.pop("db", None)
    if session is not None:
        session.close()  # rolls back what was not committed; never fails (persistence.db.ClosingSession)
    connection = g.pop("conn", None)
    if connection is not None:
        try:
            connection.close()
        except DBAPIError:  # the server ended it: drop it, as ClosingSession does
            connection.invalidate()


def _close(_exc: BaseException | None) -> None:
    close_handles()


def init_app(app: Flask) -> None:
    """Close the request's session when the app context ends."""
    app.teardown_appcontext(_close)
