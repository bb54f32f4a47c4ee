"""Company sign-in: off to the provider, and back with a code exchanged for a verified ID token.

Authlib checks the state (kept in the session) and the ID token (signature, issuer, audience, expiry, and the
nonce it sent); the nonce is also kept on the server and consumed on the way back, so a replayed callback —
even with a copy of the session cookie — is refused.
"""

from __future__ import annotations

import secrets

import requests
from authlib.integrations.base_client.errors import OAuthError
from flask import abort, redirect, render_template, url_for
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from ...persistence.base import utcnow
from ...services import company_sign_in, lti
from ..db import get_db
from ..logs import security_event
from ..mailing import sign_in_as
from . import bp
from .providers import client, provider

NONCE_PREFIX = "oidc-nonce:"


def _refused(reason: str, status: int = 403) -> tuple[str, int]:
    get_db().rollback()
    security_event("company_sign_in.refused", reason=reason)
    return render_template("company/refused.html", reason=reason), status


@bp.route("/auth/company/<name>")
def start(name: str) -> Response | tuple[str, int]:
    """Go to the provider to sign in (with a fresh state, nonce and PKCE verifier)."""
    found = provider(name)
    if found is None:
        abort(404)
    db = get_db()
    nonce = secrets.token_urlsafe(24)
    lti.put_value(db, NONCE_PREFIX + nonce, found.name)
    try:
        response = client(name).authorize_redirect(url_for("company.callback", name=name, _external=True), nonce=nonce)
    except (requests.RequestException, OAuthError, ValueError) as exc:
        return _refused(f"{found.label} cannot be reached just now ({type(exc).__name__}). Try again in a moment.", 502)
    db.commit()
    return response  # type: ignore[no-any-return]


@bp.route("/auth/company/<name>/callback")
def callback(name: str) -> Response | tuple[str, int]:
    """Back from the provider: check everything, then sign in the account with the verified email."""
    found = provider(name)
    if found is None:
        abort(404)
    try:
        token = client(name).authorize_access_token()
    except OAuthError as exc:
        return _refused(f"The sign-in with {found.label} was refused: {exc.description or exc.error}.")
    except JoseError as exc:
        return _refused(f"The sign-in with {found.label} was refused: its ID token is not valid ({exc}).")
    except requests.RequestException as exc:
        return _refused(f"{found.label} cannot be reached just now ({type(exc).__name__}). Try again in a moment.", 502)
    claims = dict(token.get("userinfo") or {})
    db = get_db()
    if not claims.get("nonce") or not lti.take_value(db, NONCE_PREFIX + str(claims["nonce"]), utcnow()):
        return _refused(f"This sign-in with {found.label} was already used. Sign in again.")
    if "email" not in claims:  # a provider that keeps the email for its userinfo endpoint
        extra = client(name).userinfo(token=token)
        if extra.get("sub") == claims.get("sub"):
            claims.update({k: v for k, v in extra.items() if k in ("email", "email_verified", "name")})
    try:
        user = company_sign_in.sign_in(db, found, claims)
    except company_sign_in.SignInRefused as exc:
        return _refused(str(exc))
    user.last_seen_at = utcnow()
    db.commit()
    sign_in_as(user)
    return redirect(url_for("learner.home"))
