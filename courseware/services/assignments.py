"""Assignments: a module or quiz given to one learner or a whole cohort, with a due date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, bindparam, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from ..core.catalog import Catalog
from ..core.errors import InvalidInput
from ..core.progress import CompletionRule, completion_rule
from ..core.quiz import QuizBank
from ..core.schedule import MAX_DAYS_AFTER_START, due_after_start, is_overdue
from ..persistence import queries
from ..persistence.base import utcnow
from ..persistence.dashboards.sql import overdue_by_user
from ..persistence.models import Assignment, Cohort, User
from ..persistence.paging import fetch_page
from ..persistence.queries import Reader
from . import audit
from .organisation import organisation_today
from .versions import bump

KINDS = ("module", "quiz")


@dataclass(frozen=True)
class LearnerAssignment:
    """One assignment as a learner sees it."""

    id: int
    kind: str
    item_id: str
    title: str
    due_on: date
    via_cohort: bool
    done: bool
    overdue: bool
    exists: bool  # False when the module or quiz is no longer in the course


@dataclass(frozen=True)
class AssignmentRow:
    """One assignment with its target's name, for the admin list."""

    id: int
    kind: str
    item_id: str
    title: str
    due_on: date
    user_id: int | None
    user_name: str | None
    user_email: str | None
    cohort_id: int | None
    cohort_name: str | None
    due_after_days: int | None = None  # a relative due date: due_on is resolved from the learner's start


def item_title(kind: str, item_id: str, catalog: Catalog, quizzes: QuizBank) -> str | None:
    """The title of a module or quiz, or None when it does not exist."""
    if kind == "module":
        module = catalog.get(item_id)
        return module.title if module is not None else None
    quiz = quizzes.get(item_id)
    return quiz.title if quiz is not None else None


def create_assignment(
    session: Session,
    *,
    kind: str,
    item_id: str,
    due_on: date,
    catalog: Catalog,
    quizzes: QuizBank,
    user_id: int | None = None,
    cohort_id: int | None = None,
    created_by_id: int | None = None,
    due_after_days: int | None = None,
) -> Assignment:
    """Assign a module or quiz that exists to one learner or one cohort (exactly one of the two).

    ``due_after_days`` makes the due date relative to the learner's start ("14 days after starting", one learner
    only: ``create_for_members`` gives each member of a cohort their own); ``due_on`` is then ignored and the
    date resolved by ``resolve_due``.  Audited, with ``created_by_id`` as the actor (None: the command line).
    """
    if kind not in KINDS:
        raise InvalidInput("Choose a module or a quiz.", field="item")
    if item_title(kind, item_id, catalog, quizzes) is None:
        raise InvalidInput(f"There is no {kind} '{item_id}' in the course.", field="item")
    if (user_id is None) == (cohort_id is None):
        raise InvalidInput("Give either a learner or a cohort, not both.", field="learner_email")
    if user_id is not None and session.get(User, user_id) is None:
        raise InvalidInput("There is no such learner.", field="learner_email")
    if cohort_id is not None and session.get(Cohort, cohort_id) is None:
        raise InvalidInput("There is no such cohort.", field="cohort_id")
    if due_after_days is not None:
        if not 0 <= due_after_days <= MAX_DAYS_AFTER_START:
            raise InvalidInput(f"Give a number of days from 0 to {MAX_DAYS_AFTER_START}.", field="due_after_days")
        if user_id is None:
            raise InvalidInput("A due date after starting is per person: give a learner.", field="due_after_days")
        due_on = resolve_due(session, session.get(User, user_id), due_after_days)  # type: ignore[arg-type]
    assignment = Assignment(
        kind=kind, item_id=item_id, user_id=user_id, cohort_id=cohort_id, due_on=due_on,
        due_after_days=due_after_days, created_by_id=created_by_id, created_at=utcnow(),
    )
    session.add(assignment)
    session.flush()
    target, described = _described(session, assignment)
    audit.record(session, actor_id=created_by_id, kind="assignment.create", target=target, after=described)
    return assignment


