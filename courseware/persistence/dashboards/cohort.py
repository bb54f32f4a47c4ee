"""The cohort page: a learners × modules heatmap, per-module and per-quiz numbers, confusion matrix, hardest questions.

A mentor sees a cohort only when they mentor someone in it, and every number is computed over
those mentees only; an admin sees every member.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import CTE, Select, case, distinct, func, select
from sqlalchemy.orm import Session

from ...core.progress import CompletionRule
from ...core.questions import ROUTED_KINDS
from ..models import AttemptItem, Cohort, CohortConfusionRollup, CohortQuestionRollup, LearnerModule, LearnerQuiz, User
from ..paging import limit_page
from ..scope import within_scope
from .sql import as_float, count_if, in_ids

# "Hardest questions" ranks a question only once it has this many answers (submitted attempts answering it).
MIN_ANSWERS = 5


@dataclass(frozen=True)
class CohortHeader:
    """The cohort, its size, and how many of its members the viewer sees."""

    id: int
    name: str
    start_date: date
    operating_model: str | None
    members: int
    learners: int


@dataclass(frozen=True)
class HeatmapRow:
    """One learner's row of the heatmap: module id → 'complete' (by the completion rule) or 'in_progress'
    (opened, or marked read while its quiz is not passed); absent: not started."""

    user_id: int
    name: str
    done: int  # modules of the course completed
    cells: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ModuleStat:
    """How many of the cohort's learners started and completed one module."""

    module_id: str
    started: int
    completed: int


@dataclass(frozen=True)
class QuizStat:
    """One quiz over the cohort: learners who submitted it, passed it, and the mean of their best scores."""

    quiz_id: str
    learners: int
    passed: int
    average_best: float | None


@dataclass(frozen=True)
class ConfusionCell:
    """How often an item whose key is ``expected`` was answered ``given`` (None: left unanswered), per area."""

    area: str
    expected: str
    given: str | None
    count: int
    area_total: int  # answers in this area
    area_correct: int  # ...given the expected role


@dataclass(frozen=True)
class QuestionStat:
    """A question's share of items answered correctly over every submitted attempt that answered it."""

    quiz_id: str
    question_id: str
    answers: int  # submitted attempts that asked it
    share_correct: float


@dataclass(frozen=True)
class HardestQuestions:
    """The hardest questions with at least ``MIN_ANSWERS`` answers, and how many questions have fewer so far."""

    questions: list[QuestionStat]
    too_few: int  # questions answered, but fewer than MIN_ANSWERS times
    min_answers: int = MIN_ANSWERS


def _members(cohort_id: int, mentor_id: int | None) -> Select[Any]:
    """The cohort's learners this viewer sees."""
    query = select(User.id.label("user_id"), User.display_name.label("name")).where(User.cohort_id == cohort_id)
    return within_scope(query, User.id, mentor_id)


def cohort_header(session: Session, cohort_id: int, mentor_id: int | None) -> CohortHeader | None:
    """The cohort if the viewer may see it (a mentor: only with a mentee in it), else None — one query."""
    members = select(func.count()).where(User.cohort_id == Cohort.id).correlate(Cohort).scalar_subquery()
    seen = select(func.count()).select_from(_members(cohort_id, mentor_id).subquery()).scalar_subquery()
    row = session.execute(
        select(Cohort.id, Cohort.name, Cohort.start_date, Cohort.operating_model, members, seen).where(Cohort.id == cohort_id)
    ).first()
    if row is None or (mentor_id is not None and not row[5]):
        return None
    return CohortHeader(row[0], row[1], row[2], row[3], int(row[4] or 0), int(row[5] or 0))


