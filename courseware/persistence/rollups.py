"""Dashboard rollups, kept on write: the one home of their maintenance.

Derived tables (``models.py``): per learner (``learner_rollups``: modules completed by the course's completion
rule, quizzes passed, mean best score, last submit and progress, RACI rule breaks, holds the learner role, has a
mentor; ``learner_due``: assignments not done yet, counted per due date; ``learner_modules`` and
``learner_quizzes``: each module's status and each quiz's best and pass), per cohort and question
(``cohort_question_rollups``) and per cohort routed-kind confusion (``cohort_confusion_rollups``).  The overview,
its CSV, the cohort page and the learner tables read them.
Whatever depends on the day (overdue) is decided when read, from ``learner_due.due_on``.

How they stay true — in the SAME transaction as the write that changes them:

- ORM writes are noticed by session events: after each flush the changed progress rows, attempts, items,
  assignments, users (a cohort change, a new or deleted user), roles and mentorships mark the learners and cohorts
  they touch; just
  before COMMIT (``before_commit``) those learners' rows are rewritten from the raw tables and those cohorts'
  rows recomputed.  A new writer that goes through the ORM cannot forget them.
- Core writes (``insert()``/``update()`` statements, which no session event sees) call ``touch`` in one line:
  the quiz submit (``services/attempts.submit_attempt``: the learner, and its new items added to the cohort's
  counts as increments, never regrouped), a reset, a regrade.
- ``rebuild`` (``courseware rebuild-rollups``) rewrites everything: after bulk seeding and after a content change
  that alters completion (the completion rule is the course's; a changed course is a changed rule).

Rewriting a learner costs a handful of index lookups on their own rows; a cohort's full recomputation (a
membership change, a regrade) groups its members' answer items once.  The completion rule comes from the app
that owns the engine (``use_rule``, called by ``state.AppState``).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    Engine,
    Executable,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    distinct,
    event,
    exists,
    func,
    insert,
    inspect,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql as postgresql_dialect
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session, UOWTransaction

from ..core.progress import CompletionRule
from ..core.questions import ROUTED_KINDS
from . import driver
from .completion import completion_counts, completions
from .dashboards.sql import best_scores, of_people, progress_totals, quiz_totals, rule_breaks_by_user
from .models import (
    Assignment,
    Attempt,
    AttemptItem,
    Cohort,
    CohortConfusionRollup,
    CohortQuestionRollup,
    LearnerDue,
    LearnerModule,
    LearnerQuiz,
    LearnerRollup,
    Mentorship,
    ModuleProgress,
    User,
    UserRole,
)
from .queries import assignment_done

_RULES: weakref.WeakKeyDictionary[Engine, CompletionRule] = weakref.WeakKeyDictionary()
_PENDING = "courseware.rollups"
_CHUNK = 5000  # learners rewritten per statement (bound parameters stay well under SQLite's limit)


def use_rule(engine: Engine, rule: CompletionRule) -> None:
    """The completion rule that rollups of this engine's database follow (the app's course)."""
    _RULES[engine] = rule


def rule_for(session: Session) -> CompletionRule:
    """The completion rule registered for the session's engine."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    found = _RULES.get(engine)
    if found is None:
        raise RuntimeError("no completion rule for this database: create the app (state.AppState) or call "
                           "persistence.rollups.use_rule(engine, rule) before writing learner data")
    return found


@dataclass
class Pending:
    """What this transaction's writes touched, applied just before COMMIT."""

    learners: set[int] = field(default_factory=set)  # rewrite their learner rows
    cohorts: set[int] = field(default_factory=set)  # recompute their question and confusion rows
    cohorts_of: set[int] = field(default_factory=set)  # learners whose cohort's rows must be recomputed
    members_of: set[int] = field(default_factory=set)  # cohorts whose every member's learner rows must be rewritten
    attempts: set[int] = field(default_factory=set)  # attempts whose new items are added to their cohort's counts
    scores: set[int] = field(default_factory=set)  # learners whose only change is a submit that did not pass

    def __bool__(self) -> bool:
        return bool(self.learners or self.cohorts or self.cohorts_of or self.members_of or self.attempts
                    or self.scores)


