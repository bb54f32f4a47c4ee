"""Who the bearer may see: the pages' rules (``core/access``, ``persistence/scope``) applied to API lookups."""

from __future__ import annotations

from sqlalchemy import select

from ...core.access import ORGANISATION_ROLES, sees_everyone
from ...persistence.models import User
from ...persistence.scope import visible
from ..db import get_db
from .operations import bearer
from .problems import ApiProblem

ORGANISATION = ORGANISATION_ROLES  # managers read everything, admins too
STAFF = ("mentor", "manager", "admin")
ADMIN = ("admin",)


def mentor_id() -> int | None:
    """The mentor id that scopes a query (as ``web/mentor.viewer``), or None for a manager or an admin."""
    who = bearer().user
    return None if sees_everyone(who.access_roles) else who.id


def not_found(what: str) -> ApiProblem:
    """The 404 for something missing or out of the caller's sight (the two are not told apart)."""
    return ApiProblem(404, f"There is no {what} with this id that you can see.")


def visible_user(user_id: int) -> User:
    """A person the caller may see: themselves, a mentor's mentees, anyone for managers and admins; else 404."""
    who = bearer().user
    if user_id == who.id:
        return who
    roles = who.access_roles
    if not roles.intersection(STAFF):
        raise not_found("person")
    found = get_db().scalar(select(User).where(User.id == user_id, visible(User.id, mentor_id())))
    if found is None:
        raise not_found("person")
    return found
