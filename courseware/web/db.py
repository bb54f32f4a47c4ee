"""One database session per request, on ``g``; the view that writes commits it."""

from __future__ import annotations

from datetime import date

from flask import Flask, current_app, g, request
from flask_login import current_user
from sqlalchemy.orm import Session

from ..core.access import audiences_of, may_open_track
from ..core.catalog import Catalog
from ..core.progress import CompletionRule
from ..core.quiz import QuizBank
from ..persistence.db import IMMEDIATE, write_session
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


def side_write() -> Session:
    """A separate short write transaction for a GET that records something (caller commits)."""
    return write_session(state().sessions)


def today() -> date:
    """Today in the organisation's time zone (read once per request): due dates are compared against it."""
    if "today" not in g:
        g.today = organisation_today(get_db())
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


def _close(_exc: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()  # rolls back what was not committed; never fails (persistence.db.ClosingSession)


def init_app(app: Flask) -> None:
    """Close the request's session when the app context ends."""
    app.teardown_appcontext(_close)
