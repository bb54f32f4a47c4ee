"""Access roles: what a person may open in the app (learner, mentor, manager, admin).

- learner: their own path and quizzes;
- mentor: the dashboards of their own mentees, notes on them, extra attempts, resets and feedback on attempts;
- manager (a head of delivery, an HR lead): every cohort's dashboards, the overview and the
  reports, read-only — no power over people, settings or notes;
- admin: everything, people and settings included.

Not to be confused with *owner roles* (AM, PM, shared, Delivery/PMO), the roles quiz questions
route work to, which the content registry defines.
"""

from __future__ import annotations

from collections.abc import Collection

ACCESS_ROLES = ("learner", "mentor", "manager", "admin")
ACCESS_ROLE_LABELS = {"learner": "Learner", "mentor": "Mentor", "manager": "Manager", "admin": "Admin"}
DASHBOARD_ROLES = ("mentor", "manager", "admin")  # who opens the learner dashboards
ORGANISATION_ROLES = ("manager", "admin")  # who sees every learner, not only their mentees
NOTE_ROLES = ("mentor", "admin")  # who writes 1:1 notes (managers read them)
# Who grants extra attempts, resets quizzes and leaves feedback on attempts (a mentor for their own mentees).
ATTEMPT_ROLES = ("mentor", "admin")
# Tracks marked for an audience in the content registry (``audience: mentor``): the access roles that may open
# them.  Such a track is not part of a learner's path, nor counted in anyone's completion.
TRACK_AUDIENCES = {"mentor": ("mentor", "manager", "admin")}
# Where each person lands after signing in (and at /): the first of these whose roles they hold, else My path.
LANDINGS = (("manager", "overview"), ("admin", "overview"), ("mentor", "mentees"))
# Who may belong to a cohort: cohorts group learners who start together.
COHORT_ROLE = "learner"


def sees_everyone(access_roles: Collection[str]) -> bool:
    """Whether these roles see every learner (managers, admins) rather than only their own mentees."""
    return any(role in access_roles for role in ORGANISATION_ROLES)


def may_join_cohort(access_roles: Collection[str]) -> bool:
    """Whether a person holding these access roles may be put in a cohort (learners only)."""
    return COHORT_ROLE in access_roles


def audiences_of(access_roles: Collection[str]) -> tuple[str, ...]:
    """The track audiences (``TRACK_AUDIENCES``) a person holding these roles belongs to."""
    return tuple(a for a, roles in TRACK_AUDIENCES.items() if any(r in roles for r in access_roles))


def may_open_track(audience: str | None, access_roles: Collection[str]) -> bool:
    """Whether a track for ``audience`` (None: everyone) is open to a person holding these roles."""
    return audience is None or audience in audiences_of(access_roles)


def landing(access_roles: Collection[str]) -> str:
    """Where a person lands after signing in: 'overview' (managers, admins), 'mentees' (mentors) or 'path'."""
    return next((page for role, page in LANDINGS if role in access_roles), "path")
