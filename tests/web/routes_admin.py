"""Route table rows for the admin cohorts, assignments, settings and overview: (method, url, endpoint, {role: status}).

URLs may use {learner}, {mentor}, {admin} (the people fixture ids) and any key that
`tests/web/route_fixtures.py:route_ids` returns.
"""

from __future__ import annotations

from tests.web.routes_foundation import LOGIN

ROUTES: list[tuple[str, str, str, dict[str, int]]] = []



def _admin(status: int) -> dict[str, int]:
    """Admins get ``status``; learners, mentors and managers 403; anonymous users are sent to sign in."""
    return {"anonymous": LOGIN, "learner": 403, "mentor": 403, "manager": 403, "admin": status}


def _organisation(status: int) -> dict[str, int]:
    """Admins and managers (read-only, organisation-wide) get ``status``; learners and mentors 403."""
    return {**_admin(status), "manager": status}


# Cohorts, mentorships, assignments, placement and settings (the cohorts part).
COHORT_ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/admin/cohorts", "admin.cohorts", _admin(200)),
    ("GET", "/admin/cohorts?page=7", "admin.cohorts", _admin(200)),
    ("GET", "/admin/cohorts/new", "admin.new_cohort", _admin(200)),
    ("POST", "/admin/cohorts/new", "admin.new_cohort", _admin(200)),
    ("GET", "/admin/cohorts/{cohort}", "admin.cohort", _admin(200)),
    ("GET", "/admin/cohorts/999999", "admin.cohort", _admin(404)),
    ("POST", "/admin/cohorts/{cohort}", "admin.cohort", _admin(200)),
    ("POST", "/admin/cohorts/999999", "admin.cohort", _admin(404)),
    ("POST", "/admin/cohorts/{cohort}/members", "admin.add_cohort_member", _admin(200)),
    ("POST", "/admin/cohorts/999999/members", "admin.add_cohort_member", _admin(404)),
    ("GET", "/admin/mentorships", "admin.mentorships", _admin(200)),
    ("GET", "/admin/mentorships?mentor={mentor}", "admin.mentorships", _admin(200)),
    ("POST", "/admin/mentorships", "admin.mentorships", _admin(200)),
    ("GET", "/admin/assignments", "admin.assignments", _admin(200)),
    ("POST", "/admin/assignments", "admin.assignments", _admin(200)),
    ("POST", "/admin/assignments/999999/delete", "admin.delete_assignment", _admin(404)),
    ("GET", "/admin/settings", "admin.settings", _admin(200)),
    ("POST", "/admin/settings", "admin.settings", _admin(200)),
    ("POST", "/admin/users/{learner}/placement", "admin.placement", _admin(302)),
    ("POST", "/admin/users/999999/placement", "admin.placement", _admin(404)),
    # Removals come last: they undo the route fixtures for the rest of this role's run.
    ("POST", "/admin/cohorts/{cohort}/members/999999/remove", "admin.remove_cohort_member", _admin(404)),
    ("POST", "/admin/cohorts/{cohort}/members/{learner}/remove", "admin.remove_cohort_member", _admin(302)),
    ("POST", "/admin/mentorships/{mentor}/{learner}/remove", "admin.remove_mentorship", _admin(302)),
    ("POST", "/admin/assignments/{assignment}/delete", "admin.delete_assignment", _admin(302)),
]

ROUTES += COHORT_ROUTES

# The manager overview (the dashboards part).
ROUTES += [
    ("GET", "/admin/overview", "admin.overview", _organisation(200)),
    ("GET", "/admin/overview?cohorts=5&mentors=x", "admin.overview", _organisation(200)),
    ("GET", "/admin/overview.csv", "admin.overview_csv", _organisation(200)),
]

# Learners' flags on questions.
ROUTES += [
    ("GET", "/admin/flags", "admin.flags", _admin(200)),
    ("GET", "/admin/flags?all=1", "admin.flags", _admin(200)),
    ("POST", "/admin/flags/scope-check/q1/resolve", "admin.resolve_flags", _admin(200)),  # no reply: the page again
]
