"""The attempt form, generated from the quiz definition and the attempt's frozen layout."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, RadioField
from wtforms.fields.choices import SelectChoice

from ...core.catalog import Registry
from ...core.quiz import RACI_LETTERS, Quiz
from ..forms_common import MultiCheckboxField

RACI_LABELS = {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"}


def field_name(question_id: str, item_id: str = "") -> str:
    """The form field name of a question, or of one task/role within it."""
    return f"q__{question_id}__{item_id}" if item_id else f"q__{question_id}"


def _radio(choices: list[SelectChoice]) -> RadioField:
    # Unanswered is allowed (it earns 0); the grader checks that what was sent is offered.
    return RadioField(choices=choices, validate_choice=False)


def attempt_form_class(quiz: Quiz, layout: dict[str, Any], registry: Registry) -> type[FlaskForm]:
    """A FlaskForm class with one field per route/choice question, split task and RACI role."""
    fields: dict[str, Field] = {}
    for question_id in layout["questions"]:
        q = quiz.question(question_id)
        if q is None:
            continue
        order = layout["options"].get(q.id, list(q.options))
        if q.type == "route":
            fields[field_name(q.id)] = _radio([SelectChoice(r, registry.owner_role_label(r)) for r in order])
        elif q.type == "split":
            roles = [SelectChoice(r, registry.owner_role_label(r)) for r in order]
            for task_id in layout["tasks"].get(q.id, [t.id for t in q.tasks]):
                fields[field_name(q.id, task_id)] = _radio(roles)
        elif q.type == "raci":
            letters = [SelectChoice(letter, letter) for letter in RACI_LETTERS]
            for role in q.roles:
                fields[field_name(q.id, role)] = _radio(letters)
        else:
            choices = [SelectChoice(o, q.option_text[o]) for o in order]
            fields[field_name(q.id)] = (
                MultiCheckboxField(choices=choices, validate_choice=False) if q.multiple else _radio(choices)
            )
    return type("AttemptForm", (FlaskForm,), fields)


def answers_from_form(quiz: Quiz, form: FlaskForm) -> dict[str, Any]:
    """Turn submitted fields into the grader's answers (unanswered left out)."""
    answers: dict[str, Any] = {}
    for q in quiz.questions:
        if q.type in ("route", "choice"):
            value = form[field_name(q.id)].data if field_name(q.id) in form else None
            if value:
                answers[q.id] = value
        else:
            items = [t.id for t in q.tasks] if q.type == "split" else list(q.roles)
            chosen = {i: form[field_name(q.id, i)].data for i in items if field_name(q.id, i) in form}
            chosen = {i: v for i, v in chosen.items() if v}
            if chosen:
                answers[q.id] = chosen
    return answers


def prefill(quiz: Quiz, answers: dict[str, Any]) -> dict[str, Any]:
    """Form data from stored answers (to show a submitted form again)."""
    data: dict[str, Any] = {}
    for q in quiz.questions:
        value = answers.get(q.id)
        if value is None:
            continue
        if isinstance(value, dict):
            data.update({field_name(q.id, k): v for k, v in value.items()})
        else:
            data[field_name(q.id)] = value
    return data
