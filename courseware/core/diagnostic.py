"""The agency self-diagnostic: a short questionnaire (``content/diagnostic.yaml``) that recommends an operating
model with its reasons.

Each answer carries a weight (positive leans to separate departments, negative to a hybrid model) and a reason
linked to the module that explains it; the total against two thresholds decides. Answers may also name the
account types that need a dedicated PM. Pure: loading, checking and recommending, no web and no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import strict_yaml
from .catalog import Catalog, display_path
from .errors import InvalidInput, Problem

DIAGNOSTIC_FILE = "diagnostic.yaml"
OUTCOMES = ("separate", "hybrid-dedicated", "hybrid")
OUTCOME_LABELS = {
    "separate": "Separate departments",
    "hybrid-dedicated": "Hybrid, with dedicated PMs for named account types",
    "hybrid": "Hybrid",
}
OUTCOME_MODEL = {"separate": "separate", "hybrid-dedicated": "hybrid", "hybrid": "hybrid"}  # what keys grade under


@dataclass(frozen=True)
class Answer:
    """One answer a question offers, with its weight, reason and optional account type."""

    id: str
    text: str
    weight: int
    reason: str
    see: str
    account_type: str | None = None


@dataclass(frozen=True)
class DiagnosticQuestion:
    """One question; ``multiple`` ones take several answers (checkboxes)."""

    id: str
    text: str
    answers: tuple[Answer, ...]
    multiple: bool = False
    hint: str = ""

    def answer(self, answer_id: str) -> Answer | None:
        """The answer with this id, or None."""
        return next((a for a in self.answers if a.id == answer_id), None)


@dataclass(frozen=True)
class Diagnostic:
    """The questionnaire and its thresholds: a total at or above ``separate_at`` recommends separate departments,
    at or above ``dedicated_at`` a hybrid model with dedicated PMs for the named account types, else a hybrid."""

    questions: tuple[DiagnosticQuestion, ...]
    separate_at: int
    dedicated_at: int


@dataclass(frozen=True)
class Reason:
    """Why: one answer's reason, its weight and the module that explains it."""

    text: str
    weight: int
    see: str


@dataclass(frozen=True)
class Recommendation:
    """The outcome, the model quiz keys are graded under, the score, the reasons and the account types named."""

    outcome: str
    score: int
    reasons: tuple[Reason, ...]
    account_types: tuple[str, ...] = ()

    @property
    def model(self) -> str:
        """The operating model the outcome applies as."""
        return OUTCOME_MODEL[self.outcome]

    @property
    def label(self) -> str:
        """The outcome in words."""
        return OUTCOME_LABELS[self.outcome]

    @property
    def note(self) -> str:
        """The note kept with the applied model (the account types that get a dedicated PM)."""
        if self.outcome != "hybrid-dedicated":
            return ""
        return "Dedicated PMs for: " + "; ".join(self.account_types) + "."


def recommend(diagnostic: Diagnostic, answers: Mapping[str, str | list[str]]) -> Recommendation:
    """The recommendation for a complete set of answers ({question id: answer id, or a list for ``multiple``})."""
    chosen: list[Answer] = []
    for question in diagnostic.questions:
        given = answers.get(question.id)
        ids = given if isinstance(given, list) else [given] if given else []
        if not ids:
            raise InvalidInput("Answer this question.", field=question.id)
        if len(ids) > 1 and not question.multiple:
            raise InvalidInput("Choose one answer.", field=question.id)
        for answer_id in ids:
            answer = question.answer(answer_id)
            if answer is None:
                raise InvalidInput(f"'{answer_id}' is not one of the answers.", field=question.id)
            chosen.append(answer)
    score = sum(a.weight for a in chosen)
    types = tuple(dict.fromkeys(a.account_type for a in chosen if a.account_type))
    if score >= diagnostic.separate_at:
        outcome = "separate"
    elif score >= diagnostic.dedicated_at and types:
        outcome = "hybrid-dedicated"
    else:
        outcome = "hybrid"
    reasons = sorted((Reason(a.reason, a.weight, a.see) for a in chosen if a.weight), key=lambda r: -abs(r.weight))
    return Recommendation(outcome, score, tuple(reasons), types if outcome == "hybrid-dedicated" else ())


# ---------------------------------------------------------------------------- loading and checks


