"""Turning a Grade into what the results page shows: words, not ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.catalog import Catalog
from ...core.grading import Grade
from ...core.quiz import Question, Quiz


@dataclass(frozen=True)
class ItemView:
    """One answer line: what was asked, chosen, expected, and whether it was right."""

    label: str
    given: str
    expected: str
    correct: bool
    feedback: str = ""


@dataclass(frozen=True)
class QuestionView:
    """One question on the results page."""

    question: Question
    points: float
    max_points: float
    items: tuple[ItemView, ...]
    see_url: str | None
    see_title: str | None

    @property
    def status(self) -> str:
        """full, partial or none — for the badge."""
        if self.points >= self.max_points:
            return "full"
        return "partial" if self.points > 0 else "none"


@dataclass(frozen=True)
class ResultView:
    """Everything the results page shows."""

    grade: Grade
    areas: tuple[tuple[str, float], ...]
    questions: tuple[QuestionView, ...]
    misroutes: tuple[str, ...]


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _possessive(label: str) -> str:
    return f"the {label}'s" if not label.startswith("Shared") else "shared between AM and PM"


def result_view(quiz: Quiz, result: Grade, answers: dict[str, Any], catalog: Catalog) -> ResultView:
    """Build the results page model from a grade."""
    reg = catalog.registry
    questions = []
    for q in quiz.questions:
        qr = result.question(q.id)
        items = []
        for item in qr.items:
            if q.type == "route":
                items.append(ItemView("Your answer", reg.owner_role_label(item.given) if item.given else "Not answered",
                                      reg.owner_role_label(item.expected), item.correct,
                                      q.feedback.get(item.given or "", "")))
            elif q.type == "split":
                task = q.task(item.item_id)
                items.append(ItemView(task.text if task else item.item_id,
                                      reg.owner_role_label(item.given) if item.given else "Not answered",
                                      reg.owner_role_label(item.expected), item.correct, task.feedback if task else ""))
            elif q.type == "raci":
                items.append(ItemView(reg.owner_role_label(item.item_id), item.given or "Not answered", item.expected,
                                      item.correct))
            else:
                chosen = [q.option_text[o] for o in (item.given or "").split(",") if o]
                keys = [q.option_text[o] for o in item.expected.split(",")]
                feedback = " ".join(q.feedback[o] for o in (item.given or "").split(",") if o in q.feedback)
                items.append(ItemView("Your answer", "; ".join(chosen) or "Not answered", "; ".join(keys),
                                      item.correct, feedback))
        see_url = see_title = None
        if q.see:
            module_id, _, anchor = q.see.partition("#")
            module = catalog.get(module_id)
            if module is not None:
                see_url = f"/modules/{module_id}" + (f"#{anchor}" if anchor else "")
                heading = next((h.title for h in module.toc if h.anchor == anchor), None)
                see_title = f"{module.title}" + (f" — {heading}" if heading else "")
        questions.append(QuestionView(q, float(qr.points), float(qr.max_points), tuple(items), see_url, see_title))
    misroutes = []
    for m in result.misroutes:
        q = quiz.question(m.question)
        if q is None:
            continue
        task = q.task(m.task) if m.task else None
        what = task.text if task else _short(q.prompt)
        misroutes.append(
            f"You routed “{what}” to {reg.owner_role_label(m.given)}; under the {result.model} model it is "
            f"{_possessive(reg.owner_role_label(m.expected))}."
        )
    areas = tuple(sorted(((reg.area_label(a), v) for a, v in result.areas.items()), key=lambda x: x[0]))
    return ResultView(result, areas, tuple(questions), tuple(misroutes))
