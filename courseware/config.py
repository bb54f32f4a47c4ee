"""Default configuration; every key can be overridden with a COURSEWARE_ environment variable."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    """Values used unless the environment or the caller says otherwise."""

    DATABASE_URL: str | None = None  # None: a SQLite file in the instance folder
    SECRET_KEY: str | None = None
    DEVELOPMENT = False  # make run sets COURSEWARE_DEVELOPMENT=1: a generated key, no Secure cookies
    CONTENT_DIR = str(REPO_ROOT / "content")
    QUIZ_DIR = str(REPO_ROOT / "quizzes")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # A sign-in lasts 12 hours from signing in (an absolute limit), and the cookie is not
    # re-signed on every response.
    SESSION_REFRESH_EACH_REQUEST = False
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    # A long quiz must not expire its own form: tokens last as long as the sign-in.
    WTF_CSRF_TIME_LIMIT = int(timedelta(hours=12).total_seconds())
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Page sizes (rows per page): every long list, the cohort heatmap's learners, a mentee's notes.
    PAGE_SIZE = 25
    HEATMAP_PAGE_SIZE = 50
    NOTES_PAGE_SIZE = 20
    # A cohort average is shown beside a learner only over at least this many learners (privacy).
    COHORT_MIN_GROUP = 5
    # Logs: "text" (key=value lines) or "json" (one object per line); the level of the courseware loggers.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    # The 503 page (database away) tells clients to come back after this many seconds.
    RETRY_AFTER_SECONDS = 30
