"""Turning a stored attempt's review into what the results page shows: words, not ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.catalog import Catalog, Registry
from ...core.grading import ItemResult, Misroute, Review, ReviewedQuestion
from ...core.questions import NEAR_MISS, NOT_ANSWERED, QUESTION_TYPES, Question
from ...core.quiz import Quiz

CHANGED_NOTICE = ("This quiz has changed since you took it; your recorded grade stands. Every answer below is shown "
                  "with the key and points it was graded against.")
CHANGED_NOTICE_HIDDEN = "This quiz has changed since you took it; your recorded grade stands."


@dataclass(frozen=True)
class ItemView:
    """One answer line: what was asked, chosen, expected (empty while keys are hidden), and whether it was right."""

    label: str
    given: str
    expected: str
    correct: bool
    feedback: str = ""
    partly: str = ""  # "Partly right: …" for a near miss, with the reason


@dataclass(frozen=True)
class QuestionView:
    """One question on the results page, numbered as the learner saw it."""

    number: int
    id: str
    prompt: str
    heading: str  # the first column of its table ('Task', 'Role'…)
    points: float
    max_points: float
    items: tuple[ItemView, ...]
    explanation: str
    see_url: str | None
    see_title: str | None
    note: str = ""  # why today's text is not shown in full
    rule_breaks: tuple[str, ...] = ()  # RACI rules the answer breaks, in words

    @property
    def status(self) -> str:
        """full, partial or none — for the badge."""
        if self.points >= self.max_points:
            return "full"
        return "partial" if self.points > 0 else "none"


@dataclass(frozen=True)
class ResultView:
    """Everything the results page shows below the stored score; ``keys`` False: keys, feedback and explanations
    are left out (the quiz's reveal policy), only scores, areas and which answers were wrong are shown."""

    areas: tuple[tuple[str, float], ...]
    questions: tuple[QuestionView, ...]
    misroutes: tuple[str, ...]
    notice: str | None
    keys: bool = True


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _possessive(label: str) -> str:
    return f"the {label}'s" if not label.startswith("Shared") else "shared between AM and PM"


def _partly(item: ItemResult, registry: Registry, keys: bool) -> str:
    """'Partly right: …' for a near miss (the key named only when keys are shown)."""
    if item.reason != NEAR_MISS:
        return ""
    share = f"{float(item.credit):.0%} of the points"
    given = registry.owner_role_label(item.given or "")
    if keys:
        return (f"Partly right ({share}): {given} is close, but the work belongs to "
                f"{registry.owner_role_label(item.expected)}.")
    return f"Partly right ({share}): {given} is close, but not the owner."


def _item_view(question: Question[Any] | None, item: ItemResult, current: bool, registry: Registry, model: str,
               keys: bool) -> ItemView:
    partly = _partly(item, registry, keys)
    if question is None:  # no longer in the quiz: the stored ids are all there is
        return ItemView(item.item_id or "Your answer", item.given or NOT_ANSWERED, item.expected if keys else "",
                        item.correct, partly=partly)
    words = question.describe_for(item, registry, model)
    return ItemView(words.label, words.given, words.expected if keys else "", item.correct,
                    words.feedback if current and keys else "", partly)


def _see(question: Question[Any], catalog: Catalog, keys: bool = True) -> tuple[str | None, str | None]:
    """The "Read more" link; while keys are hidden only to the module, as a heading often names the owner."""
    if not question.see:
        return None, None
    module_id, _, anchor = question.see.partition("#")
    module = catalog.get(module_id)
    if module is None:
        return None, None
    if not keys:
        anchor = ""
    heading = next((h.title for h in module.toc if h.anchor == anchor), None)
    return (f"/modules/{module_id}" + (f"#{anchor}" if anchor else ""),
            module.title + (f" — {heading}" if heading else ""))


def _question_view(number: int, reviewed: ReviewedQuestion, catalog: Catalog, model: str, keys: bool) -> QuestionView:
    q = reviewed.question
    registry = catalog.registry
    items = tuple(_item_view(q, item, reviewed.current, registry, model, keys) for item in reviewed.items)
    kind = QUESTION_TYPES.get(reviewed.items[0].kind) if reviewed.items else None
    heading = q.item_heading if q is not None else (kind.item_heading if kind is not None else "")
    see_url, see_title = _see(q, catalog, keys) if q is not None else (None, None)
    if q is None:
        note = "This question is no longer in the quiz; it is shown with the points it earned."
    elif not reviewed.current:
        note = ("This question has changed since; the key shown is the one you were graded against." if keys
                else "This question has changed since you answered it.")
    else:
        note = ""
    explanation = q.explanation_for(model) if q is not None and reviewed.current and keys else ""
    breaks = tuple(b.text(registry.owner_role_label) for b in reviewed.rule_breaks if keys or not b.reveals_key)
    return QuestionView(number, reviewed.id, q.prompt if q else f"Question {reviewed.id}", heading,
                        float(reviewed.points), float(reviewed.max_points), items, explanation, see_url, see_title,
                        note, breaks)


def _misroute_line(quiz: Quiz, m: Misroute, model: str, registry: Registry, keys: bool) -> str:
    q = quiz.question(m.question)
    what = (q.item_text(m.task) if q is not None and m.task else None) or (_short(q.prompt) if q else m.question)
    if not keys:
        return f"You routed “{what}” to {registry.owner_role_label(m.given)}, which is not its owner."
    return (f"You routed “{what}” to {registry.owner_role_label(m.given)}; under the {model} model it is "
            f"{_possessive(registry.owner_role_label(m.expected))}.")


def result_view(quiz: Quiz, reviewed: Review, model: str, catalog: Catalog, *, keys: bool = True) -> ResultView:
    """Build the results page model from a stored attempt's review; ``keys`` False leaves every key, feedback and
    explanation out of it (so nothing hidden can reach the page)."""
    reg = catalog.registry
    questions = tuple(_question_view(n, rq, catalog, model, keys) for n, rq in enumerate(reviewed.questions, start=1))
    misroutes = tuple(_misroute_line(quiz, m, model, reg, keys) for m in reviewed.misroutes)
    areas = tuple(sorted(((reg.area_label(a), v) for a, v in reviewed.areas.items()), key=lambda x: x[0]))
    notice = (CHANGED_NOTICE if keys else CHANGED_NOTICE_HIDDEN) if reviewed.changed else None
    return ResultView(areas, questions, misroutes, notice, keys)
