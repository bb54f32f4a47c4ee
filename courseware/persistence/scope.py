"""Who may see whom: the one statement of a mentor's scope.

A mentor sees the learners they have a mentorship with; an admin sees everyone.  Queries pass
``mentor_id`` (the viewing mentor) or None (an admin).  Every list, page, export and service that
shows or touches a learner on a mentor's behalf goes through ``mentor_scope``: as a join for lists
(``scoped_learners``, a cohort's members), as EXISTS for one learner (``visible``), and as a yes/no
for services (``may_view_learner``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, true
from sqlalchemy.orm import Session

from .models import LearnerRollup, Mentorship, User, UserRole


def mentor_scope(mentor_id: Any, user_id: Any) -> ColumnElement[bool]:
    """SQL: ``mentor_id`` mentors the learner ``user_id`` (values or columns) — the rule itself."""
    return and_(Mentorship.mentor_id == mentor_id, Mentorship.mentee_id == user_id)


def within_scope(query: Select[Any], user_id: Any, mentor_id: Any) -> Select[Any]:
    """``query`` restricted to the learners (``user_id`` column) the viewer sees: a join for a mentor, as is for an admin."""
    if mentor_id is None:
        return query
    return query.join(Mentorship, mentor_scope(mentor_id, user_id))


def scoped_learners(mentor_id: Any) -> Select[Any]:
    """SELECT FROM users restricted to the learners this viewer lists.

    A mentor lists their mentees; an admin everyone who holds the learner role or has a mentor.
    For a mentor the query starts from the mentorships primary key (mentor_id, mentee_id), so its
    cost follows the caseload, not the number of users.
    """
    query = select(User.id.label("user_id")).select_from(User)
    if mentor_id is None:
        rolled = LearnerRollup
        return query.join(rolled, rolled.user_id == User.id).where(listed(rolled))
    return within_scope(query, User.id, mentor_id)


def listed(rolled: type[LearnerRollup]) -> ColumnElement[bool]:
    """SQL condition on a learner's rollup row: the admin's learner lists show them — they hold the learner role or
    have a mentor (flags kept on write with the row, ``persistence/rollups.py``).

    One primary-key lookup per person, never ``IN (SELECT … UNION …)`` or two EXISTS: a page of the admin's table
    walks the users in name order and stops after its rows (PostgreSQL hashed every learner's and mentee's id
    first: 200,000 at 100k learners), and the cohort filter counts one table."""
    return or_(rolled.learner.is_(True), rolled.mentored.is_(True))


def visible(user_id: Any, mentor_id: Any) -> ColumnElement[bool]:
    """SQL condition: the viewer may open the page of user ``user_id`` — a mentor their mentees, an admin anyone."""
    if mentor_id is None:
        return true()
    return exists().where(mentor_scope(mentor_id, user_id))


def may_view_learner(session: Session, viewer_id: int, learner_id: int) -> bool:
    """Whether this person may write notes on the learner: an admin anyone who exists, a mentor their mentees."""
    is_admin = exists().where(UserRole.user_id == viewer_id, UserRole.role == "admin")  # managers read, never write
    found = session.scalar(
        select(User.id).where(User.id == learner_id, is_admin | exists().where(mentor_scope(viewer_id, User.id)))
    )
    return found is not None
