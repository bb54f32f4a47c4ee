"""``split``: several tasks, each routed to an owner role on its own; points shared equally between the tasks."""

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
    layout_order,
    matching_pairs,
)
from .owner_roles import owner_role_words, simulated_owner_role

TASK_SCHEMA = {
    "type": "object",
    "required": ["id", "text", "answer"],
    "additionalProperties": False,
    "properties": {
        "id": {"$ref": "#/$defs/id"},
        "text": {"$ref": "#/$defs/text"},
        "answer": {"$ref": "#/$defs/id"},
        "answer_by_model": by_model_schema({"$ref": "#/$defs/id"}),
        "area": {"$ref": "#/$defs/id"},
        "feedback": {"type": "string"},
        "work": {"$ref": "#/$defs/id"},
        "account": {"enum": ["small", "large"]},
        "contact": {"enum": ["senior", "junior"]},
        "feedback_by_model": by_model_schema({"type": "string"}),
    },
}


@dataclass(frozen=True)
class Task:
    """One piece of work in a split question, routed on its own."""

    id: str
    text: str
    answer: str
    answer_by_model: Mapping[str, str] = field(default_factory=dict)
    area: str | None = None
    feedback: str = ""
    feedback_by_model: Mapping[str, str] = field(default_factory=dict)  # overrides ``feedback`` per model
    work: str | None = None  # the piece of work in the master RACI this task tests
    contact: str | None = None  # 'senior' or 'junior': the client contact the task names
    account: str | None = None  # when one question covers two accounts: this task's ('small' or 'large')

    def key(self, model: str) -> str:
        """The owner role that owns this task under ``model``."""
        return self.answer_by_model.get(model, self.answer)

    def feedback_for(self, model: str) -> str:
        """The feedback a learner under ``model`` reads."""
        return self.feedback_by_model.get(model, self.feedback)


