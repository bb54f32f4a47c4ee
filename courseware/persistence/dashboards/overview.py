"""The manager overview (admins): every cohort's completion, every mentor's caseload and overdue count.

Both tables are paginated before anything is aggregated, so a page costs what its cohorts'
or mentors' learners cost, whatever the size of the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import CTE, Select, and_, exists, func, select
from sqlalchemy.orm import Session

from ...core.progress import CompletionRule
from ..completion import completion_counts
from ..models import Cohort, Mentorship, User, UserRole
from ..paging import limit_page
from .sql import count_if, in_ids, of_people, overdue_by_user


@dataclass(frozen=True)
class GroupSummary:
    """A cohort's or a mentor's learners: how many, modules completed in all, how many finished, overdue count."""

    id: int
    name: str
    learners: int
    modules_completed: int
    finished: int
    overdue: int
    modules: int  # modules in the course, for the completion share
    email: str | None = None  # mentors only
    start_date: date | None = None  # cohorts only

    @property
    def completion(self) -> float:
        """Modules completed as a percentage of what the learners could complete (0 without learners)."""
        possible = self.learners * self.modules
        return 100.0 * self.modules_completed / possible if possible else 0.0


@dataclass(frozen=True)
class Headline:
    """Organisation-wide counts."""

    learners: int
    cohorts: int
    mentors: int
    unmentored: int


def _per_learner(people: CTE, rule: CompletionRule, today: date) -> Select[Any]:
    """(user_id, completed, overdue) for each learner of ``people`` (which has user_id and cohort_id)."""
    done = completion_counts(rule, of_people(people))
    overdue = overdue_by_user(people, today, rule)
    return (
        select(people.c.user_id, func.coalesce(done.c.completed, 0).label("completed"),
               func.coalesce(overdue.c.overdue, 0).label("overdue"))
        .select_from(people)
        .outerjoin(done, done.c.user_id == people.c.user_id)
        .outerjoin(overdue, overdue.c.user_id == people.c.user_id)
    )


def cohort_summaries(
    session: Session, *, rule: CompletionRule, today: date, page: int = 1, per_page: int | None = 25
) -> tuple[list[GroupSummary], int]:
    """A page of cohorts (newest start first) with their learners' totals, and the number of cohorts — one query."""
    order = (Cohort.start_date.desc(), Cohort.name, Cohort.id)
    cohorts = limit_page(
        select(Cohort.id, Cohort.name, Cohort.start_date, func.count().over().label("total")).order_by(*order),
        page, per_page,
    ).cte("cohort_page")
    people = (
        select(User.id.label("user_id"), User.cohort_id).where(in_ids(User.cohort_id, select(cohorts.c.id))).cte("people")
    )
    learners = _per_learner(people, rule, today).add_columns(people.c.cohort_id).subquery("per_learner")
    totals = (
        select(
            learners.c.cohort_id,
            func.count().label("learners"),
            func.sum(learners.c.completed).label("completed"),
            count_if(learners.c.completed >= max(len(rule.module_ids), 1)).label("finished"),
            func.sum(learners.c.overdue).label("overdue"),
        )
        .group_by(learners.c.cohort_id)
        .subquery("totals")
    )
    rows = session.execute(
        select(cohorts, totals.c.learners, totals.c.completed, totals.c.finished, totals.c.overdue)
        .outerjoin(totals, totals.c.cohort_id == cohorts.c.id)
        .order_by(cohorts.c.start_date.desc(), cohorts.c.name, cohorts.c.id)
    ).all()
    summaries = [
        GroupSummary(
            id=r.id, name=r.name, start_date=r.start_date, learners=int(r.learners or 0),
            modules_completed=int(r.completed or 0), finished=int(r.finished or 0), overdue=int(r.overdue or 0),
            modules=len(rule.module_ids),
        )
        for r in rows
    ]
    return summaries, int(rows[0].total) if rows else 0


def mentor_summaries(
    session: Session, *, rule: CompletionRule, today: date, page: int = 1, per_page: int | None = 25
) -> tuple[list[GroupSummary], int]:
    """A page of mentors (by name) with caseload, their mentees' totals and overdue count, and the number of mentors."""
    mentors = limit_page(
        select(User.id, User.display_name.label("name"), User.email, func.lower(User.display_name).label("sort_name"),
               func.count().over().label("total"))
        .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == "mentor"))
        .order_by(func.lower(User.display_name), User.id),
        page, per_page,
    ).cte("mentor_page")
    pairs = (
        select(Mentorship.mentor_id, Mentorship.mentee_id).where(in_ids(Mentorship.mentor_id, select(mentors.c.id))).cte("pairs")
    )
    people = (
        select(User.id.label("user_id"), User.cohort_id).where(in_ids(User.id, select(pairs.c.mentee_id))).cte("people")
    )
    learners = _per_learner(people, rule, today).subquery("per_learner")
    totals = (
        select(
            pairs.c.mentor_id,
            func.count().label("learners"),
            func.sum(learners.c.completed).label("completed"),
            count_if(learners.c.completed >= max(len(rule.module_ids), 1)).label("finished"),
            func.sum(learners.c.overdue).label("overdue"),
        )
        .join(learners, learners.c.user_id == pairs.c.mentee_id)
        .group_by(pairs.c.mentor_id)
        .subquery("totals")
    )
    rows = session.execute(
        select(mentors, totals.c.learners, totals.c.completed, totals.c.finished, totals.c.overdue)
        .outerjoin(totals, totals.c.mentor_id == mentors.c.id)
        .order_by(mentors.c.sort_name, mentors.c.id)
    ).all()
    summaries = [
        GroupSummary(
            id=r.id, name=r.name, email=r.email, learners=int(r.learners or 0),
            modules_completed=int(r.completed or 0), finished=int(r.finished or 0), overdue=int(r.overdue or 0),
            modules=len(rule.module_ids),
        )
        for r in rows
    ]
    return summaries, int(rows[0].total) if rows else 0


def headline(session: Session) -> Headline:
    """Learners, cohorts, mentors, and learners without a mentor — one query."""
    learner = select(UserRole.user_id).where(UserRole.role == "learner")
    row = session.execute(
        select(
            select(func.count()).select_from(learner.subquery()).scalar_subquery(),
            select(func.count()).select_from(Cohort).scalar_subquery(),
            select(func.count()).where(UserRole.role == "mentor").scalar_subquery(),
            select(func.count())
            .where(UserRole.role == "learner", ~exists().where(Mentorship.mentee_id == UserRole.user_id))
            .scalar_subquery(),
        )
    ).one()
    return Headline(*(int(v or 0) for v in row))
