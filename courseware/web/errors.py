"""HTTP error pages, and the mapping from domain exceptions to status codes."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from ..core.errors import InvalidInput, NotFound
from .logs import request_id, security_event

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back, reload the page and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Page not found", "There is nothing at this address. It may have moved, or the link is mistyped."),
    405: ("Method not allowed", "This page cannot be used that way."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    500: ("Something went wrong", "The error has been logged. Please try again in a moment."),
    503: ("Back in a moment", "Courseware cannot reach its database just now. Nothing you saved before is lost; "
                              "please try again in a minute."),
}
# The database did not answer, dropped the connection, or the pool had none free: try again later.
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
log = logging.getLogger("courseware.errors")


def _render(code: int, detail: str | None = None, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    title, message = MESSAGES.get(code, ("Error", "Something went wrong."))
    if request.path.startswith("/api/"):  # RFC 9457 problem documents (web/api/problems.py)
        from .api.problems import problem

        return problem(code, detail or message, headers=headers), code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def _forget_database() -> None:
    """Drop the request's broken session, and a user that could not be loaded, so the page needs no database."""
    session = g.pop("db", None)
    if session is not None:
        session.close()  # safe on a dead connection (persistence.db.ClosingSession)
    if "_login_user" not in g:
        from .security import login_manager

        g._login_user = login_manager.anonymous_user()


def unavailable_response(error: Exception):  # type: ignore[no-untyped-def]
    """The 503 page (JSON under /api/) with Retry-After, for a database that is away."""
    cause = getattr(error, "orig", None) or error
    log.warning("database unavailable", extra={"fields": {
        "error": type(cause).__name__, "detail": str(cause).splitlines()[0][:200] if str(cause) else "",
        "request_id": request_id(), "path": request.path}})
    _forget_database()
    response, code = _render(503)
    return response, code, {"Retry-After": str(current_app.config["RETRY_AFTER_SECONDS"])}


def init_app(app: Flask) -> None:
    """Register the HTML (or JSON under /api/) error handlers."""

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):  # type: ignore[no-untyped-def]
        security_event("csrf.failed", reason=error.description)
        return _render(400, "Your form expired or was sent without its security token. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):  # type: ignore[no-untyped-def]
        if error.code == 403:
            security_event("access.denied", endpoint=request.endpoint)
        if error.code in MESSAGES:
            valid = getattr(error, "valid_methods", None)
            return _render(error.code, headers={"Allow": ", ".join(valid)} if valid else None)  # type: ignore[arg-type]
        return error

    @app.errorhandler(NotFound)
    def _not_found(error: NotFound):  # type: ignore[no-untyped-def]
        return _render(404)

    @app.errorhandler(InvalidInput)
    def _invalid(error: InvalidInput):  # type: ignore[no-untyped-def]
        # A view that has a form puts the error on its field; one that does not lands here.
        return _render(400, str(error))

    for kind in UNAVAILABLE:
        app.register_error_handler(kind, unavailable_response)

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError):  # type: ignore[no-untyped-def]
        original = error.original_exception
        if isinstance(original, UNAVAILABLE):  # raised where no handler reaches (e.g. while finishing the request)
            return unavailable_response(original)
        return _render(500)
