"""Quiz definitions: loading YAML quiz banks, validating them against the schema and the catalog.

A quiz holds scenario questions of the types registered in ``core/questions`` (route, split, raci, choice);
each type parses, checks and grades its own questions.  The JSON Schema is generated from that registry
and published as ``quiz.schema.json`` (``python -m courseware.core.questions`` rewrites it).
"""

from __future__ import annotations

import json
import random
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema

from . import strict_yaml
from .catalog import Catalog, Registry, display_path
from .errors import ContentError, Problem
from .questions import QUESTION_TYPES, AnswerError, CheckContext, Question, generation, question_type
from .questions.base import check_curriculum_fields, check_levels
from .questions.schema import question_defs

SCHEMA_PATH = Path(__file__).with_name("quiz.schema.json")
MAX_QUIZ_BYTES = 500_000
DEFAULT_PASS_MARK = Fraction(4, 5)  # the share of the points needed to pass when a quiz does not say
# When the result page shows keys, per-option feedback and explanations (a quiz's ``reveal``).
REVEAL_POLICIES = ("always", "after-passing", "never")
DEFAULT_REVEAL = "after-passing"


@dataclass(frozen=True)
class Pool:
    """Questions an attempt draws ``draw`` of (the quiz's other questions are always asked)."""

    id: str
    draw: int
    questions: tuple[str, ...]


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
    reveal: str = DEFAULT_REVEAL
    near_miss: bool = False  # route and split answers earn the registry's near-miss credit
    pools: tuple[Pool, ...] = ()

    def question(self, question_id: str) -> Question[Any] | None:
        """The question with this id."""
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def max_points(self) -> Fraction:
        """Points available in the whole quiz (every question, drawn or not)."""
        return sum((q.points for q in self.questions), Fraction(0))

    def pool_of(self, question_id: str) -> Pool | None:
        """The pool a question is drawn from, or None when it is always asked."""
        return next((p for p in self.pools if question_id in p.questions), None)

    def graded(self, shown: Collection[str]) -> tuple[Question[Any], ...]:
        """The questions an attempt that showed ``shown`` is graded on: those drawn, and every question of no pool."""
        return tuple(q for q in self.questions if q.id in shown or self.pool_of(q.id) is None)

    def draw_for(self, answered: Collection[str]) -> tuple[str, ...]:
        """The draw that answers imply (``courseware grade``): each pool's answered questions, topped up in file order.

        AnswerError when a pool has more questions answered than it draws.
        """
        drawn: list[str] = []
        for pool in self.pools:
            chosen = [q for q in pool.questions if q in answered]
            if len(chosen) > pool.draw:
                raise AnswerError(f"pool {pool.id} draws {pool.draw} of its questions; the answers give "
                                  f"{len(chosen)} ({', '.join(chosen)})")
            chosen += [q for q in pool.questions if q not in chosen][: pool.draw - len(chosen)]
            drawn.extend(chosen)
        return tuple(q.id for q in self.questions if q.id in drawn or self.pool_of(q.id) is None)


def keys_visible(reveal: str, *, passed: bool, attempts_left: int | None, open_attempt: bool) -> bool:
    """Whether a learner may see keys, per-option feedback and explanations (the quiz's ``reveal`` policy).

    ``after-passing``: once they passed, or have no attempt left (an open attempt still counts as one left).
    """
    if reveal == "always":
        return True
    if reveal == "never":
        return False
    return passed or (attempts_left == 0 and not open_attempt)


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

POOL_SCHEMA = {
    "type": "object",
    "required": ["id", "draw", "questions"],
    "additionalProperties": False,
    "properties": {
        "id": {"$ref": "#/$defs/id"},
        "draw": {"type": "integer", "minimum": 1},
        "questions": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"$ref": "#/$defs/id"}},
    },
}


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
            "reveal": {"enum": list(REVEAL_POLICIES), "default": DEFAULT_REVEAL,
                       "description": "When keys, feedback and explanations are shown. See docs/quiz-format.md."},
            "near_miss": {"type": "boolean", "default": False,
                          "description": "Route and split answers earn the near-miss credit of registry.yaml."},
            "pools": {"type": "array", "minItems": 1, "items": POOL_SCHEMA},
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
    _check_pools(data, seen, ctx)
    return ctx.problems


