"""What every question type shares: the common fields, the graded-item record, and the methods a type implements.

A question type is one frozen dataclass deriving from ``Question[A]``, where ``A`` is the type of a clean answer
(``str`` for route, ``dict[str, str]`` for split …).  The class owns, for its type: its JSON Schema fragment,
its semantic checks, building itself from YAML, cleaning and scoring answers, the inputs of the attempt form,
the words of the result page, the lists an attempt shuffles, and a simulated answer for the demo data.
It is registered by name in ``courseware.core.questions``.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar, Generic, Self, TypeVar

from .. import strict_yaml
from ..catalog import Catalog, Registry
from ..errors import InvalidInput, Problem

AnswerT = TypeVar("AnswerT")
# What one form input hands back: the chosen value, the chosen values (checkboxes), or nothing.
InputValue = str | list[str] | None
# An attempt's frozen order: {"questions": [ids], <part>: {question id: [ids]}, …}, stored as JSON.
Layout = Mapping[str, Any]


class AnswerError(InvalidInput):
    """Answers that do not fit the quiz (unknown question, option not offered, wrong shape)."""


@dataclass(frozen=True)
class ItemResult:
    """One graded unit: the question itself, or one of its parts (a split task, a RACI role)."""

    question_id: str
    item_id: str  # '' when the question is graded as a whole
    kind: str  # the question type's name
    area: str
    expected: str
    given: str | None
    correct: bool
    points: Fraction
    max_points: Fraction
    misrouted: bool = False  # work routed to another owner role than the key (see Question.item)
    reason: str = ""  # why a wrong answer still earned points: NEAR_MISS, or '' (none)

    @property
    def credit(self) -> Fraction:
        """The share of the item's points earned (0 to 1)."""
        return self.points / self.max_points if self.max_points else Fraction(0)


NEAR_MISS = "near_miss"  # ItemResult.reason: the registry's credit for one owner role given where the key is another


@dataclass(frozen=True)
class RuleBreak:
    """An answer that breaks a rule the course teaches (two A's in a RACI…): which rule, and the roles concerned."""

    rule: str
    message: str  # with ``{roles}`` where the roles go
    roles: tuple[str, ...] = ()
    reveals_key: bool = False  # saying it tells something of the key (kept off a result page that hides keys)

    def text(self, label: Callable[[str], str] = str) -> str:
        """The message with the roles named by ``label`` (ids by default)."""
        return self.message.format(roles=", ".join(label(r) for r in self.roles))


@dataclass(frozen=True)
class Input:
    """One input of the attempt form: a radio group, or checkboxes when ``multiple``."""

    item_id: str  # '' for the whole question
    label: str
    choices: tuple[tuple[str, str], ...]  # (value, label) in the order shown
    multiple: bool = False


@dataclass(frozen=True)
class ItemWords:
    """One graded item in words, for the result page."""

    label: str
    given: str
    expected: str
    feedback: str = ""


@dataclass(frozen=True)
class Interaction:
    """How a question is put as an xAPI 1.0.3 interaction (``core/xapi.py`` builds the statement around it).

    ``response`` and ``correct_pattern`` use the xAPI formats: ``a[,]b`` for a choice, ``source[.]target[,]…``
    for a matching.  ``source``, ``target`` and ``choices`` are (id, description) pairs.
    """

    type: str  # 'choice' or 'matching' (xAPI interactionType)
    response: str
    correct_pattern: str
    choices: tuple[tuple[str, str], ...] = ()
    source: tuple[tuple[str, str], ...] = ()
    target: tuple[tuple[str, str], ...] = ()


def matching_pairs(pairs: Sequence[tuple[str, str | None]]) -> str:
    """'s1[.]t1[,]s2[.]t2' for the pairs with a target (an unanswered item is left out)."""
    return "[,]".join(f"{s}[.]{t}" for s, t in pairs if t)