def load_diagnostic(content_dir: Path, catalog: Catalog | None, problems: list[Problem]) -> Diagnostic | None:
    """Read and check ``diagnostic.yaml`` (None when absent or broken); problems are appended with their lines."""
    path = Path(content_dir) / DIAGNOSTIC_FILE
    if not path.is_file():
        return None
    shown = display_path(path)
    before = len(problems)

    def add(line: int, message: str) -> None:
        problems.append(Problem(shown, line, message))

    try:
        data = strict_yaml.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, strict_yaml.YamlError) as exc:
        add(getattr(exc, "line", 1), str(exc))
        return None
    if not isinstance(data, Mapping) or not isinstance(data.get("questions"), list):
        add(1, "the diagnostic must be a mapping with 'questions', 'weights' and 'thresholds'")
        return None
    weights = data.get("weights")
    if not isinstance(weights, Mapping):
        add(strict_yaml.line_of(data, "weights"), "'weights' must map each question to {answer: weight}")
        weights = {}
    questions = [q for i, node in enumerate(data["questions"])
                 if (q := _question(node, strict_yaml.line_of(data["questions"], i), weights, catalog, add))]
    known = {q.id: q for q in questions}
    for question_id, by_answer in weights.items():
        line = strict_yaml.line_of(weights, question_id)
        if question_id not in known:
            add(line, f"a weight names unknown question '{question_id}'")
            continue
        for answer_id in by_answer if isinstance(by_answer, Mapping) else ():
            if known[question_id].answer(answer_id) is None:
                add(strict_yaml.line_of(by_answer, answer_id, line),
                    f"a weight names unknown answer '{answer_id}' of question '{question_id}'")
    thresholds = data.get("thresholds")
    separate_at = thresholds.get("separate") if isinstance(thresholds, Mapping) else None
    dedicated_at = thresholds.get("hybrid-dedicated") if isinstance(thresholds, Mapping) else None
    if not isinstance(separate_at, int) or not isinstance(dedicated_at, int) or dedicated_at >= separate_at:
        add(strict_yaml.line_of(data, "thresholds"), "'thresholds' needs whole numbers 'separate' and "
                                                      "'hybrid-dedicated', the first the higher")
    if len(problems) > before:
        return None
    return Diagnostic(tuple(questions), separate_at, dedicated_at)  # type: ignore[arg-type]


def _question(node: Any, line: int, weights: Mapping[str, Any], catalog: Catalog | None, add: Any) -> DiagnosticQuestion | None:
    if not isinstance(node, Mapping) or not isinstance(node.get("id"), str) or not isinstance(node.get("text"), str) \
            or not isinstance(node.get("answers"), list) or len(node["answers"]) < 2:
        add(line, "each question needs an id, a text and at least two answers")
        return None
    qid = node["id"]
    by_answer = weights.get(qid)
    if not isinstance(by_answer, Mapping):
        add(line, f"question '{qid}' has no weights")
        by_answer = {}
    answers = []
    for i, a in enumerate(node["answers"]):
        at = strict_yaml.line_of(node["answers"], i)
        if not isinstance(a, Mapping) or not all(isinstance(a.get(k), str) for k in ("id", "text", "reason", "see")):
            add(at, f"question '{qid}': each answer needs an id, a text, a reason and a 'see' link")
            continue
        weight = by_answer.get(a["id"])
        if not isinstance(weight, int) or isinstance(weight, bool):
            add(at, f"question '{qid}': answer '{a['id']}' has no whole-number weight")
            continue
        _check_see(a, at, catalog, add)
        answers.append(Answer(a["id"], a["text"], weight, a["reason"].strip(), a["see"], a.get("account_type")))
    return DiagnosticQuestion(qid, node["text"], tuple(answers), bool(node.get("multiple", False)),
                              str(node.get("hint", "")))


def _check_see(answer: Mapping[str, Any], line: int, catalog: Catalog | None, add: Any) -> None:
    if catalog is None:
        return
    module_id, _, anchor = answer["see"].partition("#")
    module = catalog.get(module_id)
    if module is None:
        add(strict_yaml.line_of(answer, "see", line), f"'see' points to unknown module '{module_id}'")
    elif anchor and anchor not in module.anchors:
        add(strict_yaml.line_of(answer, "see", line), f"'see' points to '#{anchor}', which is not a heading of '{module_id}'")
