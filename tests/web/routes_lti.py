"""Route table rows for the LTI 1.3 tool and company sign-in (OpenID Connect).

The protocol endpoints are public: a platform's browser redirect or form post carries no Courseware session.
Without the platform's parameters they refuse (400 for a login initiation, 403 for a launch) whoever asks.
The route table's app configures no OpenID provider, so company sign-in routes are 404 for everyone.
"""

from __future__ import annotations

from tests.web.routes_foundation import LOGIN, SIGNED_IN

ROLES = ("anonymous", *SIGNED_IN)


def _all(status: int) -> dict[str, int]:
    return {role: status for role in ROLES}


def _signed_in(status: int) -> dict[str, int]:
    return {"anonymous": LOGIN, **{role: status for role in SIGNED_IN}}


def _admin(status: int) -> dict[str, int]:
    return {"anonymous": LOGIN, "learner": 403, "mentor": 403, "manager": 403, "admin": status}


ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/lti/login", "lti.login", _all(400)),  # no issuer, no login hint
    ("POST", "/lti/login", "lti.login", _all(400)),
    ("POST", "/lti/launch", "lti.launch", _all(403)),  # no state, no id_token
    ("GET", "/lti/launch", "lti.launch", _all(405)),
    ("GET", "/lti/jwks", "lti.jwks", _all(200)),
    ("GET", "/lti/deep-link", "lti.deep_link", _signed_in(404)),  # only after a deep-linking launch
    ("POST", "/lti/deep-link", "lti.deep_link", _signed_in(404)),
    ("GET", "/admin/lti", "lti.platforms", _admin(200)),
    ("GET", "/admin/lti/new", "lti.new_platform", _admin(200)),
    ("POST", "/admin/lti/new", "lti.new_platform", _admin(200)),  # empty: the form again with its errors
    ("GET", "/admin/lti/999999", "lti.edit_platform", _admin(404)),
    ("POST", "/admin/lti/999999", "lti.edit_platform", _admin(404)),
    ("POST", "/admin/lti/999999/delete", "lti.delete_platform", _admin(404)),
    ("POST", "/admin/lti/scores/999999/retry", "lti.retry_score", _admin(404)),
    ("GET", "/auth/company/acme", "company.start", _all(404)),
    ("GET", "/auth/company/acme/callback", "company.callback", _all(404)),
]
