"""``choice``: pick the right option(s); one key is all or nothing, several keys earn partial credit."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar, Self

from .. import strict_yaml
from ..catalog import Registry
from .base import (
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
    common_fields,
    layout_order,
)

ID_LIST_SCHEMA = {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"$ref": "#/$defs/id"}}


@dataclass(frozen=True, kw_only=True)
class ChoiceQuestion(Question[tuple[str, ...]]):
    """Options with text; the answer is the chosen option ids, sorted (one only unless ``multiple``)."""

    type: ClassVar[str] = "choice"
    layout_parts: ClassVar[tuple[str, ...]] = ("options",)
    schema_properties: ClassVar[Mapping[str, Any]] = {
        "options": {"type": "object", "minProperties": 2, "propertyNames": {"$ref": "#/$defs/id"},
                    "additionalProperties": {"$ref": "#/$defs/text"}},
        "answer": {"oneOf": [{"$ref": "#/$defs/id"}, ID_LIST_SCHEMA]},
        "feedback": {"type": "object", "additionalProperties": {"type": "string"}},
    }
    schema_required: ClassVar[tuple[str, ...]] = ("options", "answer")

    options: tuple[str, ...]  # option ids, in file order
    option_text: Mapping[str, str]
    answer: tuple[str, ...]  # the keys, in file order
    multiple: bool = False  # the key was written as a list: checkboxes and partial credit
    feedback: Mapping[str, str] = field(default_factory=dict)  # by option id

    @classmethod
    def check(cls, node: Mapping[str, Any], ctx: CheckContext, where: str) -> None:
        """Every key and feedback entry is an option."""
        options = tuple(node.get("options") or {})
        answer = node.get("answer")
        keys = answer if isinstance(answer, list) else [answer]
        for i, key in enumerate(keys):
            line = strict_yaml.line_of(answer, i) if isinstance(answer, list) else strict_yaml.line_of(node, "answer")
            ctx.check_key(key, options, line, where)
        ctx.check_feedback(node, options, where)

    @classmethod
    def build(cls, node: Mapping[str, Any], registry: Registry) -> Self:
        """The question from its checked YAML mapping; a list as ``answer`` makes it a several-key question."""
        answer = node["answer"]
        multiple = isinstance(answer, list)
        return cls(**common_fields(node), options=tuple(node["options"]),
                   option_text={k: v.strip() for k, v in node["options"].items()},
                   answer=tuple(answer) if multiple else (answer,), multiple=multiple,
                   feedback=dict(node.get("feedback") or {}))

    def key(self, model: str) -> tuple[str, ...]:
        """The key option ids (the same under every model)."""
        return self.answer

    @property
    def has_model_variants(self) -> bool:
        """Never: choice keys do not depend on the operating model."""
        return False

    def clean_answer(self, raw: object) -> tuple[str, ...]:
        """An option id or a list of them, as a sorted tuple."""
        chosen = [raw] if isinstance(raw, str) else raw
        if not isinstance(chosen, list | tuple) or not all(isinstance(c, str) for c in chosen):
            raise AnswerError(f"question {self.id}: expected an option id or a list of them")
        for option in chosen:
            if option not in self.options:
                raise AnswerError(f"question {self.id}: '{option}' is not one of its options ({', '.join(self.options)})")
        if not self.multiple and len(chosen) > 1:
            raise AnswerError(f"question {self.id}: only one option may be chosen")
        return tuple(sorted(set(chosen)))

    def score(self, answer: tuple[str, ...] | None, model: str) -> tuple[ItemResult, ...]:
        """One key: all or nothing; several: points × max(0, (keys chosen − non-keys chosen) / keys)."""
        keys = set(self.key(model))
        chosen = set(answer or ())
        if self.multiple:
            earned = self.points * max(Fraction(0), Fraction(len(chosen & keys) - len(chosen - keys), len(keys)))
        else:
            earned = self.points if chosen == keys else Fraction(0)
        return (self.item("", self.area, ",".join(sorted(keys)), ",".join(sorted(chosen)) or None, earned, self.points,
                          correct=chosen == keys),)

    def layout_items(self, part: str) -> tuple[str, ...]:
        """The option ids (the only list it shuffles)."""
        return self.options if part == "options" else ()

    def inputs(self, layout: Layout, registry: Registry) -> tuple[Input, ...]:
        """One radio group of options, or checkboxes for several keys."""
        order = layout_order(layout, "options", self.id, self.options)
        return (Input("", "Your answer", tuple((o, self.option_text[o]) for o in order), multiple=self.multiple),)

    def answer_from_inputs(self, values: Mapping[str, InputValue]) -> tuple[str, ...] | None:
        """The chosen option ids."""
        value = values.get("")
        chosen = [value] if isinstance(value, str) else (value or [])
        return tuple(sorted({c for c in chosen if c})) or None

    def input_values(self, answer: tuple[str, ...]) -> dict[str, InputValue]:
        """The chosen option ids (one id for a radio group)."""
        if self.multiple:
            return {"": list(answer)}
        return {"": answer[0] if answer else None}

    def describe(self, item: ItemResult, registry: Registry) -> ItemWords:
        """The texts of the options chosen and of the keys, and the feedback of each option chosen."""
        chosen = [o for o in (item.given or "").split(",") if o]
        keys = [o for o in item.expected.split(",") if o]
        return ItemWords("Your answer", "; ".join(self.option_text.get(o, o) for o in chosen) or NOT_ANSWERED,
                         "; ".join(self.option_text.get(o, o) for o in keys),
                         " ".join(self.feedback[o] for o in chosen if o in self.feedback))

    def xapi_interaction(self, items: Sequence[ItemResult], registry: Registry) -> Interaction:
        """A choice among its options; the response and the key are option ids joined by '[,]'."""
        item = items[0]
        return Interaction("choice", "[,]".join(o for o in (item.given or "").split(",") if o),
                           "[,]".join(o for o in item.expected.split(",") if o),
                           choices=tuple((o, self.option_text[o]) for o in self.options))

    def simulate(self, model: str, skill: float, rng: random.Random) -> tuple[str, ...] | None:
        """The keys, else one key and a wrong option (several keys) or a wrong option (one key)."""
        keys = list(self.key(model))
        others = [o for o in self.options if o not in keys]
        if rng.random() < skill or not others:
            return tuple(keys) if self.multiple else (keys[0],)
        if self.multiple:
            return tuple(sorted({keys[0], rng.choice(others)}))
        return (rng.choice(others),)