def pending(session: Session) -> Pending:
    """This session's pending rollup work (created on first use)."""
    found = session.info.get(_PENDING)
    if found is None:
        found = session.info[_PENDING] = Pending()
    return found  # type: ignore[no-any-return]


def touch(session: Session, *, learners: Iterable[int] = (), cohorts: Iterable[int] = (),
          attempts: Iterable[int] = (), cohorts_of: Iterable[int] = (), scores: Iterable[int] = ()) -> None:
    """Mark what a Core write changed: ``learners`` (their rows are rewritten), ``attempts`` (their newly inserted
    items are added to their learner's cohort counts), ``cohorts`` and ``cohorts_of`` learners (their cohort rows are
    recomputed, e.g. after stored items were changed).  Applied before COMMIT, in the same transaction.

    ``scores``: learners whose only change is a submitted attempt that did NOT pass.  Such an attempt changes their
    best scores, last submit and RACI rule breaks, but no completion (a module completes by reading or by a pass)
    and so no assignment's done state: only their ``learner_rollups`` and ``learner_quizzes`` rows are rewritten
    (``learner_modules`` and ``learner_due`` cannot have changed).  A learner also in ``learners`` gets the full
    rewrite."""
    work = pending(session)
    work.learners.update(learners)
    work.scores.update(scores)
    work.cohorts.update(cohorts)
    work.attempts.update(attempts)
    work.cohorts_of.update(cohorts_of)


# ---------------------------------------------------------------------------- noticing ORM writes


