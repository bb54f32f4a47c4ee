"""Rendered pages cached per process under explicit keys, with the per-request parts filled in after.

A cached page is rendered once per key with placeholders where the request's own parts go (the signed-in
person's name and email, the CSRF token) and kept in a bounded LRU cache on the app.  Every later request
with the same key gets that HTML with its own parts filled in (escaped as the template would have).

The key is the page's whole input: the view passes what its data depends on — the module and the learner's
standing, or the person and the data versions read with them on this request (``services/versions.py``)
— and this module adds the template, the endpoint, the script root and the person's access roles (the
navigation).  Versions live in the database, so a write committed on any app server changes the key on
every other one: no page is served from data older than the last committed write.

A request with flashed messages waiting is rendered the ordinary way (it is the rare one after a POST).
The placeholder user refuses ``id``: a template that printed whose page it is would leak into a shared entry.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from threading import Lock
from typing import Any

from flask import Flask, current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

_MARK = secrets.token_hex(8)
CSRF_MARK = f"\ue000csrf-{_MARK}\ue001"
NAME_MARK = f"\ue000name-{_MARK}\ue001"
EMAIL_MARK = f"\ue000email-{_MARK}\ue001"
KEY = "courseware.page_cache"
MEMO_KEY = "courseware.memo"


class PageCache:
    """An LRU of rendered pages, bounded by entries and by characters held (thread-safe)."""

    def __init__(self, max_entries: int, max_chars: int):
        self.max_entries = max_entries
        self.max_chars = max_chars
        self.chars = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> str | None:
        """The page under ``key`` (now the most recently used), or None."""
        with self._lock:
            html = self._entries.get(key)
            if html is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return html

    def put(self, key: Hashable, html: str) -> None:
        """Keep ``html`` under ``key``, dropping the least recently used pages beyond the bounds."""
        if len(html) > self.max_chars:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.chars -= len(old)
            self._entries[key] = html
            self.chars += len(html)
            while len(self._entries) > self.max_entries or self.chars > self.max_chars:
                _, dropped = self._entries.popitem(last=False)
                self.chars -= len(dropped)

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._entries.clear()
            self.chars = 0


class Memo:
    """A small bounded LRU for values derived from versioned data (thread-safe); keys carry the versions."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable) -> Any:
        """The value under ``key``, or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` under ``key``, dropping the least recently used beyond the bound."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


class PlaceholderUser:
    """Stands in for the signed-in user while a shared page is rendered: roles are real (they are in the key),
    name and email are placeholders, and anything else that identifies the person is refused."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, roles: frozenset[str]):
        self._roles = roles
        self.display_name = NAME_MARK
        self.email = EMAIL_MARK

    def has_access_role(self, *roles: str) -> bool:
        """Whether the user holds any of these access roles."""
        return bool(self._roles.intersection(roles))

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"a cached page may not show the user's {name!r}")


CSRF_REUSE = 60.0  # seconds a signed CSRF token is handed out again (it is valid for WTF_CSRF_TIME_LIMIT)
_SIGNED: OrderedDict[tuple[str, str], tuple[str, float]] = OrderedDict()
_SIGNED_LOCK = Lock()


def csrf_token() -> str:
    """Flask-WTF's signed CSRF token for this session, as ``generate_csrf`` makes it, but signed at most once a
    minute per session token: signing (an HMAC with a fresh timestamp) was a quarter of a cached page's cost.

    The token handed out again is the one made for the same session token under the same secret, no older than
    ``CSRF_REUSE`` seconds, so it validates exactly as a fresh one would for all but the last minute of its
    lifetime; another session's token is never handed out (the key is the session's own random token).
    """
    if "csrf_token" in g:
        return g.csrf_token  # type: ignore[no-any-return]
    app = current_app
    secret = str(app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key)
    raw = session.get("csrf_token")
    now = time.monotonic()
    if isinstance(raw, str):
        with _SIGNED_LOCK:
            hit = _SIGNED.get((secret, raw))
        if hit is not None and now - hit[1] < CSRF_REUSE:
            g.csrf_token = hit[0]
            return hit[0]
    token = generate_csrf()  # makes the session's token first when it has none
    raw = session.get("csrf_token")
    if not isinstance(raw, str):
        return token
    key = (secret, raw)
    with _SIGNED_LOCK:
        _SIGNED[key] = (token, now)
        _SIGNED.move_to_end(key)
        while len(_SIGNED) > 4096:
            _SIGNED.popitem(last=False)
    return token


def page_cache(app: Flask | None = None) -> PageCache:
    """The app's page cache."""
    return (app or current_app).extensions[KEY]  # type: ignore[no-any-return]


def render_cached(key: Hashable, template: str, context: Callable[[], Mapping[str, Any]]) -> str:
    """The page ``template`` for ``key``: from the cache, or rendered with ``context()`` (called only on a miss,
    so the queries behind the page run only then) and kept; the request's own parts filled in either way."""
    roles: frozenset[str] = current_user.user.access_roles
    if "_flashes" in session:  # messages for this request only: render it the ordinary way
        return render_template(template, **context())
    full_key = (template, request.endpoint, request.script_root, roles, key)
    cache = page_cache()
    html = cache.get(full_key)
    if html is None:
        real = g.pop("csrf_token", None)
        g.csrf_token = CSRF_MARK  # what Flask-WTF's generate_csrf (csrf_token(), form.hidden_tag()) returns now
        try:
            html = render_template(template, **context(), current_user=PlaceholderUser(roles))
        finally:
            g.pop("csrf_token", None)
            if real is not None:
                g.csrf_token = real
        cache.put(full_key, html)
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, csrf_token())
    return html.replace(NAME_MARK, str(escape(current_user.display_name))).replace(
        EMAIL_MARK, str(escape(current_user.email)))


def init_app(app: Flask) -> None:
    """Give the app its page cache (PAGE_CACHE_ENTRIES pages, PAGE_CACHE_CHARS characters at most)."""
    app.extensions[KEY] = PageCache(int(app.config.get("PAGE_CACHE_ENTRIES", 2000)),
                                    int(app.config.get("PAGE_CACHE_CHARS", 32_000_000)))
    app.extensions[MEMO_KEY] = Memo(int(app.config.get("PAGE_CACHE_ENTRIES", 2000)) * 4)


def memo(app: Flask | None = None) -> Memo:
    """The app's memo of values derived from versioned data (a learner's state of a module)."""
    return (app or current_app).extensions[MEMO_KEY]  # type: ignore[no-any-return]
