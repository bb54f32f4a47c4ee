"""The SQL building blocks every dashboard query shares.

Who sees whom is decided in ``persistence/scope.py``.  The aggregates here are subqueries to join,
never loops over learners.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CTE,
    BindParameter,
    ColumnElement,
    Float,
    Select,
    Subquery,
    and_,
    case,
    cast,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from ...core.progress import CompletionRule
from ...core.questions import RaciQuestion
from ...core.questions.raci import accountable_break, responsible_break
from ...core.schedule import past_due
from ..base import UTCDateTime
from ..models import Assignment, Attempt, AttemptItem, ModuleProgress
from ..queries import assignment_done


class greatest(FunctionElement[datetime]):  # noqa: N801 - named like the SQL function
    """GREATEST of timestamps, ignoring NULLs (NULL only when every argument is NULL)."""

    type = UTCDateTime()
    name = "greatest"
    inherit_cache = True


@compiles(greatest)
def _greatest_default(element: greatest, compiler: SQLCompiler, **kw: Any) -> str:
    return f"greatest({compiler.process(element.clauses, **kw)})"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite's scalar max() is NULL as soon as one argument is; coalescing each argument with
    # the others (rotated) makes every term non-NULL unless all are.
    args = [compiler.process(clause, **kw) for clause in element.clauses]
    rotations = [", ".join(args[i:] + args[:i]) for i in range(len(args))]
    return "max(" + ", ".join(f"coalesce({r})" for r in rotations) + ")"


def in_ids(column: Any, ids: Select[Any]) -> ColumnElement[bool]:
    """``column IN (SELECT ids ...)``: a semi-join the planner estimates from the subquery itself.

    PostgreSQL once got ``= ANY(ARRAY(SELECT ...))`` here (the ids first, then index lookups), which made it
    estimate 201 rows where 98,715 came at 100k learners; the aggregates that needed it (the cohort page over
    1,000 learners, the overview) now read the rollups, and a plain IN keeps the estimates honest.
    """
    return coercions.expect(roles.ExpressionElementRole, column).in_(ids)  # type: ignore[no-any-return]


def as_float(expression: ColumnElement[Any]) -> ColumnElement[float]:
    """CAST(... AS FLOAT): the same Python float from SQLite and PostgreSQL (never a Decimal)."""
    return cast(expression, Float)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END) — a conditional count."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def of_people(people: CTE | Subquery | Select[Any]) -> Any:
    """A ``who`` for ``persistence/completion.py``: the user_id column is one of ``people``'s user ids."""
    ids = people if isinstance(people, Select) else select(people.c.user_id)
    return lambda column: in_ids(column, ids)


# ---------------------------------------------------------------------------- shared aggregates


def overdue_by_user(people: CTE | Subquery, today: date | BindParameter[Any], rule: CompletionRule) -> Subquery:
    """(user_id, overdue): assignments past due on ``today`` and not done, for the people of ``people``.

    ``people`` needs ``user_id`` and ``cohort_id`` columns.  An assignment reaches a learner
    directly or through their cohort (two index lookups joined by UNION ALL, never an OR join);
    done is ``assignment_done`` under the course's completion rule.
    """
    columns = (people.c.user_id, Assignment.kind.label("kind"), Assignment.item_id.label("item_id"))
    direct = select(*columns).join(Assignment, Assignment.user_id == people.c.user_id).where(past_due(Assignment.due_on, today))
    via_cohort = (
        select(*columns).join(Assignment, Assignment.cohort_id == people.c.cohort_id).where(past_due(Assignment.due_on, today))
    )
    due = union_all(direct, via_cohort).subquery("due")
    return (
        select(due.c.user_id, func.count().label("overdue"))
        .where(~assignment_done(rule, due.c.user_id, due.c.kind, due.c.item_id))
        .group_by(due.c.user_id)
        .subquery("overdue")
    )


def best_scores(people: CTE | Subquery) -> Subquery:
    """(user_id, quiz_id, best, passed, last_submitted) per learner and quiz, over submitted attempts."""
    return (
        select(
            Attempt.user_id,
            Attempt.quiz_id,
            func.max(Attempt.score).label("best"),
            func.max(case((Attempt.passed.is_(True), 1), else_=0)).label("passed"),
            func.max(Attempt.submitted_at).label("last_submitted"),
        )
        .where(in_ids(Attempt.user_id, select(people.c.user_id)), Attempt.state == "submitted")
        .group_by(Attempt.user_id, Attempt.quiz_id)
        .subquery("best")
    )


def quiz_totals(people: CTE | Subquery) -> Subquery:
    """(user_id, passed, average_best, last_submitted) per learner: quizzes passed and the mean best score."""
    best = best_scores(people)
    return (
        select(
            best.c.user_id,
            func.sum(best.c.passed).label("passed"),
            as_float(func.avg(best.c.best)).label("average_best"),
            func.max(best.c.last_submitted).label("last_submitted"),
        )
        .group_by(best.c.user_id)
        .subquery("quizzes")
    )


def progress_totals(people: CTE | Subquery) -> Subquery:
    """(user_id, last_progress) per learner: the latest time they opened or marked a module."""
    return (
        select(
            ModuleProgress.user_id,
            greatest(func.max(ModuleProgress.started_at), func.max(ModuleProgress.completed_at)).label("last_progress"),
        )
        .where(in_ids(ModuleProgress.user_id, select(people.c.user_id)))
        .group_by(ModuleProgress.user_id)
        .subquery("progress")
    )




def rule_breaks_by_user(who: Any) -> Subquery:
    """(user_id, rule_breaks): RACI answers that break a RACI rule, per learner (of ``who``) — the rule of
    ``core/questions/raci.py`` applied to the letters stored per role."""
    items = AttemptItem
    per_answer = (
        select(items.user_id, count_if(items.given == "A").label("a"), count_if(items.given == "R").label("r"),
               count_if(items.expected == "R").label("key_r"), func.count(items.given).label("answered"))
        .where(items.kind == RaciQuestion.type, who(items.user_id))
        .group_by(items.user_id, items.attempt_id, items.question_id)
        .subquery("raci_answers")
    )
    broken = and_(per_answer.c.answered > 0,
                  or_(accountable_break(per_answer.c.a), responsible_break(per_answer.c.r, per_answer.c.key_r)))
    return (
        select(per_answer.c.user_id, count_if(broken).label("rule_breaks"))
        .group_by(per_answer.c.user_id)
        .subquery("rule_breaks")
    )