def _history(obj: Any, name: str) -> list[Any]:
    """Old and new values of an attribute changed in this flush (non-None)."""
    history = inspect(obj).attrs[name].history
    return [v for v in (*history.deleted, *history.added, *history.unchanged) if v is not None]


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    # A deleted cohort takes its assignments with it (ON DELETE CASCADE): its members' open dues change.
    for obj in session.deleted:
        if isinstance(obj, Cohort) and obj.id is not None:
            pending(session).members_of.add(obj.id)
        elif isinstance(obj, User) and obj.id is not None:
            # Their mentorships go with them (ON DELETE CASCADE): their mentees may have no mentor left.
            pending(session).learners.update(
                session.scalars(select(Mentorship.mentee_id).where(Mentorship.mentor_id == obj.id)))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    work: Pending | None = None
    for state, objects in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
        for obj in objects:
            if isinstance(obj, (ModuleProgress, Attempt)):
                work = work or pending(session)
                work.learners.add(obj.user_id)
            elif isinstance(obj, AttemptItem):
                work = work or pending(session)
                work.learners.add(obj.user_id)
                if state == "new":
                    work.attempts.add(obj.attempt_id)
                else:
                    work.cohorts_of.add(obj.user_id)
            elif isinstance(obj, Assignment):
                work = work or pending(session)
                work.learners.update(_history(obj, "user_id"))
                work.members_of.update(_history(obj, "cohort_id"))
            elif isinstance(obj, User):
                if state == "dirty" and not inspect(obj).attrs.cohort_id.history.has_changes():
                    continue
                work = work or pending(session)
                if obj.id is not None:
                    work.learners.add(obj.id)
                work.cohorts.update(_history(obj, "cohort_id"))
            elif isinstance(obj, UserRole):  # the learner flag
                work = work or pending(session)
                work.learners.add(obj.user_id)
            elif isinstance(obj, Mentorship):  # the mentored flag
                work = work or pending(session)
                work.learners.add(obj.mentee_id)
            elif isinstance(obj, Cohort) and state == "deleted":
                work = work or pending(session)
                work.members_of.add(obj.id)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if not session.info.get(_PENDING) and not session.new and not session.dirty and not session.deleted:
        return
    session.flush()
    apply_pending(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def apply_pending(session: Session) -> None:
    """Bring the rollups up to date with what this transaction wrote (called before COMMIT)."""
    work = session.info.pop(_PENDING, None)
    if not work:
        return
    learners = set(work.learners)
    cohorts = {c for c in work.cohorts if c is not None}
    if work.members_of:
        learners.update(session.scalars(select(User.id).where(User.cohort_id.in_(work.members_of))))
        learners.update(session.scalars(select(LearnerDue.user_id).where(LearnerDue.cohort_id.in_(work.members_of))))
    if work.cohorts_of:
        cohorts.update(c for c in session.scalars(select(User.cohort_id).where(User.id.in_(work.cohorts_of)))
                       if c is not None)
    rule = rule_for(session)
    if learners:
        refresh_learners(session, rule, sorted(learners))
    scores = work.scores - learners
    if scores:
        refresh_learners(session, rule, sorted(scores), scores_only=True)
    if cohorts:
        refresh_cohorts(session, sorted(cohorts))
    if work.attempts:
        add_attempts(session, sorted(work.attempts), skip_cohorts=cohorts)


# ---------------------------------------------------------------------------- rewriting from the raw tables


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _upsert(session: Session, table: Table, keys: list[str]) -> Any:
    """INSERT … ON CONFLICT (keys) for this dialect."""
    return (postgresql_dialect.insert(table) if _dialect(session) == "postgresql" else sqlite.insert(table))


Ids = list[int] | BindParameter[Any] | None  # the learners a statement is about: listed, bound later, or everyone


def _among(column: Any, ids: list[int] | BindParameter[Any]) -> Any:
    """``column IN ids``, or ``column = :id`` for one id bound later (a non-expanding bind: its SQL never changes)."""
    if isinstance(ids, BindParameter) and not ids.expanding:
        return column == ids
    return column.in_(ids)


def _people(ids: Ids) -> Select[Any]:
    query = select(User.id.label("user_id"), User.cohort_id)
    return query if ids is None else query.where(_among(User.id, ids))


def learner_rows(rule: CompletionRule, ids: Ids) -> Select[Any]:
    """The raw aggregate: (user_id, cohort_id, modules_completed, quizzes_passed, average_best, last_submitted,
    last_progress, rule_breaks, learner, mentored) per user (of ``ids``; None: everyone)."""
    people = _people(ids).cte("people")
    done = completion_counts(rule, of_people(people))
    quizzes = quiz_totals(people)
    progress = progress_totals(people)
    breaks = rule_breaks_by_user(of_people(people))
    learner = exists().where(UserRole.user_id == people.c.user_id, UserRole.role == "learner")
    mentored = exists().where(Mentorship.mentee_id == people.c.user_id)
    return (
        select(people.c.user_id, people.c.cohort_id, func.coalesce(done.c.completed, 0),
               func.coalesce(quizzes.c.passed, 0), quizzes.c.average_best, quizzes.c.last_submitted,
               progress.c.last_progress, func.coalesce(breaks.c.rule_breaks, 0), learner, mentored)
        .select_from(people)
        .outerjoin(done, done.c.user_id == people.c.user_id)
        .outerjoin(quizzes, quizzes.c.user_id == people.c.user_id)
        .outerjoin(progress, progress.c.user_id == people.c.user_id)
        .outerjoin(breaks, breaks.c.user_id == people.c.user_id)
    )


LEARNER_COLUMNS = ["user_id", "cohort_id", "modules_completed", "quizzes_passed", "average_best", "last_submitted",
                   "last_progress", "rule_breaks", "learner", "mentored"]


def due_rows(rule: CompletionRule, ids: Ids) -> Select[Any]:
    """The raw aggregate: (user_id, due_on, cohort_id, open) — assignments not done, per learner and due date.

    An assignment reaches a learner directly or through their cohort; done is ``assignment_done``."""
    people = _people(ids).cte("due_people")
    columns = (people.c.user_id, people.c.cohort_id, Assignment.kind.label("kind"),
               Assignment.item_id.label("item_id"), Assignment.due_on.label("due_on"))
    direct = select(*columns).join(Assignment, Assignment.user_id == people.c.user_id)
    via_cohort = select(*columns).join(Assignment, Assignment.cohort_id == people.c.cohort_id)
    due = union_all(direct, via_cohort).subquery("due")
    return (
        select(due.c.user_id, due.c.due_on, due.c.cohort_id, func.count())
        .where(~assignment_done(rule, due.c.user_id, due.c.kind, due.c.item_id))
        .group_by(due.c.user_id, due.c.due_on, due.c.cohort_id)
    )


def module_rows(rule: CompletionRule, ids: Ids) -> Select[Any]:
    """The raw aggregate: (user_id, module_id, cohort_id, started, complete) — every module a learner opened or
    completed by the completion rule."""
    people = _people(ids).cte("module_people")
    opened = (
        select(ModuleProgress.user_id, ModuleProgress.module_id, literal(1).label("started"),
               literal(0).label("complete"))
        .where(ModuleProgress.user_id.in_(select(people.c.user_id)))
    )
    done = completions(rule, of_people(people))
    both = union_all(opened, select(done.c.user_id, done.c.module_id, literal(0), literal(1))).subquery("both")
    return (
        select(both.c.user_id, both.c.module_id, people.c.cohort_id, func.max(both.c.started) == 1,
               func.max(both.c.complete) == 1)
        .join(people, people.c.user_id == both.c.user_id)
        .group_by(both.c.user_id, both.c.module_id, people.c.cohort_id)
    )


def quiz_rows(ids: Ids) -> Select[Any]:
    """The raw aggregate: (user_id, quiz_id, cohort_id, best, passed, last_submitted) over live submitted attempts."""
    people = _people(ids).cte("quiz_people")
    best = best_scores(people)
    return (
        select(best.c.user_id, best.c.quiz_id, people.c.cohort_id, best.c.best, best.c.passed == 1,
               best.c.last_submitted)
        .join(people, people.c.user_id == best.c.user_id)
    )


MODULE_COLUMNS = ["user_id", "module_id", "cohort_id", "started", "complete"]
QUIZ_COLUMNS = ["user_id", "quiz_id", "cohort_id", "best", "passed", "last_submitted"]
DUE_COLUMNS = ["user_id", "due_on", "cohort_id", "open"]


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


_LEARNER_TABLES = tuple(_table(m) for m in (LearnerDue, LearnerRollup, LearnerModule, LearnerQuiz))


def _inserts(rule: CompletionRule, ids: Ids) -> tuple[Executable, ...]:
    """INSERT … SELECT of each learner table's rows (Core statements on the tables: no ORM bulk path)."""
    return (insert(_table(LearnerRollup)).from_select(LEARNER_COLUMNS, learner_rows(rule, ids)),
            insert(_table(LearnerDue)).from_select(DUE_COLUMNS, due_rows(rule, ids)),
            insert(_table(LearnerModule)).from_select(MODULE_COLUMNS, module_rows(rule, ids)),
            insert(_table(LearnerQuiz)).from_select(QUIZ_COLUMNS, quiz_rows(ids)))


@lru_cache(maxsize=32)
def learner_rewrite(rule: CompletionRule, postgresql: bool, scores_only: bool = False,
                    one: bool = False) -> tuple[Executable, ...]:
    """The statements that rewrite the learner rows of the ids bound as ``ids`` (a list; ``one``: the single id
    bound as ``id``, run on the driver, see ``persistence/driver.py``), built once per rule.

    Built per call, these four DELETEs and four INSERT … SELECTs cost ~15 ms of SQLAlchemy expression building and
    cache-key generation per quiz submit, for ~1 ms of SQL; prebuilt, their cache keys are computed once and the
    compiled SQL is reused.  On PostgreSQL the first statement locks the learner's rollup row: two transactions
    rewriting one learner take turns (the second waits, then reads the first's rows).  ``scores_only``: the
    ``learner_rollups`` and ``learner_quizzes`` rows only (see ``touch``)."""
    ids: BindParameter[Any] = bindparam("id") if one else bindparam("ids", expanding=True)
    rollup = _table(LearnerRollup)
    lock: tuple[Executable, ...] = (
        (select(rollup.c.user_id).where(_among(rollup.c.user_id, ids)).order_by(rollup.c.user_id).with_for_update(),)
        if postgresql else ())
    tables = (_table(LearnerRollup), _table(LearnerQuiz)) if scores_only else _LEARNER_TABLES
    deletes = tuple(delete(table).where(_among(table.c.user_id, ids)) for table in tables)
    inserts = _inserts(rule, ids)
    return lock + deletes + ((inserts[0], inserts[3]) if scores_only else inserts)


def refresh_learners(session: Session, rule: CompletionRule, ids: list[int] | None, *,
                     scores_only: bool = False) -> None:
    """Rewrite the learner rows of ``ids`` (None: everyone) from the raw tables (``scores_only``: see ``touch``)."""
    connection = session.connection()
    if ids is None:
        for table in _LEARNER_TABLES:
            connection.execute(delete(table))
        for statement in _inserts(rule, None):
            connection.execute(statement)
        return
    postgresql = _dialect(session) == "postgresql"
    if len(ids) == 1:  # a quiz submit, a module completed: one learner, on the driver (no SQLAlchemy per statement)
        for statement in learner_rewrite(rule, postgresql, scores_only, one=True):
            driver.run(connection, statement, {"id": ids[0]})
        return
    statements = learner_rewrite(rule, postgresql, scores_only)
    for start in range(0, len(ids), _CHUNK):
        values = {"ids": ids[start:start + _CHUNK]}
        for statement in statements:
            connection.execute(statement, values)


def question_rows(where: Any) -> Select[Any]:
    """The raw aggregate: (cohort_id, quiz_id, question_id, answers, items, correct) over the stored items of
    the cohort members that ``where`` keeps (a condition on users and attempt_items)."""
    return (
        select(User.cohort_id, AttemptItem.quiz_id, AttemptItem.question_id,
               func.count(distinct(AttemptItem.attempt_id)), func.count(),
               func.coalesce(func.sum(case((AttemptItem.correct.is_(True), 1), else_=0)), 0))
        .join(User, User.id == AttemptItem.user_id)
        .where(User.cohort_id.is_not(None), where)
        .group_by(User.cohort_id, AttemptItem.quiz_id, AttemptItem.question_id)
    )


def confusion_rows(where: Any) -> Select[Any]:
    """The raw aggregate: (cohort_id, area, expected, given or '', count) over routed items (see question_rows)."""
    given = func.coalesce(AttemptItem.given, "")
    return (
        select(User.cohort_id, AttemptItem.area, AttemptItem.expected, given, func.count())
        .join(User, User.id == AttemptItem.user_id)
        .where(User.cohort_id.is_not(None), AttemptItem.kind.in_(ROUTED_KINDS), where)
        .group_by(User.cohort_id, AttemptItem.area, AttemptItem.expected, given)
    )


QUESTION_COLUMNS = ["cohort_id", "quiz_id", "question_id", "answers", "items", "correct"]
CONFUSION_COLUMNS = ["cohort_id", "area", "expected", "given", "count"]


def refresh_cohorts(session: Session, ids: list[int] | None) -> None:
    """Recompute the question and confusion rows of cohorts ``ids`` (None: every cohort) from the raw items."""
    where: Any = User.cohort_id.in_(ids) if ids is not None else and_(True)
    targets = ((CohortQuestionRollup, QUESTION_COLUMNS, question_rows(where), ["cohort_id", "quiz_id", "question_id"]),
               (CohortConfusionRollup, CONFUSION_COLUMNS, confusion_rows(where),
                ["cohort_id", "area", "expected", "given"]))
    for model, columns, rows, keys in targets:
        table: Table = model.__table__  # type: ignore[assignment]
        session.execute(delete(table) if ids is None else delete(table).where(table.c.cohort_id.in_(ids)))
        statement = _upsert(session, table, keys).from_select(columns, rows)
        # A submit committed meanwhile may have added its increment row already: the recomputed count includes it.
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={c: statement.excluded[c] for c in columns if c not in keys})
        session.execute(statement)


