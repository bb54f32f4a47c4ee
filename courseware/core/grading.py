"""Grading: a pure function from (quiz, answers, model) to a Grade; each question type scores its own questions.

Rules (exact; each type's ``score`` applies its own, see docs/quiz-format.md):
- route: all points when the chosen role is the key, else 0;
- split: points × tasks routed correctly / tasks;
- raci: points × roles whose letter matches / roles;
- choice: one key, all or nothing; several, points × max(0, (keys chosen − non-keys chosen) / keys);
- unanswered earns 0.  Score = 100 × points / max, rounded half up to one decimal; passed uses the
  unrounded ratio.  Arithmetic is done in fractions so 80 % is exactly 80 %.

The result page of a stored attempt is built by ``review`` from the items stored when it was graded,
never by grading again: area percentages and misroutes come from the same two functions either way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import floor
from typing import Any

from .catalog import Registry
from .operating_model import MODELS
from .questions import NEAR_MISS, QUESTION_TYPES, AnswerError, ItemResult, Layout, Question, RuleBreak
from .quiz import Quiz

__all__ = ["AnswerError", "Grade", "ItemResult", "Misroute", "QuestionResult", "Review", "ReviewedQuestion",
           "area_percentages", "check_answers", "checks_rules", "grade", "misroutes", "percent", "review", "rule_breaks",
           "words_json"]


@dataclass(frozen=True)
class QuestionResult:
    """One question's points, its graded items, and the rules its answer breaks (RACI)."""

    id: str
    type: str
    points: Fraction
    max_points: Fraction
    items: tuple[ItemResult, ...]
    rule_breaks: tuple[RuleBreak, ...] = ()


def rule_breaks(items: tuple[ItemResult, ...]) -> tuple[RuleBreak, ...]:
    """The rules one question's graded items break, by the question type's own rules (none for unknown types)."""
    kind = QUESTION_TYPES.get(items[0].kind) if items else None
    return kind.rule_breaks(items) if kind is not None else ()


def checks_rules(kind: str) -> bool:
    """Whether a question type has answer rules of its own (RACI): ``courseware grade`` then lists ``rule_breaks``."""
    cls = QUESTION_TYPES.get(kind)
    return cls is not None and cls.rule_breaks.__func__ is not Question.rule_breaks.__func__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Misroute:
    """Work routed to the wrong role."""

    question: str
    task: str | None
    expected: str
    given: str


@dataclass(frozen=True)
class Grade:
    """The result of grading one set of answers."""

    quiz: str
    model: str
    points: Fraction
    max_points: Fraction
    score: float
    passed: bool
    areas: dict[str, float]
    questions: tuple[QuestionResult, ...]
    misroutes: tuple[Misroute, ...]
    drawn: tuple[str, ...] | None = None  # the questions graded, when the quiz draws from pools

    def question(self, question_id: str) -> QuestionResult:
        """The result of one question."""
        return next(q for q in self.questions if q.id == question_id)

    @property
    def items(self) -> tuple[ItemResult, ...]:
        """Every graded item, question by question (what an attempt stores)."""
        return tuple(item for q in self.questions for item in q.items)

    def to_json(self) -> dict[str, Any]:
        """The grade as JSON-ready data (the `courseware grade` output; keys are only ever added)."""
        data: dict[str, Any] = {
            "quiz": self.quiz,
            "model": self.model,
            "points": _number(self.points),
            "max_points": _number(self.max_points),
            "score": self.score,
            "passed": self.passed,
            "areas": self.areas,
            "questions": [_question_json(q) for q in self.questions],
            "misroutes": [{"question": m.question, "task": m.task, "expected": m.expected, "given": m.given}
                          for m in self.misroutes],
        }
        if self.drawn is not None:
            data["drawn"] = list(self.drawn)
        return data


def words_json(data: dict[str, Any], quiz: Quiz, registry: Registry) -> dict[str, Any]:
    """``Grade.to_json`` plus what the learner reads under the graded model: each question's ``explanation`` and,
    where an item has one, its ``feedback`` (per-model texts chosen) — the ``courseware grade`` output."""
    model = data["model"]
    for entry in data["questions"]:
        question = quiz.question(entry["id"])
        if question is None:
            continue
        entry["explanation"] = question.explanation_for(model)
        for item in entry["items"]:
            stored = ItemResult(question.id, item["item"] or "", question.type, item["area"], item["expected"],
                                item["given"], item["credit"] == 1, Fraction(0), Fraction(0))
            feedback = question.describe_for(stored, registry, model).feedback
            if feedback:
                item["feedback"] = feedback
    return data


def _question_json(q: QuestionResult) -> dict[str, Any]:
    data: dict[str, Any] = {"id": q.id, "points": _number(q.points), "max_points": _number(q.max_points),
                            "items": [_item_json(i) for i in q.items]}
    if checks_rules(q.type):
        data["rule_breaks"] = [b.text() for b in q.rule_breaks]
    return data


def _item_json(item: ItemResult) -> dict[str, Any]:
    data: dict[str, Any] = {"item": item.item_id or None, "area": item.area, "expected": item.expected,
                            "given": item.given, "points": _number(item.points), "max_points": _number(item.max_points),
                            "credit": _number(item.credit)}
    if item.reason == NEAR_MISS:
        data["near_miss"] = f"partly right: '{item.given}' where the key is '{item.expected}'"
    return data


def _number(value: Fraction) -> float | int:
    return int(value) if value.denominator == 1 else round(float(value), 4)


def percent(points: Fraction, max_points: Fraction) -> float:
    """100 × points / max_points, rounded half up to one decimal (0 when nothing is available)."""
    if not max_points:
        return 0.0
    tenths = floor(points / max_points * 1000 + Fraction(1, 2))
    return tenths / 10


