"""Turning dashboard query results into what the mentor pages show: titles, labels and words, not ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import Markup

from ...core.catalog import Catalog, Module
from ...core.progress import CompletionRule
from ...core.quiz import Quiz, QuizBank
from ...core.schedule import is_overdue
from ...persistence import dashboards
from ...services.assignments import item_title
from ...services.attempts import QuizStanding
from ..words import short
from .charts import AreaBars, MatrixCell, StepChart, area_bars, shade, step_chart


def quiz_title(quizzes: QuizBank, quiz_id: str) -> str:
    """A quiz's title, or its id when the quiz is no longer in the course."""
    quiz = quizzes.get(quiz_id)
    return quiz.title if quiz is not None else quiz_id


def question_text(quizzes: QuizBank, quiz_id: str, question_id: str, item_id: str = "") -> str:
    """The task text (split) or a shortened prompt; the ids when the question is gone."""
    quiz = quizzes.get(quiz_id)
    question = quiz.question(question_id) if quiz is not None else None
    if question is None:
        return f"{question_id}/{item_id}" if item_id else question_id
    item = question.item_text(item_id) if item_id else None
    if item is not None:
        return item
    # A scenario ends with its question ("Who ...?"); that sentence reads best on its own.
    sentences = [s.strip() for s in question.prompt.replace("\n", " ").split(". ") if s.strip()]
    last = sentences[-1] if sentences else question.prompt
    return short(last if last.endswith("?") and len(last) > 20 else question.prompt)


def short_role(role_id: str) -> str:
    """A role id as a column heading: 'AM', 'PM', 'PMO', 'Shared'."""
    return role_id.upper() if len(role_id) <= 3 else role_id.capitalize()


def owner_role_label(catalog: Catalog, role_id: str | None) -> str:
    """An owner role's label ('Not answered' for None)."""
    return catalog.registry.owner_role_label(role_id) if role_id else "Not answered"


# ---------------------------------------------------------------------------- mentee page


@dataclass(frozen=True)
class ModuleLine:
    """A module of the course and where the mentee is with it (complete by the completion rule; 'read': marked
    read while its quiz is not passed)."""

    module: Module
    status: str
    started_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True)
class AttemptLine:
    """A quiz attempt with its quiz's title."""

    attempt: dashboards.AttemptSummary
    title: str


@dataclass(frozen=True)
class MisrouteLine:
    """A frequent misroute, in words."""

    words: str
    quiz: str
    times: int
    answered: int


@dataclass(frozen=True)
class NoteView:
    """A note: its stored sanitised HTML, who wrote it and when."""

    id: int
    author: str
    author_id: int | None
    created_at: datetime
    edited_at: datetime | None
    html: str


@dataclass(frozen=True)
class AssignmentLine:
    """An assignment with its title and state."""

    kind: str
    title: str
    due_on: date
    via_cohort: bool
    done: bool
    overdue: bool


@dataclass(frozen=True)
class MenteeView:
    """Everything the mentee page shows."""

    header: dashboards.MenteeHeader
    modules: list[ModuleLine]
    steps: StepChart | None  # modules completed over time; None before the first completion
    attempts: list[AttemptLine]
    areas: AreaBars | None  # None before the first answer
    misroutes: list[MisrouteLine]
    notes: list[NoteView]
    notes_total: int
    assignments: list[AssignmentLine]


def _steps(modules: list[ModuleLine], total: int, now: datetime) -> StepChart | None:
    """The step chart from the first module opened (or completed) to the later of the last completion and ``now``."""
    done_times = sorted(line.completed_at for line in modules if line.completed_at is not None)
    starts = [line.started_at for line in modules if line.started_at is not None] + done_times[:1]
    if not done_times or not starts:
        return None
    return step_chart([(when, i + 1) for i, when in enumerate(done_times)], total, min(starts), max(done_times[-1], now))