def heatmap(
    session: Session, cohort_id: int, mentor_id: int | None, *, rule: CompletionRule, page: int = 1,
    per_page: int = 50,
) -> list[HeatmapRow]:
    """One page of learners (by name) with the status of every module they touched and their total — one query.

    A module is 'complete' by the course's completion rule; opened or marked read without it, 'in_progress'.
    """
    learners = limit_page(
        _members(cohort_id, mentor_id)
        .add_columns(func.lower(User.display_name).label("sort_name"))
        .order_by(func.lower(User.display_name), User.id),
        page, per_page,
    ).cte("page")
    cells = LearnerModule  # kept on write (persistence/rollups.py)
    rows = session.execute(
        select(learners.c.user_id, learners.c.name, cells.module_id, cells.complete)
        .select_from(learners)
        .outerjoin(cells, cells.user_id == learners.c.user_id)
        .order_by(learners.c.sort_name, learners.c.user_id)
    ).all()
    result: list[HeatmapRow] = []
    for user_id, name, module_id, complete in rows:
        if not result or result[-1].user_id != user_id:
            result.append(HeatmapRow(user_id, name, 0))
        if module_id is not None:
            result[-1].cells[module_id] = "complete" if complete else "in_progress"
    return [HeatmapRow(r.user_id, r.name, sum(1 for s in r.cells.values() if s == "complete"), r.cells) for r in result]


def _scope(cohort_id: int, mentor_id: int | None) -> CTE:
    return _members(cohort_id, mentor_id).cte("members")


def module_stats(session: Session, cohort_id: int, mentor_id: int | None, rule: CompletionRule) -> list[ModuleStat]:
    """Started and completed (by the completion rule) counts per module of the course — one query over the
    learners' module rows kept on write (``persistence/rollups.py``), the viewer's learners of the cohort only."""
    cells = LearnerModule
    query = (
        select(cells.module_id, count_if(cells.started.is_(True)), count_if(cells.complete.is_(True)))
        .where(cells.cohort_id == cohort_id)
        .group_by(cells.module_id)
    )
    rows = session.execute(within_scope(query, cells.user_id, mentor_id)).all()
    wanted = set(rule.module_ids)
    return [ModuleStat(m, int(started or 0), int(completed or 0)) for m, started, completed in rows if m in wanted]


def quiz_stats(session: Session, cohort_id: int, mentor_id: int | None) -> list[QuizStat]:
    """Per quiz: learners who submitted it, learners who passed, mean best score — one query over the learners'
    quiz rows kept on write."""
    quizzes = LearnerQuiz
    query = (
        select(quizzes.quiz_id, func.count(), count_if(quizzes.passed.is_(True)), as_float(func.avg(quizzes.best)))
        .where(quizzes.cohort_id == cohort_id)
        .group_by(quizzes.quiz_id)
        .order_by(quizzes.quiz_id)
    )
    rows = session.execute(within_scope(query, quizzes.user_id, mentor_id)).all()
    return [QuizStat(q, int(n), int(passed or 0), avg) for q, n, passed, avg in rows]


def confusion(session: Session, cohort_id: int, mentor_id: int | None, *, whole: bool = False) -> list[ConfusionCell]:
    """Expected role × given role counts per knowledge area, over route questions and split tasks — one query.

    ``whole``: the viewer sees every member, so the cohort's rollup rows answer (``persistence/rollups.py``).
    """
    if whole:
        rolled = CohortConfusionRollup
        rows = session.execute(
            select(rolled.area, rolled.expected, rolled.given, rolled.count,
                   func.sum(rolled.count).over(partition_by=rolled.area),
                   func.sum(case((rolled.given == rolled.expected, rolled.count), else_=0)).over(partition_by=rolled.area))
            .where(rolled.cohort_id == cohort_id)
        ).all()
        return [ConfusionCell(area, expected, given or None, int(n), int(total), int(correct or 0))
                for area, expected, given, n, total, correct in rows]
    scope = _scope(cohort_id, mentor_id)
    rows = session.execute(
        select(
            AttemptItem.area, AttemptItem.expected, AttemptItem.given, func.count(),
            func.sum(func.count()).over(partition_by=AttemptItem.area),
            func.sum(func.sum(case((AttemptItem.given == AttemptItem.expected, 1), else_=0))).over(
                partition_by=AttemptItem.area),
        )
        .where(in_ids(AttemptItem.user_id, select(scope.c.user_id)), AttemptItem.kind.in_(ROUTED_KINDS))
        .group_by(AttemptItem.area, AttemptItem.expected, AttemptItem.given)
    ).all()
    return [ConfusionCell(area, expected, given, int(n), int(total), int(correct or 0))
            for area, expected, given, n, total, correct in rows]