NOT_ANSWERED = "Not answered"
# How hard a question is, easiest first: a quiz lists its questions in this order (see ``check_levels``).
LEVELS = ("recall", "apply", "judge", "case")
ACCOUNT_SIZES = ("small", "large")  # the account a model-dependent key is about
CONTACTS = ("senior", "junior")  # the client contact an item names: a decision-maker, or a day-to-day contact


class CheckContext:
    """What semantic checks need (the registry's owner roles and areas, the catalog) and where problems go."""

    def __init__(self, path: str, registry: Registry, catalog: Catalog | None):
        self.path = path
        self.owner_roles = {r.id for r in registry.owner_roles}
        self.areas = {a.id for a in registry.areas}
        self.catalog = catalog
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        """Record a problem at ``line`` of the file."""
        self.problems.append(Problem(self.path, line, message))

    def check_area(self, node: Mapping[str, Any], where: str) -> None:
        """The node's ``area``, if any, is a knowledge area of the registry."""
        area = node.get("area")
        if area is not None and area not in self.areas:
            self.add(strict_yaml.line_of(node, "area"), f"{where}: unknown knowledge area '{area}'")

    def check_see(self, node: Mapping[str, Any], where: str) -> None:
        """The node's ``see`` link, if any, points to a module and one of its headings."""
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

    def check_owner_roles(self, node: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        """The owner role ids listed under ``key`` (every role of the registry when absent); unknown ones reported."""
        roles = node.get(key)
        if roles is None:
            return tuple(sorted(self.owner_roles))
        for i, role in enumerate(roles):
            if role not in self.owner_roles:
                self.add(strict_yaml.line_of(roles, i), f"{where}: unknown role '{role}'")
        return tuple(roles)

    def check_key(self, value: Any, allowed: tuple[str, ...], line: int, where: str) -> None:
        """A key is one of the allowed values."""
        if value not in allowed:
            self.add(line, f"{where}: key '{value}' is not among the options ({', '.join(allowed)})")

    def check_feedback(self, node: Mapping[str, Any], options: tuple[str, ...], where: str) -> None:
        """Every ``feedback`` entry is for an option that exists."""
        for option in node.get("feedback") or {}:
            if option not in options:
                self.add(strict_yaml.line_of(node["feedback"], option),
                         f"{where}: feedback for '{option}', which is not an option")


def common_fields(node: Mapping[str, Any]) -> dict[str, Any]:
    """The base fields of a question, from its YAML mapping (already schema-valid)."""
    return {
        "id": node["id"], "area": node["area"], "points": Fraction(str(node.get("points", 1))),
        "prompt": node["prompt"].strip(), "explanation": (node.get("explanation") or "").strip(), "see": node.get("see"),
        **curriculum_fields(node),
        "explanation_by_model": {m: text.strip() for m, text in (node.get("explanation_by_model") or {}).items()},
    }


def curriculum_fields(node: Mapping[str, Any]) -> dict[str, Any]:
    """The curriculum tags of a question: the work it tests, the account, its level and the client contact named."""
    return {"work": node.get("work"), "account": node.get("account"), "level": node.get("level"),
            "contact": node.get("contact")}


def check_curriculum_fields(node: Mapping[str, Any], ctx: CheckContext, where: str) -> None:
    """A model-dependent key states its account (``small`` or ``large``), and a ``level`` is one of LEVELS."""
    level = node.get("level")
    if level is not None and level not in LEVELS:
        ctx.add(strict_yaml.line_of(node, "level"), f"{where}: level '{level}' is not one of {', '.join(LEVELS)}")
    tasks = [t for t in node.get("tasks") or () if isinstance(t, Mapping)]  # a split task may name its own account
    by_model = "answer_by_model" in node or any("answer_by_model" in t and "account" not in t for t in tasks)
    if by_model and node.get("account") is None:
        ctx.add(strict_yaml.line_of(node), f"{where}: the key depends on the operating model, so say which account "
                                           "it is about ('account: small' or 'account: large')")


def check_levels(questions: Any, ctx: CheckContext) -> None:
    """Questions that give a level come in order from recall to case."""
    highest, highest_id = -1, ""
    for i, q in enumerate(questions):
        level = q.get("level") if isinstance(q, Mapping) else None
        if level not in LEVELS:
            continue
        rank = LEVELS.index(level)
        if rank < highest:
            ctx.add(strict_yaml.line_of(q, "level", strict_yaml.line_of(questions, i)),
                    f"question {q.get('id')}: a '{level}' question comes after '{LEVELS[highest]}' question "
                    f"{highest_id}; order questions from recall to case")
        elif rank > highest:
            highest, highest_id = rank, q.get("id")


def by_model_schema(value_schema: Mapping[str, Any]) -> dict[str, Any]:
    """The schema of an ``answer_by_model`` mapping whose values follow ``value_schema``."""
    return {"allOf": [{"$ref": "#/$defs/modelNames"}], "additionalProperties": dict(value_schema)}


def layout_order(layout: Layout, part: str, question_id: str, current: tuple[str, ...]) -> list[str]:
    """The ids of ``current`` in the order the attempt froze (ids added since go last, removed ones are dropped)."""
    frozen = (layout.get(part) or {}).get(question_id) or []
    shown = [x for x in frozen if x in current]
    return shown + [x for x in current if x not in shown]


@dataclass(frozen=True, kw_only=True)
class Question(ABC, Generic[AnswerT]):
    """A question of some type; subclasses add their fields and implement the methods below."""

    type: ClassVar[str]  # the name in quiz files, the registry and attempt_items.kind (at most 12 characters)
    routes_work: ClassVar[bool] = False  # its items send work to an owner role: a wrong one is a misroute
    item_heading: ClassVar[str] = ""  # the result table's first column ('Task', 'Role'…)
    layout_parts: ClassVar[tuple[str, ...]] = ()  # lists an attempt freezes (and shuffles), e.g. ("options",)
    # Of those, the lists of owner roles: frozen (so a changed list shows), never shuffled, and always shown in the
    # registry's order, so the AM/PM/Shared/PMO columns stand in one place on every question of every attempt.
    owner_role_parts: ClassVar[tuple[str, ...]] = ()
    schema_properties: ClassVar[Mapping[str, Any]] = {}  # JSON Schema of the type's own keys
    schema_required: ClassVar[tuple[str, ...]] = ()
    schema_defs: ClassVar[Mapping[str, Any]] = {}  # extra $defs its properties refer to

    id: str
    area: str
    points: Fraction
    prompt: str
    explanation: str = ""
    see: str | None = None
    work: str | None = None  # the id of the piece of work in the master RACI (content/raci.yaml) it tests
    account: str | None = None  # 'small' or 'large': the account a model-dependent key is about
    level: str | None = None  # one of LEVELS
    contact: str | None = None  # 'senior' or 'junior': the client contact the scenario names
    explanation_by_model: Mapping[str, str] = field(default_factory=dict)  # overrides ``explanation`` per model
    # {(given, key): credit}: the registry's near-miss credits when the quiz has ``near_miss: true`` (else empty)
    near_miss: Mapping[tuple[str, str], Fraction] = field(default_factory=dict)

    # ---- the file format

    @classmethod
    def check(cls, node: Mapping[str, Any], ctx: CheckContext, where: str) -> None:
        """Semantic checks the schema cannot express, each reported with its line (none by default)."""

    @classmethod
    @abstractmethod
    def build(cls, node: Mapping[str, Any], registry: Registry) -> Self:
        """The question from its checked YAML mapping."""

    @property
    @abstractmethod
    def has_model_variants(self) -> bool:
        """Whether any key of this question depends on the operating model."""

    def item_text(self, item_id: str) -> str | None:
        """The words of one of its items where it has its own (a split task's text), else None."""
        return None

    # ---- answers and scoring

    @abstractmethod
    def clean_answer(self, raw: object) -> AnswerT:
        """A raw answer (parsed JSON, not None) in its clean form; AnswerError names what is wrong."""

    @abstractmethod
    def score(self, answer: AnswerT | None, model: str) -> tuple[ItemResult, ...]:
        """Grade a clean answer (None: unanswered) under an operating model, one ItemResult per graded item."""

    def item(self, item_id: str, area: str, expected: str, given: str | None, points: Fraction,
             max_points: Fraction, correct: bool | None = None, reason: str = "") -> ItemResult:
        """An ItemResult of this question; ``correct`` defaults to given == expected."""
        right = given == expected if correct is None else correct
        misrouted = self.routes_work and given is not None and given != expected
        return ItemResult(self.id, item_id, self.type, area, expected, given, right, points, max_points, misrouted,
                          reason)

    def near_miss_item(self, item_id: str, area: str, key: str, given: str | None, points: Fraction) -> ItemResult:
        """An owner-role item: all ``points`` for the key, the near-miss share for a listed pair, else none."""
        if given == key:
            return self.item(item_id, area, key, given, points, points)
        credit = self.near_miss.get((given, key)) if given is not None else None
        if credit:
            return self.item(item_id, area, key, given, points * credit, points, reason=NEAR_MISS)
        return self.item(item_id, area, key, given, Fraction(0), points)

    @classmethod
    def rule_breaks(cls, items: Sequence[ItemResult]) -> tuple[RuleBreak, ...]:
        """The rules the answer breaks, read from its graded items (stored or fresh); none by default."""
        return ()

    def graded_as(self, items: tuple[ItemResult, ...], layout: Layout, answer: object, model: str) -> bool:
        """Whether stored items were graded against this very definition: same items, keys, points and options."""
        if any(i.kind != self.type for i in items):
            return False
        today = {(i.item_id, i.expected, i.max_points) for i in self.score(None, model)}
        if today != {(i.item_id, i.expected, i.max_points) for i in items}:
            return False
        for part in self.layout_parts:
            frozen = (layout.get(part) or {}).get(self.id)
            if frozen is not None and set(frozen) != set(self.layout_items(part)):
                return False
        if answer is not None:
            try:
                self.clean_answer(answer)
            except AnswerError:
                return False
        return True

    # ---- the attempt: layout and form

    def layout_items(self, part: str) -> tuple[str, ...]:
        """The ids of one of its ``layout_parts``, in file order."""
        return ()

    @abstractmethod
    def inputs(self, layout: Layout, registry: Registry) -> tuple[Input, ...]:
        """The form inputs this question needs, in the attempt's frozen order."""

    @abstractmethod
    def answer_from_inputs(self, values: Mapping[str, InputValue]) -> AnswerT | None:
        """The answer from submitted input values keyed by item id (None when nothing was chosen)."""

    @abstractmethod
    def input_values(self, answer: AnswerT) -> dict[str, InputValue]:
        """The reverse: input values keyed by item id, to show a clean answer in the form again."""

    # ---- the result page

    @abstractmethod
    def describe(self, item: ItemResult, registry: Registry) -> ItemWords:
        """One stored graded item in words (labels from today's text, falling back to the stored ids)."""

    def describe_for(self, item: ItemResult, registry: Registry, model: str) -> ItemWords:
        """``describe`` for a learner under ``model``: types with per-model feedback override it."""
        return self.describe(item, registry)

    def explanation_for(self, model: str) -> str:
        """The explanation a learner under ``model`` reads (``explanation_by_model``, else ``explanation``)."""
        return self.explanation_by_model.get(model, self.explanation)

    # ---- interoperability

    def xapi_interaction(self, items: Sequence[ItemResult], registry: Registry) -> Interaction | None:
        """This question's graded ``items`` as an xAPI interaction (learner's response and key); None: not mapped."""
        return None

    # ---- demo data

    @abstractmethod
    def simulate(self, model: str, skill: float, rng: random.Random) -> AnswerT | None:
        """An answer a learner of this skill (0–1) might give."""
