"""``route``: one piece of work, one owner role; all the points for the key, else none."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from .. import strict_yaml
from ..catalog import Registry
from .base import (
    AnswerError,
    CheckContext,
    Input,
    InputValue,
    Interaction,
    ItemResult,
    ItemWords,
    Layout,
    Question,
    by_model_schema,
    common_fields,
    matching_pairs,
)
from .owner_roles import owner_role_words, simulated_owner_role

FEEDBACK_SCHEMA = {"type": "object", "additionalProperties": {"type": "string"}}


@dataclass(frozen=True, kw_only=True)
class RouteQuestion(Question[str]):
    """Which owner role does this work? The answer is one owner role id."""

    type: ClassVar[str] = "route"
    routes_work: ClassVar[bool] = True
    layout_parts: ClassVar[tuple[str, ...]] = ("options",)
    owner_role_parts: ClassVar[tuple[str, ...]] = ("options",)
    schema_properties: ClassVar[Mapping[str, Any]] = {
        "options": {"$ref": "#/$defs/roleList"},
        "answer": {"$ref": "#/$defs/id"},
        "answer_by_model": by_model_schema({"$ref": "#/$defs/id"}),
        "feedback": FEEDBACK_SCHEMA,
        "feedback_by_model": by_model_schema(FEEDBACK_SCHEMA),
    }
    schema_required: ClassVar[tuple[str, ...]] = ("options", "answer")

    options: tuple[str, ...]  # owner role ids
    answer: str
    answer_by_model: Mapping[str, str] = field(default_factory=dict)
    feedback: Mapping[str, str] = field(default_factory=dict)  # by owner role id
    feedback_by_model: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # {model: {role: text}}

    @classmethod
    def check(cls, node: Mapping[str, Any], ctx: CheckContext, where: str) -> None:
        """Owner roles exist; every key and feedback entry is among the options."""
        options = ctx.check_owner_roles(node, "options", where)
        ctx.check_key(node.get("answer"), options, strict_yaml.line_of(node, "answer"), where)
        for model, key in (node.get("answer_by_model") or {}).items():
            ctx.check_key(key, options, strict_yaml.line_of(node["answer_by_model"], model), f"{where} ({model})")
        ctx.check_feedback(node, options, where)
        for model, feedback in (node.get("feedback_by_model") or {}).items():
            ctx.check_feedback({"feedback": feedback}, options, f"{where} ({model})")

    @classmethod
    def build(cls, node: Mapping[str, Any], registry: Registry) -> Self:
        """The question from its checked YAML mapping."""
        return cls(**common_fields(node), options=tuple(node["options"]), answer=node["answer"],
                   answer_by_model=dict(node.get("answer_by_model") or {}), feedback=dict(node.get("feedback") or {}),
                   feedback_by_model={m: dict(f) for m, f in (node.get("feedback_by_model") or {}).items()})

    def key(self, model: str) -> str:
        """The owner role that does this work under ``model``."""
        return self.answer_by_model.get(model, self.answer)

    @property
    def has_model_variants(self) -> bool:
        """Whether the key depends on the operating model."""
        return bool(self.answer_by_model)

    def clean_answer(self, raw: object) -> str:
        """One of its owner roles."""
        if not isinstance(raw, str) or raw not in self.options:
            raise AnswerError(f"question {self.id}: '{raw}' is not one of its options ({', '.join(self.options)})")
        return raw

    def score(self, answer: str | None, model: str) -> tuple[ItemResult, ...]:
        """All the points when the chosen owner role is the key; the near-miss share for a listed pair (opt-in)."""
        return (self.near_miss_item("", self.area, self.key(model), answer, self.points),)

    def layout_items(self, part: str) -> tuple[str, ...]:
        """The options (frozen with the attempt, shown in the registry's order)."""
        return self.options if part == "options" else ()

    def inputs(self, layout: Layout, registry: Registry) -> tuple[Input, ...]:
        """One radio group of owner roles, in the registry's order (never shuffled: the same place every time)."""
        order = registry.in_owner_role_order(self.options)
        return (Input("", "Your answer", tuple((r, registry.owner_role_label(r)) for r in order)),)

    def answer_from_inputs(self, values: Mapping[str, InputValue]) -> str | None:
        """The chosen owner role."""
        value = values.get("")
        return value if isinstance(value, str) and value else None

    def input_values(self, answer: str) -> dict[str, InputValue]:
        """The chosen owner role, for the radio group."""
        return {"": answer}

    def describe(self, item: ItemResult, registry: Registry) -> ItemWords:
        """The chosen and the expected owner role, and the feedback for the one chosen."""
        return ItemWords("Your answer", owner_role_words(registry, item.given), registry.owner_role_label(item.expected),
                         self.feedback.get(item.given or "", ""))

    def describe_for(self, item: ItemResult, registry: Registry, model: str) -> ItemWords:
        """As ``describe``, with the feedback written for ``model`` where there is one."""
        words = self.describe(item, registry)
        own = self.feedback_by_model.get(model, {}).get(item.given or "")
        return words if own is None else ItemWords(words.label, words.given, words.expected, own)

    def xapi_interaction(self, items: Sequence[ItemResult], registry: Registry) -> Interaction:
        """A matching of its one piece of work (the source) to an owner role (the targets)."""
        item = items[0]
        return Interaction("matching", matching_pairs([(self.id, item.given)]), matching_pairs([(self.id, item.expected)]),
                           source=((self.id, self.prompt),),
                           target=tuple((r, registry.owner_role_label(r)) for r in self.options))

    def simulate(self, model: str, skill: float, rng: random.Random) -> str | None:
        """The key, or a likely confusion."""
        return simulated_owner_role(self.key(model), self.options, skill, rng)
