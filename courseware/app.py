"""The application factory."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

from flask import Flask

from .config import REPO_ROOT, Defaults
from .core.catalog import load_catalog
from .core.diagnostic import load_diagnostic
from .core.errors import ContentError, Problem
from .core.quiz import load_quizzes
from .core.templates_pack import load_templates
from .persistence.db import make_engine, make_session_factory, schema_problem
from .state import KEY as STATE_KEY
from .state import AppState, state_of

KEY_FILE = "secret_key"  # the development key, in the instance folder


class ConfigError(RuntimeError):
    """The configuration cannot run the app (e.g. no secret key in production)."""


def create_app_or_exit(*, cli: bool = False, development: bool = False, serve: bool = False) -> Flask:
    """create_app for servers and the CLI: content or configuration problems are printed, then exit 1.

    No traceback wall: each content problem is one ``path:line: message`` line on stderr.  ``cli``: the
    ``courseware`` command, which finds the development key a checkout keeps in ``instance/``;
    ``development``: run as ``make run`` does (``courseware init-db --dev``).  With ``serve`` (gunicorn
    through wsgi.py, ``courseware run``) the database must also exist and be migrated: a server that
    cannot serve stops here, once, instead of failing every request.
    """
    try:
        app = create_app({"DEVELOPMENT": True} if development else None, find_development_key=cli)
        if serve:
            require_database(app)
        return app
    except ContentError as exc:
        print("\n".join(str(p) for p in exc.problems), file=sys.stderr)
        print(f"courseware: the content has {len(exc.problems)} problem(s); fix them and start again.", file=sys.stderr)
    except ConfigError as exc:
        print(f"courseware: {exc}", file=sys.stderr)
    raise SystemExit(1)


def create_app(config: dict[str, Any] | None = None, *, find_development_key: bool = False) -> Flask:
    """Build the app: defaults, then COURSEWARE_* variables, then ``config``.

    ``find_development_key``: without COURSEWARE_SECRET_KEY, use the development key kept in the
    instance folder when there is one, and run in development mode as ``make run`` does.
    """
    from .web.retry import Courseware

    app = Courseware(
        __name__,
        instance_path=os.environ.get("COURSEWARE_INSTANCE_PATH") or None,
        instance_relative_config=True,
        static_folder=str(REPO_ROOT / "static"),
        template_folder="web/templates",
    )
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("COURSEWARE")
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    key_file = Path(app.instance_path) / KEY_FILE
    if find_development_key and not app.config.get("SECRET_KEY") and key_file.exists():
        app.config["DEVELOPMENT"] = True  # the key exists because `make run` or `init-db --dev` made this a development checkout
    relaxed = app.debug or app.testing or bool(app.config["DEVELOPMENT"])
    if relaxed:
        app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    _configure_secret(app, relaxed)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "courseware.db")

    # Content is validated and rendered once, here; a ContentError stops the start-up.
    catalog = load_catalog(app.config["CONTENT_DIR"])
    quizzes = load_quizzes(app.config["QUIZ_DIR"], catalog)
    problems: list[Problem] = []
    templates = load_templates(Path(app.config["CONTENT_DIR"]), problems)
    diagnostic = load_diagnostic(Path(app.config["CONTENT_DIR"]), catalog, problems)
    if problems:
        raise ContentError(problems)
    engine = make_engine(app.config["DATABASE_URL"], must_exist=True)  # init-db creates it, never a request
    app.extensions[STATE_KEY] = AppState(catalog, quizzes, engine, make_session_factory(engine), templates=templates,
                                         diagnostic=diagnostic)
    configure_statements(app)

    if int(app.config["TRUSTED_PROXIES"]):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from .web import init_web

    init_web(app)
    from .cli import register_commands

    register_commands(app)
    return app


def configure_statements(app: Flask) -> None:
    """With ``XAPI_ENDPOINT`` set, the app's sessions record xAPI statements in the outbox (``services/xapi.py``)."""
    from .services.xapi import INFO_KEY, XapiSetup

    if app.config.get("XAPI_ENDPOINT"):
        state = app.extensions[STATE_KEY]
        state.sessions.configure(info={INFO_KEY: XapiSetup(app.config["BASE_URL"], state.catalog.registry)})


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
    """The secret key: COURSEWARE_SECRET_KEY, else (development and tests only) one kept in the instance folder."""
    if app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY_ORIGIN"] = "configuration"
        return
    key_file = Path(app.instance_path) / KEY_FILE
    if not relaxed:
        raise ConfigError(
            "no secret key. In production set COURSEWARE_SECRET_KEY (for example to the output of "
            "`python3 -c 'import secrets; print(secrets.token_hex(32))'`). In a checkout, `make run` or "
            f"`courseware init-db --dev` once keeps a development key in {key_file}, which every command then finds."
        )
    app.config["SECRET_KEY_ORIGIN"] = "development key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
        app.config["SECRET_KEY_ORIGIN"] = "new development key"
    app.config["SECRET_KEY"] = key_file.read_text().strip()
