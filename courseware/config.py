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
    # A request body larger than this is refused with a 413 page (forms and CSV uploads stay far below).
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Sign-in throttling (web/throttle.py): per address, and per account-and-address pair.
    REDIS_URL: str | None = None  # shared counts for several app servers; unset: in memory, per process
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"  # REDIS_URL replaces it when set
    RATELIMIT_STRATEGY = "moving-window"
    THROTTLE_PER_ADDRESS = "20 per minute"
    API_RATE_LIMIT = "300 per minute"  # per personal access token (web/api/handlers.py)
    THROTTLE_FAILURES = "10 per 15 minutes"
    THROTTLE_FIRST_BLOCK = 60  # seconds; doubles with each further failure...
    THROTTLE_MAX_BLOCK = 15 * 60  # ...up to this
    TRUSTED_PROXIES = 0  # reverse proxies in front of the app whose X-Forwarded-For is believed
    # Page sizes (rows per page): every long list, the cohort heatmap's learners, a mentee's notes.
    PAGE_SIZE = 25
    HEATMAP_PAGE_SIZE = 50
    NOTES_PAGE_SIZE = 20
    # Rendered pages kept per process (web/page_cache.py): at most this many, holding at most this many characters.
    PAGE_CACHE_ENTRIES = 2000
    PAGE_CACHE_CHARS = 32_000_000  # a cached page is stored 2 bytes a character (its placeholders are not Latin-1)

    # Email.  MAIL_URL unset: messages are written to MAIL_DIR (default instance/mail) as .eml files.
    MAIL_URL: str | None = None  # smtp://user:pass@host:port, smtp+starttls://..., smtps://...
    MAIL_FROM = "Courseware <courseware@localhost>"
    MAIL_DIR: str | None = None
    MAIL_TIMEOUT = 30  # seconds to wait for the SMTP server
    MAIL_MAX_ATTEMPTS = 8  # tries before a message is marked failed (30 s, 1, 2, 4 ... 32 min apart: about an hour)
    MAIL_RETRY_SECONDS = 30  # the first retry's delay; each next one doubles, up to an hour
    BASE_URL = "http://127.0.0.1:5000"  # where links in emails point
    # The job queue: Redis when set (several app servers), else a SQLite file (JOBS_FILE, default instance/jobs.sqlite3).
    REDIS_URL: str | None = None
    JOBS_FILE: str | None = None
    JOBS_QUEUE = "courseware"  # the queue's name: two Courseware sites can share one Redis under different names
    # xAPI statements to a Learning Record Store (docs/integrations.md).  Unset: no statement is recorded.
    XAPI_ENDPOINT: str | None = None  # the LRS's xAPI base, e.g. https://lrs.example.com/xAPI/ (…/statements is added)
    XAPI_AUTH: str | None = None  # Basic credentials, written user:password
    XAPI_TIMEOUT = 10  # seconds to wait for the LRS
    XAPI_MAX_ATTEMPTS = 12  # tries before a statement is marked failed (30 s, 1, 2 … 60 min apart: about 5 hours)
    XAPI_RETRY_SECONDS = 30  # the first retry's delay; each next one doubles, up to an hour
    XAPI_BATCH = 50  # statements per POST
    # Reminders go out from this hour of the person's morning (their time zone, else the organisation's).
    REMINDER_HOUR = 8
    DIGEST_WEEKDAY = 0  # mentors' weekly digest: 0 = Monday
    STALLED_DAYS = 14  # a mentee with no activity for this many days is "stalled" in the digest
    # A cohort average is shown beside a learner only over at least this many learners (privacy).
    COHORT_MIN_GROUP = 5
    # Logs: "text" (key=value lines) or "json" (one object per line); the level of the courseware loggers.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    # The 503 page (database away) tells clients to come back after this many seconds.
    RETRY_AFTER_SECONDS = 30

    # LTI grade passback (courseware/passback.py): tries, first retry delay (doubling), HTTP timeout.
    LTI_MAX_ATTEMPTS = 8
    LTI_RETRY_SECONDS = 30
    LTI_TIMEOUT = 30
    # Company sign-in over OpenID Connect: a JSON list of providers (core/company_sign_in.py, docs/integrations.md).
    OIDC_PROVIDERS: list[dict[str, object]] | str = ""
