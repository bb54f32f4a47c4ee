"""Grading: a pure function from (quiz, answers, model) to a Grade, one scorer per question type.

Rules (exact):
- route: all points when the chosen role is the key, else 0;
- split: points × tasks routed correctly / tasks;
- raci: points × roles whose letter matches / roles;
- choice: one key, all or nothing; several, points × max(0, (keys chosen − non-keys chosen) / keys);
- unanswered earns 0.  Score = 100 × points / max, rounded half up to one decimal; passed uses the
  unrounded ratio.  Arithmetic is done in fractions so 80 % is exactly 80 %.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import floor
from typing import Any

from .errors import InvalidInput
from .operating_model import MODELS
from .quiz import RACI_LETTERS, Question, Quiz


class AnswerError(InvalidInput):
    """Answers that do not fit the quiz (unknown question, option not offered, wrong shape)."""


@dataclass(frozen=True)
class ItemResult:
    """One graded unit: the question itself, one split task, or one RACI role."""

    question_id: str
    item_id: str  # '' for route and choice; task id (split); role id (raci)
    kind: str
    area: str
    expected: str
    given: str | None
    correct: bool
    points: Fraction
    max_points: Fraction

    @property
    def misrouted(self) -> bool:
        """A route question or split task answered with another role than the key."""
        return self.kind in ("route", "split") and self.given is not None and self.given != self.expected


@dataclass(frozen=True)
class QuestionResult:
    """One question's points and its graded items."""

    id: str
    type: str
    points: Fraction
    max_points: Fraction
    items: tuple[ItemResult, ...]


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

    def question(self, question_id: str) -> QuestionResult:
        """The result of one question."""
        return next(q for q in self.questions if q.id == question_id)

    def to_json(self) -> dict[str, Any]:
        """The grade as JSON-ready data (the `courseware grade` output)."""
        return {
            "quiz": self.quiz,
            "model": self.model,
            "points": _number(self.points),
            "max_points": _number(self.max_points),
            "score": self.score,
            "passed": self.passed,
            "areas": self.areas,
            "questions": [{"id": q.id, "points": _number(q.points), "max_points": _number(q.max_points)}
                          for q in self.questions],
            "misroutes": [{"question": m.question, "task": m.task, "expected": m.expected, "given": m.given}
                          for m in self.misroutes],
        }


def _number(value: Fraction) -> float | int:
    return int(value) if value.denominator == 1 else round(float(value), 4)


def percent(points: Fraction, max_points: Fraction) -> float:
    """100 × points / max_points, rounded half up to one decimal (0 when nothing is available)."""
    if not max_points:
        return 0.0
    tenths = floor(points / max_points * 1000 + Fraction(1, 2))
    return tenths / 10


def _route(q: Question, given: Any, model: str) -> tuple[ItemResult, ...]:
    key = q.key(model)
    correct = given == key
    return (ItemResult(q.id, "", "route", q.area, key, given, correct, q.points if correct else Fraction(0), q.points),)


def _split(q: Question, given: Any, model: str) -> tuple[ItemResult, ...]:
    given = given or {}
    share = q.points / len(q.tasks)
    items = []
    for task in q.tasks:
        key = task.key(model)
        answer = given.get(task.id)
        correct = answer == key
        items.append(ItemResult(q.id, task.id, "split", task.area or q.area, key, answer, correct,
                                share if correct else Fraction(0), share))
    return tuple(items)


def _raci(q: Question, given: Any, model: str) -> tuple[ItemResult, ...]:
    given = given or {}
    key = q.key(model)
    share = q.points / len(q.roles)
    items = []
    for role in q.roles:
        answer = given.get(role)
        correct = answer == key[role]
        items.append(ItemResult(q.id, role, "raci", q.area, key[role], answer, correct, share if correct else Fraction(0), share))
    return tuple(items)


