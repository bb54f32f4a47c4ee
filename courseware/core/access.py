"""Access roles: what a person may open in the app (learner, mentor, admin).

Not to be confused with *owner roles* (AM, PM, shared, Delivery/PMO), the roles quiz questions
route work to, which the content registry defines.
"""

from __future__ import annotations

from collections.abc import Collection

ACCESS_ROLES = ("learner", "mentor", "admin")
ACCESS_ROLE_LABELS = {"learner": "Learner", "mentor": "Mentor", "admin": "Admin"}
# Who may belong to a cohort: cohorts group learners who start together.
COHORT_ROLE = "learner"


def may_join_cohort(access_roles: Collection[str]) -> bool:
    """Whether a person holding these access roles may be put in a cohort (learners only)."""
    return COHORT_ROLE in access_roles
