"""HTTP error pages, and the mapping from domain exceptions to status codes."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..core.errors import InvalidInput, NotFound

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back, reload the page and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Page not found", "There is nothing at this address. It may have moved, or the link is mistyped."),
    405: ("Method not allowed", "This page cannot be used that way."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    500: ("Something went wrong", "The error has been logged. Please try again in a moment."),
}


def _render(code: int, detail: str | None = None):  # type: ignore[no-untyped-def]
    title, message = MESSAGES.get(code, ("Error", "Something went wrong."))
    if request.path.startswith("/api/"):
        return jsonify(error=title, detail=detail or message), code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def init_app(app: Flask) -> None:
    """Register the HTML (or JSON under /api/) error handlers."""

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):  # type: ignore[no-untyped-def]
        return _render(400, "Your form expired or was sent without its security token. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):  # type: ignore[no-untyped-def]
        if error.code in MESSAGES:
            return _render(error.code)  # type: ignore[arg-type]
        return error

    @app.errorhandler(NotFound)
    def _not_found(error: NotFound):  # type: ignore[no-untyped-def]
        return _render(404)

    @app.errorhandler(InvalidInput)
    def _invalid(error: InvalidInput):  # type: ignore[no-untyped-def]
        # A view that has a form puts the error on its field; one that does not lands here.
        return _render(400, str(error))

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError):  # type: ignore[no-untyped-def]
        return _render(500)