def _check_pools(data: Mapping[str, Any], questions: Mapping[str, int], ctx: CheckContext) -> None:
    """Pool ids are unique, name questions of the quiz, share none, and draw no more than they hold."""
    pool_ids: dict[str, int] = {}
    owner: dict[str, str] = {}
    for i, pool in enumerate(data.get("pools") or []):
        line = strict_yaml.line_of(data["pools"], i)
        where = f"pool {pool['id']}"
        if pool["id"] in pool_ids:
            ctx.add(line, f"duplicate pool id '{pool['id']}' (first at line {pool_ids[pool['id']]})")
        pool_ids.setdefault(pool["id"], line)
        for j, question_id in enumerate(pool["questions"]):
            at = strict_yaml.line_of(pool["questions"], j, line)
            if question_id not in questions:
                ctx.add(at, f"{where}: unknown question '{question_id}'")
            elif question_id in owner:
                ctx.add(at, f"{where}: question '{question_id}' is already in pool {owner[question_id]}")
            else:
                owner[question_id] = pool["id"]
        if pool["draw"] > len(pool["questions"]):
            ctx.add(strict_yaml.line_of(pool, "draw", line),
                    f"{where}: draws {pool['draw']} questions but holds {len(pool['questions'])}")


def _build(data: Mapping[str, Any], path: str, registry: Registry) -> Quiz:
    questions = tuple(question_type(q["type"]).build(q, registry) for q in data["questions"])
    near_miss = bool(data.get("near_miss", False))
    if near_miss:  # each question applies the registry's credits that concern its own items
        questions = tuple(replace(q, near_miss=registry.near_miss_credits) for q in questions)
    pass_mark = Fraction(str(data["pass_mark"])) if "pass_mark" in data else DEFAULT_PASS_MARK
    pools = tuple(Pool(p["id"], p["draw"], tuple(p["questions"])) for p in data.get("pools") or ())
    return Quiz(
        id=data["id"], title=data["title"].strip(), questions=questions, module=data.get("module"),
        description=(data.get("description") or "").strip(), pass_mark=pass_mark,
        max_attempts=data.get("max_attempts"), shuffle=bool(data.get("shuffle", False)), path=path,
        reveal=data.get("reveal", DEFAULT_REVEAL), near_miss=near_miss, pools=pools,
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


def draw(quiz: Quiz, rng: random.Random, avoid: Collection[str] = ()) -> tuple[str, ...]:
    """The questions one attempt asks, in file order: every question of no pool, and ``draw`` of each pool.

    Questions in ``avoid`` (seen with their keys) are drawn only when a pool has too few others.
    """
    drawn: set[str] = set()
    for pool in quiz.pools:
        fresh = [q for q in pool.questions if q not in avoid]
        seen = [q for q in pool.questions if q in avoid]
        rng.shuffle(fresh)
        rng.shuffle(seen)
        drawn.update((fresh + seen)[: pool.draw])
    return tuple(q.id for q in quiz.questions if q.id in drawn or quiz.pool_of(q.id) is None)


def make_layout(quiz: Quiz, seed: int, avoid: Collection[str] = ()) -> dict[str, Any]:
    """The questions an attempt draws and the order it shows them and each type's lists in (shuffled when the quiz
    says so); ``avoid``: questions the learner has seen with their keys, drawn last.

    Stored with the attempt as {"questions": [ids], "options": {question id: [ids]}, "tasks": {…}}: one
    entry per ``layout_parts`` name of the registered types, in registration order.  ``questions`` holds
    only the questions drawn.
    """
    rng = random.Random(seed)

    def order(items: tuple[str, ...]) -> list[str]:
        items_list = list(items)
        if quiz.shuffle:
            rng.shuffle(items_list)
        return items_list

    chosen = draw(quiz, rng, avoid) if quiz.pools else tuple(q.id for q in quiz.questions)
    questions = [q for q in quiz.questions if q.id in chosen]
    layout: dict[str, Any] = {"questions": order(tuple(q.id for q in questions))}
    parts = dict.fromkeys(part for cls in QUESTION_TYPES.values() for part in cls.layout_parts)
    for part in parts:
        layout[part] = {q.id: order(items) if part not in q.owner_role_parts else list(items) for q in questions
                        if part in q.layout_parts and (items := q.layout_items(part))}
    return layout
