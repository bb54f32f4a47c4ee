"""One mentee's page: timeline, attempts, area profile, misroutes, notes and assignments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from ...core.progress import CompletionRule
from ...core.questions import ROUTED_KINDS
from ..completion import completions
from ..models import Assignment, Attempt, AttemptItem, Cohort, MentorNote, ModuleProgress, User
from ..paging import limit_page
from ..queries import assignment_done
from ..scope import visible, within_scope
from .sql import as_float, in_ids, overdue_by_user, rule_breaks_by_user


@dataclass(frozen=True)
class MenteeHeader:
    """Who the mentee is."""

    id: int
    name: str
    email: str
    active: bool
    created_at: datetime
    last_seen_at: datetime | None
    cohort_id: int | None
    cohort: str | None
    cohort_members: int
    modules_completed: int  # of the course's modules, by the completion rule
    quizzes_passed: int
    attempts_submitted: int
    overdue: int  # assignments due before today and not done
    rule_breaks: int = 0  # RACI answers that broke a RACI rule


@dataclass(frozen=True)
class ModuleEvent:
    """A module of the mentee's: when they opened it, marked it read, and completed it (by the completion rule)."""

    module_id: str
    started_at: datetime | None
    completed_at: datetime | None
    read_at: datetime | None = None


@dataclass(frozen=True)
class AttemptSummary:
    """One quiz attempt and its grade (score None while open); state 'reset' once reset (kept on record)."""

    id: int
    quiz_id: str
    number: int
    state: str
    started_at: datetime
    submitted_at: datetime | None
    score: float | None
    passed: bool | None


@dataclass(frozen=True)
class AreaScore:
    """A knowledge area: the mentee's score and the cohort's average (0-100; None without answers).

    ``cohort`` is the mean over the ``group`` cohort members the viewer sees who answered in the area;
    it is None when that group is smaller than the minimum (a small group's mean gives away its members).
    """

    area: str
    learner: float | None
    cohort: float | None
    group: int = 0


@dataclass(frozen=True)
class Misroute:
    """A route question or split task the mentee sent to the wrong role: ``times`` of ``answered`` answers."""

    quiz_id: str
    question_id: str
    item_id: str
    kind: str
    expected: str
    given: str
    times: int
    answered: int


@dataclass(frozen=True)
class Note:
    """A mentor's note on a mentee: the sanitised HTML stored when it was written (never rendered again)."""

    id: int
    html: str
    created_at: datetime
    edited_at: datetime | None
    author_id: int | None
    author: str | None


@dataclass(frozen=True)
class AssignmentStatus:
    """An assignment that applies to the mentee, and whether it is done."""

    id: int
    kind: str
    item_id: str
    due_on: date
    via_cohort: bool
    done: bool


@dataclass(frozen=True)
class MenteeDetail:
    """Everything the mentee page shows."""

    header: MenteeHeader
    modules: list[ModuleEvent]
    attempts: list[AttemptSummary]
    areas: list[AreaScore]
    misroutes: list[Misroute]
    notes: list[Note]
    notes_total: int
    assignments: list[AssignmentStatus]


def mentee_header(
    session: Session, mentee_id: int, mentor_id: int | None, *, rule: CompletionRule, today: date
) -> MenteeHeader | None:
    """The mentee and their totals if this viewer may see them, else None (the caller answers 404) — one query."""
    member = aliased(User)
    members = select(func.count()).where(member.cohort_id == Cohort.id).correlate(Cohort).scalar_subquery()

    def this_mentee(column: Any) -> ColumnElement[bool]:
        return column == mentee_id  # type: ignore[no-any-return]

    completed = select(func.count()).select_from(completions(rule, this_mentee)).scalar_subquery()
    breaks = rule_breaks_by_user(this_mentee)
    rule_breaks = select(func.coalesce(func.sum(breaks.c.rule_breaks), 0)).scalar_subquery()
    submitted = Attempt.user_id == mentee_id, Attempt.state == "submitted"
    passed = select(func.count(distinct(Attempt.quiz_id))).where(*submitted, Attempt.passed.is_(True)).scalar_subquery()
    attempts = select(func.count()).where(*submitted).scalar_subquery()
    person = select(User.id.label("user_id"), User.cohort_id).where(User.id == mentee_id).cte("person")
    overdue = overdue_by_user(person, today, rule)
    row = session.execute(
        select(User.id, User.display_name, User.email, User.active, User.created_at, User.last_seen_at,
               User.cohort_id, Cohort.name, members, completed, passed, attempts,
               select(overdue.c.overdue).scalar_subquery(), rule_breaks)
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
        .where(User.id == mentee_id, visible(User.id, mentor_id))
    ).first()
    if row is None:
        return None
    return MenteeHeader(
        id=row[0], name=row[1], email=row[2], active=row[3], created_at=row[4], last_seen_at=row[5],
        cohort_id=row[6], cohort=row[7], cohort_members=int(row[8] or 0), modules_completed=int(row[9] or 0),
        quizzes_passed=int(row[10] or 0), attempts_submitted=int(row[11] or 0), overdue=int(row[12] or 0),
        rule_breaks=int(row[13] or 0),
    )


