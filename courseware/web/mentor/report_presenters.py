"""Turning report query results into CSV rows: labels and words, not ids; percentages with one decimal."""

from __future__ import annotations

from fractions import Fraction

from ...core.catalog import Catalog
from ...core.operating_model import DEFAULT_MODEL
from ...core.questions import ItemResult
from ...core.quiz import Quiz
from ...persistence import dashboards
from ..words import short


def quiz_areas(quiz: Quiz, catalog: Catalog) -> list[str]:
    """The knowledge areas a quiz's items count towards, in registry order."""
    used = {item.area for q in quiz.questions for item in q.score(None, DEFAULT_MODEL)}  # each item's own area
    known = [a.id for a in catalog.registry.areas]
    return [a for a in known if a in used] + sorted(used - set(known))


def grade_header(quiz: Quiz, catalog: Catalog) -> tuple[list[str], list[str]]:
    """The grade report's header and its area columns (area ids, in order)."""
    areas = quiz_areas(quiz, catalog)
    return (["Name", "Email", "Cohort", "Attempts", "Best score", "Last score", "Passed",
             *(f"{catalog.registry.area_label(a)} (best attempt)" for a in areas)], areas)


def grade_rows(rows: list[dashboards.GradeRow], areas: list[str]) -> list[list[object]]:
    """The grade report's rows: scores with one decimal, empty where there is no attempt."""
    def score(value: float | None) -> str:
        return "" if value is None else f"{value:.1f}"

    return [[r.name, r.email, r.cohort or "", r.attempts, score(r.best), score(r.last),
             ("yes" if r.passed else "no") if r.attempts else "",
             *(score(r.areas.get(a)) for a in areas)] for r in rows]


def _answer_words(quiz: Quiz, count: dashboards.AnswerCount, catalog: Catalog) -> tuple[str, str, str]:
    """(question text, item label, given in words) for one row of the answer distribution."""
    question = quiz.question(count.question_id)
    if question is None:
        return count.question_id, count.item_id, count.given or "Not answered"
    stand_in = ItemResult(count.question_id, count.item_id, question.type, question.area, "", count.given, False,
                          Fraction(0), Fraction(0))
    words = question.describe(stand_in, catalog.registry)
    label = words.label if count.item_id else ""
    return question.prompt, label, words.given


def answer_rows(quiz: Quiz, counts: list[dashboards.AnswerCount], catalog: Catalog) -> tuple[list[str], list[list[object]]]:
    """The answer distribution as CSV: questions in the quiz's order, then items, most frequent answer first."""
    order = {q.id: i for i, q in enumerate(quiz.questions)}
    header = ["Question", "Question text", "Item", "Item text", "Answer given", "Answer in words", "Count",
              "Share of answers (%)", "Correct", "Partly right"]
    rows: list[list[object]] = []
    for c in sorted(counts, key=lambda c: (order.get(c.question_id, len(order)), c.question_id, c.item_id, -c.count,
                                           c.given or "")):
        text, label, given = _answer_words(quiz, c, catalog)
        correct = "yes" if c.correct == c.count else ("no" if c.correct == 0 else "under some operating models")
        rows.append([c.question_id, short(text, 120), c.item_id, label, c.given or "", given, c.count,
                     f"{c.share:.1f}", correct, c.partly])
    return header, rows


def confusion_csv(counts: list[dashboards.ConfusionCount], catalog: Catalog) -> tuple[list[str], list[list[object]]]:
    """The confusion matrix as CSV: one row per area × key role, one column per given role, all areas first."""
    registry = catalog.registry
    known = [r.id for r in registry.owner_roles]
    seen = {c.expected for c in counts} | {c.given for c in counts if c.given}
    roles = known + sorted(seen - set(known))
    header = ["Area", "Key", *(registry.owner_role_label(r) for r in roles), "Not answered", "Answers", "Correct (%)"]
    areas = [a.id for a in registry.areas]
    areas += sorted({c.area for c in counts} - set(areas))
    rows: list[list[object]] = []
    for area in [None, *areas]:
        mine = [c for c in counts if area is None or c.area == area]
        for key in roles:
            cells: dict[str | None, int] = {}
            for c in mine:
                if c.expected == key:
                    cells[c.given] = cells.get(c.given, 0) + c.count
            total = sum(cells.values())
            if not total:
                continue
            rows.append([registry.area_label(area) if area else "All areas", registry.owner_role_label(key),
                         *(cells.get(r, 0) for r in roles), cells.get(None, 0), total,
                         f"{100.0 * cells.get(key, 0) / total:.1f}"])
    return header, rows
