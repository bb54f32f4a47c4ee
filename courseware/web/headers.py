"""Security headers on every response: a strict Content-Security-Policy and its companions.

No script runs inline (there is none; a future one goes in ``static/``); styles may be inline
because the server-drawn charts set widths and colours in ``style`` attributes.  HSTS is sent only
when cookies are Secure, that is outside development and testing, where the site is served over HTTPS.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

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


def init_app(app: Flask) -> None:
    """Add the security headers to every response, error pages and static files included."""
    headers = [(name.lower(), name, value) for name, value in security_headers(bool(app.config["SESSION_COOKIE_SECURE"])).items()]

    @app.after_request
    def _secure(response: Response) -> Response:
        # One pass over the response's headers instead of a setdefault (a linear scan each) per header.
        present = {name.lower() for name in response.headers.keys()}
        for lowered, name, value in headers:
            if lowered not in present:
                response.headers.add(name, value)
        return response
