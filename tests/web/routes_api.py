"""Route table rows for the JSON API, the API tokens and calendar pages, and the calendar feed.

API routes take no cookie: the table sends each signed-in role's bearer token (``api_headers``), and an
anonymous caller gets 401 (with WWW-Authenticate), never the sign-in redirect.  URLs use the ids of
``tests/web/route_fixtures.py:route_ids``.
"""

from __future__ import annotations

from flask import Flask

from courseware.persistence import queries
from courseware.services import api_tokens
from courseware.state import state_of
from tests.web.routes_foundation import LOGIN

ROLES = ("learner", "mentor", "manager", "admin")


def make_token(app: Flask, email: str, scope: str = "write", days: int | None = None) -> str:
    """A new personal access token for the person with this email."""
    with state_of(app).sessions() as session:
        user = queries.user_by_email(session, email)
        assert user is not None
        made = api_tokens.create_token(session, user, scope=scope, days=days)
        session.commit()
        return made.token


def api_headers(app: Flask, role: str) -> dict[str, str]:
    """The Authorization header of ``role@example.com``'s write token (made once per app, kept on it)."""
    cache: dict[str, str] = app.extensions.setdefault("test_api_tokens", {})
    if role not in cache:
        cache[role] = make_token(app, f"{role}@example.com")
    return {"Authorization": f"Bearer {cache[role]}"}


def _api(learner: int, mentor: int, manager: int, admin: int) -> dict[str, int]:
    return {"anonymous": 401, "learner": learner, "mentor": mentor, "manager": manager, "admin": admin}


def _everyone(status: int) -> dict[str, int]:
    return _api(status, status, status, status)


def _staff(status: int, learner: int = 403) -> dict[str, int]:
    return _api(learner, status, status, status)


def _organisation(status: int) -> dict[str, int]:
    return _api(403, 403, status, status)


def _admin(status: int) -> dict[str, int]:
    return _api(403, 403, 403, status)


def _page(status: int, anonymous: int = LOGIN) -> dict[str, int]:
    return {"anonymous": anonymous, **{role: status for role in ROLES}}


V1 = "/api/v1"
# POSTs and PATCHes are sent as an empty form (the table's way): the API wants JSON, so an admin gets 422.
ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", f"{V1}/openapi.json", "api.openapi_json", _page(200, anonymous=200)),
    ("GET", f"{V1}/docs", "api.reference", _page(200, anonymous=200)),
    ("GET", f"{V1}/me", "api.me", _everyone(200)),
    ("GET", f"{V1}/me/assignments", "api.my_assignments", _everyone(200)),
    ("GET", f"{V1}/me/assignments?limit=0", "api.my_assignments", _everyone(422)),
    ("GET", f"{V1}/users", "api.users", _organisation(200)),
    ("GET", f"{V1}/users?cursor=%25%25", "api.users", _api(403, 403, 422, 422)),
    ("POST", f"{V1}/users", "api.create_user", _admin(422)),
    ("GET", f"{V1}/users/{{learner}}", "api.user", _everyone(200)),
    ("GET", f"{V1}/users/{{stranger}}", "api.user", _api(404, 404, 200, 200)),
    ("GET", f"{V1}/users/999999", "api.user", _everyone(404)),
    ("PATCH", f"{V1}/users/{{learner}}", "api.update_user", _admin(422)),
    ("GET", f"{V1}/users/{{learner}}/attempts", "api.user_attempts", _everyone(200)),
    ("GET", f"{V1}/users/{{stranger}}/attempts", "api.user_attempts", _api(404, 404, 200, 200)),
    ("GET", f"{V1}/mentees", "api.mentees", _staff(200)),
    ("GET", f"{V1}/mentorships", "api.mentorships", _staff(200)),
    ("GET", f"{V1}/cohorts", "api.cohort_list", _staff(200)),
    ("GET", f"{V1}/cohorts/{{cohort}}", "api.cohort", _staff(200)),
    ("GET", f"{V1}/cohorts/{{stranger_cohort}}", "api.cohort", _api(403, 404, 200, 200)),
    ("GET", f"{V1}/cohorts/999999", "api.cohort", _api(403, 404, 404, 404)),
    ("GET", f"{V1}/cohorts/{{cohort}}/members", "api.cohort_members", _staff(200)),
    ("GET", f"{V1}/cohorts/{{stranger_cohort}}/members", "api.cohort_members", _api(403, 404, 200, 200)),
    ("POST", f"{V1}/cohorts/{{cohort}}/members", "api.add_cohort_member", _admin(422)),
    ("DELETE", f"{V1}/cohorts/{{cohort}}/members/999999", "api.remove_cohort_member", _admin(404)),
    ("GET", f"{V1}/cohorts/{{cohort}}/progress", "api.cohort_progress", _staff(200)),
    ("GET", f"{V1}/cohorts/{{stranger_cohort}}/progress", "api.cohort_progress", _api(403, 404, 200, 200)),
    ("GET", f"{V1}/cohorts/{{cohort}}/grades?quiz_id=scope-check", "api.cohort_grades", _staff(200)),
    ("GET", f"{V1}/cohorts/{{cohort}}/grades?quiz_id=nope", "api.cohort_grades", _staff(422)),
    ("GET", f"{V1}/assignments", "api.assignment_list", _organisation(200)),
    ("POST", f"{V1}/assignments", "api.create_assignment", _admin(422)),
    ("DELETE", f"{V1}/assignments/999999", "api.delete_assignment", _admin(404)),
    ("GET", f"{V1}/attempts/{{learner_result}}", "api.attempt", _everyone(200)),
    ("GET", f"{V1}/attempts/999999", "api.attempt", _everyone(404)),
    ("GET", f"{V1}/organisation", "api.organisation_settings", _organisation(200)),
    ("PATCH", f"{V1}/organisation", "api.update_organisation_settings", _admin(422)),
    ("PUT", f"{V1}/me", "api.me", _api(405, 405, 405, 405) | {"anonymous": 405}),
    # The account's API tokens and calendar feed.
    ("GET", "/account/tokens", "account.tokens", _page(200)),
    ("POST", "/account/tokens", "account.tokens", _page(422)),
    ("POST", "/account/tokens/999999/revoke", "account.revoke_token", _page(404)),
    ("GET", "/account/calendar", "account.calendar_page", _page(200)),
    ("POST", "/account/calendar/reset", "account.reset_calendar", _page(302)),
    ("GET", "/calendar/not-a-feed.ics", "account.calendar_feed", _page(404, anonymous=404)),
]