def misroute_words(m: dashboards.Misroute, catalog: Catalog, quizzes: QuizBank) -> str:
    """'routes “Re-forecast the budget” to Account Manager instead of Project Manager — 2 of 3 times'."""
    what = question_text(quizzes, m.quiz_id, m.question_id, m.item_id)
    times = "time" if m.answered == 1 else "times"
    return (f"routes “{what}” to {owner_role_label(catalog, m.given)} instead of {owner_role_label(catalog, m.expected)} "
            f"— {m.times} of {m.answered} {times}")


def _module_status(event: dashboards.ModuleEvent | None, gated: bool) -> str:
    if event is None:
        return "not_started"
    if event.completed_at is not None:
        return "complete"
    return "read" if gated and event.read_at is not None else "in_progress"


def mentee_view(
    detail: dashboards.MenteeDetail, catalog: Catalog, quizzes: QuizBank, *, today: date, now: datetime,
    rule: CompletionRule,
) -> MenteeView:
    """Build the mentee page model (``today`` in the organisation's zone decides overdue; ``now`` ends the chart)."""
    progress = {m.module_id: m for m in detail.modules}
    modules = []
    for module in catalog.path_modules:  # a learner's path: tracks for an audience are not theirs
        event = progress.get(module.id)
        modules.append(ModuleLine(module, _module_status(event, module.id in rule.gates),
                                  event.started_at if event else None, event.completed_at if event else None))
    attempts = [
        AttemptLine(a, quiz_title(quizzes, a.quiz_id)) for a in detail.attempts
    ]
    areas = area_bars([(catalog.registry.area_label(a.area), a.learner, a.cohort) for a in detail.areas])
    misroutes = [
        MisrouteLine(misroute_words(m, catalog, quizzes), quiz_title(quizzes, m.quiz_id), m.times, m.answered)
        for m in detail.misroutes
    ]
    notes = [NoteView(n.id, n.author or "A former mentor", n.author_id, n.created_at, n.edited_at, n.html)
             for n in detail.notes]
    assignments = [
        AssignmentLine(a.kind, item_title(a.kind, a.item_id, catalog, quizzes) or a.item_id, a.due_on, a.via_cohort,
                       a.done, is_overdue(a.due_on, today, a.done))
        for a in detail.assignments
    ]
    return MenteeView(detail.header, modules, _steps(modules, len(catalog.path_modules), now), attempts,
                      areas if areas.rows else None, misroutes, notes, detail.notes_total, assignments)


@dataclass(frozen=True)
class QuizLine:
    """A quiz the mentee has touched (or asked about), with their standing on it."""

    quiz: Quiz
    standing: QuizStanding


def quiz_lines(quizzes: QuizBank, standings: dict[str, QuizStanding]) -> list[QuizLine]:
    """The quizzes of the course the mentee has attempted or asked about, in course order."""
    return [QuizLine(q, standings[q.id]) for q in quizzes if q.id in standings]


# ---------------------------------------------------------------------------- cohort page


@dataclass(frozen=True)
class ModuleColumn:
    """A module across the cohort: started, completed, and its quiz's mean best score."""

    number: int
    module: Module
    started: int
    completed: int
    quiz: str | None
    quiz_average: float | None


@dataclass(frozen=True)
class ConfusionTable:
    """One knowledge area's expected × given matrix."""

    area: str
    given: list[tuple[str | None, str, str]]  # (owner role id or None, label, short label) columns
    rows: list[tuple[str, list[MatrixCell]]]  # (expected role's label, one shaded cell per column)
    total: int
    correct: int


@dataclass(frozen=True)
class HardQuestion:
    """A question with a low share of correct answers."""

    quiz: str
    text: str
    answers: int
    share: float
    full: str = ""  # the whole prompt when ``text`` is a part of it (shown on demand)


def module_columns(catalog: Catalog, quizzes: QuizBank, stats: list[dashboards.ModuleStat],
                   quiz_stats: list[dashboards.QuizStat]) -> list[ModuleColumn]:
    """One column per module of the course, in path order."""
    by_module = {s.module_id: s for s in stats}
    by_quiz = {s.quiz_id: s for s in quiz_stats}
    columns = []
    for number, module in enumerate(catalog.path_modules, start=1):
        stat = by_module.get(module.id)
        module_quizzes = quizzes.for_module(module.id)
        quiz = module_quizzes[0] if module_quizzes else None
        quiz_stat = by_quiz.get(quiz.id) if quiz is not None else None
        columns.append(ModuleColumn(number, module, stat.started if stat else 0, stat.completed if stat else 0,
                                    quiz.title if quiz else None, quiz_stat.average_best if quiz_stat else None))
    return columns


