"""The question types, registered by name: the one table that the schema, checks, grader, form and result page read.

Adding a type is one module defining a ``Question`` subclass, registered here (or with ``register`` from a
plug-in), plus its template ``quiz/questions/_<type>.html``; see docs/quiz-format.md, "Adding a question type".
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from .base import (
    NEAR_MISS,
    NOT_ANSWERED,
    AnswerError,
    CheckContext,
    Input,
    InputValue,
    Interaction,
    ItemResult,
    ItemWords,
    Layout,
    Question,
    RuleBreak,
)
from .choice import ChoiceQuestion
from .raci import RACI_LABELS, RACI_LETTERS, RaciQuestion
from .route import RouteQuestion
from .split import SplitQuestion, Task

__all__ = [
    "NEAR_MISS", "NOT_ANSWERED", "QUESTION_TYPES", "ROUTED_KINDS", "RACI_LABELS", "RACI_LETTERS", "AnswerError", "CheckContext",
    "ChoiceQuestion", "Input", "InputValue", "Interaction", "ItemResult", "ItemWords", "Layout", "Question", "QuestionType",
    "RaciQuestion", "RouteQuestion", "RuleBreak", "SplitQuestion", "Task", "generation", "question_type", "register",
    "routed_kinds", "unregister",
]

QuestionType = type[Question[Any]]
QT = TypeVar("QT", bound=QuestionType)
# attempt_items.kind is 12 characters wide, and the name is also a template file name.
TYPE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,11}$")

QUESTION_TYPES: dict[str, QuestionType] = {}
_generation = 0


def register(cls: QT) -> QT:
    """Add a question type under ``cls.type`` (usable as a class decorator); a name may be taken once."""
    global _generation
    name = getattr(cls, "type", None)
    if not isinstance(name, str) or not TYPE_NAME.match(name):
        raise ValueError(f"question type name {name!r} must match {TYPE_NAME.pattern}")
    if name in QUESTION_TYPES:
        raise ValueError(f"question type '{name}' is already registered")
    QUESTION_TYPES[name] = cls
    _generation += 1
    return cls


def unregister(name: str) -> None:
    """Remove a question type (tests that register a throw-away type)."""
    global _generation
    del QUESTION_TYPES[name]
    _generation += 1


def question_type(name: str) -> QuestionType:
    """The registered type of this name; KeyError when there is none."""
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise KeyError(f"unknown question type '{name}'") from None


def routed_kinds() -> tuple[str, ...]:
    """The names of the types whose items route work to an owner role (a wrong one is a misroute)."""
    return tuple(name for name, cls in QUESTION_TYPES.items() if cls.routes_work)


def generation() -> int:
    """A number that changes whenever the registry does (for caches built from it)."""
    return _generation


for _builtin in (RouteQuestion, SplitQuestion, RaciQuestion, ChoiceQuestion):
    register(_builtin)

# The built-in routed kinds, for SQL that filters attempt_items.kind.
ROUTED_KINDS = routed_kinds()
