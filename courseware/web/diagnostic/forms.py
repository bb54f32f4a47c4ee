"""The self-diagnostic form, generated from content/diagnostic.yaml: one field per question."""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from ...core.diagnostic import Diagnostic
from ..forms_common import Form, MultiCheckboxField

ANSWER_PREFIX = "q_"  # field names: q_<question id>


def diagnostic_form(diagnostic: Diagnostic, target_choices: list[tuple[str, str]] | None = None,
                    **kwargs: Any) -> Form:
    """A form with a radio group (or checkboxes) per question, and a target select when applying."""

    class DiagnosticForm(Form):
        pass

    for question in diagnostic.questions:
        choices = [SelectChoice(a.id, a.text) for a in question.answers]
        required = InputRequired(message="Answer this question.")
        field = (MultiCheckboxField(question.text, choices=choices, validators=[required], description=question.hint)
                 if question.multiple else
                 RadioField(question.text, choices=choices, validators=[required], description=question.hint))
        setattr(DiagnosticForm, ANSWER_PREFIX + question.id, field)
    if target_choices is not None:
        DiagnosticForm.target = SelectField(  # type: ignore[attr-defined]
            "Apply to", choices=[SelectChoice(value, label) for value, label in target_choices])
    return DiagnosticForm(**kwargs)


def answers_of(form: Form, diagnostic: Diagnostic) -> dict[str, str | list[str]]:
    """{question id: answer id, or a list for several} from a validated form."""
    return {q.id: form[ANSWER_PREFIX + q.id].data for q in diagnostic.questions}