def _choice(q: Question, given: Any, model: str) -> tuple[ItemResult, ...]:
    keys = set(q.key(model))
    chosen = set() if given is None else ({given} if isinstance(given, str) else set(given))
    if q.multiple:
        ratio = max(Fraction(0), Fraction(len(chosen & keys) - len(chosen - keys), len(keys)))
        earned = q.points * ratio
    else:
        earned = q.points if chosen == keys else Fraction(0)
    return (ItemResult(q.id, "", "choice", q.area, ",".join(sorted(keys)), ",".join(sorted(chosen)) or None,
                       chosen == keys, earned, q.points),)


SCORERS: dict[str, Callable[[Question, Any, str], tuple[ItemResult, ...]]] = {
    "route": _route,
    "split": _split,
    "raci": _raci,
    "choice": _choice,
}


def check_answers(quiz: Quiz, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Validate raw answers (e.g. parsed JSON) against the quiz; AnswerError names what is wrong."""
    if not isinstance(answers, Mapping):
        raise AnswerError("answers must be an object keyed by question id")
    clean: dict[str, Any] = {}
    for qid, value in answers.items():
        q = quiz.question(qid)
        if q is None:
            raise AnswerError(f"unknown question id '{qid}'")
        if value is None:
            continue
        if q.type == "route":
            if not isinstance(value, str) or value not in q.options:
                raise AnswerError(f"question {qid}: '{value}' is not one of its options ({', '.join(q.options)})")
        elif q.type == "split":
            if not isinstance(value, Mapping):
                raise AnswerError(f"question {qid}: expected {{task id: role}}")
            for task_id, role in value.items():
                if q.task(task_id) is None:
                    raise AnswerError(f"question {qid}: unknown task id '{task_id}'")
                if role is not None and role not in q.options:
                    raise AnswerError(f"question {qid} task {task_id}: '{role}' is not one of its options "
                                      f"({', '.join(q.options)})")
            value = {t: r for t, r in value.items() if r is not None}
        elif q.type == "raci":
            if not isinstance(value, Mapping):
                raise AnswerError(f"question {qid}: expected {{role: letter}}")
            for role, letter in value.items():
                if role not in q.roles:
                    raise AnswerError(f"question {qid}: role '{role}' is not one of its roles ({', '.join(q.roles)})")
                if letter is not None and letter not in RACI_LETTERS:
                    raise AnswerError(f"question {qid} role {role}: '{letter}' is not R, A, C or I")
            value = {r: letter for r, letter in value.items() if letter is not None}
        else:
            chosen = [value] if isinstance(value, str) else value
            if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
                raise AnswerError(f"question {qid}: expected an option id or a list of them")
            for option in chosen:
                if option not in q.options:
                    raise AnswerError(f"question {qid}: '{option}' is not one of its options ({', '.join(q.options)})")
            if not q.multiple and len(chosen) > 1:
                raise AnswerError(f"question {qid}: only one option may be chosen")
            value = sorted(set(chosen))
        clean[qid] = value
    return clean


def grade(quiz: Quiz, answers: Mapping[str, Any], model: str) -> Grade:
    """Grade answers under an operating model. Pure: no I/O, no clock, no randomness."""
    if model not in MODELS:
        raise AnswerError(f"unknown operating model '{model}' (use {' or '.join(MODELS)})")
    answers = check_answers(quiz, answers)
    results = []
    area_points: dict[str, list[Fraction]] = {}
    for q in quiz.questions:
        items = SCORERS[q.type](q, answers.get(q.id), model)
        results.append(QuestionResult(q.id, q.type, sum((i.points for i in items), Fraction(0)),
                                      q.points, items))
        for item in items:
            earned, available = area_points.setdefault(item.area, [Fraction(0), Fraction(0)])
            area_points[item.area] = [earned + item.points, available + item.max_points]
    points = sum((r.points for r in results), Fraction(0))
    max_points = quiz.max_points
    misroutes = tuple(
        Misroute(i.question_id, i.item_id or None, i.expected, i.given or "")
        for r in results for i in r.items if i.misrouted
    )
    return Grade(
        quiz=quiz.id, model=model, points=points, max_points=max_points, score=percent(points, max_points),
        passed=bool(max_points) and points / max_points >= quiz.pass_mark,
        areas={area: percent(e, a) for area, (e, a) in area_points.items()},
        questions=tuple(results), misroutes=misroutes,
    )
