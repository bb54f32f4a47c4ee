"""The mentor home: the viewer's learners with their progress numbers, sortable, filterable, paginated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Final, Literal

from sqlalchemy import (
    Date,
    Float,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from ...core.progress import CompletionRule
from ...core.schedule import past_due
from ..base import UTCDateTime
from ..models import Cohort, LearnerDue, LearnerRollup, User
from ..paging import offset_of
from ..queries import Reader
from ..scope import listed, scoped_learners
from .sql import greatest

EVERY_COHORT: Final = "all"  # the cohort filter that keeps everyone; None keeps learners without a cohort
SORT_KEYS = ("name", "email", "cohort", "completed", "passed", "score", "activity", "overdue", "rule_breaks")
# Sorting by a column of the learner alone lets the query cut the page before aggregating.
_USER_SORTS = frozenset({"name", "email", "cohort"})


@dataclass(frozen=True)
class MenteeRow:
    """One line of the mentee table."""

    id: int
    name: str
    email: str
    cohort_id: int | None
    cohort: str | None
    modules_completed: int
    quizzes_passed: int
    average_best: float | None
    last_activity: datetime | None
    overdue: int
    rule_breaks: int = 0  # RACI answers that broke a RACI rule (no A, several A's, no R where one is due)


@dataclass(frozen=True)
class CohortFacet:
    """A cohort the viewer's learners belong to (id None: no cohort), with how many of them."""

    id: int | None
    name: str | None
    learners: int


@dataclass(frozen=True)
class MenteeTable:
    """A page of the mentee table, the number of rows across all pages, and the cohort filter's choices."""

    rows: list[MenteeRow]
    total: int
    cohorts: list[CohortFacet]


def _facets(mentor: Any) -> Select[Any]:
    """(position, cohort_id, name, learners): the viewer's learners counted per cohort, no cohort last.

    A mentor's are their mentees (the caseload); an admin's, everyone the table lists, counted from the learners'
    rollup rows alone (``learner`` or ``mentored``: one index scan, not two lookups per person)."""
    if mentor is None:
        rolled = LearnerRollup
        counts = (select(rolled.cohort_id.label("cohort_id"), func.count().label("learners"))
                  .where(listed(rolled)).group_by(rolled.cohort_id))
    else:
        scope = scoped_learners(mentor).add_columns(User.cohort_id).subquery("all_scope")
        counts = select(scope.c.cohort_id, func.count().label("learners")).group_by(scope.c.cohort_id)
    per_cohort = counts.subquery("per_cohort")  # counted first, then named: ~100 joins, not one per learner
    order = (Cohort.name.is_(None), Cohort.name)
    return (
        select(func.row_number().over(order_by=order).label("position"), per_cohort.c.cohort_id, Cohort.name,
               per_cohort.c.learners)
        .select_from(per_cohort)
        .outerjoin(Cohort, Cohort.id == per_cohort.c.cohort_id)
    )


def mentee_cohorts(session: Session, mentor_id: int | None) -> list[CohortFacet]:
    """The cohorts of the learners this viewer sees, with counts (learners without a cohort last) — one query."""
    facets = _facets(mentor_id).subquery()
    rows = session.execute(select(facets).order_by(facets.c.position)).all()
    return [CohortFacet(r.cohort_id, r.name, int(r.learners)) for r in rows]


def _rows(mentor: Any, cohort: str, sort: str, descending: bool, paged: bool, rule: CompletionRule) -> Select[Any]:
    """One page of the table, each row numbered (``position``) in the requested order.

    ``cohort`` is 'all', 'none' (learners without a cohort) or 'one' (the ``cohort_id`` parameter).
    """

    def key_of(key: Any) -> Any:
        return (key.desc() if descending else key.asc()).nulls_last()

    def page_of(query: Select[Any]) -> Select[Any]:
        if not paged:
            return query
        return query.limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))

    scope_query = scoped_learners(mentor).add_columns(
        User.display_name.label("name"),
        func.lower(User.display_name).label("sort_name"),
        User.email,
        User.cohort_id,
        User.last_seen_at,
        Cohort.name.label("cohort"),
    ).outerjoin(Cohort, Cohort.id == User.cohort_id)
    if cohort == "none":
        scope_query = scope_query.where(User.cohort_id.is_(None))
    elif cohort == "one":
        scope_query = scope_query.where(User.cohort_id == bindparam("cohort_id", type_=Integer))
    user_keys: dict[str, Any] = {"name": func.lower(User.display_name), "email": User.email, "cohort": Cohort.name}
    if sort in _USER_SORTS:  # cut the page first: only its learners get aggregated
        scope_query = page_of(scope_query.order_by(key_of(user_keys[sort]), func.lower(User.display_name), User.id))
    scope = scope_query.cte("scope")

    today = bindparam("today", type_=Date)
    rolled = LearnerRollup  # the learner's numbers, kept on write (persistence/rollups.py)
    overdue = (
        select(LearnerDue.user_id, func.sum(LearnerDue.open).label("overdue"))
        .where(LearnerDue.user_id.in_(select(scope.c.user_id)), past_due(LearnerDue.due_on, today))
        .group_by(LearnerDue.user_id)
        .subquery("overdue")
    )
    last_activity = greatest(scope.c.last_seen_at, rolled.last_progress, rolled.last_submitted)
    columns: dict[str, Any] = {
        "completed": func.coalesce(rolled.modules_completed, 0),
        "passed": func.coalesce(rolled.quizzes_passed, 0),
        "score": rolled.average_best,
        "activity": last_activity,
        "overdue": func.coalesce(overdue.c.overdue, 0),
        "rule_breaks": func.coalesce(rolled.rule_breaks, 0),
    }
    final_keys = {"name": scope.c.sort_name, "email": scope.c.email, "cohort": scope.c.cohort, **columns}
    order = (key_of(final_keys[sort]), scope.c.sort_name, scope.c.user_id)
    query = (
        select(
            func.row_number().over(order_by=order).label("position"),
            scope.c.user_id, scope.c.name, scope.c.email, scope.c.cohort_id, scope.c.cohort,
            *(column.label(key) for key, column in columns.items()),
        )
        .select_from(scope)
        .outerjoin(rolled, rolled.user_id == scope.c.user_id)
        .outerjoin(overdue, overdue.c.user_id == scope.c.user_id)
        .order_by(*order)
    )
    return query if sort in _USER_SORTS else page_of(query)