@dataclass(frozen=True, kw_only=True)
class SplitQuestion(Question[dict[str, str]]):
    """Route each task; the answer maps task ids to owner role ids."""

    type: ClassVar[str] = "split"
    routes_work: ClassVar[bool] = True
    item_heading: ClassVar[str] = "Task"
    layout_parts: ClassVar[tuple[str, ...]] = ("options", "tasks")
    owner_role_parts: ClassVar[tuple[str, ...]] = ("options",)
    schema_properties: ClassVar[Mapping[str, Any]] = {
        "options": {"$ref": "#/$defs/roleList"},
        "tasks": {"type": "array", "minItems": 1, "items": TASK_SCHEMA},
    }
    schema_required: ClassVar[tuple[str, ...]] = ("tasks",)

    options: tuple[str, ...]  # owner role ids
    tasks: tuple[Task, ...]

    @classmethod
    def check(cls, node: Mapping[str, Any], ctx: CheckContext, where: str) -> None:
        """Owner roles exist; task ids are unique; every task's area and keys are valid."""
        options = ctx.check_owner_roles(node, "options", where)
        seen: dict[str, int] = {}
        for i, task in enumerate(node.get("tasks") or []):
            line = strict_yaml.line_of(node["tasks"], i)
            task_where = f"{where} task {task.get('id')}"
            if task.get("id") in seen:
                ctx.add(line, f"{task_where}: duplicate task id (first at line {seen[task['id']]})")
            seen.setdefault(task.get("id"), line)
            ctx.check_area(task, task_where)
            ctx.check_key(task.get("answer"), options, strict_yaml.line_of(task, "answer", line), task_where)
            for model, key in (task.get("answer_by_model") or {}).items():
                ctx.check_key(key, options, strict_yaml.line_of(task["answer_by_model"], model, line),
                              f"{task_where} ({model})")

    @classmethod
    def build(cls, node: Mapping[str, Any], registry: Registry) -> Self:
        """The question from its checked YAML mapping; without ``options`` every owner role is offered."""
        tasks = tuple(
            Task(t["id"], t["text"].strip(), t["answer"], dict(t.get("answer_by_model") or {}), t.get("area"),
                 (t.get("feedback") or "").strip(),
                 {m: text.strip() for m, text in (t.get("feedback_by_model") or {}).items()},
                 t.get("work"), t.get("contact"), t.get("account"))
            for t in node["tasks"]
        )
        options = tuple(node.get("options") or (r.id for r in registry.owner_roles))
        return cls(**common_fields(node), options=options, tasks=tasks)

    def task(self, task_id: str) -> Task | None:
        """The task with this id."""
        return next((t for t in self.tasks if t.id == task_id), None)

    def item_text(self, item_id: str) -> str | None:
        """The task's text."""
        task = self.task(item_id)
        return task.text if task is not None else None

    @property
    def has_model_variants(self) -> bool:
        """Whether any task's key depends on the operating model."""
        return any(t.answer_by_model for t in self.tasks)

    def clean_answer(self, raw: object) -> dict[str, str]:
        """{task id: owner role}, unanswered tasks left out."""
        if not isinstance(raw, Mapping):
            raise AnswerError(f"question {self.id}: expected {{task id: role}}")
        for task_id, role in raw.items():
            if self.task(task_id) is None:
                raise AnswerError(f"question {self.id}: unknown task id '{task_id}'")
            if role is not None and role not in self.options:
                raise AnswerError(f"question {self.id} task {task_id}: '{role}' is not one of its options "
                                  f"({', '.join(self.options)})")
        return {t: r for t, r in raw.items() if r is not None}

    def score(self, answer: dict[str, str] | None, model: str) -> tuple[ItemResult, ...]:
        """points × tasks routed correctly / tasks, one item per task (in the task's area, else the question's);
        a near-miss pair earns its share of the task's points when the quiz opts in."""
        given = answer or {}
        share = self.points / len(self.tasks)
        return tuple(self.near_miss_item(task.id, task.area or self.area, task.key(model), given.get(task.id), share)
                     for task in self.tasks)

    def layout_items(self, part: str) -> tuple[str, ...]:
        """The options or the task ids."""
        if part == "options":
            return self.options
        return tuple(t.id for t in self.tasks) if part == "tasks" else ()

    def inputs(self, layout: Layout, registry: Registry) -> tuple[Input, ...]:
        """A radio group of owner roles per task (tasks in the attempt's order, roles in the registry's)."""
        roles = tuple((r, registry.owner_role_label(r)) for r in registry.in_owner_role_order(self.options))
        order = layout_order(layout, "tasks", self.id, self.layout_items("tasks"))
        return tuple(Input(task_id, self.item_text(task_id) or task_id, roles) for task_id in order)

    def answer_from_inputs(self, values: Mapping[str, InputValue]) -> dict[str, str] | None:
        """The owner role chosen for each answered task."""
        chosen = {t.id: v for t in self.tasks if isinstance(v := values.get(t.id), str) and v}
        return chosen or None

    def input_values(self, answer: dict[str, str]) -> dict[str, InputValue]:
        """The chosen owner role of each task."""
        return dict(answer)

    def describe(self, item: ItemResult, registry: Registry) -> ItemWords:
        """The task's text, the chosen and expected owner roles, and the task's feedback."""
        return self.describe_for(item, registry, "")

    def describe_for(self, item: ItemResult, registry: Registry, model: str) -> ItemWords:
        """As ``describe``, with the task's feedback written for ``model`` where there is one."""
        task = self.task(item.item_id)
        return ItemWords(task.text if task else item.item_id, owner_role_words(registry, item.given),
                         registry.owner_role_label(item.expected), task.feedback_for(model) if task else "")

    def xapi_interaction(self, items: Sequence[ItemResult], registry: Registry) -> Interaction:
        """A matching of its tasks (the sources) to owner roles (the targets)."""
        return Interaction("matching", matching_pairs([(i.item_id, i.given) for i in items]),
                           matching_pairs([(i.item_id, i.expected) for i in items]),
                           source=tuple((i.item_id, self.item_text(i.item_id) or i.item_id) for i in items),
                           target=tuple((r, registry.owner_role_label(r)) for r in self.options))

    def simulate(self, model: str, skill: float, rng: random.Random) -> dict[str, str] | None:
        """Each task: the key, or a likely confusion."""
        picks = {t.id: simulated_owner_role(t.key(model), self.options, skill, rng) for t in self.tasks}
        chosen = {t: r for t, r in picks.items() if r is not None}
        return chosen or None
