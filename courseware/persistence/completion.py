"""The completion rule in SQL: which modules each learner has completed, derived from clicks and passed quizzes.

``core/progress.CompletionRule`` says which modules their quizzes complete (all of a module's quizzes passed)
and which the learner's click completes; My path applies it in Python, and every dashboard, CSV and the
"assignment done" rule apply it through the two functions here.  Nothing stores a module's completion: a quiz
passed (or reset) changes it at once, and so does a quiz added to the course.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, case, distinct, exists, func, literal, or_, select, union_all

from ..core.progress import CompletionRule
from .models import Attempt, ModuleProgress

# A condition on a user_id column that keeps the learners a query is about (an ``in_ids`` or an equality).
Who = Callable[[Any], ColumnElement[bool]]


def passed_attempt() -> ColumnElement[bool]:
    """SQL: a submitted attempt that passed (reset and open attempts never count)."""
    return and_(Attempt.state == "submitted", Attempt.passed.is_(True))


def _module_of(rule: CompletionRule, quiz_id: Any) -> ColumnElement[Any]:
    """SQL: the module a quiz id completes (NULL for other quizzes)."""
    return case(rule.module_of_quiz, value=quiz_id, else_=None)


def _quizzes_needed(rule: CompletionRule, module_id: Any) -> ColumnElement[Any]:
    """SQL: how many quizzes complete a module (0 for modules completed by reading)."""
    return case({m: len(q) for m, q in rule.by_quiz}, value=module_id, else_=0)


def completions(rule: CompletionRule, who: Who | None = None) -> Subquery:
    """(user_id, module_id, completed_at): one row per module each learner (of ``who``) has completed.

    A module completed by reading: when the learner marked it.  A module completed by its quizzes: once each
    of them has a passed attempt, at the first pass of the last one.
    """
    read = select(ModuleProgress.user_id, ModuleProgress.module_id, ModuleProgress.completed_at).where(
        ModuleProgress.completed_at.is_not(None), ModuleProgress.module_id.in_(rule.by_reading))
    if who is not None:
        read = read.where(who(ModuleProgress.user_id))
    if not rule.by_quiz:
        return read.subquery("completions")
    first_pass = (
        select(Attempt.user_id, Attempt.quiz_id, func.min(Attempt.submitted_at).label("at"))
        .where(Attempt.quiz_id.in_(list(rule.module_of_quiz)), passed_attempt())
        .group_by(Attempt.user_id, Attempt.quiz_id)
    )
    if who is not None:
        first_pass = first_pass.where(who(Attempt.user_id))
    passes = first_pass.subquery("first_pass")
    module = _module_of(rule, passes.c.quiz_id)
    by_quiz = (
        select(passes.c.user_id, module.label("module_id"), func.max(passes.c.at).label("completed_at"))
        .group_by(passes.c.user_id, module)
        .having(func.count() == _quizzes_needed(rule, module))
    )
    return union_all(read, by_quiz).subquery("completions")


def completion_counts(rule: CompletionRule, who: Who | None = None) -> Subquery:
    """(user_id, completed): how many modules of the course each learner (of ``who``) has completed."""
    done = completions(rule, who)
    return select(done.c.user_id, func.count().label("completed")).group_by(done.c.user_id).subquery("completed")


def module_done(rule: CompletionRule, user_id: Any, module_id: Any) -> ColumnElement[bool]:
    """SQL: the learner ``user_id`` has completed the module ``module_id`` (values or columns to correlate with)."""
    module: Any = literal(module_id) if isinstance(module_id, str) else module_id
    by_reading = and_(module.in_(rule.by_reading), exists().where(
        ModuleProgress.user_id == user_id, ModuleProgress.module_id == module, ModuleProgress.completed_at.is_not(None)))
    if not rule.by_quiz:
        return by_reading
    quizzes_passed = (
        select(func.count(distinct(Attempt.quiz_id)))
        .where(Attempt.user_id == user_id, Attempt.quiz_id.in_(list(rule.module_of_quiz)),
               _module_of(rule, Attempt.quiz_id) == module, passed_attempt())
        .scalar_subquery()
    )
    by_quiz = and_(module.in_([m for m, _ in rule.by_quiz]), quizzes_passed == _quizzes_needed(rule, module))
    return or_(by_reading, by_quiz) if rule.by_reading else by_quiz
