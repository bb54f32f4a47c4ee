"""The attempt form, generated from the quiz's question types and the attempt's frozen layout.

Each question type describes its inputs as plain data (``Question.inputs``); this module turns each into one
WTForms field (radio buttons, or checkboxes when several may be chosen) and the submitted values back into
the grader's answers.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from threading import Lock
from typing import Any

from flask import current_app, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from wtforms import Field, RadioField, ValidationError
from wtforms.fields.choices import SelectChoice

from ...core.catalog import Registry
from ...core.grading import AnswerError
from ...core.questions import Input, InputValue, Question
from ...core.quiz import Quiz
from ...core.text import has_control_characters
from ..forms_common import Form, MultiCheckboxField


def field_name(question_id: str, item_id: str = "") -> str:
    """The form field name of a question, or of one item (task, role…) within it."""
    return f"q__{question_id}__{item_id}" if item_id else f"q__{question_id}"


def template_name(question: Question[Any]) -> str:
    """The partial that shows a question of this type on the attempt page."""
    return f"quiz/questions/_{question.type}.html"


def _field(spec: Input) -> Field:
    # Unanswered is allowed (it earns 0); the grader checks that what was sent is offered.
    choices = [SelectChoice(value, label) for value, label in spec.choices]
    if spec.multiple:
        return MultiCheckboxField(choices=choices, validate_choice=False)
    return RadioField(choices=choices, validate_choice=False)


_FORM_CLASSES: OrderedDict[tuple[Any, ...], type[FlaskForm]] = OrderedDict()
FORM_CLASSES_KEPT = 512  # distinct field sets (a quiz's draws and choice orders), least recently used dropped
_FORM_CLASSES_LOCK = Lock()


def attempt_form_class(quiz: Quiz, layout: Mapping[str, Any], registry: Registry) -> type[FlaskForm]:
    """A form class with one field per input of each question shown (a route question, a split task…).

    Built once per field set (names, kinds and choices in order) and kept: a WTForms class costs far more to
    create than to look up, and attempts of one quiz share a few field sets.
    """
    specs = [(field_name(q.id, spec.item_id), spec)
             for question_id in layout["questions"] if (q := quiz.question(question_id)) is not None
             for spec in q.inputs(layout, registry)]
    key = tuple((name, spec.multiple, tuple(spec.choices)) for name, spec in specs)
    with _FORM_CLASSES_LOCK:
        found = _FORM_CLASSES.get(key)
        if found is not None:
            _FORM_CLASSES.move_to_end(key)
            return found
    fields: dict[str, Field] = {name: _field(spec) for name, spec in specs}
    made = type("AttemptForm", (Form,), fields)  # the base Form refuses control characters in any answer
    with _FORM_CLASSES_LOCK:
        _FORM_CLASSES[key] = made
        while len(_FORM_CLASSES) > FORM_CLASSES_KEPT:
            _FORM_CLASSES.popitem(last=False)
    return made


@dataclass(frozen=True)
class Slot:
    """One input of a question with its bound form field, for the question's partial."""

    input: Input
    field: Any


@dataclass(frozen=True)
class QuestionBlock:
    """A question as the attempt page shows it: its partial and its inputs with their fields."""

    question: Question[Any]
    template: str
    slots: tuple[Slot, ...]


def question_blocks(quiz: Quiz, layout: Mapping[str, Any], form: FlaskForm, registry: Registry) -> list[QuestionBlock]:
    """The questions in the attempt's order, each with its partial and bound fields."""
    blocks = []
    for question_id in layout["questions"]:
        q = quiz.question(question_id)
        if q is None:
            continue
        slots = tuple(Slot(spec, form[field_name(q.id, spec.item_id)]) for spec in q.inputs(layout, registry))
        blocks.append(QuestionBlock(q, template_name(q), slots))
    return blocks


def answers_from_form(quiz: Quiz, layout: Mapping[str, Any], form: FlaskForm, registry: Registry) -> dict[str, Any]:
    """Turn submitted fields into the grader's answers (unanswered left out)."""
    answers: dict[str, Any] = {}
    for q in quiz.questions:
        values: dict[str, InputValue] = {
            spec.item_id: form[name].data
            for spec in q.inputs(layout, registry) if (name := field_name(q.id, spec.item_id)) in form
        }
        answer = q.answer_from_inputs(values)
        if answer is not None:
            answers[q.id] = answer
    return answers


def answers_from_post(quiz: Quiz, layout: Mapping[str, Any], registry: Registry) -> dict[str, Any] | None:
    """The grader's answers read straight from the submitted fields, exactly as the attempt form reads them (a radio:
    its first value, else None; checkboxes: every value sent), without building the form — or None when the form
    must decide: nothing posted, a CSRF token that does not check, or a control character in any value sent
    (the form then puts its message on the field).

    A submit that reads cleanly costs the fields' lookups and one token check instead of a bound WTForms form.
    ``tests/web/test_quiz_answers.py`` holds it equal to ``answers_from_form`` on valid forms.
    """
    sent = request.form
    if not sent:
        return None
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        token = sent.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
        if has_control_characters(token):
            return None
        try:
            validate_csrf(token)  # the form's own check: the same secret, time limit and session token
        except ValidationError:
            return None
    shown = set(layout["questions"])  # the form has fields for the questions the attempt drew
    answers: dict[str, Any] = {}
    for q in quiz.questions:
        values: dict[str, InputValue] = {}
        if q.id in shown:
            for spec in q.inputs(layout, registry):
                given = sent.getlist(field_name(q.id, spec.item_id))
                if any(has_control_characters(value) for value in given):
                    return None
                values[spec.item_id] = given if spec.multiple else (given[0] if given else None)
        answer = q.answer_from_inputs(values)
        if answer is not None:
            answers[q.id] = answer
    return answers


def prefill(quiz: Quiz, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Form data from stored answers (to show a submitted form again); answers that no longer fit are left out."""
    data: dict[str, Any] = {}
    for qid, raw in answers.items():
        q = quiz.question(qid)
        if q is None or raw is None:
            continue
        try:
            values = q.input_values(q.clean_answer(raw))
        except AnswerError:
            continue
        data.update({field_name(q.id, item_id): value for item_id, value in values.items()})
    return data