def _described(session: Session, assignment: Assignment) -> tuple[audit.Target, dict[str, Any]]:
    """The audit target and the small dict that say what an assignment was."""
    if assignment.user_id is not None:
        person = session.get(User, assignment.user_id)
        to = person.email if person is not None else f"user {assignment.user_id}"
    else:
        cohort = session.get(Cohort, assignment.cohort_id)
        to = f"cohort {cohort.name if cohort is not None else assignment.cohort_id}"
    described: dict[str, Any] = {"kind": assignment.kind, "item": assignment.item_id, "to": to,
                                 "due_on": assignment.due_on.isoformat()}
    if assignment.due_after_days is not None:
        described["due_after_days"] = assignment.due_after_days
    return audit.Target("assignment", assignment.id, f"{assignment.kind} {assignment.item_id} → {to}"), described


def resolve_due(session: Session, user: User, days: int) -> date:
    """The one place a relative due date becomes a date: ``days`` after the person's start date, or after the
    organisation's today while it is unknown (provisional: ``set_start_date`` resolves it again)."""
    return due_after_start(user.start_date or organisation_today(session), days)


def set_start_date(session: Session, user: User, start: date) -> int:
    """Set the day a person starts and resolve their relative due dates again; how many moved."""
    user.start_date = start
    moved = 0
    for assignment in session.scalars(select(Assignment).where(Assignment.user_id == user.id,
                                                                Assignment.due_after_days.is_not(None))):
        due_on = due_after_start(start, assignment.due_after_days)  # type: ignore[arg-type]
        if assignment.due_on != due_on:
            assignment.due_on = due_on
            moved += 1
    if moved:
        bump(session, learners=[user.id])  # My path and their mentors' pages show the dates
    session.flush()
    return moved


def start_if_unknown(session: Session, user: User) -> None:
    """On signing in: a person with no start date starts today (the organisation's)."""
    if user.start_date is None:
        set_start_date(session, user, organisation_today(session))


def cohort_learners(session: Session, cohort_id: int) -> list[User]:
    """The members of a cohort, in id order (only learners join cohorts)."""
    if session.get(Cohort, cohort_id) is None:
        raise InvalidInput("There is no such cohort.", field="cohort_id")
    return list(session.scalars(select(User).where(User.cohort_id == cohort_id).order_by(User.id)))


def get_assignment(session: Session, assignment_id: int) -> Assignment:
    """One assignment, or NotFound."""
    return queries.get_or_not_found(session, Assignment, assignment_id, "assignment")


def track_items(track_id: str, catalog: Catalog, quizzes: QuizBank) -> list[tuple[str, str]]:
    """(kind, id) of every module of a track, each followed by its quizzes, in path order."""
    items: list[tuple[str, str]] = []
    for module in catalog.modules_in(track_id):
        items.append(("module", module.id))
        items.extend(("quiz", q.id) for q in quizzes.for_module(module.id))
    return items


def assign_track(
    session: Session, *, track_id: str, due_on: date, catalog: Catalog, quizzes: QuizBank,
    user_id: int | None = None, cohort_id: int | None = None, created_by_id: int | None = None,
    due_after_days: int | None = None,
) -> tuple[list[Assignment], int]:
    """Assign every module and quiz of a track at once: one assignment each (audited each), skipping what the same
    learner or cohort already has assigned.  (created, skipped)."""
    if catalog.track(track_id) is None:
        raise InvalidInput(f"There is no track '{track_id}' in the course.", field="item")
    items = track_items(track_id, catalog, quizzes)
    if not items:
        raise InvalidInput("That track has no modules yet.", field="item")
    target = Assignment.user_id == user_id if user_id is not None else Assignment.cohort_id == cohort_id
    existing = set(session.execute(select(Assignment.kind, Assignment.item_id).where(target)).tuples())
    created = [
        create_assignment(session, kind=kind, item_id=item_id, due_on=due_on, catalog=catalog, quizzes=quizzes,
                          user_id=user_id, cohort_id=cohort_id, created_by_id=created_by_id,
                          due_after_days=due_after_days)
        for kind, item_id in items if (kind, item_id) not in existing
    ]
    return created, len(items) - len(created)


