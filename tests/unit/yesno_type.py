"""A throw-away question type for the plug-in tests: "yesno", one yes/no answer, all or nothing.

It lives only in the tests, to show that a type is one module plus a template: nothing in the
app names it.  ``registered(YesNoQuestion)`` adds it to the registry for the duration of a test.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, Self

from courseware.core import strict_yaml
from courseware.core.catalog import Registry
from courseware.core.questions import (
    NOT_ANSWERED,
    AnswerError,
    CheckContext,
    Input,
    InputValue,
    ItemResult,
    ItemWords,
    Layout,
    Question,
    QuestionType,
    register,
    unregister,
)
from courseware.core.questions.base import common_fields

WORDS = {True: "yes", False: "no"}


@dataclass(frozen=True, kw_only=True)
class YesNoQuestion(Question[bool]):
    """Yes or no? The answer is a boolean."""

    type: ClassVar[str] = "yesno"
    schema_properties: ClassVar[Mapping[str, Any]] = {"answer": {"type": "boolean"}}
    schema_required: ClassVar[tuple[str, ...]] = ("answer",)

    answer: bool

    @classmethod
    def check(cls, node: Mapping[str, Any], ctx: CheckContext, where: str) -> None:
        """A yes/no prompt is a question."""
        if not node["prompt"].rstrip().endswith("?"):
            ctx.add(strict_yaml.line_of(node, "prompt"), f"{where}: a yes/no prompt ends with a question mark")

    @classmethod
    def build(cls, node: Mapping[str, Any], registry: Registry) -> Self:
        """The question from its checked YAML mapping."""
        return cls(**common_fields(node), answer=node["answer"])

    @property
    def has_model_variants(self) -> bool:
        """Never."""
        return False

    def clean_answer(self, raw: object) -> bool:
        """true or false."""
        if not isinstance(raw, bool):
            raise AnswerError(f"question {self.id}: expected true or false")
        return raw

    def score(self, answer: bool | None, model: str) -> tuple[ItemResult, ...]:
        """All the points for the key."""
        key, given = WORDS[self.answer], None if answer is None else WORDS[answer]
        return (self.item("", self.area, key, given, self.points if given == key else Fraction(0), self.points),)

    def inputs(self, layout: Layout, registry: Registry) -> tuple[Input, ...]:
        """One radio group: Yes, No."""
        return (Input("", "Your answer", (("yes", "Yes"), ("no", "No"))),)

    def answer_from_inputs(self, values: Mapping[str, InputValue]) -> bool | None:
        """True for yes, False for no."""
        return {"yes": True, "no": False}.get(values.get("") or "")  # type: ignore[arg-type]

    def input_values(self, answer: bool) -> dict[str, InputValue]:
        """yes or no."""
        return {"": WORDS[answer]}

    def describe(self, item: ItemResult, registry: Registry) -> ItemWords:
        """Yes or No, chosen and expected."""
        return ItemWords("Your answer", (item.given or NOT_ANSWERED).capitalize(), item.expected.capitalize())

    def simulate(self, model: str, skill: float, rng: random.Random) -> bool | None:
        """The key, or the other one."""
        return self.answer if rng.random() < skill else not self.answer


@contextmanager
def registered(cls: QuestionType) -> Iterator[QuestionType]:
    """The type registered for the duration of the block."""
    register(cls)
    try:
        yield cls
    finally:
        unregister(cls.type)


YESNO_QUIZ = '''\
id: yesno-quiz
title: "Yes or no"
module: scope
questions:
  - id: y1
    type: yesno
    area: scope
    points: 2
    prompt: "Does the AM take a client-driven change to the client?"
    answer: true
    explanation: "Client-driven change is the AM's conversation."
  - id: r1
    type: route
    area: time
    prompt: "Who re-plans the timeline?"
    options: [am, pm]
    answer: pm
'''
