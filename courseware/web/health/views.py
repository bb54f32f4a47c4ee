"""``/healthz``: the process answers.  ``/readyz``: the database answers at this code's migration and the course is loaded.

Both are public, cheap (no session, no sign-in lookup; /readyz runs one small query) and never cached.
"""

from __future__ import annotations

from flask import current_app, jsonify
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.wrappers import Response

from ...persistence.db import schema_problem, sqlite_file
from ..db import state
from . import bp

NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/healthz")
def healthz() -> tuple[Response, int, dict[str, str]]:
    """The process is alive (touches nothing else)."""
    return jsonify(status="ok"), 200, NO_STORE


@bp.route("/readyz")
def readyz() -> tuple[Response, int, dict[str, str]]:
    """Ready to serve: database reachable, migrations at head, content loaded; else 503 naming what is not."""
    app_state = state()
    checks = {"content": "ok" if app_state.catalog.modules else "no modules loaded"}
    url = current_app.config["DATABASE_URL"]
    path = sqlite_file(url)
    try:
        if path is not None and not path.is_file():
            raise OperationalError("readyz", None, FileNotFoundError(path))
        problem = schema_problem(app_state.engine, url)
    except SQLAlchemyError:
        checks["database"] = "unreachable"
    else:
        checks["database"] = "ok"
        checks["migrations"] = "ok" if problem is None else "not at head"
    ready = all(value == "ok" for value in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503, NO_STORE