def confusion_tables(catalog: Catalog, cells: list[dashboards.ConfusionCell]) -> list[ConfusionTable]:
    """One matrix per knowledge area (in registry order), roles in registry order, unanswered last."""
    registry = catalog.registry
    known = [r.id for r in registry.owner_roles]
    tables = []
    area_order = [a.id for a in registry.areas] + sorted({c.area for c in cells} - {a.id for a in registry.areas})
    for area in area_order:
        mine = [c for c in cells if c.area == area]
        if not mine:
            continue
        seen = {c.expected for c in mine} | {c.given for c in mine if c.given}
        roles = known + sorted(seen - set(known))  # roles the content no longer has still get a line
        given: list[tuple[str | None, str, str]] = [(r, registry.owner_role_label(r), short_role(r)) for r in roles]
        if any(c.given is None for c in mine):
            given.append((None, "Not answered", "None"))
        counts = {(c.expected, c.given): c.count for c in mine}
        largest = max(counts.values())
        rows = [
            (registry.owner_role_label(r), [shade(counts.get((r, g), 0), largest, g == r) for g, _, _ in given])
            for r in roles if r in {c.expected for c in mine}
        ]
        tables.append(ConfusionTable(registry.area_label(area), given, rows, mine[0].area_total, mine[0].area_correct))
    return tables


def hard_questions(quizzes: QuizBank, stats: list[dashboards.QuestionStat]) -> list[HardQuestion]:
    """The hardest questions, in words."""
    return [HardQuestion(quiz_title(quizzes, s.quiz_id), question_text(quizzes, s.quiz_id, s.question_id), s.answers,
                         100.0 * s.share_correct, full_prompt(quizzes, s.quiz_id, s.question_id)) for s in stats]


def full_prompt(quizzes: QuizBank, quiz_id: str, question_id: str) -> str:
    """A question's whole scenario ("" when the question is gone)."""
    quiz = quizzes.get(quiz_id)
    question = quiz.question(question_id) if quiz is not None else None
    return " ".join(question.prompt.split()) if question is not None else ""


HEATMAP_SYMBOLS = {"complete": "●", "in_progress": "◐", "not_started": ""}
HEATMAP_WORDS = {"complete": "complete", "in_progress": "in progress", "not_started": "not started"}
_CELL = Markup('<td class="hm hm-{status}" title="{title}: {words}"><span aria-hidden="true">{symbol}</span>'
               '<span class="sr-only">{words}</span></td>')


_CELLS: dict[int, tuple[Catalog, dict[tuple[str, str], Markup]]] = {}


def _heatmap_cells_of(catalog: Catalog) -> dict[tuple[str, str], Markup]:
    """(module id, status) → the cell's HTML, built once per course (the catalog of an app never changes)."""
    found = _CELLS.get(id(catalog))
    if found is None or found[0] is not catalog:
        found = _CELLS[id(catalog)] = (catalog, {
            (m.id, status): _CELL.format(status=status, title=m.title, words=HEATMAP_WORDS[status],
                                         symbol=HEATMAP_SYMBOLS[status])
            for m in catalog.modules for status in HEATMAP_WORDS})
    return found[1]


def heatmap_cells(catalog: Catalog, rows: list[dashboards.HeatmapRow]) -> list[tuple[dashboards.HeatmapRow, Markup]]:
    """Each learner with their cells for every module of the learners' path, in path order, as HTML.

    A module has three possible cells, so each is escaped once per course (90 for 30 modules) rather than once
    per learner in the template (1,500 cells, ~9,000 escapes a page: most of the cohort page's time).
    """
    cell = _heatmap_cells_of(catalog)
    return [(row, Markup("").join(cell[(m.id, row.cells.get(m.id, "not_started"))] for m in catalog.path_modules))
            for row in rows]

