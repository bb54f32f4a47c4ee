"""Logs: one structured line per request, security events, and the formats (text, or JSON lines).

Through Python ``logging`` under the ``courseware`` logger; ``COURSEWARE_LOG_FORMAT=json`` gives one
JSON object per line.  Never logged: passwords, session or remember tokens, cookies, query strings,
form fields, note text (the database engine hides SQL parameters from its error messages too).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, request
from werkzeug.wrappers import Response

LOGGER = "courseware"
request_log = logging.getLogger("courseware.request")
security_log = logging.getLogger("courseware.security")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{1,63}")
_HANDLER_MARK = "courseware_handler"


class TextFormatter(logging.Formatter):
    """``2026-11-30T12:00:00Z INFO courseware.request request method=GET status=200 …``."""

    def format(self, record: logging.LogRecord) -> str:
        """One line: time, level, logger, message, then the record's fields as key=value."""
        fields = " ".join(f"{k}={_text(v)}" for k, v in getattr(record, "fields", {}).items())
        line = f"{_when(record)} {record.levelname} {record.name} {record.getMessage()}" + (f" {fields}" if fields else "")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        entry: dict[str, Any] = {"time": _when(record), "level": record.levelname, "logger": record.name,
                                 "message": record.getMessage(), **getattr(record, "fields", {})}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


_second: tuple[float, str] = (-1.0, "")  # the last whole second formatted and its text, swapped in as one tuple


def _when(record: logging.LogRecord) -> str:
    global _second
    second, fraction = divmod(record.created, 1)
    cached = _second
    if cached[0] != second:
        cached = _second = (second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    return f"{cached[1]}.{int(fraction * 1000):03d}Z"


def _text(value: object) -> str:
    text = str(value)
    return json.dumps(text) if (not text or " " in text or '"' in text or "=" in text) else text


def configure_logging(app: Flask) -> None:
    """Send the ``courseware`` loggers to stderr in the configured format (``LOG_FORMAT``: text or json).

    A line is logged for every request, so the records skip what no format here prints, as the logging HOWTO's
    "Optimization" section describes: the caller's file and line (a stack walk per record), the thread, process
    and multiprocessing names.
    """
    logging._srcfile = None  # type: ignore[attr-defined]  # noqa: SLF001 - the documented switch
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logger = logging.getLogger(LOGGER)
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    formatter = JsonFormatter() if str(app.config.get("LOG_FORMAT", "text")).lower() == "json" else TextFormatter()
    handler = next((h for h in logger.handlers if getattr(h, _HANDLER_MARK, False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        setattr(handler, _HANDLER_MARK, True)
        logger.addHandler(handler)
    handler.setFormatter(formatter)


def request_id() -> str:
    """This request's id: the caller's ``X-Request-ID`` when it is a sane token, else a new one."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if given and _REQUEST_ID.fullmatch(given) else secrets.token_hex(16)
    return g.request_id  # type: ignore[no-any-return]


def user_id() -> int | None:
    """The signed-in user's id if this request already loaded them (never loads: logging must not query)."""
    user = g.get("_login_user")
    return int(user.id) if user is not None and getattr(user, "is_authenticated", False) else None


def _acting_user_id() -> int | None:
    """Who made this request, loading them if need be (a security event is rare enough to pay one query)."""
    from flask_login import current_user

    try:
        return int(current_user.id) if current_user.is_authenticated else None
    except Exception:  # the database may be the very thing that is failing
        return user_id()


def security_event(event: str, *, load_user: bool = True, **fields: Any) -> None:
    """Record a security event (failed sign-in, access denied, CSRF failure…) with the request's context.

    ``load_user=False`` from inside the user loader (loading the user there would recurse).
    """
    who = _acting_user_id() if load_user else user_id()
    context = {"event": event, "request_id": request_id(), "ip": request.remote_addr, "path": request.path,
               "user_id": who} if request else {"event": event}
    security_log.warning(event, extra={"fields": {**context, **fields}})


def email_for_log(typed: str) -> str:
    """The email as typed when it looks like one; anything else (a password in the wrong box…) is not logged."""
    typed = typed.strip().lower()
    return typed if _EMAIL.fullmatch(typed) else "(not an email address)"


def log_sign_in_failed(email: str) -> None:
    """A sign-in with a wrong email or password."""
    security_event("sign_in.failed", email=email_for_log(email))


def log_sign_in_throttled(email: str, retry_after: int | None = None) -> None:
    """A sign-in refused because of too many recent failures (called by the throttle)."""
    security_event("sign_in.throttled", email=email_for_log(email), retry_after=retry_after)


def _start() -> None:
    g.request_started = time.perf_counter()  # the request id is made when first asked for (request_id)


def _finish(response: Response) -> Response:
    rid = request_id()
    response.headers["X-Request-ID"] = rid
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    rule = request.url_rule.rule if request.url_rule is not None else None
    # A 503 (the database away) is expected to pass and is counted, not paged: a warning.
    level = logging.ERROR if response.status_code >= 500 and response.status_code != 503 else (
        logging.WARNING if response.status_code == 503 else logging.INFO)
    request_log.log(level, "request", extra={"fields": {
        "method": request.method, "route": rule, "path": request.path, "status": response.status_code,
        "duration_ms": duration, "user_id": user_id(), "request_id": rid,
    }})
    return response


def init_app(app: Flask) -> None:
    """Configure the loggers and log every request (its id echoed back in ``X-Request-ID``)."""
    configure_logging(app)
    app.before_request(_start)
    app.after_request(_finish)
