"""The manager overview (admins): every cohort's completion, every mentor's caseload and overdue count.

Both tables are paginated before anything is aggregated, and they add up the learners' rollup rows (kept on
write by ``persistence/rollups.py``) instead of their raw progress and attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import CTE, ColumnElement, Subquery, func, select
from sqlalchemy.orm import Session

from ...core.progress import CompletionRule
from ...core.schedule import past_due
from ..models import Cohort, LearnerDue, LearnerRollup, Mentorship, User, UserRole
from ..paging import limit_page
from .sql import count_if


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


def _finished(rule: CompletionRule) -> ColumnElement[bool]:
    return LearnerRollup.modules_completed >= max(len(rule.module_ids), 1)


def cohort_summaries(
    session: Session, *, rule: CompletionRule, today: date, page: int = 1, per_page: int | None = 25
) -> tuple[list[GroupSummary], int]:
    """A page of cohorts (newest start first) with their learners' totals, and the number of cohorts — one query.

    The totals come from the rollups (``persistence/rollups.py``): one row per learner, indexed by cohort; overdue
    is the open assignments whose rolled-up due date has passed on ``today``.
    """
    order = (Cohort.start_date.desc(), Cohort.name, Cohort.id)
    cohorts = limit_page(
        select(Cohort.id, Cohort.name, Cohort.start_date, func.count().over().label("total")).order_by(*order),
        page, per_page,
    ).cte("cohort_page")
    ids = select(cohorts.c.id)
    # Members too are counted on the rollup rows (one per person, ``cohort_id`` mirrors the user's): one pass.
    done = (
        select(LearnerRollup.cohort_id, func.count().label("learners"),
               func.sum(LearnerRollup.modules_completed).label("completed"), count_if(_finished(rule)).label("finished"))
        .where(LearnerRollup.cohort_id.in_(ids))
        .group_by(LearnerRollup.cohort_id).subquery("done")
    )
    overdue = (
        select(LearnerDue.cohort_id, func.sum(LearnerDue.open).label("overdue"))
        .where(LearnerDue.cohort_id.in_(ids), past_due(LearnerDue.due_on, today))
        .group_by(LearnerDue.cohort_id).subquery("overdue")
    )
    rows = session.execute(
        select(cohorts, done.c.learners, done.c.completed, done.c.finished, overdue.c.overdue)
        .outerjoin(done, done.c.cohort_id == cohorts.c.id)
        .outerjoin(overdue, overdue.c.cohort_id == cohorts.c.id)
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
    """A page of mentors (by name) with caseload, their mentees' totals and overdue count, and the number of mentors.

    One query over the page's mentorships joined to the rollups (see ``cohort_summaries``); every mentor (``per_page``
    None, the CSV) in one pass over all mentorships.
    """
    # Every mentor (a few thousand at 100k learners), materialized before sorting: with ORDER BY … LIMIT and the
    # window count on one level, PostgreSQL walked all users in name order probing each for the role (400 ms).
    every = (
        select(User.id, User.display_name.label("name"), User.email, func.lower(User.display_name).label("sort_name"))
        .select_from(UserRole).join(User, User.id == UserRole.user_id)
        .where(UserRole.role == "mentor")
        .cte("mentors").prefix_with("MATERIALIZED")
    )
    mentors = limit_page(
        select(every, func.count().over().label("total")).order_by(every.c.sort_name, every.c.id),
        page, per_page,
    ).cte("mentor_page")
    totals = _page_totals(mentors, rule, today) if per_page is not None else _every_total(rule, today)
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


def _page_totals(mentors: CTE, rule: CompletionRule, today: date) -> Subquery:
    """(mentor_id, learners, completed, finished, overdue) of a page's mentors: their mentorships (index lookups per
    mentor), each mentee's rollup row and open assignments past due."""
    pairs = (
        select(Mentorship.mentor_id, Mentorship.mentee_id).where(Mentorship.mentor_id.in_(select(mentors.c.id)))
        .cte("pairs")
    )
    totals = (
        select(
            pairs.c.mentor_id,
            func.count().label("learners"),
            func.sum(func.coalesce(LearnerRollup.modules_completed, 0)).label("completed"),
            count_if(_finished(rule)).label("finished"),
        )
        .select_from(pairs)
        .outerjoin(LearnerRollup, LearnerRollup.user_id == pairs.c.mentee_id)
        .group_by(pairs.c.mentor_id)
        .subquery("totals")
    )
    overdue = (
        select(pairs.c.mentor_id, func.sum(LearnerDue.open).label("overdue"))
        .select_from(pairs)
        .join(LearnerDue, LearnerDue.user_id == pairs.c.mentee_id)
        .where(past_due(LearnerDue.due_on, today))
        .group_by(pairs.c.mentor_id)
        .subquery("overdue")
    )
    return (
        select(totals, overdue.c.overdue)
        .outerjoin(overdue, overdue.c.mentor_id == totals.c.mentor_id)
        .subquery("page_totals")
    )


def _every_total(rule: CompletionRule, today: date) -> Subquery:
    """(mentor_id, learners, completed, finished, overdue) over every mentorship in one pass (the CSV): each pair
    joined to the mentee's rollup row and to their past-due count (added up per mentee first, a few thousand rows),
    then added up per mentor — at 100k learners one scan of 100,000 pairs instead of two over a materialized copy."""
    due = (
        select(LearnerDue.user_id, func.sum(LearnerDue.open).label("open"))
        .where(past_due(LearnerDue.due_on, today))
        .group_by(LearnerDue.user_id)
        .subquery("due")
    )
    return (
        select(
            Mentorship.mentor_id,
            func.count().label("learners"),
            func.sum(func.coalesce(LearnerRollup.modules_completed, 0)).label("completed"),
            count_if(_finished(rule)).label("finished"),
            func.sum(due.c.open).label("overdue"),
        )
        .select_from(Mentorship)
        .outerjoin(LearnerRollup, LearnerRollup.user_id == Mentorship.mentee_id)
        .outerjoin(due, due.c.user_id == Mentorship.mentee_id)
        .group_by(Mentorship.mentor_id)
        .subquery("every_total")
    )


def headline(session: Session) -> Headline:
    """Learners, cohorts, mentors, and learners without a mentor — one query.

    The roles are counted on their index by role; the unmentored from the learners' rollup rows (``learner`` and
    not ``mentored``), one scan of one table instead of a mentorship lookup per learner."""
    rolled = LearnerRollup
    row = session.execute(
        select(
            select(func.count()).where(UserRole.role == "learner").scalar_subquery(),
            select(func.count()).select_from(Cohort).scalar_subquery(),
            select(func.count()).where(UserRole.role == "mentor").scalar_subquery(),
            select(func.count()).where(rolled.learner.is_(True), rolled.mentored.is_(False)).scalar_subquery(),
        )
    ).one()
    return Headline(*(int(v or 0) for v in row))
