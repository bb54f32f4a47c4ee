"""Every route × role (anonymous, learner, mentor, manager, admin) with its expected status."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import PASSWORD
from tests.web.route_fixtures import route_ids
from tests.web.routes_admin import ROUTES as ADMIN_ROUTES
from tests.web.routes_api import ROUTES as API_ROUTES
from tests.web.routes_api import api_headers
from tests.web.routes_certsearch import ROUTES as CERTSEARCH_ROUTES
from tests.web.routes_drafts_landing import ROUTES as DRAFTS_LANDING_ROUTES
from tests.web.routes_foundation import LOGIN
from tests.web.routes_foundation import ROUTES as FOUNDATION_ROUTES
from tests.web.routes_kit import ROUTES as KIT_ROUTES
from tests.web.routes_lti import ROUTES as LTI_ROUTES
from tests.web.routes_mentor import ROUTES as MENTOR_ROUTES
from tests.web.routes_quiz import ROUTES as QUIZ_ROUTES
from tests.web.routes_xapi import ROUTES as XAPI_ROUTES

ROLES = ("anonymous", "learner", "mentor", "manager", "admin")
# Each audience keeps its rows in its own module; together they must cover every route.
TABLE = FOUNDATION_ROUTES + QUIZ_ROUTES + MENTOR_ROUTES + ADMIN_ROUTES + KIT_ROUTES
TABLE += API_ROUTES
TABLE += LTI_ROUTES
TABLE += CERTSEARCH_ROUTES
TABLE += DRAFTS_LANDING_ROUTES
TABLE += XAPI_ROUTES


@pytest.mark.parametrize("role", ROLES)
def test_route_table(app: Flask, people, role: str) -> None:  # type: ignore[no-untyped-def]
    ids = {name: user.id for name, user in people.items()}
    ids.update(route_ids(app, people))
    failures = []
    for method, url, _endpoint, expected in TABLE:
        client = app.test_client()
        if role != "anonymous":
            client.post("/login", data={"email": f"{role}@example.com", "password": PASSWORD})
        target = url.format(**ids)
        # The API takes no cookie: a signed-in role calls it with its own bearer token.
        headers = api_headers(app, role) if role != "anonymous" and url.startswith("/api/v1/") else {}
        response = client.open(target, method=method, data={}, headers=headers)
        if response.status_code != expected[role]:
            failures.append(f"{method} {target} as {role}: {response.status_code}, expected {expected[role]}")
        if role == "anonymous" and expected[role] == LOGIN and url not in ("/logout",):
            assert "/login" in response.location
    assert failures == []


def test_table_covers_every_route(app: Flask) -> None:
    covered = {endpoint for _m, _u, endpoint, _e in TABLE}
    routed = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routed - covered == set()
