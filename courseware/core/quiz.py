"""Quiz definitions: loading YAML quiz banks, validating them against the schema and the catalog.

A quiz holds scenario questions of the types registered in ``core/questions`` (route, split, raci, choice);
each type parses, checks and grades its own questions.  The JSON Schema is generated from that registry
and published as ``quiz.schema.json`` (``python -m courseware.core.questions`` rewrites it).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema

from . import strict_yaml
from .catalog import Catalog, Registry, display_path
from .errors import ContentError, Problem
from .questions import QUESTION_TYPES, CheckContext, Question, generation, question_type
from .questions.base import check_curriculum_fields, check_levels
from .questions.schema import question_defs

SCHEMA_PATH = Path(__file__).with_name("quiz.schema.json")
MAX_QUIZ_BYTES = 500_000
DEFAULT_PASS_MARK = Fraction(4, 5)  # the share of the points needed to pass when a quiz does not say


@dataclass(frozen=True)
class Quiz:
    """A whole quiz."""

    id: str
    title: str
    questions: tuple[Question[Any], ...]
    module: str | None = None
    description: str = ""
    pass_mark: Fraction = DEFAULT_PASS_MARK
    max_attempts: int | None = None
    shuffle: bool = False
    path: str = ""

    def question(self, question_id: str) -> Question[Any] | None:
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


# ---------------------------------------------------------------------------- the schema


def quiz_schema() -> dict[str, Any]:
    """The JSON Schema of a quiz file, its question part generated from the registered question types."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://courseware.example/quiz.schema.json",
        "title": "Courseware quiz bank",
        "description": "One quiz: scenario questions that route agency work to roles. See docs/quiz-format.md.",
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "title", "questions"],
        "properties": {
            "id": {"$ref": "#/$defs/id"},
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "module": {"$ref": "#/$defs/id", "description": "The module this quiz belongs to."},
            "description": {"type": "string"},
            "pass_mark": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": float(DEFAULT_PASS_MARK)},
            "max_attempts": {"type": "integer", "minimum": 1},
            "shuffle": {"type": "boolean", "default": False},
            "questions": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/question"}},
        },
        "$defs": question_defs(),
    }


def schema_text() -> str:
    """quiz.schema.json as it should read: the generated schema, indented."""
    return json.dumps(quiz_schema(), indent=2, ensure_ascii=False) + "\n"


_VALIDATOR: tuple[int, jsonschema.Draft202012Validator] | None = None


def schema_validator() -> jsonschema.Draft202012Validator:
    """The JSON Schema validator for quiz files, rebuilt when the registry changes."""
    global _VALIDATOR
    if _VALIDATOR is None or _VALIDATOR[0] != generation():
        _VALIDATOR = (generation(), jsonschema.Draft202012Validator(quiz_schema()))
    return _VALIDATOR[1]


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


# ---------------------------------------------------------------------------- checks and building


def _semantic_problems(data: Mapping[str, Any], ctx: CheckContext) -> list[Problem]:
    """What a schema cannot express: unique ids, known areas, links, and each type's own checks."""
    seen: dict[str, int] = {}
    for i, q in enumerate(data["questions"]):
        line = strict_yaml.line_of(data["questions"], i)
        if q["id"] in seen:
            ctx.add(line, f"duplicate question id '{q['id']}' (first at line {seen[q['id']]})")
        seen.setdefault(q["id"], line)
        where = f"question {q.get('id')}"
        ctx.check_area(q, where)
        ctx.check_see(q, where)
        check_curriculum_fields(q, ctx, where)
        question_type(q["type"]).check(q, ctx, where)
    check_levels(data["questions"], ctx)
    if ctx.catalog is not None and data.get("module") and ctx.catalog.get(data["module"]) is None:
        ctx.add(strict_yaml.line_of(data, "module"), f"'module' points to unknown module '{data['module']}'")
    return ctx.problems


def _build(data: Mapping[str, Any], path: str, registry: Registry) -> Quiz:
    questions = tuple(question_type(q["type"]).build(q, registry) for q in data["questions"])
    pass_mark = Fraction(str(data["pass_mark"])) if "pass_mark" in data else DEFAULT_PASS_MARK
    return Quiz(
        id=data["id"], title=data["title"].strip(), questions=questions, module=data.get("module"),
        description=(data.get("description") or "").strip(), pass_mark=pass_mark,
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
    problems = _semantic_problems(data, CheckContext(shown, registry, catalog))
    if problems:
        return None, problems
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


# ---------------------------------------------------------------------------- attempts


def make_layout(quiz: Quiz, seed: int) -> dict[str, Any]:
    """The order an attempt shows questions and each type's lists in (shuffled when the quiz says so).

    Stored with the attempt as {"questions": [ids], "options": {question id: [ids]}, "tasks": {…}}: one
    entry per ``layout_parts`` name of the registered types, in registration order.
    """
    rng = random.Random(seed)

    def order(items: tuple[str, ...]) -> list[str]:
        items_list = list(items)
        if quiz.shuffle:
            rng.shuffle(items_list)
        return items_list

    layout: dict[str, Any] = {"questions": order(tuple(q.id for q in quiz.questions))}
    parts = dict.fromkeys(part for cls in QUESTION_TYPES.values() for part in cls.layout_parts)
    for part in parts:
        layout[part] = {q.id: order(items) for q in quiz.questions
                        if part in q.layout_parts and (items := q.layout_items(part))}
    return layout
