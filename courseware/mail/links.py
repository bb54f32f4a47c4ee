"""Links in emails: absolute URLs built from ``COURSEWARE_BASE_URL``, and signed one-click unsubscribe tokens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from itsdangerous import BadSignature, URLSafeSerializer

UNSUBSCRIBE_SALT = "courseware-unsubscribe"
TOPICS = {"reminders": "assignment reminders", "digest": "the weekly mentee digest"}


def external_url(app: Flask, endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint`` on the configured base URL (no request needed: the worker has none)."""
    base = urlsplit(app.config["BASE_URL"])
    adapter = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def unsubscribe_token(secret: str, user_id: int, topic: str) -> str:
    """A signed token that turns one kind of email off for one person (it never expires)."""
    return URLSafeSerializer(secret, salt=UNSUBSCRIBE_SALT).dumps({"u": user_id, "t": topic})


def read_unsubscribe_token(secret: str, token: str) -> tuple[int, str] | None:
    """(user id, topic) from a token this app signed, else None."""
    try:
        data = URLSafeSerializer(secret, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or data.get("t") not in TOPICS:
        return None
    return data["u"], data["t"]