def mentee_activity(session: Session, mentee_id: int, rule: CompletionRule) -> tuple[list[ModuleEvent], list[AttemptSummary]]:
    """The mentee's modules (opened, marked read, completed by the rule) and quiz attempts, oldest first — one query."""
    attempts = select(
        literal("quiz", String).label("kind"), Attempt.quiz_id.label("item"), Attempt.started_at.label("started_at"),
        Attempt.submitted_at.label("finished_at"), Attempt.id, Attempt.number, Attempt.state, Attempt.score,
        Attempt.passed,
    ).where(Attempt.user_id == mentee_id)
    modules = select(
        literal("module", String), ModuleProgress.module_id, ModuleProgress.started_at, ModuleProgress.completed_at,
        cast(null(), Integer), cast(null(), Integer), cast(null(), String), cast(null(), Float), null(),
    ).where(ModuleProgress.user_id == mentee_id)
    done = completions(rule, lambda column: column == mentee_id)
    complete = select(
        literal("done", String), done.c.module_id, done.c.completed_at, done.c.completed_at,
        cast(null(), Integer), cast(null(), Integer), cast(null(), String), cast(null(), Float), null(),
    )
    both = union_all(attempts, modules, complete).subquery()
    opened: dict[str, tuple[datetime | None, datetime | None]] = {}
    completed: dict[str, datetime | None] = {}
    tries: list[AttemptSummary] = []
    for r in session.execute(select(both).order_by(both.c.started_at, both.c.kind, both.c.item, both.c.number)):
        if r.kind == "module":
            opened[r.item] = (r.started_at, r.finished_at)
        elif r.kind == "done":
            completed[r.item] = r.finished_at
        else:
            passed = None if r.passed is None else bool(r.passed)
            tries.append(AttemptSummary(r.id, r.item, r.number, r.state, r.started_at, r.finished_at, r.score, passed))
    events = [ModuleEvent(m, opened.get(m, (None, None))[0], completed.get(m), opened.get(m, (None, None))[1])
              for m in [*opened, *(m for m in completed if m not in opened)]]
    return events, tries


def area_profile(
    session: Session, mentee_id: int, cohort_id: int | None, mentor_id: int | None = None, *, min_group: int = 1,
) -> list[AreaScore]:
    """Per knowledge area: the mentee's score and the mean of the cohort members' scores — one query.

    A learner's area score is 100 × points / max points over every graded item of that area.  The
    mean covers only the cohort members the viewer sees (a mentor: their own mentees), and only
    when at least ``min_group`` of them answered in the area: in a two-person cohort with one mentee
    each for two mentors, the cohort mean gave away the other mentor's learner's score exactly.
    """
    # The mentee belongs to the cohort, so one pass over the cohort's items covers both sides.
    who: ColumnElement[bool]
    if cohort_id is not None:
        who = in_ids(AttemptItem.user_id, within_scope(select(User.id).where(User.cohort_id == cohort_id), User.id,
                                                       mentor_id))
    else:
        who = AttemptItem.user_id == mentee_id
    per_user = (
        select(
            AttemptItem.user_id,
            AttemptItem.area,
            as_float(100.0 * func.sum(AttemptItem.points) / func.nullif(func.sum(AttemptItem.max_points), 0)).label("score"),
        )
        .where(who)
        .group_by(AttemptItem.user_id, AttemptItem.area)
        .subquery()
    )
    group = func.count(per_user.c.user_id) if cohort_id is not None else literal(0)
    cohort_average = (as_float(case((group >= min_group, func.avg(per_user.c.score))))
                      if cohort_id is not None else cast(null(), Float))
    rows = session.execute(
        select(
            per_user.c.area,
            func.max(case((per_user.c.user_id == mentee_id, per_user.c.score))).label("learner"),
            cohort_average.label("cohort"),
            group.label("group"),
        )
        .group_by(per_user.c.area)
        .order_by(per_user.c.area)
    ).all()
    return [AreaScore(area, learner, cohort, int(size)) for area, learner, cohort, size in rows]


