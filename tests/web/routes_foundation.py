"""Route table rows for the foundation: auth, learner and admin people pages."""

from __future__ import annotations

LOGIN = 302  # anonymous users are sent to sign in
# (method, url, endpoint, {role: status}); ids 1 is the learner fixture user.
ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/login", "auth.login", {"anonymous": 200, "learner": 302, "mentor": 302, "admin": 302}),
    ("GET", "/logout", "auth.logout", {"anonymous": 302, "learner": 200, "mentor": 200, "admin": 200}),
    ("GET", "/", "learner.home", {"anonymous": LOGIN, "learner": 200, "mentor": 200, "admin": 200}),
    ("GET", "/tracks/foundations", "learner.track", {"anonymous": LOGIN, "learner": 200, "mentor": 200, "admin": 200}),
    ("GET", "/tracks/nope", "learner.track", {"anonymous": LOGIN, "learner": 404, "mentor": 404, "admin": 404}),
    ("GET", "/modules/intro", "learner.module", {"anonymous": LOGIN, "learner": 200, "mentor": 200, "admin": 200}),
    ("GET", "/modules/nope", "learner.module", {"anonymous": LOGIN, "learner": 404, "mentor": 404, "admin": 404}),
    ("POST", "/modules/intro/complete", "learner.complete",
     {"anonymous": LOGIN, "learner": 302, "mentor": 302, "admin": 302}),
    ("GET", "/admin/", "admin.index", {"anonymous": LOGIN, "learner": 403, "mentor": 403, "admin": 200}),
    ("GET", "/admin/users", "admin.users", {"anonymous": LOGIN, "learner": 403, "mentor": 403, "admin": 200}),
    ("GET", "/admin/users/new", "admin.new_user", {"anonymous": LOGIN, "learner": 403, "mentor": 403, "admin": 200}),
    ("POST", "/admin/users/new", "admin.new_user", {"anonymous": LOGIN, "learner": 403, "mentor": 403, "admin": 200}),
    ("GET", "/admin/users/{learner}", "admin.user", {"anonymous": LOGIN, "learner": 403, "mentor": 403, "admin": 200}),
    ("GET", "/admin/users/999999", "admin.user", {"anonymous": LOGIN, "learner": 403, "mentor": 403, "admin": 404}),
    ("POST", "/admin/users/{learner}", "admin.user", {"anonymous": LOGIN, "learner": 403, "mentor": 403, "admin": 302}),
    ("POST", "/admin/users/{learner}/active", "admin.set_active",
     {"anonymous": LOGIN, "learner": 403, "mentor": 403, "admin": 302}),
]