_COHORT_TARGETS = ((CohortQuestionRollup, QUESTION_COLUMNS, ["cohort_id", "quiz_id", "question_id"], question_rows),
                   (CohortConfusionRollup, CONFUSION_COLUMNS, ["cohort_id", "area", "expected", "given"],
                    confusion_rows))


def _increment(postgresql: bool, model: Any, columns: list[str], keys: list[str]) -> Executable:
    table = _table(model)
    statement = (postgresql_dialect.insert(table) if postgresql else sqlite.insert(table))
    return statement.on_conflict_do_update(
        index_elements=keys, set_={c: table.c[c] + statement.excluded[c] for c in columns if c not in keys})


@lru_cache(maxsize=4)
def _attempt_increments(postgresql: bool, one: bool = False) -> tuple[tuple[Executable, list[str], Executable], ...]:
    """Per cohort rollup table: the SELECT of the new items' counts of the attempts bound as ``attempts`` (``one``:
    the single attempt bound as ``attempt``, run on the driver), its columns, and the upsert that adds them — built
    once (see ``learner_rewrite``)."""
    where = (AttemptItem.attempt_id == bindparam("attempt") if one
             else AttemptItem.attempt_id.in_(bindparam("attempts", expanding=True)))
    return tuple((rows(where), columns, _increment(postgresql, model, columns, keys))
                 for model, columns, keys, rows in _COHORT_TARGETS)


