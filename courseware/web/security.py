"""Sign-in plumbing, the role decorator and safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, request, url_for
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from ..persistence import queries
from ..persistence.base import utcnow
from ..persistence.models import User
from .db import SAFE_METHODS, get_db, side_write, state

login_manager = LoginManager()
csrf = CSRFProtect()
F = TypeVar("F", bound=Callable[..., Any])
LAST_SEEN_EVERY = timedelta(minutes=5)


class SignedInUser(UserMixin):
    """Adapts a ``Principal`` to Flask-Login; its id is the rotating session token."""

    def __init__(self, user: queries.Principal):
        self.user = user

    def get_id(self) -> str:
        return self.user.session_token

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

    def has_access_role(self, *roles: str) -> bool:
        """Whether the user holds any of these access roles (learner, mentor, admin)."""
        return bool(self.user.access_roles.intersection(roles))


@login_manager.user_loader
def _load_user(token: str) -> SignedInUser | None:
    user = queries.principal_by_token(get_db(), token)
    if user is None:
        return None
    now = utcnow()
    if user.last_seen_at is None or now - user.last_seen_at > LAST_SEEN_EVERY:
        touch = User.__table__.update().where(User.id == user.id).values(last_seen_at=now)
        if request.method in SAFE_METHODS:
            with side_write() as session:
                session.execute(touch)
                session.commit()
        else:  # the request already holds the write lock; this lands when the view commits
            get_db().execute(touch)
    return SignedInUser(user)


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


def init_app(app: Flask) -> None:
    """Bind Flask-Login and CSRF protection."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    csrf.init_app(app)

    @app.context_processor
    def _inject() -> dict[str, Any]:
        # Flask-Login's own context processor already passes the resolved user (not the proxy).
        return {"url_endpoints": app.view_functions, "fixed_url": fixed_url}
