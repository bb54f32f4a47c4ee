"""Which Courseware access role a platform's LTI 1.3 roles give (one rule, read by the launch)."""

from __future__ import annotations

from collections.abc import Iterable

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
ADMINISTRATOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator"
INSTITUTION_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"
SYSTEM_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"

_MANAGER = {INSTRUCTOR, ADMINISTRATOR, INSTITUTION_ADMIN, SYSTEM_ADMIN}


def access_roles_for(lti_roles: Iterable[str]) -> set[str]:
    """Learner → learner; Mentor → mentor; Instructor and Administrator → manager (sub-roles such as
    ``membership/Instructor#TeachingAssistant`` give nothing).  No recognised role: learner."""
    roles: set[str] = set()
    for role in lti_roles:
        if role in _MANAGER or (role.count("#") == 0 and role in ("Instructor", "Administrator")):
            roles.add("manager")
        elif role == MENTOR or role == "Mentor":
            roles.add("mentor")
        elif role == LEARNER or role == "Learner":
            roles.add("learner")
    return roles or {"learner"}
