"""Quiz definitions: loading YAML quiz banks, validating them against the schema and the catalog.

A quiz holds scenario questions of four types (route, split, raci, choice).  Keys may differ
by operating model: ``answer_by_model[model]`` overrides ``answer``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema

from . import strict_yaml
from .catalog import Catalog, Registry, display_path
from .errors import ContentError, Problem

RACI_LETTERS = ("R", "A", "C", "I")
SCHEMA_PATH = Path(__file__).with_name("quiz.schema.json")
MAX_QUIZ_BYTES = 500_000


@dataclass(frozen=True)
class Task:
    """One piece of work in a split question, routed on its own."""

    id: str
    text: str
    answer: str
    answer_by_model: Mapping[str, str] = field(default_factory=dict)
    area: str | None = None
    feedback: str = ""

    def key(self, model: str) -> str:
        """The role that owns this task under ``model``."""
        return self.answer_by_model.get(model, self.answer)


@dataclass(frozen=True)
class Question:
    """A question of any type; the fields a type does not use stay empty."""

    id: str
    type: str
    area: str
    points: Fraction
    prompt: str
    explanation: str = ""
    see: str | None = None
    options: tuple[str, ...] = ()  # role ids (route, split) or option ids (choice)
    option_text: Mapping[str, str] = field(default_factory=dict)  # choice only
    answer: Any = None  # route: role id; raci: {role: letter}; choice: tuple of option ids
    answer_by_model: Mapping[str, Any] = field(default_factory=dict)
    feedback: Mapping[str, str] = field(default_factory=dict)
    tasks: tuple[Task, ...] = ()
    roles: tuple[str, ...] = ()  # raci only
    multiple: bool = False  # choice: several keys, checkboxes

    def key(self, model: str) -> Any:
        """The answer key under ``model``."""
        return self.answer_by_model.get(model, self.answer)

    def task(self, task_id: str) -> Task | None:
        """The task with this id (split questions)."""
        return next((t for t in self.tasks if t.id == task_id), None)

    @property
    def has_model_variants(self) -> bool:
        """Whether any key of this question depends on the operating model."""
        return bool(self.answer_by_model) or any(t.answer_by_model for t in self.tasks)


@dataclass(frozen=True)
class Quiz:
    """A whole quiz."""

    id: str
    title: str
    questions: tuple[Question, ...]
    module: str | None = None
    description: str = ""
    pass_mark: Fraction = Fraction(4, 5)
    max_attempts: int | None = None
    shuffle: bool = False
    path: str = ""

    def question(self, question_id: str) -> Question | None:
        """The question with this id."""
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def max_points(self) -> Fraction:
        """Points available in the whole quiz."""
        return sum((q.points for q in self.questions), Fraction(0))


@dataclass(frozen=True)
class QuizBank:
    """Every quiz, in a stable order (by module path order, then id)."""

    quizzes: tuple[Quiz, ...] = ()

    def get(self, quiz_id: str) -> Quiz | None:
        """The quiz with this id, or None."""
        return next((q for q in self.quizzes if q.id == quiz_id), None)

    def for_module(self, module_id: str) -> tuple[Quiz, ...]:
        """The quizzes attached to a module."""
        return tuple(q for q in self.quizzes if q.module == module_id)

    def __iter__(self) -> Iterator[Quiz]:
        return iter(self.quizzes)

    def __len__(self) -> int:
        return len(self.quizzes)


_VALIDATOR: jsonschema.Draft202012Validator | None = None


def schema_validator() -> jsonschema.Draft202012Validator:
    """The JSON Schema validator for quiz files (published as quiz.schema.json)."""
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    return _VALIDATOR


def _line_at(data: Any, path: list[Any]) -> int:
    line = strict_yaml.line_of(data)
    node = data
    for step in path:
        line = strict_yaml.line_of(node, step, line)
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    return line


def _schema_problems(data: Any, path: str) -> list[Problem]:
    seen = set()
    problems = []
    for error in schema_validator().iter_errors(data):
        # if/then wraps type-specific errors; report the innermost, most specific ones
        leaves = [error] if not error.context else [e for e in error.context]
        for leaf in leaves:
            where = "/".join(str(p) for p in leaf.absolute_path) or "(top)"
            message = f"{where}: {leaf.message}"
            if message in seen:
                continue
            seen.add(message)
            problems.append(Problem(path, _line_at(data, list(leaf.absolute_path)), message))
    return problems


class _QuizChecker:
    """Semantic checks that a schema cannot express, with lines."""

    def __init__(self, path: str, registry: Registry, catalog: Catalog | None):
        self.path = path
        self.roles = {r.id for r in registry.owner_roles}
        self.areas = {a.id for a in registry.areas}
        self.catalog = catalog
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def check_area(self, node: Mapping[str, Any], where: str) -> None:
        area = node.get("area")
        if area is not None and area not in self.areas:
            self.add(strict_yaml.line_of(node, "area"), f"{where}: unknown knowledge area '{area}'")

    def check_roles(self, node: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        roles = node.get(key)
        if roles is None:
            return tuple(sorted(self.roles))
        for i, role in enumerate(roles):
            if role not in self.roles:
                self.add(strict_yaml.line_of(roles, i), f"{where}: unknown role '{role}'")
        return tuple(roles)

    def check_key(self, value: Any, allowed: tuple[str, ...], line: int, where: str) -> None:
        if value not in allowed:
            self.add(line, f"{where}: key '{value}' is not among the options ({', '.join(allowed)})")

    def check_feedback(self, q: Mapping[str, Any], options: tuple[str, ...], where: str) -> None:
        for option in q.get("feedback") or {}:
            if option not in options:
                self.add(strict_yaml.line_of(q["feedback"], option), f"{where}: feedback for '{option}', which is not an option")

    def check_see(self, node: Mapping[str, Any], where: str) -> None:
        see = node.get("see")
        if see is None or self.catalog is None:
            return
        module_id, _, anchor = see.partition("#")
        module = self.catalog.get(module_id)
        line = strict_yaml.line_of(node, "see")
        if module is None:
            self.add(line, f"{where}: 'see' points to unknown module '{module_id}'")
        elif anchor and anchor not in module.anchors:
            self.add(line, f"{where}: 'see' points to '#{anchor}', which is not a heading of '{module_id}'")

    def check_raci(self, answer: Any, roles: tuple[str, ...], line: int, where: str) -> None:
        if not isinstance(answer, Mapping):
            return
        if set(answer) != set(roles):
            missing = sorted(set(roles) - set(answer))
            extra = sorted(set(answer) - set(roles))
            detail = "; ".join(
                part for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"not in roles: {', '.join(extra)}" if extra else "",
                ) if part
            )
            self.add(line, f"{where}: the RACI key must give one letter to each role ({detail})")
        accountable = [r for r, letter in answer.items() if letter == "A"]
        if len(accountable) != 1:
            self.add(line, f"{where}: a RACI key needs exactly one A (found {len(accountable)})")

    def question(self, q: Mapping[str, Any]) -> None:
        where = f"question {q.get('id')}"
        self.check_area(q, where)
        self.check_see(q, where)
        kind = q.get("type")
        if kind == "route":
            options = self.check_roles(q, "options", where)
            self.check_key(q.get("answer"), options, strict_yaml.line_of(q, "answer"), where)
            for model, key in (q.get("answer_by_model") or {}).items():
                self.check_key(key, options, strict_yaml.line_of(q["answer_by_model"], model), f"{where} ({model})")
            self.check_feedback(q, options, where)
        elif kind == "split":
            options = self.check_roles(q, "options", where)
            seen: dict[str, int] = {}
            for i, task in enumerate(q.get("tasks") or []):
                line = strict_yaml.line_of(q["tasks"], i)
                task_where = f"{where} task {task.get('id')}"
                if task.get("id") in seen:
                    self.add(line, f"{task_where}: duplicate task id (first at line {seen[task['id']]})")
                seen.setdefault(task.get("id"), line)
                self.check_area(task, task_where)
                self.check_key(task.get("answer"), options, strict_yaml.line_of(task, "answer", line), task_where)
                for model, key in (task.get("answer_by_model") or {}).items():
                    self.check_key(key, options, strict_yaml.line_of(task["answer_by_model"], model, line),
                                   f"{task_where} ({model})")
        elif kind == "raci":
            roles = self.check_roles(q, "roles", where)
            self.check_raci(q.get("answer"), roles, strict_yaml.line_of(q, "answer"), where)
            for model, key in (q.get("answer_by_model") or {}).items():
                self.check_raci(key, roles, strict_yaml.line_of(q["answer_by_model"], model), f"{where} ({model})")
        elif kind == "choice":
            options = tuple(q.get("options") or {})
            answer = q.get("answer")
            keys = answer if isinstance(answer, list) else [answer]
            for i, key in enumerate(keys):
                line = strict_yaml.line_of(answer, i) if isinstance(answer, list) else strict_yaml.line_of(q, "answer")
                self.check_key(key, options, line, where)
            self.check_feedback(q, options, where)


def _build(data: Mapping[str, Any], path: str, registry: Registry) -> Quiz:
    all_roles = tuple(r.id for r in registry.owner_roles)
    questions = []
    for q in data["questions"]:
        kind = q["type"]
        common = dict(
            id=q["id"], type=kind, area=q["area"], points=Fraction(str(q.get("points", 1))), prompt=q["prompt"].strip(),
            explanation=(q.get("explanation") or "").strip(), see=q.get("see"),
        )
        if kind == "route":
            question = Question(**common, options=tuple(q["options"]), answer=q["answer"],
                                answer_by_model=dict(q.get("answer_by_model") or {}), feedback=dict(q.get("feedback") or {}))
        elif kind == "split":
            tasks = tuple(
                Task(t["id"], t["text"].strip(), t["answer"], dict(t.get("answer_by_model") or {}), t.get("area"),
                     (t.get("feedback") or "").strip())
                for t in q["tasks"]
            )
            question = Question(**common, options=tuple(q.get("options") or all_roles), tasks=tasks)
        elif kind == "raci":
            question = Question(**common, roles=tuple(q["roles"]), answer=dict(q["answer"]),
                                answer_by_model={m: dict(k) for m, k in (q.get("answer_by_model") or {}).items()})
        else:
            answer = q["answer"]
            multiple = isinstance(answer, list)
            question = Question(**common, options=tuple(q["options"]),
                                option_text={k: v.strip() for k, v in q["options"].items()},
                                answer=tuple(answer) if multiple else (answer,), multiple=multiple,
                                feedback=dict(q.get("feedback") or {}))
        questions.append(question)
    return Quiz(
        id=data["id"], title=data["title"].strip(), questions=tuple(questions), module=data.get("module"),
        description=(data.get("description") or "").strip(), pass_mark=Fraction(str(data.get("pass_mark", 0.8))),
        max_attempts=data.get("max_attempts"), shuffle=bool(data.get("shuffle", False)), path=path,
    )


def load_quiz_file(path: Path, registry: Registry, catalog: Catalog | None = None) -> tuple[Quiz | None, list[Problem]]:
    """Parse and validate one quiz file; returns the quiz (None when invalid) and its problems."""
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_QUIZ_BYTES:
            return None, [Problem(shown, 1, f"the file is larger than {MAX_QUIZ_BYTES // 1000} KB")]
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(shown, 1, f"cannot read: {exc}")]
    try:
        data = strict_yaml.load(text)
    except strict_yaml.YamlError as exc:
        return None, [Problem(shown, exc.line, str(exc))]
    problems = _schema_problems(data, shown)
    if problems:
        return None, problems
    checker = _QuizChecker(shown, registry, catalog)
    seen: dict[str, int] = {}
    for i, q in enumerate(data["questions"]):
        line = strict_yaml.line_of(data["questions"], i)
        if q["id"] in seen:
            checker.add(line, f"duplicate question id '{q['id']}' (first at line {seen[q['id']]})")
        seen.setdefault(q["id"], line)
        checker.question(q)
    if catalog is not None and data.get("module") and catalog.get(data["module"]) is None:
        checker.add(data.line_of("module"), f"'module' points to unknown module '{data['module']}'")
    if checker.problems:
        return None, checker.problems
    return _build(data, shown, registry), []


def quiz_files(quiz_dir: Path) -> list[Path]:
    """Every quiz file below the directory, sorted."""
    return sorted(p for p in quiz_dir.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))


def load_quizzes(quiz_dir: Path | str, catalog: Catalog) -> QuizBank:
    """Load and validate every quiz against the catalog; raise ContentError listing every problem."""
    quiz_dir = Path(quiz_dir)
    if not quiz_dir.is_dir():
        raise ContentError([Problem(display_path(quiz_dir), 1, "quiz directory does not exist")])
    problems: list[Problem] = []
    quizzes: dict[str, Quiz] = {}
    for path in quiz_files(quiz_dir):
        quiz, found = load_quiz_file(path, catalog.registry, catalog)
        problems.extend(found)
        if quiz is None:
            continue
        if quiz.id in quizzes:
            problems.append(Problem(quiz.path, 1, f"duplicate quiz id '{quiz.id}' (also in {quizzes[quiz.id].path})"))
            continue
        quizzes[quiz.id] = quiz
    if problems:
        raise ContentError(problems)
    rank = {m: i for i, m in enumerate(catalog.module_ids)}
    ordered = sorted(quizzes.values(), key=lambda q: (rank.get(q.module or "", len(rank)), q.id))
    return QuizBank(tuple(ordered))


def make_layout(quiz: Quiz, seed: int) -> dict[str, Any]:
    """The order an attempt shows questions, options and tasks in (shuffled when the quiz says so)."""
    rng = random.Random(seed)

    def order(items: tuple[str, ...]) -> list[str]:
        items_list = list(items)
        if quiz.shuffle:
            rng.shuffle(items_list)
        return items_list

    return {
        "questions": order(tuple(q.id for q in quiz.questions)),
        "options": {q.id: order(q.options) for q in quiz.questions if q.options},
        "tasks": {q.id: order(tuple(t.id for t in q.tasks)) for q in quiz.questions if q.tasks},
    }
