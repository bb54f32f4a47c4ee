"""Sign-in plumbing, the role decorator and safe redirects."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request, url_for
from flask_login import LoginManager, UserMixin, current_user
from flask_login.utils import _create_identifier
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import bindparam

from ..persistence import queries
from ..persistence.base import utcnow
from ..persistence.models import User
from ..services.versions import bump
from .db import read_rows, side_write, state
from .logs import security_event

login_manager = LoginManager()
csrf = CSRFProtect()
F = TypeVar("F", bound=Callable[..., Any])
LAST_SEEN_EVERY = timedelta(minutes=5)


class SignedInUser(UserMixin):
    """Adapts a ``Principal`` to Flask-Login; its id is the rotating session token and the sign-in time.

    Flask-Login puts the id in the session and, signed, in the remember-me cookie (``id|digest``);
    the sign-in time in it lets the server refuse a copied cookie once its lifetime is over
    (the browser's expiry date alone binds nobody).
    """

    def __init__(self, user: queries.Principal, signed_in_at: int):
        self.user = user
        self.signed_in_at = signed_in_at

    def get_id(self) -> str:
        return f"{self.user.session_token}:{self.signed_in_at}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.user.active

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def display_name(self) -> str:
        return self.user.display_name

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def access_roles(self) -> frozenset[str]:
        """The access roles the user holds."""
        return frozenset(self.user.access_roles)

    def has_access_role(self, *roles: str) -> bool:
        """Whether the user holds any of these access roles (learner, mentor, admin)."""
        return bool(self.user.access_roles.intersection(roles))


def sign_in_id(user_id: str) -> tuple[str, int] | None:
    """(session token, sign-in time) from a session's or remember cookie's id, or None when malformed."""
    token, _, issued = user_id.partition(":")
    if not token or not (issued.isascii() and issued.isdigit() and len(issued) <= 12):
        return None
    return token, int(issued)


def within_lifetime(signed_in_at: int, now: int) -> bool:
    """Whether a sign-in made at ``signed_in_at`` (Unix seconds) may still be used: not older than the
    remember-me lifetime (the longer of the two sign-ins; a plain session also ends with its 12-hour cookie)."""
    lifetime = current_app.config["REMEMBER_COOKIE_DURATION"]
    seconds = lifetime.total_seconds() if isinstance(lifetime, timedelta) else float(lifetime)
    return signed_in_at - 60 <= now <= signed_in_at + seconds  # a minute of clock skew


@login_manager.user_loader
def _load_user(user_id: str) -> SignedInUser | None:
    parsed = sign_in_id(user_id)
    if parsed is None:
        return None
    token, signed_in_at = parsed
    if not within_lifetime(signed_in_at, int(time.time())):
        security_event("sign_in.expired", load_user=False, signed_in_at=signed_in_at)
        return None
    # Prebuilt SQL on a kept-open driver connection: no ORM session, no pool checkout, no BEGIN, no write lock.
    user = queries.principal_from_rows(read_rows(queries.PRINCIPAL, {"token": token}))
    if user is None:
        return None
    g.principal = user  # its organisation time zone gives the request's today (web/db.today)
    now = utcnow()
    if user.last_seen_at is None or now - user.last_seen_at > LAST_SEEN_EVERY:
        # At most once in five minutes, in a short write of its own (the mentor home shows last activity).
        with side_write() as session:
            session.execute(_TOUCH, {"user_id": user.id, "now": now})
            bump(session, learners=[user.id])
            session.commit()
    return SignedInUser(user, signed_in_at)


_TOUCH = User.__table__.update().where(User.id == bindparam("user_id")).values(last_seen_at=bindparam("now"))


_IDENTIFIERS: dict[tuple[str | None, str | None, str | None], str] = {}


def session_identifier() -> str:
    """Flask-Login's session-protection identifier (a SHA-512 of the address and User-Agent, exactly as its own
    ``_create_identifier``), remembered per (forwarded address, remote address, agent): a browser sends the same
    pair on every request."""
    key = (request.headers.get("X-Forwarded-For"), request.remote_addr, request.headers.get("User-Agent"))
    found = _IDENTIFIERS.get(key)
    if found is None:
        if len(_IDENTIFIERS) > 4096:
            _IDENTIFIERS.clear()
        found = _IDENTIFIERS[key] = _create_identifier()
    return found


def access_role_required(*roles: str) -> Callable[[F], F]:
    """Let only signed-in users holding one of ``roles`` through; others get sign-in or 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_access_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def is_safe_next(target: str | None) -> bool:
    """Whether ``target`` is a path on this site (no scheme, host or protocol-relative trick)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(ord(c) < 32 for c in target)


def safe_next(default: str) -> str:
    """The ``next`` parameter when it stays on the site, else ``default``."""
    target = request.values.get("next")
    return target if is_safe_next(target) else default


def fixed_url(endpoint: str, **values: str) -> str:
    """url_for for links that never change (navigation, static files), built once per script root.

    Every page has about ten of these, and url_for costs ~15 µs a call.
    """
    cache = state().fixed_urls
    key = (request.script_root, endpoint, tuple(sorted(values.items())))
    if key not in cache:
        cache[key] = url_for(endpoint, **values)
    return cache[key]


def _csrf_for_writes(check: Callable[[], Any]) -> Callable[[], Any]:
    def csrf_protect() -> Any:
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return None
        return check()

    return csrf_protect


def init_app(app: Flask) -> None:
    """Bind Flask-Login and CSRF protection."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager._session_identifier_generator = session_identifier  # noqa: SLF001 - the documented hook's attribute
    csrf.init_app(app)
    # Flask-WTF's before-request check looks up the endpoint and its exemptions before it looks at the method;
    # a GET never needs a token: ask the method first (the check itself is unchanged).
    hooks = app.before_request_funcs.setdefault(None, [])
    for i, hook in enumerate(hooks):
        if getattr(hook, "__qualname__", "") == "CSRFProtect.init_app.<locals>.csrf_protect":
            hooks[i] = _csrf_for_writes(hook)

    @app.context_processor
    def _inject() -> dict[str, Any]:
        # Flask-Login's own context processor already passes the resolved user (not the proxy).
        return {"url_endpoints": app.view_functions, "fixed_url": fixed_url}
