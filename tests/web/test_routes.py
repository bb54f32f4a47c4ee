"""Every route × role (anonymous, learner, mentor, admin) with its expected status."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import PASSWORD

LOGIN = 302  # anonymous users are sent to sign in
ROLES = ("anonymous", "learner", "mentor", "admin")

# (method, url, endpoint, {role: status}); ids 1 is the learner fixture user.
TABLE: list[tuple[str, str, str, dict[str, int]]] = [
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


@pytest.mark.parametrize("role", ROLES)
def test_route_table(app: Flask, people, role: str) -> None:  # type: ignore[no-untyped-def]
    ids = {name: user.id for name, user in people.items()}
    failures = []
    for method, url, _endpoint, expected in TABLE:
        client = app.test_client()
        if role != "anonymous":
            client.post("/login", data={"email": f"{role}@example.com", "password": PASSWORD})
        target = url.format(**ids)
        response = client.open(target, method=method, data={})
        if response.status_code != expected[role]:
            failures.append(f"{method} {target} as {role}: {response.status_code}, expected {expected[role]}")
        if role == "anonymous" and expected[role] == LOGIN and url not in ("/logout",):
            assert "/login" in response.location
    assert failures == []


def test_table_covers_every_route(app: Flask) -> None:
    covered = {endpoint for _m, _u, endpoint, _e in TABLE}
    routed = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routed - covered == set()
