"""Route table rows for the foundation: auth, learner and admin people pages."""

from __future__ import annotations

LOGIN = 302  # anonymous users are sent to sign in
SIGNED_IN = ("learner", "mentor", "manager", "admin")


def _signed_in(status: int, anonymous: int = LOGIN) -> dict[str, int]:
    """Every signed-in role gets ``status``; anonymous users ``anonymous`` (default: sent to sign in)."""
    return {"anonymous": anonymous, **{role: status for role in SIGNED_IN}}


def _people(status: int) -> dict[str, int]:
    """People pages: admins get ``status``; everyone else signed in 403."""
    return {**_signed_in(403), "admin": status}


# (method, url, endpoint, {role: status}); ids 1 is the learner fixture user.
ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    # Health endpoints are public: load balancers call them without signing in.
    ("GET", "/healthz", "health.healthz", _signed_in(200, anonymous=200)),
    ("GET", "/readyz", "health.readyz", _signed_in(200, anonymous=200)),
    ("GET", "/login", "auth.login", _signed_in(302, anonymous=200)),
    ("GET", "/logout", "auth.logout", _signed_in(200, anonymous=302)),
    ("GET", "/", "learner.home", {**_signed_in(302), "learner": 200}),  # others land on their page (routes_drafts_landing)
    ("GET", "/tracks/foundations", "learner.track", _signed_in(200)),
    ("GET", "/tracks/nope", "learner.track", _signed_in(404)),
    ("GET", "/modules/intro", "learner.module", _signed_in(200)),
    ("GET", "/modules/nope", "learner.module", _signed_in(404)),
    ("POST", "/modules/intro/complete", "learner.complete", _signed_in(302)),
    ("GET", "/admin/", "admin.index", _people(200)),
    ("GET", "/admin/users", "admin.users", _people(200)),
    ("GET", "/admin/users/new", "admin.new_user", _people(200)),
    ("POST", "/admin/users/new", "admin.new_user", _people(200)),
    ("GET", "/admin/users/{learner}", "admin.user", _people(200)),
    ("GET", "/admin/users/999999", "admin.user", _people(404)),
    # Beyond any id column: no route matches (web/converters.py), so a 404 for everyone, signed in or not.
    ("GET", "/admin/users/99999999999", "admin.user", {role: 404 for role in ("anonymous", *SIGNED_IN)}),
    ("POST", "/admin/users/{learner}", "admin.user", _people(302)),
    ("POST", "/admin/users/{learner}/active", "admin.set_active", _people(302)),
]


def _everyone(status: int) -> dict[str, int]:
    """Pages that work without signing in (links that arrive by email): ``status`` for every role."""
    return {"anonymous": status, **{role: status for role in SIGNED_IN}}


# Links that arrive by email, the account page and unsubscribing.
ROUTES += [
    ("GET", "/invite/{invite_token}", "auth.accept_invitation", _everyone(200)),
    ("POST", "/invite/{invite_token}", "auth.accept_invitation", _everyone(200)),  # empty form: errors, link still live
    ("GET", "/invite/not-a-token", "auth.accept_invitation", _everyone(200)),  # a page that says so, never a 500
    ("POST", "/invite/not-a-token", "auth.accept_invitation", _everyone(200)),
    # Signed in, the account page changes the password (with the current one): no need for a reset link.
    ("GET", "/password/forgot", "auth.forgot_password", _signed_in(302, anonymous=200)),
    ("POST", "/password/forgot", "auth.forgot_password", _signed_in(302, anonymous=200)),
    ("GET", "/password/reset/{reset_token}", "auth.reset_password", _everyone(200)),
    ("POST", "/password/reset/{reset_token}", "auth.reset_password", _everyone(200)),
    ("GET", "/password/reset/not-a-token", "auth.reset_password", _everyone(200)),
    ("GET", "/account", "account.index", _signed_in(200)),
    ("POST", "/account/profile", "account.profile", _signed_in(200)),  # empty form: shown again with errors
    ("POST", "/account/password", "account.password", _signed_in(200)),
    ("POST", "/account/preferences", "account.preferences", _signed_in(302)),
    ("GET", "/unsubscribe/{unsubscribe_token}", "account.unsubscribe", _everyone(200)),
    ("GET", "/unsubscribe/forged", "account.unsubscribe", _everyone(200)),
    ("POST", "/unsubscribe/forged", "account.unsubscribe", _everyone(200)),
    ("POST", "/unsubscribe/{unsubscribe_token}", "account.unsubscribe", _everyone(200)),
]