def hardest_questions(session: Session, cohort_id: int, mentor_id: int | None, limit: int = 10,
                      min_answers: int = MIN_ANSWERS, *, whole: bool = False) -> HardestQuestions:
    """The questions with the lowest share of items answered correctly (ties: most answered first), counting only
    questions answered at least ``min_answers`` times, and how many have fewer answers — one query, one pass.

    Questions with too few answers sort after the others, so the page's rows come first and the count of the
    rest travels on every row (as a window over the grouped questions).
    """
    if whole:  # the viewer sees every member: the cohort's rollup rows (``persistence/rollups.py``)
        rolled = CohortQuestionRollup
        share = as_float(rolled.correct * 1.0 / rolled.items)
        enough = case((rolled.answers >= min_answers, 0), else_=1)
        query = (
            select(rolled.quiz_id, rolled.question_id, rolled.answers.label("answers"), share.label("share"),
                   func.sum(enough).over().label("too_few"))
            .where(rolled.cohort_id == cohort_id)
            .order_by(enough, share, rolled.answers.desc(), rolled.quiz_id, rolled.question_id)
        )
    else:
        scope = _scope(cohort_id, mentor_id)
        answers = func.count(distinct(AttemptItem.attempt_id))
        share = as_float(count_if(AttemptItem.correct.is_(True)) * 1.0 / func.count())
        enough = case((answers >= min_answers, 0), else_=1)
        query = (
            select(AttemptItem.quiz_id, AttemptItem.question_id, answers.label("answers"), share.label("share"),
                   func.sum(enough).over().label("too_few"))
            .where(AttemptItem.user_id.in_(select(scope.c.user_id)))
            .group_by(AttemptItem.quiz_id, AttemptItem.question_id)
            .order_by(enough, share, answers.desc(), AttemptItem.quiz_id, AttemptItem.question_id)
        )
    rows = session.execute(query.limit(limit)).all()
    stats = [QuestionStat(r.quiz_id, r.question_id, int(r.answers), float(r.share)) for r in rows
             if r.answers >= min_answers]
    return HardestQuestions(stats, int(rows[0].too_few or 0) if rows else 0, min_answers)


@dataclass(frozen=True)
class CohortPage:
    """Everything the cohort page shows."""

    header: CohortHeader
    heatmap: list[HeatmapRow]
    modules: list[ModuleStat]
    quizzes: list[QuizStat]
    confusion: list[ConfusionCell]
    hardest: HardestQuestions


def cohort_page(
    session: Session, cohort_id: int, mentor_id: int | None, *, rule: CompletionRule, page: int = 1,
    per_page: int = 50, hardest: int = 10,
) -> CohortPage | None:
    """The whole cohort page in six queries, or None when the viewer may not see this cohort."""
    header = cohort_header(session, cohort_id, mentor_id)
    if header is None:
        return None
    # Seeing every member (an admin, or a mentor of them all), the cohort's own rollups answer; else the mentor's
    # mentees in it, a caseload, are aggregated from their rows.
    whole = header.learners == header.members
    return CohortPage(
        header=header,
        heatmap=heatmap(session, cohort_id, mentor_id, rule=rule, page=page, per_page=per_page),
        modules=module_stats(session, cohort_id, mentor_id, rule),
        quizzes=quiz_stats(session, cohort_id, mentor_id),
        confusion=confusion(session, cohort_id, mentor_id, whole=whole),
        hardest=hardest_questions(session, cohort_id, mentor_id, hardest, whole=whole),
    )