def add_attempts(session: Session, attempt_ids: list[int], *, skip_cohorts: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    """Add the stored items of newly submitted attempts to their learners' cohort counts (increments, no regrouping).

    Cohorts in ``skip_cohorts`` were recomputed in this transaction already and include them."""
    connection = session.connection()
    postgresql = _dialect(session) == "postgresql"
    targets = _attempt_increments(postgresql)
    if skip_cohorts:  # rare (a membership change in the same transaction): built for this call
        where = and_(AttemptItem.attempt_id.in_(bindparam("attempts", expanding=True)),
                     User.cohort_id.not_in(skip_cohorts))
        targets = tuple((rows(where), columns, _increment(postgresql, model, columns, keys))
                        for model, columns, keys, rows in _COHORT_TARGETS)
    if len(attempt_ids) == 1 and not skip_cohorts:  # a quiz submit: on the driver (persistence/driver.py)
        for query, columns, upsert in _attempt_increments(postgresql, one=True):
            found = driver.run(connection, query, {"attempt": attempt_ids[0]}).rows
            # In key order: two submits in one cohort lock its rows in the same order (no deadlock on PostgreSQL).
            driver.run_many(connection, upsert, [dict(zip(columns, row, strict=True)) for row in sorted(found)])
        return
    for query, columns, upsert in targets:
        # In key order: two submits in one cohort then lock its rows in the same order (no deadlock on PostgreSQL).
        rows = [dict(zip(columns, row, strict=True))
                for row in sorted(connection.execute(query, {"attempts": attempt_ids}).tuples())]
        if rows:
            connection.execute(upsert, rows)


def rebuild(session: Session, rule: CompletionRule | None = None) -> None:
    """Rewrite every rollup from the raw tables (``courseware rebuild-rollups``; after bulk seeding or a content
    change that alters completion).  Flushes first; the caller commits."""
    session.flush()
    session.info.pop(_PENDING, None)
    refresh_learners(session, rule or rule_for(session), None)
    refresh_cohorts(session, None)
