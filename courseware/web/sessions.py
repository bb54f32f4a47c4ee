"""The cookie session, with its verified decode cached per cookie value.

Flask's ``SecureCookieSessionInterface`` builds a signing serializer and checks the HMAC and decodes the JSON on
every request; a signed-in browser sends the same cookie until the session changes, so the verified contents are
kept in a bounded LRU keyed by the exact cookie string (and the secret key).  Nothing is trusted that was not
verified once: a cookie not in the cache goes through itsdangerous as before; the age limit
(``PERMANENT_SESSION_LIFETIME``) is checked on every hit against the cookie's signed timestamp, as itsdangerous
does; each request gets its own copy of the contents (a flash appends to a list in the session).
"""

from __future__ import annotations

import copy
import time
from collections import OrderedDict
from threading import Lock
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

CACHE_SIZE = 2048  # distinct live cookies kept; the least recently used goes first
_IMMUTABLE = (str, int, float, bool, type(None), bytes)


class CachedCookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session; a cookie verified once is not verified again until it leaves the LRU."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._decoded: OrderedDict[tuple[str, str], tuple[dict[str, Any], int, bool]] = OrderedDict()
        self._lock = Lock()
        self._serializer: tuple[object, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer, built once per secret key (Flask builds one per request)."""
        key = (app.secret_key, app.config["SECRET_KEY_FALLBACKS"] if "SECRET_KEY_FALLBACKS" in app.config else None)
        cached = self._serializer
        if cached is None or cached[0] != key:
            cached = (key, super().get_signing_serializer(app))
            self._serializer = cached
        return cached[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The session of this request's cookie: from the cache when this exact cookie was verified before."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (str(app.secret_key), value)
        with self._lock:
            hit = self._decoded.get(key)
            if hit is not None:
                self._decoded.move_to_end(key)
        if hit is None:
            try:
                data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            flat = all(isinstance(v, _IMMUTABLE) for v in data.values())
            hit = (data, int(signed_at.timestamp()), flat)
            with self._lock:
                self._decoded[key] = hit
                while len(self._decoded) > self.size:
                    self._decoded.popitem(last=False)
            return self.session_class(data if flat else copy.deepcopy(data))  # the session copies the top level
        data, signed_at, flat = hit
        age = int(time.time()) - signed_at
        if age > max_age or age < 0:  # as itsdangerous: expired, or signed in the future
            with self._lock:
                self._decoded.pop(key, None)
            return self.session_class()
        return self.session_class(data if flat else copy.deepcopy(data))


def init_app(app: Flask) -> None:
    """Use the cached cookie session."""
    app.session_interface = CachedCookieSessionInterface()