def delete_assignment(session: Session, assignment_id: int, *, actor_id: int | None = None) -> None:
    """Delete an assignment (audited), or NotFound."""
    assignment = queries.get_or_not_found(session, Assignment, assignment_id, "assignment")
    target, described = _described(session, assignment)
    session.delete(assignment)
    session.flush()
    audit.record(session, actor_id=actor_id, kind="assignment.delete", target=target, before=described)


def done_expression(rule: CompletionRule, user_id: Any) -> ColumnElement[bool]:
    """SQL: whether the learner ``user_id`` (a value or a column) has done the assignment of the current row."""
    return queries.assignment_done(rule, user_id, Assignment.kind, Assignment.item_id)


@lru_cache(maxsize=16)
def _learner_assignments(rule: CompletionRule) -> Any:
    """Built once per completion rule: My path runs this on every visit, and building it cost more than running it."""
    learner: BindParameter[int] = bindparam("user_id", type_=Integer)
    return (
        select(Assignment.id, Assignment.kind, Assignment.item_id, Assignment.due_on, Assignment.cohort_id,
               done_expression(rule, learner).label("done"))
        .where(or_(Assignment.user_id == learner,
                   Assignment.cohort_id == select(User.cohort_id).where(User.id == learner).scalar_subquery()))
        .order_by(Assignment.due_on, Assignment.id)
    )


def learner_assignments(
    session: Reader, user_id: int, catalog: Catalog, today: date, quizzes: QuizBank,
    rule: CompletionRule | None = None,
) -> list[LearnerAssignment]:
    """Every assignment that applies to a learner, directly or through their cohort, soonest due first — one query.

    A module is done by the course's completion rule (``rule``, derived from the catalog and quizzes when not given).
    """
    rule = rule or completion_rule(catalog, quizzes)
    rows = session.execute(_learner_assignments(rule), {"user_id": user_id}).all()
    result = []
    for row in rows:
        title = item_title(row.kind, row.item_id, catalog, quizzes)
        done = bool(row.done)
        result.append(LearnerAssignment(
            id=row.id, kind=row.kind, item_id=row.item_id, title=title or row.item_id, due_on=row.due_on,
            via_cohort=row.cohort_id is not None, done=done, overdue=is_overdue(row.due_on, today, done),
            exists=title is not None,
        ))
    return result


def overdue_counts(session: Session, user_ids: Iterable[int] | Any, today: date, rule: CompletionRule) -> dict[int, int]:
    """How many overdue assignments each of these learners has (a list of ids or a select of ids) — one query.

    Learners without an overdue assignment are absent from the result.
    """
    ids = user_ids if hasattr(user_ids, "subquery") else list(user_ids)
    people = select(User.id.label("user_id"), User.cohort_id).where(User.id.in_(ids)).subquery("people")
    overdue = overdue_by_user(people, today, rule)
    return {user: count for user, count in session.execute(select(overdue.c.user_id, overdue.c.overdue)).all()}


def assignments_page(
    session: Session, *, page: int, per_page: int, catalog: Catalog, quizzes: QuizBank
) -> tuple[list[AssignmentRow], int]:
    """One page of assignments, soonest due first, with each target's name (two queries)."""
    rows, total = fetch_page(
        session,
        select(Assignment.id, Assignment.kind, Assignment.item_id, Assignment.due_on, Assignment.user_id,
               User.display_name, User.email, Assignment.cohort_id, Cohort.name, Assignment.due_after_days)
        .outerjoin(User, User.id == Assignment.user_id)
        .outerjoin(Cohort, Cohort.id == Assignment.cohort_id)
        .order_by(Assignment.due_on, Assignment.id),
        page=page, per_page=per_page,
    )
    return [
        AssignmentRow(
            id=r.id, kind=r.kind, item_id=r.item_id,
            title=item_title(r.kind, r.item_id, catalog, quizzes) or r.item_id, due_on=r.due_on,
            user_id=r.user_id, user_name=r.display_name, user_email=r.email, cohort_id=r.cohort_id, cohort_name=r.name,
            due_after_days=r.due_after_days,
        )
        for r in rows
    ], total
