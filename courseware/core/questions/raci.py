"""``raci``: an R, A, C or I for each owner role; points shared equally between the roles."""

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
    RuleBreak,
    by_model_schema,
    common_fields,
    matching_pairs,
)

RACI_LETTERS = ("R", "A", "C", "I")
RACI_LABELS = {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"}
LETTER_CHOICES = tuple((letter, RACI_LABELS[letter]) for letter in RACI_LETTERS)
ONE_ACCOUNTABLE, SOMEONE_RESPONSIBLE = "one-accountable", "someone-responsible"  # the rules an answer can break


def accountable_break(accountable: Any) -> Any:
    """The one-A rule is broken (no A, or two or more): a bool for a count, an SQL condition for a column."""
    return accountable != 1


def responsible_break(responsible: Any, key_responsible: Any) -> Any:
    """No R is given where the key itself gives one (today's keys often have none): a bool, or an SQL condition."""
    return (key_responsible > 0) & (responsible == 0)


@dataclass(frozen=True, kw_only=True)
class RaciQuestion(Question[dict[str, str]]):
    """A letter for each owner role; the answer maps owner role ids to letters."""

    type: ClassVar[str] = "raci"
    item_heading: ClassVar[str] = "Role"
    schema_properties: ClassVar[Mapping[str, Any]] = {
        "roles": {"$ref": "#/$defs/roleList"},
        "answer": {"$ref": "#/$defs/raciKey"},
        "answer_by_model": by_model_schema({"$ref": "#/$defs/raciKey"}),
    }
    schema_required: ClassVar[tuple[str, ...]] = ("roles", "answer")
    schema_defs: ClassVar[Mapping[str, Any]] = {
        "raciKey": {"type": "object", "minProperties": 2, "additionalProperties": {"enum": list(RACI_LETTERS)}},
    }

    owner_roles: tuple[str, ...]  # `roles` in the file, in the order written (never shuffled)
    answer: Mapping[str, str]
    answer_by_model: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def check(cls, node: Mapping[str, Any], ctx: CheckContext, where: str) -> None:
        """Owner roles exist; each key gives one letter to each role and has exactly one A."""
        roles = ctx.check_owner_roles(node, "roles", where)
        _check_key(ctx, node.get("answer"), roles, strict_yaml.line_of(node, "answer"), where)
        for model, key in (node.get("answer_by_model") or {}).items():
            _check_key(ctx, key, roles, strict_yaml.line_of(node["answer_by_model"], model), f"{where} ({model})")

    @classmethod
    def build(cls, node: Mapping[str, Any], registry: Registry) -> Self:
        """The question from its checked YAML mapping."""
        return cls(**common_fields(node), owner_roles=tuple(node["roles"]), answer=dict(node["answer"]),
                   answer_by_model={m: dict(k) for m, k in (node.get("answer_by_model") or {}).items()})

    def key(self, model: str) -> Mapping[str, str]:
        """The letter of each owner role under ``model``."""
        return self.answer_by_model.get(model, self.answer)

    @property
    def has_model_variants(self) -> bool:
        """Whether the key depends on the operating model."""
        return bool(self.answer_by_model)

    def clean_answer(self, raw: object) -> dict[str, str]:
        """{owner role: letter}, unanswered roles left out."""
        if not isinstance(raw, Mapping):
            raise AnswerError(f"question {self.id}: expected {{role: letter}}")
        for role, letter in raw.items():
            if role not in self.owner_roles:
                raise AnswerError(f"question {self.id}: role '{role}' is not one of its roles ({', '.join(self.owner_roles)})")
            if letter is not None and letter not in RACI_LETTERS:
                raise AnswerError(f"question {self.id} role {role}: '{letter}' is not R, A, C or I")
        return {r: letter for r, letter in raw.items() if letter is not None}

    def score(self, answer: dict[str, str] | None, model: str) -> tuple[ItemResult, ...]:
        """points × roles whose letter matches / roles, one item per owner role."""
        given = answer or {}
        key = self.key(model)
        share = self.points / len(self.owner_roles)
        return tuple(
            self.item(role, self.area, key[role], given.get(role), share if given.get(role) == key[role] else Fraction(0),
                      share)
            for role in self.owner_roles
        )

    @classmethod
    def rule_breaks(cls, items: Sequence[ItemResult]) -> tuple[RuleBreak, ...]:
        """An answered RACI with no A or several A's, or with no R where the key has one; scoring is unchanged."""
        given = {i.item_id: i.given for i in items if i.given}
        if not given:
            return ()
        breaks = []
        accountable = tuple(role for role, letter in given.items() if letter == "A")
        if accountable_break(len(accountable)):
            breaks.append(RuleBreak(
                ONE_ACCOUNTABLE,
                f"{len(accountable)} roles are Accountable ({{roles}}): a RACI has exactly one A." if accountable
                else "No role is Accountable: a RACI has exactly one A.", accountable))
        responsible = sum(1 for letter in given.values() if letter == "R")
        if responsible_break(responsible, sum(1 for i in items if i.expected == "R")):
            breaks.append(RuleBreak(SOMEONE_RESPONSIBLE, "No role is Responsible: someone has to do the work.",
                                    reveals_key=True))  # it applies only where the key gives an R
        return tuple(breaks)

    def inputs(self, layout: Layout, registry: Registry) -> tuple[Input, ...]:
        """A radio group of letters per owner role, roles in the registry's order."""
        return tuple(Input(role, registry.owner_role_label(role), LETTER_CHOICES)
                     for role in registry.in_owner_role_order(self.owner_roles))

    def answer_from_inputs(self, values: Mapping[str, InputValue]) -> dict[str, str] | None:
        """The letter chosen for each answered owner role."""
        chosen = {r: v for r in self.owner_roles if isinstance(v := values.get(r), str) and v}
        return chosen or None

    def input_values(self, answer: dict[str, str]) -> dict[str, InputValue]:
        """The chosen letter of each owner role."""
        return dict(answer)

    def describe(self, item: ItemResult, registry: Registry) -> ItemWords:
        """The owner role, and the letters chosen and expected."""
        return ItemWords(registry.owner_role_label(item.item_id), item.given or NOT_ANSWERED, item.expected)

    def xapi_interaction(self, items: Sequence[ItemResult], registry: Registry) -> Interaction:
        """A matching of its owner roles (the sources) to the letters R, A, C, I (the targets)."""
        return Interaction("matching", matching_pairs([(i.item_id, i.given) for i in items]),
                           matching_pairs([(i.item_id, i.expected) for i in items]),
                           source=tuple((i.item_id, registry.owner_role_label(i.item_id)) for i in items),
                           target=LETTER_CHOICES)

    def simulate(self, model: str, skill: float, rng: random.Random) -> dict[str, str] | None:
        """Each owner role: the key's letter, else another one."""
        key = self.key(model)
        return {r: key[r] if rng.random() < skill else rng.choice([x for x in RACI_LETTERS if x != key[r]])
                for r in self.owner_roles}


def _check_key(ctx: CheckContext, answer: Any, roles: tuple[str, ...], line: int, where: str) -> None:
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
        ctx.add(line, f"{where}: the RACI key must give one letter to each role ({detail})")
    accountable = [r for r, letter in answer.items() if letter == "A"]
    if len(accountable) != 1:
        ctx.add(line, f"{where}: a RACI key needs exactly one A (found {len(accountable)})")
