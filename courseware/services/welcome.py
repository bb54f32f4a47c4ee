"""The welcome on a learner's first visit to My path: who mentors them, their cohort, and where to start.

Shown until the learner starts (opens a module, marks one read or passes a quiz) or dismisses it
(``core/progress.is_new``); what is assigned and what unlocks it come from the path itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..persistence.models import Cohort, Mentorship, User
from ..persistence.queries import Reader


@dataclass(frozen=True)
class WelcomeFacts:
    """The people and group a newcomer is with."""

    name: str
    mentors: tuple[str, ...]  # display names, A–Z
    cohort: str | None


def welcome_facts(session: Reader, user_id: int) -> WelcomeFacts:
    """The learner's name, mentors and cohort (two small queries)."""
    row = session.execute(
        select(User.display_name, Cohort.name).outerjoin(Cohort, Cohort.id == User.cohort_id).where(User.id == user_id)
    ).first()
    mentors = session.scalars(
        select(User.display_name).join(Mentorship, Mentorship.mentor_id == User.id)
        .where(Mentorship.mentee_id == user_id, User.active.is_(True)).order_by(User.display_name)
    ).all()
    name, cohort = (row[0], row[1]) if row is not None else ("", None)
    return WelcomeFacts(name, tuple(mentors), cohort)
