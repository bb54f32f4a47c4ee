"""Shared fixtures: an app per test on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from courseware.app import create_app
from courseware.persistence.base import Base, utcnow
from courseware.persistence.db import make_engine, make_session_factory, upgrade
from courseware.persistence.models import ModuleProgress, User
from courseware.services import accounts
from courseware.services.versions import bump
from courseware.state import state_of
from tests.smtp_peer import SmtpPeer

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
POSTGRES_URL = os.environ.get("COURSEWARE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
PASSWORD = "correct-horse-battery"


def _fresh_postgres(url: str) -> str:
    """A new, empty database next to the one configured (dropped again at the end)."""
    name = f"cw_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def _drop_postgres(url: str, db_url: str) -> None:
    name = db_url.rsplit("/", 1)[1]
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database on each backend, shared by the session and emptied after each test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        upgrade(url)
        yield url
    else:
        assert POSTGRES_URL
        url = _fresh_postgres(POSTGRES_URL)
        upgrade(url)
        yield url
        _drop_postgres(POSTGRES_URL, url)


def _empty_tables(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """scrypt is deliberately slow; tests use a cheap hash with the same interface."""
    monkeypatch.setattr(
        accounts, "generate_password_hash", lambda password, method=None: generate_password_hash(password, "pbkdf2:sha256:1000")
    )


def make_config(database_url: str, **overrides: object) -> dict[str, object]:
    """Test configuration: the fixture course, CSRF off unless asked for."""
    config: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "CONTENT_DIR": str(DATA / "content"),
        "QUIZ_DIR": str(DATA / "quizzes"),
        "WTF_CSRF_ENABLED": False,
        # The route table signs in hundreds of times from one address; throttling tests turn it back on.
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return config


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on the fixture course; the tables are emptied afterwards."""
    application = create_app(make_config(database_url, JOBS_FILE=str(tmp_path / "jobs.sqlite3"),
                                         MAIL_DIR=str(tmp_path / "mail")))
    yield application
    state_of(application).engine.dispose()
    _empty_tables(database_url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session for arranging and inspecting data (commit to make it visible to requests)."""
    session = make_session_factory(state_of(app).engine)()
    yield session
    session.close()


def make_user(session: Session, email: str = "lee@example.com", roles: tuple[str, ...] = ("learner",),
              name: str | None = None, password: str = PASSWORD) -> User:
    """Create and commit a user."""
    user = accounts.create_user(session, email=email, display_name=name or email.split("@")[0].title(),
                                password=password, roles=roles)
    session.commit()
    return user


def read_modules(session: Session, user_id: int, *module_ids: str) -> None:
    """Mark modules complete (read) for a user and commit: the fixture quiz opens once intro and basics are."""
    now = utcnow()
    session.add_all(ModuleProgress(user_id=user_id, module_id=m, started_at=now, completed_at=now) for m in module_ids)
    bump(session, learners=[user_id])  # raw rows behind the services: the cached pages must see them
    session.commit()


# The fixture quiz (scope-check, module scope) may be started once these are complete.
QUIZ_PREREQUISITES = ("intro", "basics")


class Auth:
    """Signs a test client in and out."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def login(self, email: str, password: str = PASSWORD, remember: bool = False):  # type: ignore[no-untyped-def]
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.client.post("/login", data=data)

    def logout(self):  # type: ignore[no-untyped-def]
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    """The sign-in helper for ``client``."""
    return Auth(client)


@pytest.fixture
def people(db: Session) -> dict[str, User]:
    """One user per role."""
    return {
        "learner": make_user(db, "learner@example.com", ("learner",)),
        "mentor": make_user(db, "mentor@example.com", ("mentor",)),
        "admin": make_user(db, "admin@example.com", ("admin",)),
    }


@pytest.fixture
def smtp() -> Iterator[SmtpPeer]:
    """A real SMTP server (aiosmtpd) on a free loopback port, listening; ``smtp.stop()`` takes it down."""
    peer = SmtpPeer()
    peer.start()
    yield peer
    peer.stop()


@pytest.fixture
def mail_app(app: Flask, smtp: SmtpPeer) -> Flask:
    """The app sending through the test's SMTP server."""
    app.config["MAIL_URL"] = smtp.url
    return app


def run_queued_jobs(app: Flask) -> int:
    """Run what the web queued on the app's job queue (as the worker would); how many tasks ran."""
    from courseware.jobs import jobs_of

    huey = jobs_of(app).huey
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran
