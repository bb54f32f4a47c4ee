"""The application factory."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Any

from flask import Flask

from .config import REPO_ROOT, Defaults
from .core.catalog import load_catalog
from .core.errors import ContentError
from .core.quiz import load_quizzes
from .persistence.db import make_engine, make_session_factory, schema_problem
from .state import KEY as STATE_KEY
from .state import AppState, state_of


class ConfigError(RuntimeError):
    """The configuration cannot run the app (e.g. no secret key in production)."""


def create_app_or_exit(*, serve: bool = False) -> Flask:
    """create_app for servers and the CLI: content or configuration problems are printed, then exit 1.

    No traceback wall: each content problem is one ``path:line: message`` line on stderr.  With
    ``serve`` (gunicorn through wsgi.py, ``courseware run``) the database must also exist and be
    migrated: a server that cannot serve stops here, once, instead of failing every request.
    """
    try:
        app = create_app()
        if serve:
            require_database(app)
        return app
    except ContentError as exc:
        print("\n".join(str(p) for p in exc.problems), file=sys.stderr)
        print(f"courseware: the content has {len(exc.problems)} problem(s); fix them and start again.", file=sys.stderr)
    except ConfigError as exc:
        print(f"courseware: {exc}", file=sys.stderr)
    raise SystemExit(1)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then COURSEWARE_* variables, then ``config``."""
    from .web.retry import Courseware

    app = Courseware(
        __name__,
        instance_relative_config=True,
        static_folder=str(REPO_ROOT / "static"),
        template_folder="web/templates",
    )
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("COURSEWARE")
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    relaxed = app.debug or app.testing or bool(app.config["DEVELOPMENT"])
    if relaxed:
        app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    _configure_secret(app, relaxed)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "courseware.db")

    # Content is validated and rendered once, here; a ContentError stops the start-up.
    catalog = load_catalog(app.config["CONTENT_DIR"])
    quizzes = load_quizzes(app.config["QUIZ_DIR"], catalog)
    engine = make_engine(app.config["DATABASE_URL"], must_exist=True)  # init-db creates it, never a request
    app.extensions[STATE_KEY] = AppState(catalog, quizzes, engine, make_session_factory(engine))

    from .web import init_web

    init_web(app)
    from .cli import register_commands

    register_commands(app)
    return app


def require_database(app: Flask) -> None:
    """Refuse to serve (ConfigError) when the database file is missing or its schema is not at this code's migration.

    A database that does not answer at all is not refused: the app starts and answers 503 (and
    ``/readyz`` says why) until it is back.  The check's connections are closed again, so a server
    that forks workers after it (gunicorn's preload) hands none of them over.
    """
    from sqlalchemy.exc import OperationalError

    state = state_of(app)
    try:
        problem = schema_problem(state.engine, app.config["DATABASE_URL"])
    except OperationalError as exc:
        app.logger.warning("database not reachable at start-up: %s", exc.orig)
        problem = None
    finally:
        state.engine.dispose()
    if problem:
        raise ConfigError(f"{problem}. Run `courseware init-db` to create or upgrade it, then start again.")


def _configure_secret(app: Flask, relaxed: bool) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if not relaxed:
        raise ConfigError("COURSEWARE_SECRET_KEY must be set (outside development and testing).")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()
