"""Security headers on every response: a strict Content-Security-Policy and its companions.

No script runs inline (there is none; a future one goes in ``static/``); styles may be inline
because the server-drawn charts set widths and colours in ``style`` attributes.  HSTS is sent only
when cookies are Secure, that is outside development and testing, where the site is served over HTTPS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HSTS = "max-age=31536000"


def security_headers(hsts: bool) -> dict[str, str]:
    """The headers every response carries (HSTS only when ``hsts``)."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if hsts:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeaders:
    """WSGI middleware adding the security headers to every response as it starts (error pages and static files
    included): appended to the header list the response already built, which costs a fraction of adding them one
    by one to a Flask response.  A response that set one of them itself (the LTI launch page's own policy) keeps
    its value."""

    def __init__(self, app: Any, headers: dict[str, str]):
        self.app = app
        self.headers = list(headers.items())
        self.names = frozenset(name.lower() for name in headers)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        def start(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            own = [name for name, _ in response_headers if name.lower() in self.names]
            if own:
                present = {name.lower() for name in own}
                response_headers.extend((n, v) for n, v in self.headers if n.lower() not in present)
            else:
                response_headers.extend(self.headers)
            return start_response(status, response_headers, exc_info) if exc_info else start_response(
                status, response_headers)

        return self.app(environ, start)


def init_app(app: Flask) -> None:
    """Add the security headers to every response, error pages and static files included."""
    app.wsgi_app = SecurityHeaders(app.wsgi_app, security_headers(bool(app.config["SESSION_COOKIE_SECURE"])))  # type: ignore[method-assign]
