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

# The audit log: admins only (managers are read-only staff, but the log is about the staff themselves).
ROUTES += [
    ("GET", "/admin/audit", "admin.audit_log", _admin(200)),
    ("GET", "/admin/audit?actor=admin&target=user:{learner}&kind=user.&date_from=2026-01-01&date_to=2099-12-31&page=2",
     "admin.audit_log", _admin(200)),
    ("GET", "/admin/audit?date_from=not-a-date&kind=nonsense&page=x", "admin.audit_log", _admin(200)),
    ("GET", "/admin/audit.csv", "admin.audit_csv", _admin(200)),
    ("GET", "/admin/audit.csv?kind=cohort.", "admin.audit_csv", _admin(200)),
    # Append-only: the log has no route that writes; any other method is refused before access is checked.
    *[(method, url, endpoint, dict.fromkeys(("anonymous", "learner", "mentor", "manager", "admin"), 405))
      for method in ("POST", "PUT", "PATCH", "DELETE")
      for url, endpoint in (("/admin/audit", "admin.audit_log"), ("/admin/audit.csv", "admin.audit_csv"))],
]

# Invitations and outgoing email.
ROUTES += [
    ("GET", "/admin/invitations/new", "admin.invite", _admin(200)),
    ("POST", "/admin/invitations/new", "admin.invite", _admin(200)),  # empty form: shown again with errors
    ("GET", "/admin/invitations/import", "admin.import_invitations", _admin(200)),
    ("POST", "/admin/invitations/import", "admin.import_invitations", _admin(200)),  # no file: says so
    ("POST", "/admin/users/{learner}/invitation/resend", "admin.resend_invitation", _admin(302)),  # joined: a warning
    ("POST", "/admin/users/999999/invitation/resend", "admin.resend_invitation", _admin(404)),
    ("POST", "/admin/users/{learner}/invitation/revoke", "admin.revoke_invitation", _admin(302)),
    ("POST", "/admin/users/999999/invitation/revoke", "admin.revoke_invitation", _admin(404)),
    ("GET", "/admin/outbox", "admin.outbox_page", _admin(200)),
    ("GET", "/admin/outbox?show=waiting&page=3", "admin.outbox_page", _admin(200)),
    ("POST", "/admin/outbox/{failed_message}/retry", "admin.retry_message", _admin(302)),
    ("POST", "/admin/outbox/999999/retry", "admin.retry_message", _admin(404)),
]

# Learners' flags on questions.
ROUTES += [
    ("GET", "/admin/flags", "admin.flags", _admin(200)),
    ("GET", "/admin/flags?all=1", "admin.flags", _admin(200)),
    ("POST", "/admin/flags/scope-check/q1/resolve", "admin.resolve_flags", _admin(200)),  # no reply: the page again
]