@lru_cache(maxsize=256)
def _statement(admin: bool, cohort: str, sort: str, descending: bool, paged: bool, rule: CompletionRule) -> Select[Any]:
    """The mentor home's one statement for this shape, built once: values travel as bound parameters.

    Building this statement costs more than running it for a caseload of fifty, so each shape
    (viewer kind, filter kind, sort, direction, paged or not, and the course's completion rule) is
    built once per process.
    """
    mentor = None if admin else bindparam("mentor_id", type_=Integer)
    rows = _rows(mentor, cohort, sort, descending, paged, rule).subquery("page")
    facets = _facets(mentor).subquery("facets")
    both = union_all(
        select(literal("row", String).label("kind"), rows.c.position, rows.c.user_id, rows.c.name, rows.c.email,
               rows.c.cohort_id, rows.c.cohort, rows.c.completed, rows.c.passed, rows.c.score, rows.c.activity,
               rows.c.overdue, rows.c.rule_breaks),
        select(literal("facet", String), facets.c.position, cast(null(), Integer), cast(null(), String),
               cast(null(), String), facets.c.cohort_id, facets.c.name, facets.c.learners, literal(0, Integer),
               cast(null(), Float), cast(null(), UTCDateTime), literal(0, Integer), literal(0, Integer)),
    ).subquery("both")
    return select(both).order_by(both.c.kind, both.c.position)


def mentor_mentees(
    session: Reader,
    mentor_id: int | None,
    *,
    rule: CompletionRule,
    today: date,
    cohort_id: int | None | Literal["all"] = EVERY_COHORT,
    sort: str = "name",
    direction: str = "asc",
    page: int = 1,
    per_page: int | None = 25,
) -> MenteeTable:
    """The viewer's learners with their progress numbers, filtered, sorted and paginated — ONE query.

    ``rule`` is the course's completion rule (``modules_completed`` counts by it).
    ``mentor_id`` None means an admin (every learner); ``cohort_id`` is a cohort's id, None for
    learners without a cohort, or EVERY_COHORT; ``per_page`` None returns every row (the CSV export).  Ties sort by name, then id.
    The page's rows and the cohort filter's counts travel in one UNION ALL: the mentor home has
    five statements in all, sign-in included, and on SQLite the transaction's BEGIN is one of them.
    """
    if sort not in SORT_KEYS:
        sort = "name"
    cohort = "all" if cohort_id == EVERY_COHORT else "none" if cohort_id is None else "one"
    statement = _statement(mentor_id is None, cohort, sort, direction == "desc", per_page is not None, rule)
    params: dict[str, Any] = {"today": today}
    if mentor_id is not None:
        params["mentor_id"] = mentor_id
    if cohort == "one":
        params["cohort_id"] = cohort_id
    if per_page is not None:
        params.update(limit=per_page, offset=offset_of(page, per_page))
    table: list[MenteeRow] = []
    cohorts: list[CohortFacet] = []
    for r in session.execute(statement, params):
        if r.kind == "facet":
            cohorts.append(CohortFacet(r.cohort_id, r.cohort, int(r.completed)))
        else:
            table.append(MenteeRow(
                id=r.user_id, name=r.name, email=r.email, cohort_id=r.cohort_id, cohort=r.cohort,
                modules_completed=int(r.completed), quizzes_passed=int(r.passed), average_best=r.score,
                last_activity=r.activity, overdue=int(r.overdue), rule_breaks=int(r.rule_breaks),
            ))
    total = sum(c.learners for c in cohorts if cohort_id == EVERY_COHORT or c.id == cohort_id)
    return MenteeTable(table, total, cohorts)