def top_misroutes(session: Session, mentee_id: int, limit: int = 5) -> list[Misroute]:
    """The mentee's most frequent misroutes, grouped by (quiz, question, item, expected, given) — one query.

    ``answered`` counts every answer the mentee gave to that question or task.
    """
    items = (
        select(AttemptItem.quiz_id, AttemptItem.question_id, AttemptItem.item_id, AttemptItem.kind,
               AttemptItem.expected, AttemptItem.given, AttemptItem.misrouted)
        .where(AttemptItem.user_id == mentee_id, AttemptItem.kind.in_(ROUTED_KINDS), AttemptItem.given.is_not(None))
        .cte("items")
    )
    key = (items.c.quiz_id, items.c.question_id, items.c.item_id)
    answered = select(*key, func.count().label("answered")).group_by(*key).subquery("answered")
    wrong = (
        select(*key, items.c.kind, items.c.expected, items.c.given, func.count().label("times"))
        .where(items.c.misrouted.is_(True))
        .group_by(*key, items.c.kind, items.c.expected, items.c.given)
        .subquery("wrong")
    )
    rows = session.execute(
        select(wrong, answered.c.answered)
        .join(answered, and_(answered.c.quiz_id == wrong.c.quiz_id, answered.c.question_id == wrong.c.question_id,
                             answered.c.item_id == wrong.c.item_id))
        .order_by(wrong.c.times.desc(), answered.c.answered, wrong.c.quiz_id, wrong.c.question_id, wrong.c.item_id,
                  wrong.c.given)
        .limit(limit)
    ).all()
    return [
        Misroute(r.quiz_id, r.question_id, r.item_id, r.kind, r.expected, r.given, int(r.times), int(r.answered))
        for r in rows
    ]


def mentee_notes(session: Session, mentee_id: int, *, page: int = 1, per_page: int = 20) -> tuple[list[Note], int]:
    """A page of notes on the mentee, newest first, with the author's name and the total — one query."""
    author = aliased(User)
    rows = session.execute(limit_page(
        select(MentorNote.id, MentorNote.html, MentorNote.created_at, MentorNote.edited_at, MentorNote.author_id,
               author.display_name,
               func.count().over().label("total"))
        .outerjoin(author, author.id == MentorNote.author_id)
        .where(MentorNote.mentee_id == mentee_id)
        .order_by(MentorNote.created_at.desc(), MentorNote.id.desc()),
        page, per_page,
    )).all()
    total = int(rows[0].total) if rows else 0
    return [Note(*r[:6]) for r in rows], total


def mentee_assignments(session: Session, mentee_id: int, cohort_id: int | None,
                       rule: CompletionRule) -> list[AssignmentStatus]:
    """The assignments that apply to the mentee (directly or via their cohort) with done flags, soonest first."""
    done = assignment_done(rule, mentee_id, Assignment.kind, Assignment.item_id)
    target = Assignment.user_id == mentee_id
    if cohort_id is not None:
        target = or_(target, Assignment.cohort_id == cohort_id)
    rows = session.execute(
        select(Assignment.id, Assignment.kind, Assignment.item_id, Assignment.due_on, Assignment.cohort_id, done)
        .where(target)
        .order_by(Assignment.due_on, Assignment.id)
    ).all()
    return [AssignmentStatus(r[0], r[1], r[2], r[3], r[4] is not None, bool(r[5])) for r in rows]


def mentee_detail(
    session: Session, mentee_id: int, mentor_id: int | None, *, rule: CompletionRule, today: date,
    notes_page: int = 1, notes_per_page: int = 20, misroutes: int = 5, min_group: int = 1,
) -> MenteeDetail | None:
    """The whole mentee page in six queries, or None when the viewer may not see this learner."""
    header = mentee_header(session, mentee_id, mentor_id, rule=rule, today=today)
    if header is None:
        return None
    modules, attempts = mentee_activity(session, mentee_id, rule)
    notes, notes_total = mentee_notes(session, mentee_id, page=notes_page, per_page=notes_per_page)
    return MenteeDetail(
        header=header,
        modules=modules,
        attempts=attempts,
        areas=area_profile(session, mentee_id, header.cohort_id, mentor_id, min_group=min_group),
        misroutes=top_misroutes(session, mentee_id, misroutes),
        notes=notes,
        notes_total=notes_total,
        assignments=mentee_assignments(session, mentee_id, header.cohort_id, rule),
    )