def area_percentages(items: Iterable[ItemResult]) -> dict[str, float]:
    """Each area's percentage (earned / available over its items), areas in the order they first appear."""
    totals: dict[str, tuple[Fraction, Fraction]] = {}
    for item in items:
        earned, available = totals.get(item.area, (Fraction(0), Fraction(0)))
        totals[item.area] = (earned + item.points, available + item.max_points)
    return {area: percent(earned, available) for area, (earned, available) in totals.items()}


def misroutes(items: Iterable[ItemResult]) -> tuple[Misroute, ...]:
    """The items that sent work to another owner role than the key."""
    return tuple(Misroute(i.question_id, i.item_id or None, i.expected, i.given or "") for i in items if i.misrouted)


def check_answers(quiz: Quiz, answers: Mapping[str, Any], shown: Collection[str] | None = None) -> dict[str, Any]:
    """Validate raw answers (e.g. parsed JSON) against the quiz; AnswerError names what is wrong.

    ``shown``: the questions an attempt drew; answers to questions of a pool it did not draw are refused.
    """
    if not isinstance(answers, Mapping):
        raise AnswerError("answers must be an object keyed by question id")
    clean: dict[str, Any] = {}
    for qid, value in answers.items():
        q = quiz.question(qid)
        if q is None:
            raise AnswerError(f"unknown question id '{qid}'")
        if shown is not None and qid not in shown and quiz.pool_of(qid) is not None:
            raise AnswerError(f"question {qid} was not drawn in this attempt")
        if value is not None:
            clean[qid] = q.clean_answer(value)
    return clean


def grade(quiz: Quiz, answers: Mapping[str, Any], model: str, shown: Collection[str] | None = None) -> Grade:
    """Grade answers under an operating model. Pure: no I/O, no clock, no randomness.

    ``shown``: the questions the attempt drew (its layout); without it, a quiz with pools is graded on the draw
    the answers imply (``Quiz.draw_for``).  Questions of no pool are always graded.
    """
    if model not in MODELS:
        raise AnswerError(f"unknown operating model '{model}' (use {' or '.join(MODELS)})")
    if shown is None and quiz.pools:
        raw = answers if isinstance(answers, Mapping) else {}
        shown = quiz.draw_for([qid for qid, value in raw.items() if value is not None])
    answers = check_answers(quiz, answers, shown)
    graded = quiz.graded(shown) if shown is not None else quiz.questions
    results = []
    for q in graded:  # each question is an instance of its registered type, which scores it
        items = q.score(answers.get(q.id), model)
        results.append(QuestionResult(q.id, q.type, sum((i.points for i in items), Fraction(0)), q.points, items,
                                      q.rule_breaks(items)))
    points = sum((r.points for r in results), Fraction(0))
    max_points = sum((q.points for q in graded), Fraction(0))
    every_item = [i for r in results for i in r.items]
    return Grade(
        quiz=quiz.id, model=model, points=points, max_points=max_points, score=percent(points, max_points),
        passed=bool(max_points) and points / max_points >= quiz.pass_mark,
        areas=area_percentages(every_item), questions=tuple(results), misroutes=misroutes(every_item),
        drawn=tuple(q.id for q in graded) if quiz.pools else None,
    )


# ---------------------------------------------------------------------------- a stored attempt, reviewed


@dataclass(frozen=True)
class ReviewedQuestion:
    """One question of a stored attempt: its stored items, and today's definition of it when there is one."""

    id: str
    question: Question[Any] | None  # today's definition; None when removed (or now of another type)
    current: bool  # today's keys, items, points and options are the ones it was graded against
    items: tuple[ItemResult, ...]

    @property
    def points(self) -> Fraction:
        """Points earned, as stored."""
        return sum((i.points for i in self.items), Fraction(0))

    @property
    def max_points(self) -> Fraction:
        """Points available, as stored."""
        return sum((i.max_points for i in self.items), Fraction(0))

    @property
    def rule_breaks(self) -> tuple[RuleBreak, ...]:
        """The rules the stored answer breaks (RACI), read from the stored items."""
        return rule_breaks(self.items)


@dataclass(frozen=True)
class Review:
    """A stored attempt explained from its stored items, questions in the order the learner saw them."""

    questions: tuple[ReviewedQuestion, ...]
    areas: dict[str, float]
    misroutes: tuple[Misroute, ...]
    changed: bool  # today's quiz no longer matches the one this attempt was graded against


def review(quiz: Quiz, items: Iterable[ItemResult], layout: Layout, model: str,
           answers: Mapping[str, Any] | None = None) -> Review:
    """Explain a stored attempt with today's quiz text, never re-grading: points, keys and answers stay as stored."""
    stored: dict[str, list[ItemResult]] = {}
    for item in items:
        stored.setdefault(item.question_id, []).append(item)
    seen = [qid for qid in layout.get("questions") or [] if qid in stored]
    order = seen + [qid for qid in stored if qid not in seen]
    questions = []
    for qid in order:
        own = tuple(stored[qid])
        question = quiz.question(qid)
        if question is not None and any(i.kind != question.type for i in own):
            question = None  # another type now: its words would not fit the stored items
        current = question is not None and question.graded_as(own, layout, (answers or {}).get(qid), model)
        questions.append(ReviewedQuestion(qid, question, current, own))
    every_item = [i for q in questions for i in q.items]
    drawn = set(layout.get("questions") or [])
    # A question of no pool that was not graded was added since; a pool's questions may simply not have been drawn.
    added = any(q.id not in stored and (quiz.pool_of(q.id) is None or q.id in drawn) for q in quiz.questions)
    return Review(tuple(questions), area_percentages(every_item), misroutes(every_item),
                  changed=added or not all(q.current for q in questions))
